# lib.sh: helpers for lab scenarios (sourced by dom0-run before each one).
#
# A scenario is a bash script tests/lab/NN-name.sh run as root inside the
# lab's dom0, with its working directory set to $LAB_WORK.  It reports with
# lab_ok / lab_fail (one RESULT line each; the host turns them into TAP) and
# may set its own timeout with a line "# lab-timeout: SECONDS".  See
# docs/lab.md for the whole API.  Environment:
#   LAB_SCENARIO      this scenario's name (file name without .sh)
#   LAB_WORK          an empty scratch directory on dom0's tmpfs
#   LAB_SHARE         the host's 9p share (build/lab/share), read/write
#   LAB_GUEST_KERNEL  uncompressed Debian vmlinux on tmpfs, for PV/PVH guests
#   LAB_GUEST_INIT    static binary: writes $LAB_KEY=$LAB_VALUE to xenstore
#   LAB_BRIDGE        the bridge for vifs (xenbr0, dom0 has 10.99.0.1/24)

# lab_ok NAME [DETAIL...]: report a passed check.
# Where xl-oci keeps console and monitor logs (xl-plugin/state.h's rule).
lab_log_dir() {
    if [ -n "${XL_OCI_LOG_DIR:-}" ]; then
        echo "$XL_OCI_LOG_DIR"
    elif [ -n "${XL_OCI_ROOT:-}" ] && [ "$XL_OCI_ROOT" != /var/lib/xl-oci ]; then
        echo "$XL_OCI_ROOT/log"
    else
        echo /var/log/xen/oci
    fi
}

lab_ok() {
    local name=$1
    shift
    echo "RESULT ok $name $*"
    [ -z "${LAB_TIMES:-}" ] || echo "$(lab_now) ok $name" >>"$LAB_TIMES"
}

# lab_fail NAME REASON...: report a failed check; the reason is shown in TAP.
lab_fail() {
    local name=$1
    shift
    echo "RESULT fail $name $*"
    [ -z "${LAB_TIMES:-}" ] || echo "$(lab_now) fail $name" >>"$LAB_TIMES"
}

# lab_check NAME COMMAND...: run COMMAND; ok if it exits 0, else fail with the
# last lines of its output.
lab_check() {
    local name=$1 out rc
    shift
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
        lab_ok "$name"
    else
        echo "$out" | tail -n 5 | sed 's/^/  /' >&2
        lab_fail "$name" "'$*' exited with $rc: $(echo "$out" | tail -n 1)"
    fi
    return $rc
}

# lab_log MESSAGE...: a diagnostic line with dom0's uptime.
lab_log() {
    echo "[$(lab_now)] $*" >&2
}

# lab_now: seconds since dom0 booted, with centiseconds (busybox date has no
# %N, /proc/uptime is precise enough for timings under TCG).
lab_now() {
    cut -d' ' -f1 /proc/uptime
}

# lab_elapsed START: seconds since START (a lab_now value), two decimals.
lab_elapsed() {
    awk -v a="$1" -v b="$(lab_now)" 'BEGIN { printf "%.2f", b - a }'
}

