#!/bin/bash
# 90-lab.sh: the Xen-in-QEMU lab tier.  One Xen boot under QEMU TCG runs every
# scenario tests/lab/NN-name.sh inside dom0 (or only those named, space
# separated, in LAB_SCENARIOS, e.g. LAB_SCENARIOS="00-smoke") and prints one
# TAP line per RESULT a scenario reports, plus a "not ok" for a scenario that
# times out, exits non-zero or never runs.  It never skips: the lab needs only
# apt and QEMU TCG, which CI has.  Serial log: build/lab/serial.log.  A whole
# run boots twice: every other scenario under the C xenstored, then
# 10-create under oxenstored (below).
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
# A whole run: every scenario but 10-create in the first boot; 10-create
# has the second boot to itself (below).
first=${LAB_SCENARIOS:-$(cd "$top/tests/lab" && ls [0-9]*.sh | grep -v '^10-create' | sed 's/\.sh$//' | tr '\n' ' ')}
# shellcheck disable=SC2086 # a list of names
"$top/tools/lab/lab" run $first
rc=$?
# Debian's /etc/init.d/xen starts oxenstored when both xenstoreds are
# installed (Debian 12's are); the boot above runs the C xenstored, the
# upstream default the benches are measured on.  A second, short boot runs
# create's scenario (the lifecycle: DomainStatus, watches, the monitor's
# restarts, destroy's nodes) under oxenstored, its lines marked
# "oxenstored"; every scenario of the first boot creates and destroys
# containers, so both xenstoreds see the lifecycle, and 10-create runs
# once (the whole tier passed under both on 2026-12-01).
if [ -z "${LAB_SCENARIOS:-}" ]; then
    # The second boot starts from a fresh share: keep the first one's
    # scenario logs and serial log where the "not ok" lines can be read.
    lab=${LAB_DIR:-$top/build/lab}
    rm -rf "$lab/first-boot"
    mkdir -p "$lab/first-boot"
    cp -a "$lab/share/out" "$lab/serial.log" "$lab/first-boot/" 2>/dev/null
    echo "# lab: the first boot's scenario and serial logs: $lab/first-boot"
    LAB_XENSTORED=oxenstored "$top/tools/lab/lab" run 10-create |
        sed -E 's/^((not )?ok - lab )/\1oxenstored: /'
    [ "${PIPESTATUS[0]}" = 0 ] || rc=1
fi
exit $rc
