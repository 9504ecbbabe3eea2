# loader-bench.sh: issue 4's benchmark, in the lab's dom0 (tools/bench.sh
# runs it, the test tiers do not).  Unpause -> phase=exec for the loader,
# against the floor: the same kernel with a one-file initramfs whose static
# /init writes one key.  Prints "BENCH loader_unpause_to_exec L
# floor_unpause_to_init F" per pair.
# lab-timeout: 1200

ldir=/usr/lib/xl-oci/loader/xen-tools
vol=/usr/lib/xl-oci-lab/images/probe
cp "$vol/rootfs.erofs" "$LAB_WORK/rootfs.erofs" || { lab_fail setup "no probe volume"; exit 1; }
cp "$ldir/kernel" "$LAB_WORK/kernel"
xs() { xenstore-read "/local/domain/$1/data/xl-oci/$2" 2>/dev/null; }

# Benchmark (BENCHMARKS.md, "Loader"): unpause -> exec marker in xenstore
# for the loader, against the floor: the same kernel with a one-file
# initramfs whose static /init writes one key (dom0 clock, 0.2 s polling).
bench_loader() {
    local name=ldb$1 domid t0
    # The probe sleeps: with `exit 0`, phase can pass from exec to exited
    # between two polls and the wait would miss it.
    ramdisk "$name" '[ "sleep", "600000" ]' && domid=$(boot "$name" "" -p) || return 1
    t0=$(lab_now)
    xl unpause "$name"
    if ! lab_wait_xs "/local/domain/$domid/data/xl-oci/phase" 240 exec >/dev/null; then
        lab_log "$name: phase '$(xs "$domid" phase)' error '$(xs "$domid" error)'"
        lab_guest_console "$name" | tail -15 >&2
        return 1
    fi
    lab_elapsed "$t0"
    xl destroy "$name" 2>/dev/null
}
bench_floor() {
    local name=ldf$1 domid t0
    lab_mkinitrd "$LAB_WORK/floor.cpio" "$LAB_GUEST_INIT" || return 1
    lab_pv_config "$LAB_WORK/$name.xl" "$name" "$LAB_WORK/floor.cpio" \
        "kernel = \"$LAB_WORK/kernel\"" "extra = \"console=hvc0 quiet\"" \
        "disk = [ \"format=raw,vdev=xvda,access=ro,target=$LAB_WORK/rootfs.erofs\" ]"
    xl create -p "$LAB_WORK/$name.xl" >/dev/null 2>&1 || return 1
    domid=$(xl domid "$name")
    t0=$(lab_now)
    xl unpause "$name"
    if ! lab_wait_xs "/local/domain/$domid/data/lab" 240 ok >/dev/null; then
        lab_log "$name: floor guest wrote no key; xl list: $(xl list "$name" 2>&1 | tail -1)"
        lab_guest_console "$name" | tail -15 >&2
        return 1
    fi
    lab_elapsed "$t0"
    xl destroy "$name" 2>/dev/null
}
for i in $(seq "${BENCH_RUNS:-3}"); do
    if f=$(bench_floor $i) && l=$(bench_loader $i); then
        echo "BENCH loader_unpause_to_exec $l floor_unpause_to_init $f"
        lab_ok "bench-$i" "loader ${l}s, floor ${f}s"
    else
        lab_fail "bench-$i" "a bench guest did not report"
    fi
done
true
