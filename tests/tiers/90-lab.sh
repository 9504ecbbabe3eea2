#!/bin/bash
# 90-lab.sh: the Xen-in-QEMU lab tier.  One Xen boot under QEMU TCG runs every
# scenario tests/lab/NN-name.sh inside dom0 (or only those named, space
# separated, in LAB_SCENARIOS, e.g. LAB_SCENARIOS="00-smoke") and prints one
# TAP line per RESULT a scenario reports, plus a "not ok" for a scenario that
# times out, exits non-zero or never runs.  It never skips: the lab needs only
# apt and QEMU TCG, which CI has.  Serial log: build/lab/serial.log.
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC2086 # LAB_SCENARIOS is a list of names
exec "$top/tools/lab/lab" run ${LAB_SCENARIOS:-}
