#!/bin/bash
# check-snprintf.sh: no fixed-size buffer is filled by an snprintf() whose
# result nobody looks at.  A path, xenstore key or argument cut short names
# something else, so those go through xo_path_fmt() (common/pathfmt.h),
# which fails with ENAMETOOLONG.  A call whose result is ignored is allowed
# only with a comment, on its line or in the comment just above it, that
# says why: "may truncate: REASON" (display text, a message) or "cannot
# truncate: REASON" (a number into a buffer sized for it).  Prints
# FILE:LINE for each other call and exits 1 when there is any.  Run by
# tier 95 over the C files of the components (not tests/).
set -u
cd "$(dirname "$0")/.."
git ls-files -- 'xl-plugin/*.[ch]' 'image/*.[ch]' 'domcfg/*.[ch]' \
    'common/*.[ch]' 'netback/*.[ch]' 'hotplug/*.[ch]' 'verifier/*.[ch]' \
    'loader/*.[ch]' | xargs awk '
    function is_comment(s) {
        return s ~ /^[[:space:]]*(\/\*|\*|\/\/)/ || s ~ /\*\/[[:space:]]*$/
    }
    function allowed(s) {
        return s ~ /(may|cannot) truncate:/
    }
    FNR == 1 { n = 0 }
    { line[++n] = $0 }
    /(^|[^[:alnum:]_])v?snprintf\(/ {
        pre = $0
        sub(/v?snprintf\(.*/, "", pre)
        # The result is used when anything but (void) or else comes first on
        # the line, or the statement began on an earlier line.
        if (pre !~ /^[[:space:]]*((\(void\)|else|\}[[:space:]]*else)[[:space:]]*)?$/)
            next
        k = n - 1
        while (k > 0 && line[k] ~ /^[[:space:]]*$/)
            k--
        prev = k > 0 ? line[k] : ""
        if (!is_comment(prev) && prev !~ /[;{}):][[:space:]]*$/ &&
            prev !~ /else[[:space:]]*$/)
            next
        if (allowed($0))
            next
        ok = 0
        for (k = n - 1; k > 0 && is_comment(line[k]); k--)
            if (allowed(line[k]))
                ok = 1
        if (ok)
            next
        print FILENAME ":" FNR ": snprintf result ignored (use xo_path_fmt, or say why: may/cannot truncate)"
        bad = 1
    }
    END { exit bad }'