# lab_wait_xs PATH TIMEOUT [EXPECTED]: wait until the xenstore key PATH exists
# (and, if given, holds EXPECTED); print its value.  Returns 1 on timeout.
lab_wait_xs() {
    local path=$1 timeout=$2 want=${3-} end v
    end=$(awk -v a="$(lab_now)" -v t="$timeout" 'BEGIN { print a + t }')
    while :; do
        if v=$(xenstore-read "$path" 2>/dev/null); then
            if [ $# -lt 3 ] || [ "$v" = "$want" ]; then
                echo "$v"
                return 0
            fi
        fi
        awk -v a="$(lab_now)" -v e="$end" 'BEGIN { exit !(a >= e) }' &&
            return 1
        sleep 0.2
    done
}

# lab_mkinitrd OUT BINARY: a one-file initramfs (newc cpio) whose /init is
# BINARY (which must be static).
lab_mkinitrd() {
    local out=$1 bin=$2 d
    d=$(mktemp -d)
    cp "$bin" "$d/init" && chmod 0755 "$d/init" &&
        (cd "$d" && echo init | cpio -o -H newc 2>/dev/null) > "$out"
    local rc=$?
    rm -rf "$d"
    return $rc
}

# lab_pv_config OUT NAME RAMDISK [CONFIG-LINE...]: write an xl config for a
# PV guest (128 MB, 1 vCPU) booting $LAB_GUEST_KERNEL with RAMDISK; extra
# lines (disk=..., vif=..., extra=...) are appended as given.
lab_pv_config() {
    local out=$1 name=$2 ramdisk=$3 line
    shift 3
    {
        echo "name = \"$name\""
        echo "type = \"pv\""
        echo "kernel = \"$LAB_GUEST_KERNEL\""
        echo "ramdisk = \"$ramdisk\""
        echo "memory = 128"
        echo "vcpus = 1"
        echo "on_poweroff = \"preserve\""
        echo "on_crash = \"preserve\""
        for line in "$@"; do echo "$line"; done
    } > "$out"
}

# lab_guest_console NAME: print the guest's console log (xenconsoled).
lab_guest_console() {
    cat "/var/log/xen/guest-$1.log" 2>/dev/null
}

# The loader's helpers, for scenarios that boot it with plain `xl create`
# (20-loader and the loader benchmark).  They expect ldir (the installed
# loader), vol (the probe root volume) and $LAB_WORK/kernel and
# $LAB_WORK/rootfs.erofs (copies on tmpfs) to be set up by the caller.

# ramdisk NAME CMD-LIST [EXTRA-CFG-LINES]: boot spec by domcfg, then the
# ramdisk the way loader_ramdisk_build lays it out.
ramdisk() {
    local name=$1 cmd=$2
    printf 'name = "%s"\nmemory = 128\noci_root = "%s"\noci_cmd = %s\n' \
        "$name" "$vol" "$cmd" >"$LAB_WORK/$name.cfg"
    xl-oci create -N --boot-spec "$LAB_WORK/$name.dtb" "$LAB_WORK/$name.cfg" \
        >/dev/null || return 1
    lab_make_ramdisk "$LAB_WORK/$name.dtb" "$ldir/initramfs" "$LAB_WORK/$name.ramdisk"
}

# lab_make_ramdisk BOOT-SPEC INITRAMFS OUT: a domain's ramdisk laid out as
# loader_ramdisk_build does (create keeps none once the domain is built).
lab_make_ramdisk() {
    local d
    d=$(mktemp -d "$LAB_WORK/ramdisk.XXXXXX") || return 1
    mkdir -p "$d/xl-oci"
    cp "$1" "$d/xl-oci/boot-spec.dtb" || return 1
    # The initramfs is padded to 512 bytes, so the next archive is aligned.
    { cat "$2"
      (cd "$d" && printf 'xl-oci\nxl-oci/boot-spec.dtb\n' | cpio -o -H newc 2>/dev/null)
    } >"$3"
    rm -rf "$d"
}

# boot NAME [DISK-LINE [XL-CREATE-OPTION]]: xl create with the loader
# kernel; prints the domid.
boot() {
    local name=$1 disk=${2:-"disk = [ \"format=raw,vdev=xvda,access=ro,target=$LAB_WORK/rootfs.erofs\" ]"}
    lab_pv_config "$LAB_WORK/$name.xl" "$name" "$LAB_WORK/$name.ramdisk" \
        "kernel = \"$LAB_WORK/kernel\"" "extra = \"console=hvc0 quiet\"" "$disk"
    xl create ${3-} "$LAB_WORK/$name.xl" >/dev/null 2>&1 || return 1
    xl domid "$name"
}

# fetch URL [SECONDS]: the body at URL, within SECONDS (10).  Not wget's
# -T: Debian 12's busybox-static wget segfaults with it.
fetch() { busybox timeout "${2:-10}" busybox wget -q -O- "$1"; }

# wait_log NAME PATTERN SECONDS: until NAME's console log has a line
# matching the grep pattern PATTERN (anchor it with ^: the loader's exec
# marker quotes the whole command, markers included).
wait_log() {
    local i
    for ((i = 0; i < $3 * 5; i++)); do
        xl-oci logs "$1" 2>/dev/null | grep -q -- "$2" && return 0
        sleep 0.2
    done
    return 1
}

# st NAME FIELD: one DomainStatus field of container NAME ("" if none,
# or null: status --json gives null for what is not known yet).
st() { xl-oci status --json "$1" 2>/dev/null | sed -n "s/^ *\"$2\": \(.*\),\{0,1\}$/\1/p" | tr -d '",' | sed 's/^null$//'; }

# wait_state NAME STATE TIMEOUT: until NAME's DomainStatus state is STATE.
wait_state() {
    local i
    for ((i = 0; i < $3 * 5; i++)); do
        [ "$(st "$1" state)" = "$2" ] && return 0
        sleep 0.2
    done
    return 1
}

# cri_etc DIR HOST [IP]: the /etc files CRI binds into every container of
# a pod (hosts, hostname, resolv.conf) written in DIR; CRI_MOUNTS holds the
# `ctr run --mount` arguments that bind them as CRI does.
cri_etc() {
    local d=$1 f
    mkdir -p "$d"
    printf '127.0.0.1\tlocalhost\n%s\t%s hosts-from-cri\n' "${3:-127.0.1.1}" "$2" >"$d/hosts"
    printf '%s\n' "$2" >"$d/hostname"
    printf 'search default.svc.cluster.local\nnameserver 10.96.0.10\n' >"$d/resolv.conf"
    CRI_MOUNTS=()
    for f in hosts hostname resolv.conf; do
        CRI_MOUNTS+=(--mount "type=bind,src=$d/$f,dst=/etc/$f,options=rbind:rw")
    done
}

# lab_ctrd_start: Debian's containerd (scenarios marked "# lab-needs:
# containerd"), on a private socket, root and state under $LAB_WORK, with
# the busybox test image imported.  It is tests/lib/containerd.sh's
# ctrd_start (tools/lab/lab stages that file next to this one), whose
# ctrd_down, ctrd_up and ctrd_stop (every task and container of $NS
# gone, containerd stopped, mounts under $CD unmounted) scenarios call.
# containerd, ctr and the shim are copied from the share first and run
# from dom0's memory, as a host runs them from its disk: run from 9p (no
# page cache between runs) every exec of these Go binaries faults its
# pages in over 9p, and `ctr --version` took 2.0 s against 0.3-0.6 s
# (docs/decisions.md).  They get a tmpfs of their own under $LAB_WORK
# (83 MB that dom0's root, 125 MB free, would miss; the runner unmounts
# it after the scenario).
# Sets TOOLS, CD (containerd's directory), NS, C (ctr on that socket),
# IMG, RUNC and RUN (ctr run with xl-oci-runc), and containerd.sh's CTRD_*.
lab_ctrd_start() {
    . "${BASH_SOURCE[0]%/*}/containerd.sh" ||
        { lab_fail containerd-lib "no ${BASH_SOURCE[0]%/*}/containerd.sh"; return 1; }
    TOOLS=/mnt/share/tools
    mkdir -p "$LAB_WORK/bin"
    mount -t tmpfs -o size=128m,mode=0755 tmpfs "$LAB_WORK/bin" &&
        cp "$TOOLS/bin/containerd" "$TOOLS/bin/ctr" \
            "$TOOLS/bin/containerd-shim-runc-v2" "$LAB_WORK/bin/" ||
        { lab_fail containerd-copied "tmpfs or cp from $TOOLS/bin failed"; return 1; }
    export PATH=$LAB_WORK/bin:$PATH
    export XL_OCI_ROOT=$LAB_WORK/state
    CD=$LAB_WORK/containerd
    NS=xloci
    RUNC=$(command -v xl-oci-runc)
    # Under TCG a `ctr version` takes seconds: up to 300 tries 0.2 s apart.
    ctrd_start "$CD" "$NS" 300 0.2
    lab_check containerd-runs C version || return 1
    lab_check image-import C image import --base-name localhost/xloci-bb "$TOOLS/images/img.tar" || return 1
    IMG=localhost/xloci-bb:latest
    RUN=(C run --runtime io.containerd.runc.v2 --runc-binary "$RUNC")
}
