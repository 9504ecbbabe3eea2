#!/bin/bash
# 90-lab.sh: the Xen-in-QEMU lab tier.  One Xen boot under QEMU TCG runs every
# scenario tests/lab/NN-name.sh inside dom0 (or only those named, space
# separated, in LAB_SCENARIOS, e.g. LAB_SCENARIOS="00-smoke") and prints one
# TAP line per RESULT a scenario reports, plus a "not ok" for a scenario that
# times out, exits non-zero or never runs.  It never skips: the lab needs only
# apt and QEMU TCG, which CI has.  Serial log: build/lab/serial.log.  A whole
# run boots twice, the two boots side by side (below); the second's logs are
# in build/lab-oxenstored.
#
# The real-image scenario (40-real-images) runs root volumes pulled here, on
# the host, from the layouts tools/realimages/build.sh makes (cached; the
# real-image tier built them): they reach dom0 as the lab's extra directory,
# /usr/lib/xl-oci-lab/extra/volumes/{py,web}, and as the 9p share's
# /mnt/share/extra/volumes/{redis,postgres} (below).
top=$(cd "$(dirname "$0")/../.." && pwd)

# py and web go into dom0's root; redis and postgres (120 MB, which that
# RAM-backed root, half of dom0's memory, cannot hold beside the stage)
# into the 9p share (LAB_SHARE_EXTRA, /mnt/share/extra/volumes), read
# there in place through loop devices.
real_volumes() {
    local extra=$top/build/lab-extra sextra=$top/build/lab-share-extra layout img d to
    rm -rf "$extra" "$sextra"
    mkdir -p "$extra/volumes" "$sextra/volumes"
    layout=$("$top/tools/realimages/build.sh") || return 1
    for img in py web redis postgres; do
        d=$("$top/build/xl-oci" --root "$extra/state" pull -q "oci:$layout:$img") || return 1
        case $img in py | web) to=$extra ;; *) to=$sextra ;; esac
        cp -a "$extra/state/volumes/sha256/${d#sha256:}" "$to/volumes/$img" || return 1
    done
    rm -rf "$extra/state"
    echo "$extra"
}

case " ${LAB_SCENARIOS:-40} ${LAB_FIRST_BOOT:-} ${LAB_SECOND_BOOT:-} " in
*" 40"* | *"40-real-images"*)
    if extra=$(real_volumes 2>"$top/build/lab-extra.log"); then
        export LAB_EXTRA=$extra LAB_SHARE_EXTRA=$top/build/lab-share-extra
    else
        echo "# lab: the real images' root volumes could not be made (build/lab-extra.log):"
        sed 's/^/# /' "$top/build/lab-extra.log" | tail -5
    fi
    ;;
esac
# A whole run boots twice, at once: two QEMUs of one vCPU each (a lab of
# one vCPU is as fast alone as one of two and loses far less beside other
# work; two boots side by side still slow each other 1.5-1.9x, and save
# about 220 s of a run: docs/decisions.md "A lab of one vCPU").  The first boot runs most
# scenarios under the C xenstored, the upstream default the benches are
# measured on; the second runs the rest under oxenstored, which Debian's
# /etc/init.d/xen starts when both xenstoreds are installed (Debian 12's
# are), its lines marked "oxenstored".  Every scenario creates and
# destroys containers, so both xenstoreds see the lifecycle; 10-create
# (DomainStatus, watches, the monitor's restarts, destroy's nodes) is in
# the second.  The second boot starts once the first has staged the
# project (it uses the same stage), and, when tests/run runs the host
# tiers beside the lab, once they are done (XO_HOST_TIERS_DONE names the
# file tests/run makes then): with the two cores busy it would only slow
# the rest.  The split balances the two boots' times (docs/decisions.md).
# LAB_FIRST_BOOT and LAB_SECOND_BOOT replace the lists (to try a split).
second_boot=${LAB_SECOND_BOOT:-10-create 36-containerd 18-beside-xl 40-real-images 25-net-report}
if [ -n "${LAB_SCENARIOS:-}" ]; then
    # shellcheck disable=SC2086 # a list of names
    "$top/tools/lab/lab" run $LAB_SCENARIOS
    exit $?
fi
first=${LAB_FIRST_BOOT:-$(cd "$top/tests/lab" && ls [0-9]*.sh | sed 's/\.sh$//' |
    grep -vxF -f <(tr ' ' '\n' <<<"$second_boot") | tr '\n' ' ')}
lab_a=${LAB_DIR:-$top/build/lab}
case $lab_a in /*) ;; *) lab_a=$PWD/$lab_a ;; esac
lab_b=$lab_a-oxenstored
b_out=$lab_b.out
rm -f "$b_out" "$b_out.rc" "$lab_a.first-done"
mkdir -p "$lab_b"

# second_boot_run: waits for its turn, then boots; its lines go to $b_out
# and its exit status to $b_out.rc.
second_boot_run() {
    if [ -n "${XO_HOST_TIERS_DONE:-}" ]; then
        while [ ! -e "$XO_HOST_TIERS_DONE" ] && [ ! -e "$lab_a.first-done" ]; do
            sleep 2
        done
    fi
    # The first boot's stage, under the same key: not made twice.
    rm -rf "$lab_b/stage"
    cp -a "$lab_a/stage" "$lab_a/stage.key" "$lab_a/stage-status" "$lab_b/" 2>/dev/null
    # The real images' volumes go to the boot that runs 40-real-images.
    case " $second_boot " in *" 40-real-images "*) ;; *) unset LAB_EXTRA LAB_SHARE_EXTRA ;; esac
    # shellcheck disable=SC2086 # a list of names
    LAB_DIR=$lab_b LAB_XENSTORED=oxenstored "$top/tools/lab/lab" run $second_boot 2>&1 |
        sed -E 's/^((not )?ok - lab )/\1oxenstored: /' >"$b_out"
    echo "${PIPESTATUS[0]}" >"$b_out.rc"
}

# The first boot in the foreground, its lines as they come; the second
# starts when the first says it is prepared.
# shellcheck disable=SC2086 # a list of names
(
    case " $first " in *" 40-real-images "*) ;; *) unset LAB_EXTRA LAB_SHARE_EXTRA ;; esac
    LAB_DIR=$lab_a exec "$top/tools/lab/lab" run $first
) 2>&1 | {
    started=
    while IFS= read -r line; do
        printf '%s\n' "$line"
        case $line in
        "# lab: prepared in"*)
            [ -n "$started" ] || { second_boot_run </dev/null & }
            started=1
            ;;
        esac
    done
    # Never prepared (a failed stage): the second boot still runs and
    # reports the same failure.
    [ -n "$started" ] || { second_boot_run </dev/null & }
    : >"$lab_a.first-done"
    wait
}
rc=${PIPESTATUS[0]}
echo "# lab: the second boot (oxenstored: $second_boot), its logs in $lab_b:"
cat "$b_out" 2>/dev/null
[ "$(cat "$b_out.rc" 2>/dev/null)" = 0 ] || rc=1
exit $rc
