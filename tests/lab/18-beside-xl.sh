# 18-beside-xl.sh: containers poked with plain `xl` behind xl-oci's back,
# as a Xen admin will (helper-69).  A container's domain is known by its
# UUID, not its name: once `xl destroy` took it, a plain domain created
# under the same name is neither destroyed by `xl-oci destroy` nor made
# the container's by `start` (refused, the container left halted, not
# broken); after `xl rename`, stopping the container still finishes its
# domain (it was left shut down in Xen with its vif and loop device).
# `xl save` suspends the domain: the monitor leaves it to the saver (it
# applied on_poweroff and the container went broken while xl wrote).
# lab-timeout: 900

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
cp -a "$images/probe" "$LAB_WORK/probe" || { lab_fail setup "no probe root volume in $images"; exit 1; }
T() { busybox timeout "$@"; }
mkcfg() { # mkcfg NAME: the probe, ticking every second, one vif
    {
        echo "name = \"$1\""
        echo "memory = 64"
        echo "oci_root = \"$LAB_WORK/probe\""
        echo "vif = [ \"bridge=$LAB_BRIDGE\" ]"
        echo 'oci_entrypoint = [ "/bin/busybox", "sh", "-c" ]'
        echo 'oci_cmd = [ "i=0; while :; do i=$((i+1)); echo tick $i; sleep 1; done" ]'
    } >"$LAB_WORK/$1.cfg"
}
ticking() { # ticking NAME SECONDS
    local i
    for ((i = 0; i < $2; i++)); do
        xl-oci logs "$1" 2>/dev/null | grep -q '^tick ' && return 0
        sleep 1
    done
    return 1
}
in_xen() { xl list | awk 'NR > 1 {print $2}' | grep -qx "$1"; }
plain() { # plain NAME: a plain xl PV domain (guest-init), preserved on exit
    [ -e "$LAB_WORK/initrd.cpio" ] || lab_mkinitrd "$LAB_WORK/initrd.cpio" "$LAB_GUEST_INIT"
    lab_pv_config "$LAB_WORK/plain-$1.cfg" "$1" "$LAB_WORK/initrd.cpio"
    T 120 xl create "$LAB_WORK/plain-$1.cfg" >/dev/null 2>&1
}

# --- a plain domain takes the name of a container whose domain is gone ----
mkcfg kd
lab_check create-kd T 200 xl-oci create "$LAB_WORK/kd.cfg"
ticking kd 240 || lab_fail kd-ticks "no output from kd"
xl destroy kd
sleep 4
# Said in its status: nothing recorded why it ended (helper-69).
case "$(st kd error)" in
*"destroyed outside xl-oci (xl destroy"*) lab_ok xl-destroy-said "$(st kd state): $(st kd error)" ;;
*) lab_fail xl-destroy-said "$(st kd state): $(st kd error)" ;;
esac
if plain kd; then
    pd=$(xl domid kd)
    out=$(T 60 xl-oci start kd 2>&1)
    if echo "$out" | grep -q "a Xen domain of that name that is not this container's exists (domid $pd)" &&
        [ "$(st kd state)" = halted ]; then
        lab_ok start-refused-namesake "start refused, naming domain $pd; kd still halted"
    else
        lab_fail start-refused-namesake "start: $out; state $(st kd state): $(st kd error)"
    fi
    T 60 xl-oci destroy kd >/dev/null 2>&1
    if in_xen "$pd"; then
        lab_ok destroy-spares-namesake "xl-oci destroy kd left the plain domain $pd"
    else
        lab_fail destroy-spares-namesake "xl-oci destroy kd destroyed the plain domain $pd"
    fi
    xl destroy "$pd" 2>/dev/null
else
    lab_fail plain-kd "xl create of a plain domain kd failed"
    T 60 xl-oci destroy kd >/dev/null 2>&1
fi

# --- xl rename, then the container stops --------------------------------
mkcfg ra
lab_check create-ra T 200 xl-oci create "$LAB_WORK/ra.cfg"
ticking ra 240 || lab_fail ra-ticks "no output from ra"
da=$(st ra domid)
xl rename ra ra-renamed
T 90 xl-oci stop ra >/dev/null 2>&1
for _ in $(seq 30); do in_xen "$da" || break; sleep 1; done
if in_xen "$da"; then
    lab_fail rename-stop "ra is $(st ra state) but its domain $da (ra-renamed) is still in Xen: $(xl list | awk -v d="$da" '$2 == d {print $5}')"
else
    lab_ok rename-stop "the renamed domain $da is gone once ra stopped ($(st ra state))"
fi
T 60 xl-oci destroy ra >/dev/null 2>&1
xl destroy ra-renamed 2>/dev/null

# --- xl save ---------------------------------------------------------------
# Whatever xl save makes of it here (a save into dom0's RAM disk may fail
# for room), the container is the saver's: resumed and running when the
# save failed, halted with what happened said when it succeeded (xl then
# destroys the domain).  Never broken, never destroyed by its monitor.
mkcfg kv
lab_check create-kv T 200 xl-oci create "$LAB_WORK/kv.cfg"
ticking kv 240 || lab_fail kv-ticks "no output from kv"
dv=$(st kv domid)
T 240 xl save kv "$LAB_WORK/kv.save" >"$LAB_WORK/kv.save.out" 2>&1
src=$?
rm -f "$LAB_WORK/kv.save"
sleep 5
s=$(st kv state)
lab_log "xl save kv: exit $src, then kv $s, domain $dv $(in_xen "$dv" && echo there || echo gone)"
if [ "$src" != 0 ] && [ "$s" = running ] && in_xen "$dv"; then
    lab_ok save-left-to-xl "xl save failed (exit $src): the domain was resumed, kv running"
elif [ "$src" = 0 ] && [ "$s" = halted ] && st kv error | grep -q "suspended and then destroyed"; then
    lab_ok save-left-to-xl "xl save succeeded: kv halted, saying why"
else
    lab_fail save-left-to-xl "xl save exit $src; kv $s ($(st kv error)); domain $dv $(in_xen "$dv" && echo there || echo gone)"
    sed 's/^/# /' "$LAB_WORK/kv.save.out"
fi
T 60 xl-oci destroy kv >/dev/null 2>&1
check_left() { ! xl list | awk 'NR > 1 {print $1}' | grep -qxE 'kd|ra|ra-renamed|kv'; }
lab_check nothing-left check_left
exit 0
