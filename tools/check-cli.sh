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
#   - its "Usage:" line ends without a blank (helper-110: autostart's,
#     prune's and version's ended "autostart ");
#   - every option its --help lists under "Options:" is named (B<-x>,
#     B<--long>) in its man entry (or, for a group, its commands');
#   - when it needs only a name, a name that names nothing fails (exit
#     1) saying "no ... NAME".
# And `help NAME` of an unknown NAME suggests as `xl-oci NAME` does.
# The other programs' --help options are in their own man pages; every
# app.cfg key the parser knows (domcfg/app_cfg.c's known_keys) has an
# =item in xl-oci.cfg(5), and every key that page gives an =item is one
# the built program takes; every XL_OCI_* variable the built programs
# read is named in a man page (helper-110: xl-oci-runc(1) named three of
# the seventeen it reads), but for the test hooks listed below.
# Prints one line per offence and exits 1 when there is any.  Run by
# tier 95 after `make all`.
set -u
cd "$(dirname "$0")/.."
X=${XL_OCI:-build/xl-oci}
[ -x "$X" ] || { echo "no $X: run make all first"; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
bad=0
# man_entry CMD: the text of CMD's =item in xl-oci(1), its nested lists
# included, up to the next command's (a second =item B<CMD> goes on it:
# volume create has two).
man_entry() {
    awk -v c="B<$1>" '
        index($0, "=item " c) == 1 && depth == 0 { on = 1; print; next }
        !on { next }
        /^=over/ { depth++ }
        /^=back/ { if (depth == 0) exit; depth-- }
        /^=item B<[a-z]/ && depth == 0 { exit }
        { print }' man/xl-oci.1.pod
}
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
    if [[ $usage =~ [[:space:]]$ ]]; then
        echo "$c --help: the Usage: line ends in a blank: \"$usage\""
        bad=1
    fi
    entry=$(man_entry "$c")
    for o in $(sed -n '/^Options:/,$p' <<<"$out" |
        grep -oE '^ {2,}(-[a-zA-Z], )?--?[a-z][a-z0-9-]*' | grep -oE -- '--?[a-zA-Z][a-z0-9-]*'); do
        grep -qE -- "B<$o([^a-z0-9-]|\$)" <<<"$entry" || {
            echo "$c --help: $o is not in its man entry (man/xl-oci.1.pod)"
            bad=1
        }
    done
    # A NAME that names nothing is said as such, naming it (helper-110:
    # `monitor NAME` named its lock file), when NAME is all it needs.
    if [[ $usage =~ \ \<Name\>(\.\.\.)?$ ]]; then
        # shellcheck disable=SC2086
        out=$(timeout 3 "$X" --root "$root" $c no-such-name-here 2>&1 </dev/null)
        rc=$?
        # Exit 2: an option it needs comes first (update, volume create).
        if [ $rc -ne 2 ] && { [ $rc -ne 1 ] || ! grep -qE ': no [a-z ]*"?no-such-name-here' <<<"$out"; }; then
            echo "$c no-such-name-here: exit $rc, \"$(head -1 <<<"$out")\", not \"no ... no-such-name-here\""
            bad=1
        fi
    fi
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
# The other programs: each option of their --help is in their page.
for p in xl-oci-monitor xl-oci-placeholder xl-oci-runc loader/xen-tools/init; do
    page=man/$p.1.pod
    mark='B<'
    # The loader's init: xl-oci-loader(7), which shows its command lines
    # verbatim (helper-110: --late-network was missing).
    [ "$p" = loader/xen-tools/init ] && page=man/xl-oci-loader.7.pod mark='[ [C<]'
    [ -x "$(dirname "$X")/$p" ] || continue
    # Options in its lines, not in asides "(xl-oci create -F)".
    for o in $("$(dirname "$X")/$p" --help 2>&1 | sed 's/([^)]*)//g' |
        grep -oE '(^|[ [|,])--?[a-zA-Z][a-z0-9-]*' | grep -oE -- '--?[a-zA-Z][a-z0-9-]*' | sort -u); do
        grep -qE -- "$mark$o([^a-z0-9-]|\$)" "$page" || {
            echo "$p --help: $o is not in $page"
            bad=1
        }
    done
done
# app.cfg keys: the parser's table against xl-oci.cfg(5), both ways.
cfgpage=man/xl-oci.cfg.5.pod
mapfile -t keys < <(sed -n '/^static const struct key_def known_keys\[\]/,/^};/s/^ *{"\([a-z_0-9]*\)", KEY_.*/\1/p' domcfg/app_cfg.c)
[ ${#keys[@]} -ge 30 ] || { echo "read ${#keys[@]} keys from domcfg/app_cfg.c"; bad=1; }
for k in "${keys[@]}"; do
    grep -qE "^=item (.*, )?B<${k}[=>]" "$cfgpage" || {
        echo "app.cfg key $k (domcfg/app_cfg.c) has no =item in $cfgpage"
        bad=1
    }
done
for k in $(grep -oE '^=item (.*, )?B<[a-z_0-9]+=' "$cfgpage" | grep -oE 'B<[a-z_0-9]+=' | sed 's/^B<//; s/=$//' | sort -u); do
    printf 'name = "probe"\n%s = 1\n' "$k" >"$root/key.cfg"
    if "$X" --root "$root" create -N "$root/key.cfg" 2>&1 | grep -q "unknown key \"$k\""; then
        echo "$cfgpage documents $k, which xl-oci refuses as an unknown key"
        bad=1
    fi
done
# Environment variables: what the built programs read is in a man page.
# Test hooks, not for admins: XL_OCI_FAULT* (common/fault.h) and
# XL_OCI_SYSFS (block-loop's sysfs root in tier 55).
mapfile -t progs < <(ls "$(dirname "$X")"/xl-oci* "$(dirname "$X")"/hotplug/* 2>/dev/null)
for v in $(strings "${progs[@]}" | grep -oE '^XL_OCI_[A-Z_]+$' | sort -u); do
    case $v in XL_OCI_FAULT | XL_OCI_FAULT_* | XL_OCI_SYSFS) continue ;; esac
    grep -q "$v" man/*.pod || {
        echo "$v is read by a built program but named in no man page"
        bad=1
    }
done
exit $bad
