# 00-smoke.sh: the lab works end to end.
#
# xl talks to the hypervisor; the project's xl-oci runs in dom0; a plain PV
# guest (Debian kernel + one-file initramfs, tools/lab/guest-init.c) writes a
# key into xenstore that dom0 reads back, while its phy disk (a loop device)
# and its vif on $LAB_BRIDGE both reach hotplug-status "connected".
# lab-timeout: 300

info=$(xl info 2>&1)
if echo "$info" | grep -q '^xen_version'; then
    lab_ok xl-info "$(echo "$info" | sed -n 's/^xen_version *: *//p')"
else
    lab_fail xl-info "xl info shows no hypervisor: $(echo "$info" | tail -n 1)"
fi

status=$(cat /usr/lib/xl-oci-lab/stage-status 2>/dev/null || echo "missing")
if [ "$status" != ok ]; then
    lab_fail xl-oci-version "project not staged: $status"
elif ! command -v xl-oci >/dev/null; then
    lab_fail xl-oci-version "make install put no xl-oci on PATH"
elif v=$(xl-oci --version 2>&1); then
    lab_ok xl-oci-version "$(echo "$v" | head -n 1)"
else
    lab_fail xl-oci-version "xl-oci --version failed: $(echo "$v" | tail -n 1)"
fi

name=lab-smoke
token=$(cat /proc/sys/kernel/random/uuid)
lab_mkinitrd initrd.cpio "$LAB_GUEST_INIT" || lab_fail guest-initrd "cpio failed"
truncate -s 16M disk.img
lab_pv_config guest.cfg "$name" "$LAB_WORK/initrd.cpio" \
    "extra = \"console=hvc0 LAB_KEY=data/smoke LAB_VALUE=$token\"" \
    "disk = [ 'format=raw,vdev=xvda,access=rw,target=$LAB_WORK/disk.img' ]" \
    "vif = [ 'bridge=$LAB_BRIDGE' ]"

t0=$(lab_now)
if ! out=$(xl create guest.cfg 2>&1); then
    echo "$out" >&2
    lab_fail guest-create "xl create failed: $(echo "$out" | tail -n 1)"
    exit 1
fi
lab_ok guest-create "in $(lab_elapsed "$t0")s"
domid=$(xl domid "$name")

if v=$(lab_wait_xs "/local/domain/$domid/data/smoke" 150 "$token"); then
    lab_ok guest-xenstore-key "read back after $(lab_elapsed "$t0")s from xl create"
else
    lab_guest_console "$name" | tail -n 20 >&2
    lab_fail guest-xenstore-key \
        "timed out after 150s waiting for the guest's xenstore key data/smoke (guest console: /var/log/xen/guest-$name.log in dom0, tail in the scenario log)"
fi

be=/local/domain/0/backend
hs=$(xenstore-read "$be/vbd/$domid/51712/hotplug-status" 2>&1)
dev=$(xenstore-read "$be/vbd/$domid/51712/physical-device-path" 2>/dev/null)
if [ "$hs" = connected ] && losetup -a | grep -q "$LAB_WORK/disk.img"; then
    lab_ok disk-hotplug "connected on ${dev:-?}"
else
    lab_fail disk-hotplug "hotplug-status '$hs', loop: $(losetup -a | tr '\n' ' ')"
fi

hs=$(xenstore-read "$be/vif/$domid/0/hotplug-status" 2>&1)
if [ "$hs" = connected ] && [ -e "/sys/class/net/$LAB_BRIDGE/brif/vif$domid.0" ]; then
    lab_ok vif-hotplug "vif$domid.0 on $LAB_BRIDGE"
else
    lab_fail vif-hotplug "hotplug-status '$hs', $LAB_BRIDGE ports: $(ls /sys/class/net/$LAB_BRIDGE/brif 2>&1 | tr '\n' ' ')"
fi

xl destroy "$name"
if losetup -a | grep -q "$LAB_WORK/disk.img"; then
    lab_fail guest-destroy "loop device still attached after xl destroy"
else
    lab_ok guest-destroy
fi
