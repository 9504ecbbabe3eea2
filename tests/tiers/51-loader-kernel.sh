#!/bin/bash
# 51-loader-kernel: the loader's own kernel as `make loader` built it
# (loader/xen-tools/mkkernel.sh, kernel.config): reads the full .config of
# the build back (build/loader/xen-tools/out/config, a copy of the cached
# one) and fails when an option the loader cannot run without is not =y,
# when any option kernel.config sets did not come out that way, or when
# module support is on; and checks that the default loader's initramfs
# carries no module list and no module directory.  Needs no root.
set -u
top=$(pwd)
TIER=loader-kernel
T=$(mktemp -d /tmp/xl-oci-t51.XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/tiers/lib.sh
. "$top/tests/tiers/lib.sh"

out=${LOADER_OUT:-$top/build/loader/xen-tools/out}
fragment=$top/loader/xen-tools/kernel.config
config=$out/config
if [ ! -f "$config" ] || [ ! -f "$out/initramfs" ]; then
    ok "kernel config # SKIP the loader is not built (make loader)"
    exit 0
fi

# What the init and the containers cannot do without (kernel.config says
# why for each); this list is the test's own, so an option dropped from
# the fragment fails here too.
needed="MULTIUSER FUTEX EPOLL SIGNALFD TIMERFD EVENTFD SHMEM POSIX_TIMERS
    FILE_LOCKING INOTIFY_USER SYSVIPC POSIX_MQUEUE BINFMT_ELF BINFMT_SCRIPT
    PROC_SYSCTL NAMESPACES UTS_NS IPC_NS PID_NS NET_NS CGROUPS
    64BIT SMP XEN XEN_PV XEN_PVH BLOCK XEN_BLKDEV_FRONTEND NETDEVICES
    XEN_NETDEV_FRONTEND TTY HVC_XEN XEN_DEV_EVTCHN XEN_GRANT_DEV_ALLOC
    UNIX98_PTYS BLK_DEV_INITRD PROC_FS SYSFS DEVTMPFS TMPFS TMPFS_XATTR
    OVERLAY_FS EROFS_FS EROFS_FS_ZIP EROFS_FS_XATTR EROFS_FS_SECURITY
    EXT4_FS EXT4_FS_SECURITY SQUASHFS SQUASHFS_XATTR NET INET IPV6 UNIX
    NET_9P NET_9P_XEN 9P_FS"
missing=
for o in $needed; do
    grep -qx "CONFIG_$o=y" "$config" || missing="$missing $o"
done
check "loader kernel has every needed option built in${missing:+ (missing:$missing)}" \
    test -z "$missing"

# Every value the fragment asks for is in the build (mkkernel.sh refuses
# to build otherwise; this catches a config from another fragment).
drift=
while IFS= read -r line; do
    case $line in
    CONFIG_*=*) grep -qxF -- "$line" "$config" || drift="$drift ${line%%=*}" ;;
    "# CONFIG_"*" is not set")
        o=${line#\# }
        o=${o%% *}
        grep -q "^$o=" "$config" && drift="$drift $o"
        ;;
    esac
done <"$fragment"
check "built config holds kernel.config${drift:+ (differs:$drift)}" test -z "$drift"

check "loader kernel has no module support" \
    eval '! grep -q "^CONFIG_MODULES=y" "$config"'

# The initramfs (newc, uncompressed) lists its names in clear: none under
# lib/modules, no xl-oci/modules for the init to read.
names=$(cpio -it --quiet <"$out/initramfs" 2>/dev/null)
check "default loader's initramfs has the init" grep -qx init <<<"$names"
check "default loader's initramfs has no modules" \
    eval '! grep -q -e "^lib/modules" -e "^xl-oci/modules$" <<<"$names"'

# Debian's loader: every module the init loads comes after all it depends
# on (its .modinfo "depends="), in the same group of xl-oci/modules.  CI
# built one with erofs but not libcrc32c, 9p but not 9pnet (objcopy had
# replaced /dev/stdout, and every module read as depending on nothing),
# and the domain failed with "loading module ... erofs.ko: No such file".
dout=${LOADER_OUT_DEBIAN:-$top/build/loader/xen-tools/out-debian}
if [ -f "$dout/initramfs" ]; then
    mkdir -p "$T/deb"
    (cd "$T/deb" && cpio -idm --quiet <"$dout/initramfs")
    unordered=
    while read -r group path; do
        objcopy -O binary --only-section=.modinfo "$T/deb$path" "$T/modinfo" ||
            { unordered+=" $path:unreadable"; continue; }
        for dep in $(tr '\0' '\n' <"$T/modinfo" | sed -n 's/^depends=//p' | tr ',' ' '); do
            grep -q "^$group /.*/\(${dep}\|${dep//_/-}\)\.ko$" "$T/loaded" 2>/dev/null ||
                unordered+=" $(basename "$path"):$dep"
        done
        echo "$group $path" >>"$T/loaded"
    done <"$T/deb/xl-oci/modules"
    check "Debian loader's modules each come after their dependencies${unordered:+ (not before:$unordered)}" \
        test -z "$unordered"
    check "Debian loader's module list holds libcrc32c for erofs" \
        grep -q "^erofs /.*/libcrc32c.ko$" "$T/deb/xl-oci/modules"
else
    ok "Debian loader's module order # SKIP the Debian loader is not built (make loader)"
fi
exit $status
