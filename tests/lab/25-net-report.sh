# 25-net-report.sh: the guest report in Xen, through the real loader,
# xenstore and monitor: the addresses the loader configured reach
# DomainStatus, xl-oci status, list and --json (net/N/ channel, issue 10);
# a loader error longer than 256 bytes reaches DomainStatus whole (issue
# 13: the loader wrote up to 511 bytes, the monitor refused over 256).
# Passed 11/11 on 2026-11-30 (scenario 176 s under TCG).
# lab-timeout: 600

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
cp -a "$images/probe" "$LAB_WORK/probe" || { lab_fail setup "no probe root volume in $images"; exit 1; }


# A failure message of ~480 bytes (the working directory under a file).
long=$(head -c 420 /dev/zero | tr '\0' a)
cat >"$LAB_WORK/le.cfg" <<CFG
name = "le"
memory = 128
oci_root = "$LAB_WORK/probe"
oci_workdir = "/bin/probe/$long"
CFG
lab_check create-le xl-oci create "$LAB_WORK/le.cfg"
xl-oci wait le >/dev/null 2>&1
err=$(st le error)
if [ "$(st le state)" = broken ] && [ "${#err}" -gt 400 ] && [[ "$err" == *"/bin/probe/$long"* ]]; then
    lab_ok long-error-reaches-status "${#err} bytes"
else
    lab_fail long-error-reaches-status "state $(st le state), error (${#err} bytes): ${err:0:120}"
fi
lab_check destroy-le xl-oci destroy le

# Xen's vif-bridge runs its iptables rules for a vif with ip=, which under
# emulation takes longer than libxl's hotplug timeout; this stand-in only
# puts the vif on the bridge and says so, which is all the guest needs.
cat >"$LAB_WORK/vif-lab" <<'SH'
#!/bin/sh
# vif-lab online|offline: XENBUS_PATH=/local/domain/0/backend/vif/D/N
d=${XENBUS_PATH#*backend/vif/}
vif=vif${d%/*}.${d#*/}
if [ "$1" = online ]; then
    ip link set "$vif" master "$(xenstore-read "$XENBUS_PATH/bridge")" up
fi
xenstore-write "$XENBUS_PATH/hotplug-status" connected
SH
chmod 755 "$LAB_WORK/vif-lab"
cat >"$LAB_WORK/nr.cfg" <<CFG
name = "nr"
memory = 128
oci_root = "$LAB_WORK/probe"
vif = [ "bridge=$LAB_BRIDGE,ip=10.77.0.5/24,script=$LAB_WORK/vif-lab" ]
oci_gateway = "10.77.0.1"
oci_cmd = [ "sleep", "300000" ]
CFG
if ! xl-oci create "$LAB_WORK/nr.cfg"; then
    lab_fail create-nr "xl-oci create failed"
    exit 0
fi
if wait_state nr running 240; then
    lab_ok nr-running
else
    lab_fail nr-running "state $(st nr state); $(xl-oci logs nr 2>&1 | tail -5 | tr '\n' ' ')"
fi
v=$(xenstore-read /tool/xl-oci/nr/net/0/ipv4 2>&1)
[ "$v" = 10.77.0.5/24 ] && lab_ok status-net-ipv4 "$v" || lab_fail status-net-ipv4 "'$v'"
mac=$(xenstore-read /tool/xl-oci/nr/net/0/mac 2>&1)
case "$mac" in
00:16:3e:??:??:??) lab_ok status-net-mac "$mac" ;;
*) lab_fail status-net-mac "'$mac'" ;;
esac
xl-oci status nr | grep -q "^net0: *$mac ipv4 10.77.0.5/24 ipv6 -$" &&
    lab_ok status-shows-addresses || lab_fail status-shows-addresses "$(xl-oci status nr | tr '\n' '|')"
xl-oci list | grep -q '^nr .* 10\.77\.0\.5$' &&
    lab_ok list-shows-addresses || lab_fail list-shows-addresses "$(xl-oci list | tr '\n' '|')"
xl-oci list --json | tr -d ' \n' | grep -q '"ipv4":\["10.77.0.5/24"\]' &&
    lab_ok list-json-networks || lab_fail list-json-networks "$(xl-oci list --json | tr -d '\n')"
xl-oci logs nr | grep -q "xl-oci-loader: net 0 $mac ipv4 \[10.77.0.5/24\]" &&
    lab_ok net-marker || lab_fail net-marker "no net marker in the log"
lab_check destroy-nr xl-oci destroy nr

