#!/bin/bash
# demo.sh: the main job, end to end: boot Xen 4.17 under QEMU and run the
# bundled container image as a Xen domain.  Installs what it needs, builds,
# then runs the demo scenario of the lab (tests/lab/demo.sh) and shows its
# output.  Serial log: build/lab/serial.log.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -f Makefile ] && [ config.status -nt configure ] || ./configure -q
make -s -j"$(nproc)" all
exec tools/lab/lab run demo
