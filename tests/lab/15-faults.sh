# 15-faults.sh: fault injection in Xen.  A copy of xl-oci built with the
# kill points of common/fault.h (installed by the lab under
# /usr/lib/xl-oci/fault/) is killed with SIGKILL at every point create and
# destroy pass, in the monitor while it writes DomainStatus, and in
# shutdown-action between destroying and re-creating a domain.  After each
# kill: `list` and `status` still answer, the next ordinary command
# (`destroy`, or any command for a lost monitor) repairs, and nothing leaks:
# no domain, no xenstore node under /tool/xl-oci, no loop device, no
# monitor process, no state dir, no share view.  shutdown-action is also
# killed in the restart policy's restart (the monitor's own path).  The
# point lists come from the programs themselves (XL_OCI_FAULT_LOG), so a
# new point is walked without editing this file.  Two creates of one
# name at once: exactly one wins.
# lab-timeout: 1200

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
export XL_OCI_LOADER_DIR=/usr/lib/xl-oci/loader/xen-tools
export XL_OCI_HOTPLUG_DIR=/usr/lib/xl-oci/hotplug
FX=/usr/lib/xl-oci/fault/xl-oci
[ -x "$FX" ] || { lab_fail setup "no fault-injection build at $FX"; exit 1; }
cp -a "$images/probe" "$LAB_WORK/probe" || { lab_fail setup "no probe root volume in $images"; exit 1; }

# mkcfg NAME EXTRA-LINES...: an app.cfg for the probe.
mkcfg() {
    local name=$1
    shift
    {
        echo "name = \"$name\""
        echo "memory = 128"
        echo "oci_root = \"$LAB_WORK/probe\""
        echo "vif = [ \"bridge=$LAB_BRIDGE\" ]"
        printf '%s\n' "$@"
    } >"$LAB_WORK/$name.cfg"
}

# has_monitor NAME: an xl-oci-monitor process for NAME runs (dom0 has no pgrep).
has_monitor() { ps -o args 2>/dev/null | grep -q "^[^ ]*xl-oci-monitor .* $1\$"; }


# leaks NAME: prints what is left of NAME anywhere; empty when nothing.
leaks() {
    local n=$1
    xl list 2>/dev/null | awk -v n="$n" '$1 == n { print "domain " $2 }'
    xenstore-exists "/tool/xl-oci/$n" 2>/dev/null && echo "xenstore /tool/xl-oci/$n"
    losetup -a 2>/dev/null | grep -q "$LAB_WORK/" && echo "loop devices: $(losetup -a | grep -c "$LAB_WORK/")"
    has_monitor "$n" && echo "monitor process"
    [ -e "$XL_OCI_ROOT/domains/$n" ] && echo "state dir"
    [ -e "$XL_OCI_ROOT/share-views/$n" ] && echo "share views"
    grep -q " $XL_OCI_ROOT/share-views/$n/" /proc/mounts && echo "share view mounts"
    true
}

# repaired DESC NAME: `list` answers, then the ordinary destroy leaves no trace.
repaired() {
    local d=$1 n=$2 left
    if ! xl-oci list >/dev/null 2>&1; then
        lab_fail "$d" "list fails after the kill"
        return
    fi
    xl-oci destroy "$n" >"$LAB_WORK/out" 2>&1
    left=$(leaks "$n")
    if [ -n "$left" ]; then
        lab_fail "$d" "left after destroy: $(echo $left) ($(tail -1 "$LAB_WORK/out"))"
    else
        lab_ok "$d"
    fi
}

# --- the points, from one clean create and destroy --------------------------
# With a read-only share: its view in dom0 must go with everything else.
mkdir -p "$LAB_WORK/fxshare"
mkcfg fx 'oci_cmd = [ "sleep", "600000" ]' "oci_volumes = [ \"share:$LAB_WORK/fxshare:/srv/s:ro\" ]"
: >"$LAB_WORK/points"
XL_OCI_FAULT_LOG=$LAB_WORK/points "$FX" create "$LAB_WORK/fx.cfg" >/dev/null 2>&1 &&
    XL_OCI_FAULT_LOG=$LAB_WORK/points "$FX" destroy fx >/dev/null 2>&1
