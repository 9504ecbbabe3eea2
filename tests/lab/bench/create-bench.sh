# create-bench.sh: issue 5's benchmark, in the lab's dom0 (run by
# tools/bench.sh, not by the test tiers).  Prints BENCH lines:
#   BENCH xloci-create S      `xl-oci create` until it returns (unpaused)
#   BENCH xl-create S         `xl create` of the same domain (same kernel,
#                             ramdisk, disk, vif, memory)
#   BENCH xloci-create-busy1 S / -busy12 S   with 1 / 12 other domains up
#   BENCH monitor-rss-kb KB   resident memory of one monitor
#   BENCH monitor-pss-kb KB   its proportional share (shared pages split)
# and for managed networks (issue 10):
#   BENCH xloci-create-net S  `xl-oci create` with one vif on a managed
#                             network (lease, nft elements, DNS, hotplug)
#   BENCH xl-create-vifbridge S  `xl create` of the same domain, its vif on
#                             the same bridge through Xen's vif-bridge
#   BENCH xloci-create-net-busy1 S / -busy12 S  with 1 / 12 other
#                             containers on the same network
# lab-timeout: 1500

export XL_OCI_ROOT=$LAB_WORK/state
cp -a /usr/lib/xl-oci-lab/images/probe "$LAB_WORK/probe"
runs=7

# The probe sleeps in milliseconds: a day, so the 12 others outlive even a
# slow run (with 600000 they halted after 10 minutes, mid-bench).
cfg() { # NAME MEMORY
    printf 'name = "%s"\nmemory = %s\noci_root = "%s"\nvif = [ "bridge=%s" ]\noci_cmd = [ "sleep", "86400000" ]\n' \
        "$1" "$2" "$LAB_WORK/probe" "$LAB_BRIDGE" >"$LAB_WORK/$1.cfg"
}

# mem_of PID SUFFIX: the monitor's RSS and PSS (KiB) as BENCH lines.
mem_of() {
    local rss pss
    # smaps_rollup walks the page tables; VmRSS in /proc/PID/status comes
    # from counters Linux 6.1 flushes only every 64 faults per thread, so
    # it reads near zero for a process as small as the monitor.
    rss=$(awk '/^Rss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null)
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null)
    [ -n "$rss" ] && echo "BENCH monitor-rss-kb$2 $rss"
    [ -n "$pss" ] && echo "BENCH monitor-pss-kb$2 $pss"
}

time_xloci() { # NAME -> seconds
    local t
    t=$(lab_now)
    xl-oci create "$LAB_WORK/$1.cfg" >/dev/null || { echo fail; return; }
    lab_elapsed "$t"
}

# xl-oci create, N times.
cfg b 128
for i in $(seq "$runs"); do
    echo "BENCH xloci-create $(time_xloci b)"
    mem_of "$(cat "$XL_OCI_ROOT/domains/b/monitor.lock")" ""
    lab_make_ramdisk "$XL_OCI_ROOT/domains/b/boot-spec.dtb" \
        /usr/lib/xl-oci/loader/xen-tools/initramfs "$LAB_WORK/ramdisk"
    xl-oci destroy b
done

# xl create of the same domain: the config xl-oci renders, in xl syntax.
cat >"$LAB_WORK/xl.cfg" <<CFG
name = "bx"
type = "pv"
memory = 128
vcpus = 1
kernel = "/usr/lib/xl-oci/loader/xen-tools/kernel"
ramdisk = "$LAB_WORK/ramdisk"
extra = "console=hvc0 quiet printk.time=1"
disk = [ "format=raw,vdev=xvda,access=ro,target=$LAB_WORK/probe/rootfs.erofs" ]
vif = [ "bridge=$LAB_BRIDGE" ]
CFG
for i in $(seq "$runs"); do
    t=$(lab_now)
    xl create "$LAB_WORK/xl.cfg" >/dev/null 2>&1 && echo "BENCH xl-create $(lab_elapsed "$t")"
    xl destroy bx
done

