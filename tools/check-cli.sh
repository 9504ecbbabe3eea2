#!/bin/bash
# check-cli.sh: the command line's contract, read from the built program
# itself so that a new command is checked without editing this file.
# For every command `xl-oci help` lists:
#   - `xl-oci CMD --help` exits 0 and prints its "Usage:" line, and its
#     last line does not end mid-sentence (on "the", "'s", a comma);
#   - xl-oci(1) has an `=item B<CMD>` entry for it (a group such as
#     `network` has one for each of its commands instead);
#   - when its usage names --json, -j is taken too (as by list and
#     status): `CMD -j` (with a name that does not exist, for a command
#     that needs one) is no usage error (exit 2) in an empty state root.
# And `help NAME` of an unknown NAME suggests as `xl-oci NAME` does.
# Prints one line per offence and exits 1 when there is any.  Run by
# tier 95 after `make all`.
set -u
cd "$(dirname "$0")/.."
X=${XL_OCI:-build/xl-oci}
[ -x "$X" ] || { echo "no $X: run make all first"; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
bad=0
mapfile -t cmds < <("$X" help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\( [a-z][a-z-]*\)\{0,1\}\)  .*/\1/p')
[ ${#cmds[@]} -ge 20 ] || { echo "xl-oci help listed ${#cmds[@]} commands"; exit 1; }
for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086 # "network ls" is two words
    out=$("$X" --root "$root" $c --help 2>&1)
    rc=$?
    if [ $rc -ne 0 ] || ! grep -q '^Usage: ' <<<"$out"; then
        echo "$c --help: exit $rc, $(head -1 <<<"$out")"
        bad=1
    fi
    # Help that stops mid-sentence (helper-106: volume create's --content
    # ended "as an anonymous volume gets the image's").
    last=$(grep -v '^[[:space:]]*$' <<<"$out" | tail -1)
    if [[ $last =~ (,|\'s|[[:space:]](the|a|an|of|to|and|or|its|with))$ ]]; then
        echo "$c --help: ends mid-sentence: \"$last\""
        bad=1
    fi
    # A group (network, volume) is documented by its commands' entries.
    grep -q "^=item B<$c>" man/xl-oci.1.pod ||
        printf '%s\n' "${cmds[@]}" | grep -q "^$c " || {
        echo "$c: no =item B<$c> in man/xl-oci.1.pod"
        bad=1
    }
    usage=$(grep -m1 '^Usage: ' <<<"$out")
    case "$usage" in
    *'[--json]'*) ;;
    *) continue ;;
    esac
    operand=
    [[ $usage == *'<Name>'* ]] && operand=no-such-name-here
    # shellcheck disable=SC2086
    # A usage error is at once; events without --until follows the journal.
    out=$(timeout 3 "$X" --root "$root" $c -j $operand 2>&1 </dev/null)
    if [ $? -eq 2 ]; then
        echo "$c -j: a usage error: $(head -1 <<<"$out")"
        bad=1
    fi
done
# `help NAME` of an unknown NAME says what `xl-oci NAME` says: the near
# commands (helper-106: "help strat" named none).
for w in strat volum; do
    a=$("$X" --root "$root" help "$w" 2>&1)
    b=$("$X" --root "$root" "$w" 2>&1)
    if [ "$a" != "$b" ] || ! grep -q "^Did you mean" <<<"$a"; then
        echo "help $w: \"$a\", not as '$w' alone: \"$b\""
        bad=1
    fi
done
exit $bad
