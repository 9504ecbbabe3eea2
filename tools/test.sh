#!/bin/bash
# test.sh: the whole test suite from a clean checkout: install what is
# needed, configure, build, then `make check` (unit tests under ASan+UBSan,
# golden, runc, fuzz corpus replay, loader host mode, images, the Xen lab,
# formatting and man pages).  Ends with "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -f Makefile ] && [ config.status -nt configure ] || ./configure -q
make -s -j"$(nproc)" all
exec make -s check