# wait_running NAME...: until each container runs (its kernel has booted
# and the entrypoint is exec'd), so that the busy runs measure creates
# beside running domains, not beside domains still booting.
wait_running() {
    local n i
    for n in "$@"; do
        for ((i = 0; i < 1500; i++)); do
            xl-oci status "$n" 2>/dev/null | grep -q '^state: *running' && break
            sleep 0.2
        done
    done
}

# With 1, then 12, other domains running.
cfg o1 128
xl-oci create "$LAB_WORK/o1.cfg" >/dev/null
wait_running o1
for i in $(seq "$runs"); do
    echo "BENCH xloci-create-busy1 $(time_xloci b)"
    xl-oci destroy b
done
for n in $(seq 2 12); do
    cfg "o$n" 128
    xl-oci create "$LAB_WORK/o$n.cfg" >/dev/null || echo "BENCH note: o$n failed"
done
wait_running $(seq -f 'o%g' 2 12)
echo "BENCH others-running $(xl list | tail -n +3 | wc -l)"
for i in $(seq "$runs"); do
    echo "BENCH xloci-create-busy12 $(time_xloci b)"
    xl-oci destroy b
done
for c in /proc/[0-9]*/comm; do
    [ "$(cat "$c" 2>/dev/null)" = xl-oci-monitor ] || continue
    p=${c%/comm}
    mem_of "${p#/proc/}" -busy
done
for n in $(seq 1 12); do xl-oci destroy "o$n"; done

# --- managed networks: one vif on network "bench" -----------------------------
xl-oci network create bench --subnet 10.77.0.0/24 >/dev/null ||
    { lab_fail create-bench "network create bench failed"; exit 1; }
netcfg() { # NAME: the probe on network bench
    printf 'name = "%s"\nmemory = 128\noci_root = "%s"\noci_network = [ "bench" ]\noci_cmd = [ "sleep", "86400000" ]\n' \
        "$1" "$LAB_WORK/probe" >"$LAB_WORK/$1.cfg"
}
netcfg bn
for i in $(seq "$runs"); do
    echo "BENCH xloci-create-net $(time_xloci bn)"
    lab_make_ramdisk "$XL_OCI_ROOT/domains/bn/boot-spec.dtb" \
        /usr/lib/xl-oci/loader/xen-tools/initramfs "$LAB_WORK/ramdisk-net"
    mac=$(xl-oci network inspect --json bench | tr -d ' \n' | grep -o '"mac":"[0-9a-f:]*' | head -1 | cut -d'"' -f4)
    xl-oci destroy bn
done
# The same domain through xl: same kernel, ramdisk, disk and MAC, its vif
# on the network's bridge by Xen's own vif-bridge script.
sed -e "s|^ramdisk = .*|ramdisk = \"$LAB_WORK/ramdisk-net\"|" \
    -e "s|^vif = .*|vif = [ \"bridge=xloci-bench,mac=$mac\" ]|" \
    "$LAB_WORK/xl.cfg" >"$LAB_WORK/xl-net.cfg"
for i in $(seq "$runs"); do
    t=$(lab_now)
    xl create "$LAB_WORK/xl-net.cfg" >/dev/null 2>&1 && echo "BENCH xl-create-vifbridge $(lab_elapsed "$t")"
    xl destroy bx
done
netcfg n1
xl-oci create "$LAB_WORK/n1.cfg" >/dev/null
wait_running n1
for i in $(seq "$runs"); do
    echo "BENCH xloci-create-net-busy1 $(time_xloci bn)"
    xl-oci destroy bn
done
for n in $(seq 2 12); do
    netcfg "n$n"
    xl-oci create "$LAB_WORK/n$n.cfg" >/dev/null || echo "BENCH note: n$n failed"
done
wait_running $(seq -f 'n%g' 2 12)
echo "BENCH others-on-network $(xl-oci network inspect --json bench | grep -c '"container"')"
for i in $(seq "$runs"); do
    echo "BENCH xloci-create-net-busy12 $(time_xloci bn)"
    xl-oci destroy bn
done
for n in $(seq 1 12); do xl-oci destroy "n$n"; done
xl-oci network rm bench
lab_ok create-bench
