#!/bin/bash
# demo.sh: the main job, end to end: boot Xen 4.17 under QEMU and run the
# bundled container image (the probe root volume, built from the project's
# probe and Debian's busybox-static) as a Xen domain with xl-oci create.
# Installs what it needs, builds, boots the lab with tests/lab/demo/demo.sh
# and prints what an admin would see in dom0.  Serial log: build/lab/serial.log.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -f Makefile ] && [ config.status -nt configure ] || ./configure -q
make -s -j"$(nproc)" all loader test-images
rc=0
tools/lab/lab run tests/lab/demo/demo.sh || rc=$?
echo "----- dom0 transcript -----"
sed -e '/^RESULT /d' build/lab/share/out/demo.log 2>/dev/null || true
exit $rc
