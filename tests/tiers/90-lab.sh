#!/bin/bash
# 90-lab.sh: the Xen-in-QEMU lab tier.  One Xen boot under QEMU TCG runs every
# scenario tests/lab/NN-name.sh inside dom0 (or only those named, space
# separated, in LAB_SCENARIOS, e.g. LAB_SCENARIOS="00-smoke") and prints one
# TAP line per RESULT a scenario reports, plus a "not ok" for a scenario that
# times out, exits non-zero or never runs.  It never skips: the lab needs only
# apt and QEMU TCG, which CI has.  Serial log: build/lab/serial.log.  A whole
# run boots twice: 10-create and 45-volumes under oxenstored, beside the
# first boot of every other scenario under the C xenstored (below).
#
# The real-image scenario (40-real-images) runs root volumes pulled here, on
# the host, from the layouts tools/realimages/build.sh makes (cached; the
# real-image tier built them): they reach dom0 as the lab's extra directory,
# /usr/lib/xl-oci-lab/extra/volumes/{py,web}.
top=$(cd "$(dirname "$0")/../.." && pwd)

real_volumes() {
    local extra=$top/build/lab-extra layout img d
    rm -rf "$extra"
    mkdir -p "$extra/volumes"
    layout=$("$top/tools/realimages/build.sh") || return 1
    for img in py web; do
        d=$("$top/build/xl-oci" --root "$extra/state" pull -q "oci:$layout:$img") || return 1
        cp -a "$extra/state/volumes/sha256/${d#sha256:}" "$extra/volumes/$img" || return 1
    done
    rm -rf "$extra/state"
    echo "$extra"
}

case " ${LAB_SCENARIOS:-40} " in
*" 40"* | *"40-real-images"*)
    if extra=$(real_volumes 2>"$top/build/lab-extra.log"); then
        export LAB_EXTRA=$extra
    else
        echo "# lab: the real images' root volumes could not be made (build/lab-extra.log):"
        sed 's/^/# /' "$top/build/lab-extra.log" | tail -5
    fi
    ;;
esac
# A whole run: the scenarios of $second_scenarios (create's lifecycle and
# the volumes) in the second boot, every other one in the first.
second_scenarios="10-create 45-volumes"
first=${LAB_SCENARIOS:-$(cd "$top/tests/lab" && for f in [0-9]*.sh; do
    case " $second_scenarios " in *" ${f%.sh} "*) ;; *) printf '%s ' "${f%.sh}" ;; esac
done)}
lab=${LAB_DIR:-$top/build/lab}
# Debian's /etc/init.d/xen starts oxenstored when both xenstoreds are
# installed (Debian 12's are); the first boot runs the C xenstored, the
# upstream default the benches are measured on.  A second boot runs
# create's scenario (the lifecycle: DomainStatus, watches, the monitor's
# restarts, destroy's nodes) and the volumes' under oxenstored, its lines
# marked "oxenstored"; every scenario of the first boot creates and
# destroys containers, so both xenstoreds see the lifecycle, and each
# scenario runs once (the whole tier passed under both on 2026-12-01).
#
# The second boot has a lab dir of its own and runs beside the first once
# the host tiers are done (tests/run creates XO_LAB_GATE then) or the first
# boot ends: the first boot is the suite's critical path and leaves part of
# the two cores idle while its guests wait (docs/decisions.md "The suite's
# time").  It takes the first one's stage rather than run make in the same
# tree.
second_pid=
rm -f "$lab.first-run.out" "$lab.first-run.out.done"
if [ -z "${LAB_SCENARIOS:-}" ]; then
    second=$lab-oxenstored
    mkdir -p "$second"
    first_out=$lab.first-run.out
    rm -f "$second/run.out" "$second/run.rc"
    (
        # Staged once the first run says so (the host tiers wait for it too).
        while [ ! -s "$first_out" ] || ! grep -q '^# lab: prepared in' "$first_out"; do
            sleep 1
            [ -e "$first_out.done" ] && break
        done
        while [ ! -e "${XO_LAB_GATE:-/nonexistent}" ] && [ ! -e "$first_out.done" ]; do
            sleep 2
        done
        echo "# lab: second boot (oxenstored) starts in $second"
        # shellcheck disable=SC2086 # a list of names
        LAB_DIR=$second LAB_STAGE_FROM=$lab LAB_EXTRA='' LAB_XENSTORED=oxenstored \
            "$top/tools/lab/lab" run $second_scenarios
        echo $? > "$second/run.rc"
    ) > "$second/run.out" 2>&1 &
    second_pid=$!
    # Killed, it takes the second lab run along (QEMU dies with it).
    trap 'pkill -TERM -P "$second_pid" 2>/dev/null' EXIT
fi
# shellcheck disable=SC2086 # a list of names
"$top/tools/lab/lab" run $first | tee "$lab.first-run.out"
rc=${PIPESTATUS[0]}
touch "$lab.first-run.out.done"
if [ -n "$second_pid" ]; then
    wait "$second_pid"
    sed -E 's/^((not )?ok - lab )/\1oxenstored: /' "$second/run.out"
    [ "$(cat "$second/run.rc" 2>/dev/null)" = 0 ] || {
        grep -q '^not ok' "$second/run.out" ||
            echo "not ok - lab oxenstored: the second boot ended with status $(cat "$second/run.rc" 2>/dev/null || echo unknown) (log: $second/run.out)"
        rc=1
    }
fi
exit "$rc"
