# 20-loader.sh: the xen-tools loader in Xen, started with plain `xl create`
# (no xl-oci create, no monitor): the installed kernel (the loader's own,
# everything built in) + initramfs, a
# ramdisk = initramfs + boot spec archive made here with busybox cpio, the
# boot spec written by domcfg (xl-oci create -N --boot-spec).  Checks the
# guest's own reports under /local/domain/<domid>/data/xl-oci/, the console
# markers, the stop path (xl shutdown -> poweroff_cmd -> stop signal) and a
# fatal error (no rootfs disk) ending in power off.  Its benchmark (loader
# against a bare-kernel floor) is tests/lab/bench/loader-bench.sh, run by
# `make bench`.  Last, one container on Debian's kernel (the loader
# installed as xen-tools-debian, its modules loaded by the init), through
# `xl-oci create` with oci_loader, so that loader keeps working.
# lab-timeout: 1200

ldir=/usr/lib/xl-oci/loader/xen-tools
vol=/usr/lib/xl-oci-lab/images/probe
if [ ! -f "$ldir/initramfs" ] || [ ! -f "$ldir/kernel" ]; then
    lab_fail loader-installed "no $ldir/{kernel,initramfs}: run 'make loader' before the lab stages the project"
    exit 0
fi
lab_ok loader-installed "$(cat "$ldir/version" 2>/dev/null)"
# The default loader's kernel has everything built in: no modules at all.
if cpio -t <"$ldir/initramfs" 2>/dev/null | grep -q -e '^lib/modules' -e '^xl-oci/modules$'; then
    lab_fail loader-no-modules "the default loader's initramfs carries modules"
else
    lab_ok loader-no-modules
fi
cp "$vol/rootfs.erofs" "$LAB_WORK/rootfs.erofs" || { lab_fail setup "no probe volume in $vol"; exit 1; }
# libxenguest mmaps the kernel: keep it on tmpfs (see docs/lab.md).
cp "$ldir/kernel" "$LAB_WORK/kernel"

xs() { xenstore-read "/local/domain/$1/data/xl-oci/$2" 2>/dev/null; }
# halted NAME TIMEOUT: the domain shut itself down (on_poweroff=preserve).
halted() {
    local i
    for ((i = 0; i < $2 * 5; i++)); do
        xl list "$1" 2>/dev/null | awk 'NR == 2 { exit !($5 ~ /s/) }' && return 0
        sleep 0.2
    done
    return 1
}

# Exit codes 0 and 42 reach xenstore; markers reach the console.
for code in 0 42; do
    name=ld$code
    ramdisk "$name" "[ \"args\", \"exit\", \"$code\" ]" || { lab_fail "spec-$code" "xl-oci create -N failed"; continue; }
    t0=$(lab_now)
    domid=$(boot "$name") || { lab_fail "boot-$code" "xl create failed"; continue; }
    if v=$(lab_wait_xs "/local/domain/$domid/data/xl-oci/phase" 240 exited); then
        lab_ok "phase-exited-$code" "in $(lab_elapsed "$t0")s"
    else
        lab_guest_console "$name" | tail -20 >&2
        lab_fail "phase-exited-$code" "phase '$(xs "$domid" phase)' error '$(xs "$domid" error)'"
    fi
    [ "$(xs "$domid" exit-code)" = "$code" ] && lab_ok "exit-code-$code" ||
        lab_fail "exit-code-$code" "exit-code '$(xs "$domid" exit-code)'"
    halted "$name" 60 && lab_ok "powers-off-$code" || lab_fail "powers-off-$code" "domain still running"
    con=$(lab_guest_console "$name")
    grep -q "xl-oci-loader: exec /bin/probe args exit $code" <<<"$con" &&
        grep -q "probe: arg\[2\]=exit" <<<"$con" &&
        grep -q "xl-oci-loader: exited $code" <<<"$con" &&
        lab_ok "console-markers-$code" || lab_fail "console-markers-$code" "markers missing"
    grep -q "Kernel panic" <<<"$con" && lab_fail "no-panic-$code" "kernel panic on the console"
    xl destroy "$name" 2>/dev/null
done

# xl shutdown: orderly poweroff -> /proc/1/exe xl-oci-stop -> SIGUSR1
# (the probe image's StopSignal) -> the probe exits 7.
name=ldstop
if ramdisk "$name" '[ "trap", "10", "7", "sleep", "600000" ]' && domid=$(boot "$name"); then
    if lab_wait_xs "/local/domain/$domid/data/xl-oci/phase" 240 exec >/dev/null; then
        sleep 2 # let the probe install its handler after the exec marker
        t1=$(lab_now)
        xl shutdown "$name" >/dev/null 2>&1
        if lab_wait_xs "/local/domain/$domid/data/xl-oci/phase" 60 exited >/dev/null &&
           [ "$(xs "$domid" exit-code)" = 7 ]; then
            lab_ok shutdown-stop-signal "in $(lab_elapsed "$t1")s"
        else
            lab_guest_console "$name" | tail -20 >&2
            lab_fail shutdown-stop-signal "phase '$(xs "$domid" phase)' exit-code '$(xs "$domid" exit-code)'"
        fi
        halted "$name" 60 && lab_ok shutdown-powers-off || lab_fail shutdown-powers-off "still running"
    else
        lab_fail shutdown-stop-signal "never reached exec: $(xs "$domid" error)"
    fi
