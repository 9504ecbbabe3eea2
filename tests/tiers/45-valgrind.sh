#!/bin/bash
# Tier 45: the command-line paths the other tiers use, under valgrind:
# `create -N` on every golden case (as tier 20 sets it up; golden-net for
# the cases with a net-fixture), --help,
# help create, version, bad usage, and the error paths of annotate and
# inspect (tier 34 runs them on a container).  One result per path; a path fails on
# any memory error or a definite/indirect leak, or when its exit status is
# not what the path should give (0, 1 for a golden error case, 2 for bad
# usage).  valgrind's own error status is 97 so it cannot be mistaken for
# xl-oci's 1.  Runs two at a time: each run takes about a second.
set -u
top=$(pwd)
export XLOCI=$top/build/xl-oci
export GOLDEN_NET=$top/build/netfix/golden-net
export XL_OCI_LOADER_DIR=/golden/loader
if ! command -v valgrind >/dev/null 2>&1; then
    echo "not ok - valgrind is not installed (apt-get install valgrind)"
    exit 1
fi
scratch=$(mktemp -d /tmp/xl-oci-valgrind.XXXXXX)
export SCRATCH=$scratch
trap 'rm -rf "$scratch"' EXIT

# vg N WANT_STATUS DESCRIPTION DIR ARGS...: runs xl-oci ARGS (or, when
# ARGS starts with --golden-net, build/netfix/golden-net with the rest);
# writes result file N.
vg() {
    local n=$1 want=$2 desc=$3 dir=$4
    shift 4
    local log=$SCRATCH/$n.log prog=$XLOCI
    if [ "${1:-}" = --golden-net ]; then
        prog=$GOLDEN_NET
        shift
    fi
    (cd "$dir" && valgrind -q --error-exitcode=97 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --log-file="$log.vg" \
        "$prog" "$@" >"$log.out" 2>&1)
    local rc=$?
    if [ "$rc" = "$want" ] && [ ! -s "$log.vg" ]; then
        echo "ok - valgrind $desc" >"$SCRATCH/$n.res"
    else
        {
            echo "# exit status $rc, want $want"
            sed 's/^/# /' "$log.vg" | head -40
            sed 's/^/# out: /' "$log.out" | head -5
            echo "not ok - valgrind $desc"
        } >"$SCRATCH/$n.res"
    fi
}
export -f vg

jobs=$scratch/jobs
: >"$jobs"
n=0
add() {
    n=$((n + 1))
    printf '%q ' vg "$n" "$@" >>"$jobs"
    echo >>"$jobs"
}

add 0 "--help" "$scratch" --help
add 0 "help create" "$scratch" help create
add 0 "create --help" "$scratch" create --help
add 0 "version" "$scratch" version
add 2 "bad usage: no command" "$scratch"
add 2 "bad usage: unknown command" "$scratch" frobnicate
add 2 "bad usage: create without a file" "$scratch" create -N
add 2 "bad usage: bad option" "$scratch" create -N --bogus app.cfg
add 2 "bad usage: shutdown-action with a bad domid" "$scratch" shutdown-action web1 1x poweroff
add 0 "help shutdown-action" "$scratch" help shutdown-action
add 1 "create -N on a missing file" "$scratch" create -N "$scratch/nope.cfg"
add 0 "inspect --help" "$scratch" inspect --help
add 0 "annotate --help" "$scratch" annotate --help
add 2 "bad usage: annotate without a change" "$scratch" annotate web1
add 2 "bad usage: inspect with two names" "$scratch" inspect a b
add 1 "annotate: bad key" "$scratch" --root "$scratch/state" annotate web1 "a b=1"
add 1 "annotate: no such container" "$scratch" --root "$scratch/state" annotate web1 a=1 b-
add 1 "inspect: no such container" "$scratch" --root "$scratch/state" inspect --json web1
add 0 "events --help" "$scratch" events --help
add 2 "bad usage: events --since with a bad time" "$scratch" events --since yesterday
add 2 "bad usage: events with a bad filter" "$scratch" events --filter colour=red
add 0 "events --until on an empty journal" "$scratch" --root "$scratch/state" events --until 0s --since 1h --filter type=created --json
add 2 "bad usage: pause without a name" "$scratch" pause
add 0 "pause --help" "$scratch" pause --help

for case in tests/golden/*/; do
    name=$(basename "$case")
    work=$scratch/golden/$name
    mkdir -p "$work/rv" "$work/out"
    for f in image-config.json passwd group; do
        [ -f "$case/$f" ] && cp "$case/$f" "$work/rv/$f"
    done
    [ -f "$case/no-rootfs" ] || : >"$work/rv/rootfs.erofs"
    if [ -f "$case/loader-sizes" ]; then
        python3 "$top/tests/golden/make-loader.py" "$case/loader-sizes" \
            "$work/loader"
    fi
    # ext4 images an oci_writable names, as tier 20 makes them.
    if [ -f "$case/ext4-images" ]; then
        while read -r img; do mke2fs -q -F -t ext4 "$work/$img" 8M >/dev/null 2>&1; done <"$case/ext4-images"
    fi
    sed -e "s|@RV@|$work/rv|g" -e "s|@WORK@|$work|g" "$case/app.cfg" \
        >"$work/app.cfg"
    want=0
    [ -f "$case/error.txt" ] && want=1
    # Managed volumes, made as tier 20 makes them (outside valgrind).
    state=/golden/state
    if [ -f "$case/volumes" ]; then
        state=$work/state
        while read -r args; do
            # shellcheck disable=SC2086 # the line is the arguments
            "$top/build/xl-oci" --root "$state" volume create $args >/dev/null ||
                echo "not ok - valgrind golden/$name: volume create $args"
        done <"$case/volumes"
    fi
    if [ -f "$case/net-fixture" ]; then
        add "$want" "golden-net golden/$name" "$work" --golden-net \
            "$top/$case/net-fixture" app.cfg out/runtime.json out/boot-spec.dtb
    else
        add "$want" "create -N golden/$name" "$work" --root "$state" \
            create -N app.cfg --runtime-spec out/runtime.json \
            --boot-spec out/boot-spec.dtb
    fi
done

xargs -d '\n' -P 2 -n 1 bash -c 'eval "$1"' _ <"$jobs"
status=0
for i in $(seq 1 "$n"); do
    if [ -f "$scratch/$i.res" ]; then
        cat "$scratch/$i.res"
        grep -q '^not ok' "$scratch/$i.res" && status=1
    else
        echo "not ok - valgrind job $i produced no result"
        status=1
    fi
done
exit $status
