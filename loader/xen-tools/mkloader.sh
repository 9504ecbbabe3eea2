#!/bin/bash
# mkloader.sh: builds a xen-tools loader: an uncompressed kernel and an
# initramfs holding the init (and, for Debian's kernel, the modules it loads).
#
# usage: mkloader.sh KIND INIT MKCPIO OUTDIR
#   KIND    own: the loader's own kernel, built from Debian's linux-source
#           package with kernel.config by mkkernel.sh (cached), everything
#           built in, so the initramfs holds no modules and no module list;
#           this is the default loader (installed as loader/xen-tools).
#           debian: Debian's current linux-image-amd64 kernel with the
#           modules the init loads (installed as loader/xen-tools-debian).
#   INIT    the static init (build/loader/xen-tools/init)
#   MKCPIO  the archive writer (build/loader/mkcpio)
#   OUTDIR  receives kernel, initramfs, version (what `make install` copies)
#           and, for `own`, config (the kernel's full .config, read back by
#           tests/tiers/51-loader-kernel.sh)
#
# For `debian`, the kernel is Debian's current linux-image-amd64 ABI,
# fetched and unpacked by tools/debcache.sh (apt, Debian mirror).  Modules
# come from the same package, so their version always matches the kernel's;
# their load order is resolved here from each module's own "depends="
# (.modinfo), as the package ships no modules.dep, and written to
# /xl-oci/modules for the init, which loads them in that order with
# finit_module.
#
# environment:
#   XL_OCI_KERNEL_PKG  kernel package to use instead of the current one (debian)
#   XL_OCI_CACHE       see tools/debcache.sh and mkkernel.sh
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: mkloader.sh own|debian INIT MKCPIO OUTDIR" >&2; exit 2; }
kind=$1 init=$2 mkcpio=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
die() { echo "mkloader: $*" >&2; exit 1; }
case $kind in
own | debian) ;;
*) die "KIND must be own or debian, not '$kind'" ;;
esac

mkdir -p "$out"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Debug info is for the host; the domain's RAM holds the initramfs.
objcopy --strip-all "$init" "$work/init"

# base_list: what every initramfs holds, as mkcpio list lines.
base_list() {
    echo "dir dev 0755"
    echo "nod dev/console 0600 c 5 1"
    echo "dir proc 0755"
    echo "dir sys 0755"
    echo "dir xl-oci 0755"
    echo "file init $work/init 0755"
}

# install_out: moves kernel, initramfs and version into $out.
install_out() {
    mv "$work/kernel" "$out/kernel"
    mv "$work/initramfs" "$out/initramfs"
    mv "$work/version" "$out/version"
}

if [ "$kind" = own ]; then
    # Everything is built in: no modules, no /xl-oci/modules (the init
    # takes a missing list as "nothing to load").
    kdir=$("$here/mkkernel.sh")
    cp "$kdir/vmlinux" "$work/kernel"
    chmod 0644 "$work/kernel"
    base_list >"$work/list"
    "$mkcpio" "$work/initramfs" <"$work/list"
    cp "$kdir/version" "$work/version"
    install_out
    # The full .config the kernel was built with, for tier 51 (not installed).
    cp "$kdir/config" "$out/config"
    echo "mkloader: $out: own kernel $(cut -d' ' -f2 "$out/version") ($(du -h "$out/kernel" | cut -f1)), initramfs without modules ($(du -h "$out/initramfs" | cut -f1)), from $kdir"
    exit 0
fi

# The modules the init needs: block and net frontends, the file systems a
# rootfs, writable layer or volume may use, overlayfs to join them, and
# crc32c first: libcrc32c (erofs, ext4) asks the crypto API for "crc32c"
# when it loads (a softdep, not in depends=), which without a provider
# already loaded would need modprobe, and the domain has none.
# Each module is tagged with a group; the init loads only the groups its
# boot spec needs (base, block and overlay always; the file system types
# it mounts, 9p for a share; net when it has interfaces), since every module costs boot
# time (relocation, signature check) and the ext4 family is the largest.
wanted="base:crc32c_generic block:xen-blkfront net:xen-netfront erofs:erofs
        exec:xen-evtchn exec:xen-gntalloc
        ext4:ext4 overlay:overlay squashfs:squashfs 9p:9pnet_xen 9p:9p"