else
    lab_fail shutdown-stop-signal "could not boot"
fi
xl destroy "$name" 2>/dev/null

# No rootfs disk: phase failed with the cause, and the domain powers off.
name=ldnodisk
if ramdisk "$name" '[ "exit", "0" ]' && domid=$(boot "$name" "disk = [ ]"); then
    if lab_wait_xs "/local/domain/$domid/data/xl-oci/phase" 240 failed >/dev/null; then
        err=$(xs "$domid" error)
        case $err in
            *"rootfs device /dev/xvda"*) lab_ok missing-disk-failed "$err" ;;
            *) lab_fail missing-disk-failed "error '$err'" ;;
        esac
    else
        lab_fail missing-disk-failed "phase '$(xs "$domid" phase)'"
    fi
    halted "$name" 60 && lab_ok missing-disk-powers-off || lab_fail missing-disk-powers-off "still running"
else
    lab_fail missing-disk-failed "could not boot"
fi
xl destroy "$name" 2>/dev/null
# Sysctls (oci_sysctl): written by the loader before the entrypoint; the
# domain's kernel is the container's, so a host-wide one (vm.*) is its own.
export XL_OCI_ROOT=$LAB_WORK/state
printf 'name = "sysctl"\noci_root = "%s"\noci_sysctl = [ "net.ipv4.ip_unprivileged_port_start=80", "vm.overcommit_memory=1", "kernel.shmmax=12345678", "net.ipv4.ping_group_range=0 4242" ]\noci_cmd = [ "read", "/proc/sys/net/ipv4/ip_unprivileged_port_start", "read", "/proc/sys/vm/overcommit_memory", "read", "/proc/sys/kernel/shmmax", "read", "/proc/sys/net/ipv4/ping_group_range", "exit", "0" ]\n' \
    "$vol" >"$LAB_WORK/sysctl.cfg"
if xl-oci create "$LAB_WORK/sysctl.cfg" >"$LAB_WORK/sysctl.out" 2>&1; then
    xl-oci wait sysctl >/dev/null 2>&1
    rc=$?
    got=$(xl-oci logs sysctl 2>/dev/null | sed -n 's/^probe: read \/proc\/sys\/\([^:]*\): /\1=/p' | tr -d '\r' | tr '\t\n' '+ ')
    [ $rc = 0 ] && [ "$got" = "net/ipv4/ip_unprivileged_port_start=80 vm/overcommit_memory=1 kernel/shmmax=12345678 net/ipv4/ping_group_range=0+4242 " ] &&
        lab_ok sysctls-set-in-the-domain "$got" || lab_fail sysctls-set-in-the-domain "rc $rc: '$got'"
    xl-oci destroy sysctl >/dev/null 2>&1
else
    lab_fail sysctls-set-in-the-domain "xl-oci create: $(tail -n 2 "$LAB_WORK/sysctl.out")"
fi
printf 'name = "sysctlbad"\noci_root = "%s"\noci_sysctl = [ "net.ipv4.no_such_knob=1" ]\noci_cmd = [ "exit", "0" ]\n' \
    "$vol" >"$LAB_WORK/sysctlbad.cfg"
xl-oci create "$LAB_WORK/sysctlbad.cfg" >"$LAB_WORK/sysctlbad.out" 2>&1
xl-oci wait sysctlbad >/dev/null 2>&1
rc=$?
err=$(xl-oci status sysctlbad 2>&1 | grep -o 'sysctl net.ipv4.no_such_knob: this kernel has no [^ ]*')
[ $rc != 0 ] && [ -n "$err" ] && lab_ok unknown-sysctl-fails-naming-it "rc $rc: $err" ||
    lab_fail unknown-sysctl-fails-naming-it "rc $rc: $(xl-oci status sysctlbad 2>&1 | tr '\n' ' ') $(tail -n 2 "$LAB_WORK/sysctlbad.out")"
xl-oci destroy sysctlbad >/dev/null 2>&1
# A pod container in a running domain (the exec channel's CONTAINER,
# loader/xen-tools/pod_container.h), sent by tests/pod/pod-client until
# xl-oci-runc sends it: a second copy of the probe's root attached as xvdb,
# run beside the domain's own container; it is PID 1 of its own PID
# namespace, has its own root, and shares the domain's network and UTS
# namespaces (the entrypoint's file over the shared network, the hostname).
printf 'name = "podhost"\noci_root = "%s"\nvif = [ "bridge=%s" ]\noci_cmd = [ "sleep", "600000" ]\n' \
    "$vol" "$LAB_BRIDGE" >"$LAB_WORK/podhost.cfg"
