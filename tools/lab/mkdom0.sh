#!/bin/bash
# mkdom0.sh: build the lab's base dom0 initramfs (an uncompressed newc cpio).
#
# usage: tools/lab/mkdom0.sh OUT.cpio KERNEL_DIR XEN_UTILS_DIR XEN_COMMON_DIR
#                            XENSTORE_UTILS_DIR LIBDIR...
#
# The base holds everything that depends only on the Debian package set, never
# on the project's own build: busybox, bash and the util-linux/iproute2/e2fsprogs
# tools the hotplug scripts call, xl/libxl/xenstored/xenconsoled from
# xen-utils-4.17 with every shared library they load (plus libgcc_s.so.1, which
# pthread_cancel dlopens and ldd never lists), the kernel modules dom0 needs in
# load order, the uncompressed guest kernel, and /init (tools/lab/dom0-init).
# tools/lab/lab caches the result by a content hash of its inputs and appends
# a small per-run overlay cpio (project build, scenarios) to it.
#
# LIBDIRs (unpacked libxenmisc4.17, libxenhypfs1, libyajl2) are searched before
# the host's libraries, so dom0 gets the libraries of the package set even if
# the host has other versions installed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$1 kdir=$2 xu=$3 xc=$4 xsu=$5
shift 5
libdirs=()
for d in "$@"; do
    libdirs+=("$d/usr/lib/x86_64-linux-gnu" "$d/usr/lib/xen-4.17/lib/x86_64-linux-gnu")
done

# dom0's kernel modules, by name; dependencies are added and ordered from
# modules.dep.  Keep in sync with docs/lab.md.
dom0_modules="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs
    xen-blkback xen-netback loop bridge ext4 crc32c_generic overlay squashfs
    erofs 9p 9pnet_virtio virtio_pci veth nf_tables nft_chain_nat nft_masq
    nft_nat nft_ct nft_objref nft_fib_inet nft_fib_ipv4 nft_fib_ipv6
    nft_meta_bridge sch_ingress cls_u32 act_mirred nf_conntrack_netlink"

# Host programs copied with their ldd closure (paths as on Debian 12).
# debugfs sets an anonymous volume's root mode (xl-plugin/volattach_seed.c).
# qemu-img makes qcow2 volumes; xen-qemu-system-i386 (qemu-system-xen) is
# the QEMU libxl starts as the qdisk backend serving them.
host_bins="/bin/bash /usr/bin/flock /usr/sbin/losetup /usr/bin/getopt
    /sbin/ip /sbin/mke2fs /sbin/debugfs /usr/bin/stat /usr/sbin/dnsmasq /usr/sbin/nft
    /usr/bin/mkfs.erofs /usr/bin/qemu-img /usr/libexec/xen-qemu-system-i386"

die() { echo "mkdom0: $*" >&2; exit 1; }

work=$(mktemp -d "${out%/*}/.mkdom0.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/usr/{bin,sbin,lib/x86_64-linux-gnu,lib64}
for l in bin sbin lib lib64; do ln -s usr/$l "$root/$l"; done

# copy_file SRC DEST_IN_ROOT: dereference symlinks, keep the mode.
copy_file() {
    mkdir -p "$root$(dirname "$2")"
    cp -L --preserve=mode "$1" "$root$2"
}

# canon PATH: the path of a library inside our merged-/usr root.
canon() {
    case $1 in
        /usr/*) echo "$1" ;;
        *) echo "/usr$1" ;;
    esac
}

# copy_closure FILE...: copy the shared libraries each ELF file needs.
declare -A seen_lib=()
copy_closure() {
    local f lib
    for f in "$@"; do
        LD_LIBRARY_PATH=$(IFS=:; echo "${libdirs[*]}") ldd "$f" 2>/dev/null |
            sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' \
            > "$work/libs" || true
        while read -r lib; do
            [ -n "${seen_lib[$lib]:-}" ] && continue
            seen_lib[$lib]=1
            case $lib in
                */ld-linux-x86-64.so.2)
                    copy_file "$lib" /usr/lib64/ld-linux-x86-64.so.2
                    copy_file "$lib" /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
                    ;;
                *) copy_file "$lib" "/usr/lib/x86_64-linux-gnu/${lib##*/}" ;;
            esac
        done < "$work/libs"
    done
}

# busybox provides the rest of userspace; /init runs `busybox --install -s`,
# which never overwrites the real programs copied here.
copy_file /bin/busybox /usr/bin/busybox

