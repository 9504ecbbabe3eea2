#!/bin/bash
# demo.sh: the main job, end to end: boot Xen 4.17 under QEMU, pull the
# real "web" image (nginx-light from Debian packages, tools/realimages/)
# from a registry in dom0 and run it as a Xen domain with xl-oci; fetch
# its page from dom0, show list, status and logs, stop it and show its
# exit code.  Installs what it needs, builds, boots the lab with
# tests/lab/demo/demo.sh and prints what an admin would see in dom0.
# Serial log: build/lab/serial.log.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -f Makefile ] && [ config.status -nt configure ] || ./configure -q
make -s -j"$(nproc)" all loader test-images

# The registry dom0 pulls from: Debian's docker-registry and its storage
# with "web" pushed into it here (the lab has no network to the host).
layout=$(tools/realimages/build.sh)
extra=build/demo/extra
rm -rf build/demo
mkdir -p "$extra/registry"
trap 'tools/realimages/registry.sh stop build/demo/reg' EXIT
tools/realimages/registry.sh start build/demo/reg >/dev/null
tools/realimages/registry.sh push build/demo/reg "$layout" web
tools/realimages/registry.sh stop build/demo/reg
cp -a build/demo/reg/data "$extra/registry/data"
cp /usr/bin/docker-registry "$extra/registry/"
# The lab's dom0 carries no erofs-utils: pull needs mkfs.erofs.
mkdir -p "$extra/bin"
cp "$(command -v mkfs.erofs)" "$extra/bin/"

rc=0
LAB_EXTRA=$extra tools/lab/lab run tests/lab/demo/demo.sh || rc=$?
echo "----- dom0 transcript -----"
sed -e '/^RESULT /d' build/lab/share/out/demo.log 2>/dev/null || true
exit $rc