pc=/usr/lib/xl-oci/test/pod-client
if xl-oci create "$LAB_WORK/podhost.cfg" >"$LAB_WORK/podhost.out" 2>&1 &&
    lab_wait_xs "/local/domain/$(xl domid podhost)/data/xl-oci/phase" 240 exec >/dev/null; then
    domid=$(xl domid podhost)
    cp "$vol/rootfs.erofs" "$LAB_WORK/pod2.erofs"
    loop=$(losetup -f --show -r "$LAB_WORK/pod2.erofs")
    if xl block-attach podhost "phy:$loop,xvdb,r" >"$LAB_WORK/podattach.out" 2>&1; then
        timeout 150 "$pc" "$domid" /dev/xvdb /bin/busybox sh -c \
            'echo pid=$$; echo host=$(hostname); ls /proc | grep -c "^[0-9]"; test -e /bin/probe && echo own-root; busybox ip -o link | grep -c eth0; echo $PATH; exit 5' \
            >"$LAB_WORK/pod.out" 2>&1
        rc=$?
        out=$(tr '\n' ' ' <"$LAB_WORK/pod.out")
        want="pid=1 host=podhost 3 own-root 1 /usr/sbin:/usr/bin:/sbin:/bin pod-client: exit 5 "
        [ "$rc" = 5 ] && [ "$out" = "$want" ] && lab_ok pod-container-in-a-running-domain "$out" ||
            lab_fail pod-container-in-a-running-domain "rc $rc: '$out' (wanted '$want')"
        # Its spec may not configure the domain's own root device.
        timeout 60 "$pc" "$domid" /dev/xvda /bin/true >"$LAB_WORK/podbad.out" 2>&1
        grep -q "pod-client: error: a pod container's root device is the domain's own" "$LAB_WORK/podbad.out" &&
            lab_ok pod-container-own-root-refused ||
            lab_fail pod-container-own-root-refused "$(tr '\n' ' ' <"$LAB_WORK/podbad.out")"
        # The domain's own container runs on, and exec still works.
        [ "$(xl-oci exec podhost /bin/busybox echo still 2>&1)" = still ] &&
            lab_ok pod-container-leaves-the-domain-serving ||
            lab_fail pod-container-leaves-the-domain-serving "$(xl-oci status podhost 2>&1 | tr '\n' ' ')"
    else
        lab_fail pod-container-in-a-running-domain "xl block-attach: $(tail -n 2 "$LAB_WORK/podattach.out")"
    fi
    xl-oci destroy podhost >/dev/null 2>&1
    losetup -d "$loop" 2>/dev/null
else
    lab_fail pod-container-in-a-running-domain "xl-oci create: $(tail -n 2 "$LAB_WORK/podhost.out")"
    xl-oci destroy podhost >/dev/null 2>&1
fi
# Debian's kernel: still selectable with oci_loader, still booting.
dldir=/usr/lib/xl-oci/loader/xen-tools-debian
if [ -f "$dldir/kernel" ] && [ -f "$dldir/initramfs" ]; then
    export XL_OCI_ROOT=$LAB_WORK/state
    # With a share: its 9p modules are loaded by the init only for it.
    mkdir -p "$LAB_WORK/dshare"
    echo deb-share >"$LAB_WORK/dshare/f"
    printf 'name = "lddeb"\nmemory = 128\noci_root = "%s"\noci_loader = "%s"\noci_volumes = [ "share:%s:/srv/s:ro" ]\noci_cmd = [ "args", "read", "/srv/s/f", "exit", "42" ]\n' \
        "$vol" "$dldir" "$LAB_WORK/dshare" >"$LAB_WORK/lddeb.cfg"
    t0=$(lab_now)
    if xl-oci create "$LAB_WORK/lddeb.cfg" >"$LAB_WORK/lddeb.out" 2>&1; then
        xl-oci wait lddeb >/dev/null 2>&1
        rc=$?
        con=$(xl-oci logs lddeb 2>/dev/null)
        # argv: /bin/probe args read /srv/s/f exit 42 (the probe's entrypoint and oci_cmd)
        grep -q "probe: read /srv/s/f: deb-share" <<<"$con" &&
            lab_ok debian-kernel-share ||
            lab_fail debian-kernel-share "$(grep -E 'srv/s|9p|share' <<<"$con" | tail -5) | log: $(tail -8 <<<"$con" | tr '\n' '|') | status: $(xl-oci status lddeb 2>&1 | tr '\n' ' ')"
        if [ $rc -eq 42 ] && grep -q "probe: arg\[5\]=42" <<<"$con"; then
            lab_ok debian-kernel-exit-42 "in $(lab_elapsed "$t0")s, $(cut -d' ' -f2 "$dldir/version")"
        else
            tail -20 <<<"$con" >&2
            lab_fail debian-kernel-exit-42 "wait returned $rc; probe: arg[5]=42 $(grep -q 'probe: arg\[5\]=42' <<<"$con" && echo in || echo not in) the log"
        fi
        xl-oci destroy lddeb >/dev/null 2>&1
    else
        lab_fail debian-kernel-exit-42 "xl-oci create: $(tail -n 2 "$LAB_WORK/lddeb.out")"
    fi
else
    lab_fail debian-kernel-installed "no $dldir/{kernel,initramfs} (make loader builds both)"
fi
true