for b in $host_bins; do
    [ -x "$b" ] || die "missing host program $b (apt-get install failed?)"
    copy_file "$b" "$(canon "$b")"
    copy_closure "$b"
done
ln -s mke2fs "$root/usr/sbin/mkfs.ext4"
# libxl starts the qdisk QEMU with "-vnc none", for which QEMU 7.2 still
# loads its default keymap and exits without it ("could not read keymap
# file: 'en-us'", lab 45-volumes).
copy_file /usr/share/qemu/keymaps/en-us /usr/share/qemu/keymaps/en-us

# Xen userspace.  /usr/sbin/xl in the package is a wrapper script reading
# /sys/hypervisor/version; link the real binaries instead.
xbin=/usr/lib/xen-4.17/bin
for b in xl xenstored oxenstored xenconsoled xen-init-dom0 libxl-save-helper \
         xenconsole xenstore-control readnotes; do
    copy_file "$xu$xbin/$b" "$xbin/$b"
    copy_closure "$xu$xbin/$b"
done
for b in xl xenstored oxenstored xenconsoled xen-init-dom0 xenconsole \
         xenstore-control; do
    ln -sf "$xbin/$b" "$root/usr/sbin/$b"
done
for f in "$xsu"/usr/bin/xenstore*; do
    [ -L "$f" ] && continue     # wrappers; xenstore-control is linked below
    copy_file "$f" "/usr/bin/${f##*/}"
    copy_closure "$f"
done
mkdir -p "$root/etc"
cp -a "$xc/etc/xen" "$root/etc/xen"
cp -L /usr/lib/x86_64-linux-gnu/libgcc_s.so.1 "$root/usr/lib/x86_64-linux-gnu/"

# Kernel modules in load order.  busybox depmod writes modules.dep for the
# unpacked tree (Debian generates it at install time, so the .deb has none).
kver=$(ls "$kdir/lib/modules")
[ "$(echo "$kver" | wc -l)" = 1 ] || die "expected one kernel in $kdir"
mtree=$work/mods/lib/modules/$kver
mkdir -p "$work/mods/lib/modules"
cp -a "$kdir/lib/modules/$kver" "$mtree"
busybox depmod -b "$work/mods" "$kver"
declare -A deps=() byname=() loaded=()
while IFS=: read -r m d; do
    n=${m##*/}; n=${n%.ko}; n=${n//-/_}
    byname[$n]=$m
    deps[$m]=$d
done < "$mtree/modules.dep"
order=()
add_module() {
    local m=$1 d
    [ -n "${loaded[$m]:-}" ] && return 0
    loaded[$m]=1
    for d in ${deps[$m]}; do add_module "$d"; done
    order+=("$m")
}
for n in $dom0_modules; do
    m=${byname[${n//-/_}]:-}
    [ -n "$m" ] || die "kernel $kver has no module $n"
    add_module "$m"
done
mkdir -p "$root/lib/modules/$kver"
for m in "${order[@]}"; do
    copy_file "$mtree/$m" "/usr/lib/modules/$kver/$m"
    echo "/lib/modules/$kver/$m"
done > "$root/etc/lab-modules"

# The guest kernel, uncompressed: libxenguest decompresses a bzImage inside
# dom0, which costs ~5.7 s per domain build under TCG.  Find the xz stream in
# the bzImage as the kernel's scripts/extract-vmlinux does.
vmlinuz=$kdir/boot/vmlinuz-$kver
off=$(LC_ALL=C grep -abo -P '\xFD7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || die "no xz stream in $vmlinuz"
mkdir -p "$root/usr/lib/xl-oci-lab"
tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream \
    > "$root/usr/lib/xl-oci-lab/vmlinux" 2>/dev/null || true
head -c 4 "$root/usr/lib/xl-oci-lab/vmlinux" | grep -q ELF ||
    die "extracting vmlinux from $vmlinuz failed"

install -m 0755 "$here/dom0-init" "$root/init"
mkdir -p "$root"/{dev,proc,sys,run,tmp,mnt/share,root,var/lib/xen,var/log/xen,var/lock}
ln -s ../run "$root/var/run"
printf "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" > "$root/etc/passwd"
printf "root:x:0:\nnogroup:x:65534:\n" > "$root/etc/group"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
    cpio --quiet -o -0 -H newc -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
