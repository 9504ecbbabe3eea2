#!/bin/bash
# install-deps.sh: installs every package xl-oci needs to build and to run
# its whole test suite on a fresh Debian 12 machine (as root).  Idempotent
# and quiet when everything is there: it only runs apt-get for what is
# missing, and `apt-get update` only when a package cannot be found.
set -euo pipefail

packages=(
    # build
    gcc make autoconf automake pkg-config libc6-dev
    libxen-dev libjson-c-dev libcurl4-openssl-dev libssl-dev libfdt-dev
    libyajl-dev libarchive-dev libisal-dev zlib1g-dev libmnl-dev libnftables-dev
    libpsl-dev publicsuffix
    # managed networks: nft (tests read rules back), dnsmasq per network
    nftables dnsmasq-base
    # the network tier (56): ping through the stand-in vif, JSON of inspect
    iputils-ping jq
    # the netns splice tier (58): ip and tc build and read its namespaces
    iproute2
    # the fault tier (57) looks for orphans with pgrep; tier 95's prefix
    # check reads symbols with nm; python3: golden stand-in loaders (20),
    # host services a published port must not take (56), JSON checks
    procps binutils python3
    # unit tests, sanitizers, fuzzing, formatting, man pages
    libcmocka-dev clang libclang-rt-14-dev clang-format valgrind perl
    device-tree-compiler
    # runtime spec check, images and root volumes
    runc erofs-utils e2fsprogs util-linux cpio xz-utils zstd
    # managed volumes: qcow2 (qemu-img, and qemu-io in tier 37), XFS
    qemu-utils xfsprogs
    docker-registry skopeo umoci apache2-utils openssl curl jq
    # xl-oci-runc under containerd (tier 33: ctr run --runc-binary)
    containerd containernetworking-plugins
    # the real images (tools/realimages/)
    mmdebstrap libcap2-bin attr
    # the loader's own kernel (loader/xen-tools/mkkernel.sh): kconfig's
    # parser, the kernel build, objtool
    flex bison bc libelf-dev
    # the QEMU lab
    qemu-system-x86 busybox-static bash iproute2 kmod file time
    # the lab's dom0 QEMU (qdisk backend for qcow2 volumes)
    qemu-system-xen
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root to install: ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/tmp/xl-oci-apt.log 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/tmp/xl-oci-apt.log 2>&1 ||
        { cat /tmp/xl-oci-apt.log >&2; exit 1; }
fi