mapfile -t create_points < <(grep '^create\.' "$LAB_WORK/points" | sort -u)
mapfile -t destroy_points < <(grep '^destroy\.' "$LAB_WORK/points" | sort -u)
if [ ${#create_points[@]} -ge 5 ] && [ ${#destroy_points[@]} -ge 2 ]; then
    lab_ok points-listed "create: ${create_points[*]}; destroy: ${destroy_points[*]}"
else
    lab_fail points-listed "create: ${create_points[*]}; destroy: ${destroy_points[*]}"
fi
left=$(leaks fx)
[ -z "$left" ] || lab_fail clean-baseline "left: $left"

# --- create killed at each point: status truthful, destroy repairs ----------
for p in "${create_points[@]}"; do
    { XL_OCI_FAULT=$p "$FX" create "$LAB_WORK/fx.cfg" >/dev/null 2>&1; } 2>/dev/null
    rc=$?
    [ $rc -eq 137 ] || { lab_fail "kill-$p" "create exited $rc, not by SIGKILL"; continue; }
    # Killed before DomainStatus exists there is no container to show
    # (""); after, the state is one a create can leave.
    s=$(st fx state)
    case "$s" in
    creating | booting | running | paused | broken) ;;
    "") xenstore-exists /tool/xl-oci/fx 2>/dev/null &&
        lab_fail "kill-$p-status" "a DomainStatus node without a state" ;;
    *) lab_fail "kill-$p-status" "state after the kill is '$s'" ;;
    esac
    repaired "kill-$p" fx
done

# --- destroy killed at each point: the next destroy finishes the job --------
# and the container's end (137) is journaled exactly once, whichever
# destroy ended it: before its DomainStatus goes, so a kill after that
# does not lose it (a wait beside it reads the journal then), and not
# again by the destroy that repairs.
kills137() { xl-oci events --json --until 0s --filter name=fx --filter type=exited | grep -c '"exit-code": *137'; }
for p in "${destroy_points[@]}"; do
    xl-oci create "$LAB_WORK/fx.cfg" >"$LAB_WORK/out" 2>&1 || { lab_fail "kill-$p" "create failed: $(tail -1 "$LAB_WORK/out")"; continue; }
    k0=$(kills137)
    { XL_OCI_FAULT=$p "$FX" destroy fx >/dev/null 2>&1; } 2>/dev/null
    rc=$?
    [ $rc -eq 137 ] || { lab_fail "kill-$p" "destroy exited $rc, not by SIGKILL"; continue; }
    repaired "kill-$p" fx
    k1=$(kills137)
    [ $((k1 - k0)) = 1 ] && lab_ok "kill-$p-end-journaled-once" ||
        lab_fail "kill-$p-end-journaled-once" "$((k1 - k0)) exited events with 137"
done

# --- the monitor killed while it writes DomainStatus -------------------------
# Its first write is "running" (at exec); killed there, the domain runs on,
# the next command starts a new monitor, and the exit code still arrives.
mkcfg fm 'oci_cmd = [ "sleep", "8000", "exit", "7" ]'
if XL_OCI_FAULT=monitor.status-write "$FX" create "$LAB_WORK/fm.cfg" >"$LAB_WORK/out" 2>&1; then
    for _ in $(seq 150); do
        has_monitor fm || break
        sleep 0.2
    done
    if has_monitor fm; then
        lab_fail monitor-killed "the monitor did not reach its kill point"
    elif ! xl list fm >/dev/null 2>&1; then
        lab_fail monitor-killed-domain-runs "the domain died with its monitor"
    else
        lab_ok monitor-killed-domain-runs
        xl-oci status fm >/dev/null 2>&1
        code=$(timeout 120 xl-oci wait fm 2>/dev/null)
        if [ "$(st fm exit_code)" = 7 ]; then
            lab_ok monitor-killed-exit-code-arrives "wait printed '$code'"
        else
            lab_fail monitor-killed-exit-code-arrives "exit-code '$(st fm exit_code)', state '$(st fm state)'"
        fi
    fi
else
    lab_fail monitor-killed "create failed: $(tail -8 "$LAB_WORK/out" | tr "\n" " "); free: $(xl info 2>/dev/null | grep free_memory); domains: $(xl list 2>/dev/null | awk "NR > 1 {print \$1}" | tr "\n" " ")"
fi
repaired monitor-killed-destroy fm

# --- shutdown-action killed between destroying and re-creating ---------------
mkcfg fr 'oci_cmd = [ "exit", "0" ]' 'on_poweroff = "restart"'
if timeout 300 env XL_OCI_FAULT=shutdown-action.destroyed "$FX" create "$LAB_WORK/fr.cfg" >"$LAB_WORK/out" 2>&1; then
    s=
    for _ in $(seq 300); do
        s=$(st fr state)
        case "$s" in broken | halted) break ;; esac
        sleep 0.2
    done
    # Killed after it destroyed the domain, nothing of it is left in Xen:
    # halted (start runs it again), the error saying so; broken is for a
    # domain still there.
    err=$(st fr error)
    if [ "$s" = halted ] && [ "${err#*after destroying the domain}" != "$err" ]; then
        lab_ok shutdown-action-killed-status "state '$s', error '$err'"
    else
        lab_fail shutdown-action-killed-status "state '$s', error '$err'"
    fi
else
    lab_fail shutdown-action-killed "create failed: $(tail -1 "$LAB_WORK/out")"
