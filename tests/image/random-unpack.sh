#!/bin/bash
# random-unpack.sh [-k DIR] SEED...: differential test of the layer unpack.
# For each SEED, tests/image/random-layers.py draws a random but valid
# image (2-5 layers of files, directories, symlinks, hardlinks, whiteouts,
# opaque whiteouts, type changes, xattrs, devices...), `xl-oci pull
# --allow-devices` makes its root volume (mounted read-only) and `umoci
# raw unpack` its rootfs; both trees are dumped by xl-oci-treedump and
# compared by treecmp.sh (type, mode, owner, symlink target, hardlink
# group, size, sha256, mtime of non-directories, xattrs, rdev).  Prints
# "seed N: OK (E entries)" or "seed N: DIFF" and the differences; a layer
# both refuse is the same answer ("OK (both refused: WHY)"), one only one
# refuses a difference.  Exits 1 when any seed differs.  SEED may be a
# range, A-B.  About 1-2 s a seed on two cores (20 seeds: 15-50 s).
#
#   -k DIR      keep each differing seed's layout, spec and dumps in DIR/N
#   -q          print only the differing seeds and a summary
#
# random-unpack.sh --layout LAYOUT [TAG]: compares one layout's image
# (default tag "t"), printing the differences; exit 0 when the same.
# random-unpack.sh --differs REGEX LAYOUT: exit 0 when LAYOUT's image
# shows a difference line matching REGEX, for random-layers.py minimise:
#   random-layers.py minimise DIR/N/layout/spec-t.json min.json \
#       tests/image/random-unpack.sh --differs 'refused by xl-oci'
# XO_UNDER_TEST names another xl-oci binary (an older build, say).
#
# Differences docs/decisions.md records as deliberate are not drawn by the
# generator (see its header); /dev, /proc and /sys that xl-oci adds to an
# image without them are left out of the comparison, as tier 65 does.
# Needs root (mount, mknod, chown), umoci and build/ (make all).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
XO=${XO_UNDER_TEST:-$top/build/xl-oci}
case $XO in /*) ;; */*) XO=$top/$XO ;; esac
DUMP=$top/build/tests/xl-oci-treedump
GEN=$top/tests/image/random-layers.py
CMP=$top/tests/image/treecmp.sh
if [ ! -x "$XO" ] || [ ! -x "$DUMP" ]; then echo "random-unpack: run make first ($XO, $DUMP)" >&2; exit 2; fi
command -v umoci >/dev/null || { echo "random-unpack: umoci is not installed" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "random-unpack: needs root" >&2; exit 2; }
umask 022

W=$(mktemp -d /tmp/random-unpack.XXXXXX)
MNT=$W/mnt
mkdir -p "$MNT"
cleanup() {
    mountpoint -q "$MNT" && umount "$MNT"
    rm -rf "$W"
}
trap cleanup EXIT

# compare LAYOUT TAG: the differences of LAYOUT:TAG on stdout (one per
# line), nothing when the trees are the same.  Leaves the dumps in $W.
compare() {
    local layout=$1 tag=$2 d root=$W/root xs us
    status=
    rm -rf "$root" "$W/u" "$W/ours" "$W/umoci"
    d=$("$XO" --root "$root" pull -q --allow-devices "oci:$layout:$tag" 2>"$W/xo.err")
    xs=$?
    mkdir -p "$W/u"
    umoci raw unpack --image "$layout:$tag" "$W/u/rootfs" >/dev/null 2>"$W/umoci.err"
    us=$?
    if [ $xs != 0 ] || [ $us != 0 ]; then
        if [ $xs != 0 ] && [ $us != 0 ]; then
            status="both refused: $(grep -v "^$" "$W/xo.err" | tail -1 | sed "s/.*): //" | cut -c1-160)"
        elif [ $xs != 0 ]; then
            echo "refused by xl-oci only: $(grep -v '^$' "$W/xo.err" | tail -1)"
        else
            echo "refused by umoci only: $(grep -v '^$' "$W/umoci.err" | tail -1)"
        fi
        rm -rf "$root" "$W/u"
        return
    fi
    "$DUMP" "$W/u/rootfs" > "$W/umoci"
    if mount -t erofs -o loop,ro "$root/volumes/sha256/${d#sha256:}/rootfs.erofs" "$MNT"; then
        "$DUMP" "$MNT" > "$W/ours"
        umount "$MNT"
    else
        echo "mount of the root volume failed"
        return
    fi
    local m
    for m in dev proc sys; do
        grep -q "^\./$m	" "$W/umoci" ||
            sed -i "\|^\./$m	type=d	mode=0755	owner=0:0$|d" "$W/ours"
    done
    status="$(wc -l < "$W/umoci") entries"
    "$CMP" "$W/umoci" "$W/ours"
    rm -rf "$root" "$W/u"
}

case "${1:-}" in
--layout)
    [ $# -ge 2 ] || { echo "usage: $0 --layout LAYOUT [TAG]" >&2; exit 2; }
    compare "$2" "${3:-t}" > "$W/diff"
    cat "$W/diff"
    [ ! -s "$W/diff" ]
    exit
    ;;
--differs)
    [ $# -eq 3 ] || { echo "usage: $0 --differs REGEX LAYOUT" >&2; exit 2; }
    compare "$3" t > "$W/diff"
    grep -Eq -- "$2" "$W/diff"
    exit
    ;;
esac

keep='' quiet=''
while [ $# -gt 0 ]; do
    case $1 in
    -k) keep=$2; shift 2 ;;
    -q) quiet=1; shift ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { sed -n '2,/^set -uo/p' "$0" | sed 's/^# \{0,1\}//;$d' >&2; exit 2; }

seeds=()
for a in "$@"; do
    if [[ $a == *-* ]]; then
        for ((s = ${a%-*}; s <= ${a#*-}; s++)); do seeds+=("$s"); done
    else
        seeds+=("$a")
    fi
done

bad=0 n=0 t0=$(date +%s.%N)
for s in "${seeds[@]}"; do
    n=$((n + 1))
    rm -rf "$W/layout"
    if ! python3 "$GEN" seed "$s" "$W/layout" >/dev/null 2>"$W/gen.err"; then
        echo "seed $s: GENERATOR FAILED: $(tail -1 "$W/gen.err")"
        bad=$((bad + 1))
        continue
    fi
    compare "$W/layout" t > "$W/diff"
    if [ -s "$W/diff" ]; then
        bad=$((bad + 1))
        echo "seed $s: DIFF"
        sed 's/^/    /' "$W/diff" | head -30
        if [ -n "$keep" ]; then
            mkdir -p "$keep/$s"
            cp -a "$W/layout" "$W/diff" "$keep/$s/"
            cp "$W/xo.err" "$W/umoci.err" "$keep/$s/" 2>/dev/null
            cp "$W/ours" "$W/umoci" "$keep/$s/" 2>/dev/null
        fi
    elif [ -z "$quiet" ]; then
        echo "seed $s: OK ($status)"
    fi
done
el=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "# $n seeds, $bad differing, ${el}s"
[ $bad = 0 ]
