# bench-guest.sh: the lab benchmark's scenario (tools/lab/lab bench), not part
# of the test suite.  Times `xl create` of the plain PV guest of 00-smoke (same
# kernel, one-file initramfs, a phy disk and a vif) up to the moment dom0 reads
# the guest's xenstore key, on dom0's clock (/proc/uptime), and prints
#     BENCH create_to_key SECONDS create SECONDS
# lab-timeout: 300

name=lab-bench
lab_mkinitrd initrd.cpio "$LAB_GUEST_INIT"
truncate -s 16M disk.img
lab_pv_config guest.cfg "$name" "$LAB_WORK/initrd.cpio" \
    "extra = \"console=hvc0 LAB_KEY=data/bench LAB_VALUE=up\"" \
    "disk = [ 'format=raw,vdev=xvda,access=rw,target=$LAB_WORK/disk.img' ]" \
    "vif = [ 'bridge=$LAB_BRIDGE' ]"
sync
t0=$(lab_now)
xl create guest.cfg || { lab_fail bench-create "xl create failed"; exit 1; }
t_create=$(lab_elapsed "$t0")
domid=$(xl domid "$name")
if lab_wait_xs "/local/domain/$domid/data/bench" 200 up >/dev/null; then
    t_key=$(lab_elapsed "$t0")
    echo "BENCH create_to_key $t_key create $t_create"
    lab_ok bench-guest "xl create ${t_create}s, key after ${t_key}s"
else
    lab_fail bench-guest "no key from the guest within 200s"
fi
xl destroy "$name"