fi
repaired shutdown-action-killed-destroy fr

# --- the restart policy's shutdown-action killed after destroying ----------
# The monitor's own restart path (oci_restart, not on_poweroff): the
# action dies with the old domain destroyed and no new one made, so
# nothing else will start it.  The monitor leaves it halted with the
# error, journals restart-failed after the run's exit, and removes
# next-restart; `start` could run it again.
mkcfg fp 'oci_cmd = [ "exit", "1" ]' 'oci_restart = "on-failure:1"'
if timeout 300 env XL_OCI_FAULT=shutdown-action.destroyed "$FX" create "$LAB_WORK/fp.cfg" >"$LAB_WORK/out" 2>&1; then
    wait_state fp halted 300
    err=$(st fp error)
    ev=$(xl-oci events --until 0s --filter name=fp | awk '{print $2}' | tail -n 3 | paste -sd' ')
    if [ "$(st fp state)" = halted ] && [ "${err#restart failed: the shutdown action did not complete}" != "$err" ] &&
        [ "$ev" = "exited restarting restart-failed" ] && [ -z "$(st fp next_restart)" ] && ! xl domid fp >/dev/null 2>&1; then
        lab_ok policy-shutdown-action-killed-halted "error '$err'; events $ev"
    else
        lab_fail policy-shutdown-action-killed-halted "state '$(st fp state)', error '$err', events '$ev', next-restart '$(st fp next_restart)'"
    fi
else
    lab_fail policy-shutdown-action-killed "create failed: $(tail -1 "$LAB_WORK/out")"
fi
repaired policy-shutdown-action-killed-destroy fp

# --- two creates of one name at once: exactly one wins ----------------------
mkcfg fz 'oci_cmd = [ "sleep", "600000" ]'
xl-oci create "$LAB_WORK/fz.cfg" >"$LAB_WORK/z1" 2>&1 &
p1=$!
xl-oci create "$LAB_WORK/fz.cfg" >"$LAB_WORK/z2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
if [ $((r1 == 0)) -ne $((r2 == 0)) ] && [ "$(xl list 2>/dev/null | awk '$1 == "fz"' | wc -l)" = 1 ]; then
    lab_ok same-name-creates-one-wins "loser: $(cat "$LAB_WORK/z1" "$LAB_WORK/z2" | grep -m1 -i 'exists\|in use\|already')"
else
    lab_fail same-name-creates-one-wins "exit codes $r1 and $r2: $(tail -1 "$LAB_WORK/z1") / $(tail -1 "$LAB_WORK/z2")"
fi
repaired same-name-creates-destroy fz

# --- and afterwards an ordinary create of the same name works ---------------
mkcfg fx 'oci_cmd = [ "exit", "5" ]'
if xl-oci create "$LAB_WORK/fx.cfg" >/dev/null 2>&1 &&
    timeout 120 xl-oci wait fx >/dev/null 2>&1; [ "$(st fx exit_code)" = 5 ]; then
    lab_ok create-after-faults
else
    lab_fail create-after-faults "exit-code '$(st fx exit_code)', state '$(st fx state)'"
fi
repaired create-after-faults-destroy fx

# --- disk full: a state root too small for the per-domain ramdisk ------------
# create fails naming the cause and leaves no domain, status, loop device,
# monitor or state dir; the root volume lives outside the small root.
mkdir -p "$LAB_WORK/full"
if mount -t tmpfs -o size=512k tmpfs "$LAB_WORK/full"; then
    mkcfg fd 'oci_cmd = [ "sleep", "600000" ]'
    if XL_OCI_ROOT=$LAB_WORK/full/root xl-oci create "$LAB_WORK/fd.cfg" >"$LAB_WORK/out" 2>&1; then
        lab_fail disk-full-create-fails "create succeeded in a 512 KiB state root"
        XL_OCI_ROOT=$LAB_WORK/full/root xl-oci destroy fd >/dev/null 2>&1
    elif ! grep -qi "no space left" "$LAB_WORK/out"; then
        lab_fail disk-full-create-fails "the error does not say the disk is full: $(tail -1 "$LAB_WORK/out")"
    else
        left=$(XL_OCI_ROOT=$LAB_WORK/full/root leaks fd)
        [ -e "$LAB_WORK/full/root/domains/fd" ] && left="$left state dir"
        [ -n "$(ls -A "$LAB_WORK/full/root/tmp" 2>/dev/null)" ] && left="$left tmp/"
        [ -z "$left" ] && lab_ok disk-full-create-fails "$(tail -1 "$LAB_WORK/out")" ||
            lab_fail disk-full-create-fails "left: $left"
    fi
    umount "$LAB_WORK/full"
else
    lab_fail disk-full-create-fails "cannot mount a tmpfs"
fi
