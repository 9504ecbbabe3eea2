#!/bin/bash
# debcache.sh: fetch Debian packages with `apt-get download` and unpack each
# with `dpkg -x` into a cache, without installing them on this host.
#
# usage: tools/debcache.sh PACKAGE...
#   Prints, one per line, "PACKAGE DIR" where DIR holds the unpacked files of
#   the candidate version of PACKAGE.  A package whose version is already
#   unpacked is not fetched again.  Virtual/meta packages are not resolved:
#   name the real package (see tools/debcache.sh --kernel-package).
#
# usage: tools/debcache.sh --kernel-package
#   Prints the name of the kernel image package linux-image-amd64 depends on
#   today (Debian replaces old kernel ABIs on the mirror, so never hard-code it).
#
# environment:
#   XL_OCI_CACHE  cache root (default /var/cache/xl-oci); debs and unpacked
#                 trees live under $XL_OCI_CACHE/debs.
set -euo pipefail

cache=${XL_OCI_CACHE:-/var/cache/xl-oci}/debs

die() { echo "debcache: $*" >&2; exit 1; }

if [ "${1:-}" = "--kernel-package" ]; then
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
          sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
    [ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (run apt-get update)"
    echo "$pkg"
    exit 0
fi
[ $# -gt 0 ] || die "usage: debcache.sh PACKAGE... | --kernel-package"

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

for pkg in "$@"; do
    ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    [ -n "$ver" ] && [ "$ver" != "(none)" ] ||
        die "no candidate version for package $pkg (apt-get update?)"
    dir="$cache/$pkg=${ver//:/%}"
    if [ ! -f "$dir/.done" ]; then
        tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
        (cd "$tmp" && apt-get download -qq "$pkg=$ver" >/dev/null 2>&1) ||
            { rm -rf "$tmp"; die "apt-get download $pkg=$ver failed"; }
        mkdir "$tmp/root"
        dpkg -x "$tmp"/*.deb "$tmp/root" ||
            { rm -rf "$tmp"; die "dpkg -x of $pkg failed"; }
        rm -rf "$dir"
        mv "$tmp/root" "$dir"
        rm -rf "$tmp"
        touch "$dir/.done"
    fi
    echo "$pkg $dir"
done
