#!/bin/bash
# check-lazy-libs.sh: libcurl, libarchive, libisal, libnftables, libpsl,
# libcrypto, libxenlight, libxlutil and libyajl are opened on first use
# (common/dlib.h), never linked, and libssl (which only libcurl needed) is
# not linked either: every start of xl-oci paid for them and their ~50
# dependencies, libcrypto alone for half the dynamic loader's relocation
# work, libxenlight for twelve more objects (docs/decisions.md, "Optional
# libraries opened on first use").  Checks that
#   - build/xl-oci and build/xl-oci-runc do not list them (ldd);
#   - commands that touch no image and no network (--version, list,
#     exec, xl-oci-runc state) do not load them either (LD_DEBUG=files: glibc's
#     loader names each object it opens, dlopen'd ones included).
# Prints one line per offence and exits 1 when there is any.  Run by
# tier 95 after make all.
set -u
cd "$(dirname "$0")/.."
LAZY='lib(curl|archive|isal|nftables|psl|ssl|crypto|xenlight|xlutil|yajl)\.so'
bad=0
for b in build/xl-oci build/xl-oci-runc; do
    if [ ! -x "$b" ]; then
        echo "$b: missing (run make all first)"
        bad=1
        continue
    fi
    if ! out=$(ldd "$b"); then
        echo "$b: ldd failed"
        bad=1
        continue
    fi
    if echo "$out" | grep -Eq "$LAZY"; then
        echo "$b links" $(echo "$out" | grep -Eo "^\s*$LAZY[.0-9]*")
        bad=1
    fi
done

root=$(mktemp -d /tmp/xl-oci-lazy.XXXXXX)
trap 'rm -rf "$root"' EXIT
# loaded CMD...: the objects the loader opened while CMD ran.
loaded() {
    XL_OCI_ROOT=$root LD_DEBUG=files "$@" 2>&1 >/dev/null |
        grep -Eo "file=$LAZY[.0-9]*" | sort -u
}
for cmd in "build/xl-oci --version" "build/xl-oci list" \
    "build/xl-oci exec absent true" \
    "build/xl-oci-runc --root $root state absent"; do
    libs=$(loaded $cmd)
    if [ -n "$libs" ]; then
        echo "$cmd loaded:" $libs
        bad=1
    fi
done
exit $bad