pkg=${XL_OCI_KERNEL_PKG:-$("$top/tools/debcache.sh" --kernel-package)}
kdir=$("$top/tools/debcache.sh" "$pkg" | sed -n "s|^$pkg ||p")
[ -d "$kdir" ] || die "debcache gave no directory for $pkg"
kver=$(ls "$kdir/lib/modules" | head -n 1)
[ -n "$kver" ] || die "$pkg has no /lib/modules"
mdir=$kdir/lib/modules/$kver
[ -f "$kdir/boot/vmlinuz-$kver" ] || die "$pkg has no boot/vmlinuz-$kver"

"$here/extract-vmlinux.sh" "$kdir/boot/vmlinuz-$kver" "$work/kernel"
chmod 0644 "$work/kernel"

# name -> path relative to $mdir, from modules.order; names compare with
# '-' and '_' as the same character, as the kernel does.
norm() { echo "${1//-/_}"; }
declare -A path_of
while read -r rel; do
    n=$(basename "$rel" .ko)
    path_of[$(norm "$n")]=$rel
done <"$mdir/modules.order"

is_builtin() { grep -q "/$1.ko$" "$mdir/modules.builtin" ||
               grep -q "/${1//_/-}.ko$" "$mdir/modules.builtin"; }

# modinfo_of REL: the module's .modinfo strings, one per line, in
# $work/modinfo.  Into a file: objcopy writes its output by renaming a
# temporary over it, which as root replaced /dev/stdout itself (a regular
# file from then on) and left every module without dependencies.
modinfo_of() {
    objcopy -O binary --only-section=.modinfo "$mdir/$1" "$work/modinfo.bin" ||
        die "objcopy cannot read the .modinfo of $1"
    tr '\0' '\n' <"$work/modinfo.bin" >"$work/modinfo"
    grep -q '^vermagic=' "$work/modinfo" || die "$1 has no vermagic in its .modinfo"
}

declare -A seen in_order
order=()   # every module file, once, for the archive
lines=()   # "GROUP /lib/modules/..." for /xl-oci/modules, per group closure
visit() { # GROUP NAME: depth-first, dependencies first
    local g=$1 n
    n=$(norm "$2")
    [ -n "${seen[$g/$n]:-}" ] && return 0
    seen[$g/$n]=1
    local rel=${path_of[$n]:-}
    if [ -z "$rel" ]; then
        is_builtin "$n" && return 0
        die "module $2 is neither in modules.order nor built in ($kver)"
    fi
    local d
    modinfo_of "$rel"
    for d in $(sed -n 's/^depends=//p' "$work/modinfo" | tr ',' ' '); do visit "$g" "$d"; done
    lines+=("$g /lib/modules/$kver/$rel")
    [ -n "${in_order[$rel]:-}" ] || { in_order[$rel]=1; order+=("$rel"); }
}
for gm in $wanted; do
    # A group lists its whole closure (seen is per group): a dependency
    # shared with a group that is not loaded must still be loaded for
    # this one, and within a group each module is listed once.
    visit "${gm%%:*}" "${gm#*:}"
done

list=$work/list
{
    base_list
    echo "file xl-oci/modules $work/modules 0644"
    declare -A dirs
    for rel in "${order[@]}"; do
        d=lib/modules/$kver/$(dirname "$rel")
        p=""
        for c in ${d//\// }; do
            p=${p:+$p/}$c
            [ -n "${dirs[$p]:-}" ] && continue
            dirs[$p]=1
            echo "dir $p 0755"
        done
        echo "file lib/modules/$kver/$rel $mdir/$rel 0644"
    done
} >"$list"
printf '%s\n' "${lines[@]}" >"$work/modules"

"$mkcpio" "$work/initramfs" <"$list"
echo "$pkg $kver" >"$work/version"
install_out
echo "mkloader: $out: kernel $kver ($(du -h "$out/kernel" | cut -f1)), initramfs with ${#order[@]} modules ($(du -h "$out/initramfs" | cut -f1))"
printf '  %s\n' "${lines[@]}"
