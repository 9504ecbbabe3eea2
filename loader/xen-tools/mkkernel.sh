#!/bin/bash
# mkkernel.sh: builds the loader's own kernel (kernel.config) from Debian's
# linux-source package, once per source version and config, into a cache.
#
# usage: mkkernel.sh
#   Prints the cache directory holding the result:
#     vmlinux     the kernel, uncompressed and stripped (what Xen PV loads)
#     config      the full .config the build used (tier 51 reads it back)
#     build.log   merge_config.sh and make output
#     version     "PACKAGE=VERSION KERNELRELEASE"
#   The directory is $XL_OCI_CACHE/kernel/<source version>-<config hash>,
#   the hash being the first 16 hex digits of the sha256 of kernel.config
#   followed by this script: a new Debian source upload, a changed config
#   or a changed build builds again, anything else reuses the cached
#   kernel.  A failed build leaves its log in
#   $XL_OCI_CACHE/kernel/<source version>-<config hash>.failed.log.
#
# The source comes only from Debian (tools/debcache.sh linux-source-6.1:
# apt, the Debian mirror).  The config is kernel.config merged into
# allnoconfig with the kernel's own scripts/kconfig/merge_config.sh; every
# option the fragment sets must come out with that value, or the build
# stops before compiling (Kconfig drops options whose dependencies are
# missing without a word).  Build needs: gcc, make, flex, bison, bc,
# libelf-dev (objtool), xz-utils.
#
# environment:
#   XL_OCI_KERNEL_SOURCE  source package (default linux-source-6.1)
#   XL_OCI_KERNEL_JOBS    make -j (default: the number of CPUs)
#   XL_OCI_CACHE          cache root (default /var/cache/xl-oci)
set -euo pipefail
[ $# -eq 0 ] || { echo "usage: mkkernel.sh" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
die() { echo "mkkernel: $*" >&2; exit 1; }

fragment=$here/kernel.config
pkg=${XL_OCI_KERNEL_SOURCE:-linux-source-6.1}
jobs=${XL_OCI_KERNEL_JOBS:-$(nproc)}
cache=${XL_OCI_CACHE:-/var/cache/xl-oci}/kernel

srcpkg=$("$top/tools/debcache.sh" "$pkg" | sed -n "s|^$pkg ||p")
[ -d "$srcpkg" ] || die "debcache gave no directory for $pkg"
ver=${srcpkg##*=}
tarball=$(ls "$srcpkg"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n 1)
[ -f "$tarball" ] || die "$pkg has no /usr/src/linux-source-*.tar.xz"
# The build's own steps are part of what it makes (a changed make line
# must not reuse the kernel the old one built).
hash=$(cat "$fragment" "$here/mkkernel.sh" | sha256sum | cut -c1-16)
out=$cache/$ver-$hash

mkdir -p "$cache"
# One lock per source version and config: a second build of the same
# kernel waits and then finds it done; a build of another config does not
# wait for this one (a kernel branch's build once held up `make loader`).
exec 9>"$cache/.$ver-$hash.lock"
flock 9
if [ -f "$out/.done" ]; then
    echo "$out"
    exit 0
fi

work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/build.log
failed() {
    cp "$log" "$cache/$ver-$hash.failed.log" 2>/dev/null || true
    tail -n 20 "$log" >&2
    die "$1 (log: $cache/$ver-$hash.failed.log)"
}
start=$(date +%s)
echo "mkkernel: building the loader kernel from $pkg=$ver, config $hash, make -j$jobs (log: $out/build.log)" >&2
mkdir "$work/src" "$work/obj"
tar -xJf "$tarball" -C "$work/src" --strip-components=1 >"$log" 2>&1 ||
    failed "unpacking $tarball failed"

# Same source and config give the same image: no host, user or date in it.
export ARCH=x86_64 KBUILD_BUILD_USER=xl-oci KBUILD_BUILD_HOST=debian
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$(stat -c %Y "$tarball")")
export KBUILD_BUILD_TIMESTAMP
# The caller's make flags (a jobserver of `make -j2 loader`) are not ours.
unset MAKEFLAGS MFLAGS MAKELEVEL

(cd "$work/src" &&
    scripts/kconfig/merge_config.sh -n -O "$work/obj" "$fragment") \
    >>"$log" 2>&1 || failed "merge_config.sh failed"
# merge_config.sh only warns about a value that did not make it: stop.
bad=$(awk '
    FNR == NR { if (/^CONFIG_[A-Z0-9_]+=/) { split($0, kv, "="); want[kv[1]] = $0 }
                else if (/^# CONFIG_[A-Z0-9_]+ is not set$/) want[$2] = "off"
                next }
    /^CONFIG_[A-Z0-9_]+=/ { split($0, kv, "="); got[kv[1]] = $0 }
    END { for (k in want) {
              w = want[k]
              if (w == "off" ? (k in got) && got[k] !~ /=n$/ : got[k] != w)
                  print k " wanted " (w == "off" ? "off" : w) ", got " ((k in got) ? got[k] : "off")
          } }' "$fragment" "$work/obj/.config")
[ -z "$bad" ] || { echo "$bad" >>"$log"; failed "kernel.config does not hold: $(echo "$bad" | head -n 3 | tr '\n' ';')"; }

make -C "$work/src" O="$work/obj" -j"$jobs" vmlinux >>"$log" 2>&1 ||
    failed "make vmlinux failed"

kernelrelease=$(make -s -C "$work/src" O="$work/obj" kernelrelease 2>>"$log")
mkdir "$work/out"
# What the bzImage payload would be: the ELF without symbols or comments.
objcopy -R .comment -S "$work/obj/vmlinux" "$work/out/vmlinux"
cp "$work/obj/.config" "$work/out/config"
echo "$pkg=$ver $kernelrelease" >"$work/out/version"
echo "mkkernel: built in $(($(date +%s) - start)) s on $(nproc) CPUs, make -j$jobs" >>"$log"
mv "$log" "$work/out/build.log"
touch "$work/out/.done"
rm -rf "$out"
mv "$work/out" "$out"
rm -f "$cache/$ver-$hash.failed.log"
echo "mkkernel: $out: $kernelrelease, built in $(($(date +%s) - start)) s" >&2
echo "$out"
