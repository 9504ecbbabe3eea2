# volume-bench.sh (make bench, issue 16): create of a container with a
# qcow2 volume against one with a raw volume of the same content, side by
# side in one lab boot, and the dom0 memory of the QEMU that serves the
# qcow2 one (libxl's qdisk backend).
# lab-timeout: 1200

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
cp -a "$images/probe" "$LAB_WORK/probe" || { lab_fail setup "no probe root volume in $images"; exit 1; }

# The same bytes twice: an ext4 raw volume written by a container, and that
# image converted to qcow2 by qemu-img and imported (so neither has a
# backing file: the comparison is the format, not copy-on-write).
xl-oci volume create --size 64M --fs ext4 rawv >/dev/null || { lab_fail setup "volume create"; exit 1; }
printf 'name = "fill"\nmemory = 128\noci_root = "%s"\noci_volumes = [ "rawv:/data" ]\n' "$LAB_WORK/probe" >"$LAB_WORK/fill.cfg"
echo 'oci_cmd = [ "write", "/data/f", "same-content", "exit", "0" ]' >>"$LAB_WORK/fill.cfg"
xl-oci create "$LAB_WORK/fill.cfg" >/dev/null && xl-oci wait fill >/dev/null
xl-oci destroy fill >/dev/null 2>&1
qemu-img convert -f raw -O qcow2 "$XL_OCI_ROOT/storage/volumes/rawv/data.raw" "$LAB_WORK/q.qcow2" ||
    { lab_fail setup "qemu-img convert"; exit 1; }
xl-oci volume import --format qcow2 --fs ext4 qv "$LAB_WORK/q.qcow2" >/dev/null || { lab_fail setup "volume import"; exit 1; }

# run KIND VOL N: create a probe that reads the file; BENCH lines for the
# create command's time and create -> the probe's read line in the log.
run() {
    local kind=$1 vol=$2 n=$3 name=$1$3 t0 i
    printf 'name = "%s"\nmemory = 128\noci_root = "%s"\noci_volumes = [ "%s:/data:ro" ]\n' \
        "$name" "$LAB_WORK/probe" "$vol" >"$LAB_WORK/$name.cfg"
    echo 'oci_cmd = [ "read", "/data/f", "sleep", "10000", "exit", "0" ]' >>"$LAB_WORK/$name.cfg"
    t0=$(lab_now)
    if ! xl-oci create "$LAB_WORK/$name.cfg" >"$LAB_WORK/$name.out" 2>&1; then
        lab_log "create $name: $(tail -n 2 "$LAB_WORK/$name.out")"
        return
    fi
    echo "BENCH create-$kind $(lab_elapsed "$t0")"
    for ((i = 0; i < 1200; i++)); do
        xl-oci logs "$name" 2>/dev/null | grep -q 'probe: read /data/f: same-content' && break
        sleep 0.1
    done
    xl-oci logs "$name" 2>/dev/null | grep -q 'probe: read /data/f: same-content' &&
        echo "BENCH read-$kind $(lab_elapsed "$t0")"
    if [ "$kind" = qcow2 ]; then
        local domid pid
        domid=$(st "$name" domid)
        pid=$(ps | grep "[x]en-qemu-system-i386 -xen-domid $domid " | awk '{print $1}' | head -1)
        [ -n "$pid" ] && echo "BENCH qemu-rss-kb $(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status")"
    fi
    xl-oci wait "$name" >/dev/null
    xl-oci destroy "$name" >/dev/null 2>&1
}
# One unmeasured run of each warms the page cache and QEMU's binary.
run raw rawv 0 >/dev/null
run qcow2 qv 0 >/dev/null
for n in 1 2 3 4 5; do
    run raw rawv "$n"
    run qcow2 qv "$n"
done
xl-oci volume rm rawv qv >/dev/null
true
