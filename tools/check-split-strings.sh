#!/bin/bash
# check-split-strings.sh: user-visible messages must stay greppable (Xen's
# CODING_STYLE), so a string literal may not continue as a second literal
# on the next line ("cannot " / "open").  Prints FILE:LINE for each and
# exits 1 when there is any.  Macro-built strings ("xl-oci/" XO_VERSION)
# and comments are not messages and are not flagged.  Run by tier 95.
set -u
cd "$(dirname "$0")/.."
git ls-files '*.c' '*.h' | grep -v '^tests/' | xargs awk '
    FNR == 1 { prev = "" }
    {
        cur = $0
        if (prev ~ /"[[:space:]]*$/ && prev !~ /^[[:space:]]*(\/\/|\*|\/\*)/ &&
            cur ~ /^[[:space:]]*"/) {
            print FILENAME ":" FNR - 1 ": a message split across literals"
            bad = 1
        }
        prev = cur
    }
    END { exit bad }'
