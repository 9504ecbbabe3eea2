# 10-create.sh: xl-oci create and the container lifecycle, for real in Xen.
# The probe root volume (tests/images/mkprobe-volume.sh) runs under the
# xen-tools loader; DomainStatus, the monitor, stop, wait and destroy are
# checked through the lifecycle (issue 5); the restart policy, pause (also
# a plain `xl pause`), the event journal and the monitor's RSS (issue 15).
# lab-timeout: 1700

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
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



# wait_restarted NAME: until NAME has been created again once and runs.
wait_restarted() {
    local i
    for ((i = 0; i < 900; i++)); do
        [ "$(st "$1" restarts)" = 1 ] && [ "$(st "$1" state)" = running ] && return 0
        sleep 0.2
    done
    return 1
}

# Two containers at once: exit codes 0 and 42 reach DomainStatus and wait.
mkcfg c0
mkcfg c42 'oci_cmd = [ "args", "exit", "42" ]'
t0=$(lab_now)
lab_check create-c0 xl-oci create "$LAB_WORK/c0.cfg"
lab_check create-c42 xl-oci create "$LAB_WORK/c42.cfg"
lab_log "created in $(lab_elapsed "$t0")s"
# The probe exits at once, so under load c0 may be anywhere in its life by
# now; read the state once and accept any state of a created domain.
s0=$(st c0 state)
case "$s0" in
booting | running | halting | halted) lab_ok status-after-create "$s0" ;;
*) lab_fail status-after-create "state is '$s0'" ;;
esac
xl-oci list
xl-oci wait c0; rc0=$?
xl-oci wait c42; rc42=$?
[ $rc0 -eq 0 ] && lab_ok wait-exit-0 "in $(lab_elapsed "$t0")s" || lab_fail wait-exit-0 "wait returned $rc0"
[ $rc42 -eq 42 ] && lab_ok wait-exit-42 || lab_fail wait-exit-42 "wait returned $rc42"
[ "$(st c42 exit_code)" = 42 ] && [ "$(st c42 state)" = halted ] &&
    lab_ok status-exit-42 || lab_fail status-exit-42 "$(xl-oci status c42 | tr '\n' ' ')"
[ -n "$(st c0 started)" ] && [ -n "$(st c0 finished)" ] &&
    lab_ok status-times || lab_fail status-times "started/finished missing"
u=$(st c0 uuid)
[ -n "$u" ] && [ "$u" != 00000000-0000-0000-0000-000000000000 ] &&
    lab_ok status-uuid "$u" || lab_fail status-uuid "uuid '$u'"
if xl-oci logs c0 | grep -q "probe: arg\[0\]=/bin/probe"; then
    lab_ok logs-show-output
else
    xl-oci logs c0 | tail -20 >&2
    lab_fail logs-show-output "no probe output in xl-oci logs c0"
fi
xl-oci logs c0 | grep -q "probe: env PROBE_IMAGE=1" &&
    lab_ok logs-image-env || lab_fail logs-image-env "image env not seen"

# destroy leaves no domain, xenstore node, loop device or state dir.
xl-oci destroy c0 && xl-oci destroy c42
left=""
xl list | grep -qE '^c0 |^c42 ' && left="$left domain"
xenstore-exists /tool/xl-oci/c0 2>/dev/null && left="$left xenstore"
[ -n "$(losetup -a 2>/dev/null)" ] && left="$left loop:$(losetup -a | tr '\n' ' ')"
[ -e "$XL_OCI_ROOT/domains/c0" ] && left="$left state-dir"
[ -z "$left" ] && lab_ok destroy-leaves-nothing || lab_fail destroy-leaves-nothing "left:$left"

# stop: the image's StopSignal (SIGUSR1 = 10) reaches the container.
mkcfg cstop 'oci_cmd = [ "trap", "10", "7", "sleep", "600000" ]'
lab_check create-cstop xl-oci create "$LAB_WORK/cstop.cfg"
if wait_state cstop running 180; then
    t1=$(lab_now)
    xl-oci stop -t 60 cstop
    [ "$(st cstop exit_code)" = 7 ] && lab_ok stop-signal "in $(lab_elapsed "$t1")s" ||
        lab_fail stop-signal "exit code '$(st cstop exit_code)', state $(st cstop state)"
else
    lab_fail stop-signal "never running: $(xl-oci status cstop | tr '\n' ' ')"
fi
xl-oci destroy cstop

# stop escalates: a container ignoring its stop signal is killed (137).
mkcfg cignore 'oci_cmd = [ "ignore", "10", "sleep", "600000" ]' 'oci_stop_timeout = 2'
lab_check create-cignore xl-oci create "$LAB_WORK/cignore.cfg"
if wait_state cignore running 180; then
    xl-oci stop -t 60 cignore
    [ "$(st cignore exit_code)" = 137 ] && lab_ok stop-escalates ||
        lab_fail stop-escalates "exit code '$(st cignore exit_code)'"
else
    lab_fail stop-escalates "never running"
fi
xl-oci destroy cignore

# SIGKILL the monitor: the domain runs on, the next command starts a new
# monitor; a container that exits while no monitor runs keeps its code.
mkcfg cmon 'oci_cmd = [ "sleep", "25000", "exit", "5" ]'
lab_check create-cmon xl-oci create "$LAB_WORK/cmon.cfg"
if wait_state cmon running 180; then
    pid=$(cat "$XL_OCI_ROOT/domains/cmon/monitor.lock")
    kill -9 "$pid"
    sleep 1
    xl list cmon >/dev/null 2>&1 && lab_ok monitor-killed-domain-runs ||
        lab_fail monitor-killed-domain-runs "domain gone"
    [ "$(st cmon state)" = running ] && lab_ok status-after-monitor-kill ||
        lab_fail status-after-monitor-kill "state $(st cmon state)"
    sleep 1
    pid2=$(cat "$XL_OCI_ROOT/domains/cmon/monitor.lock")
    [ "$pid2" != "$pid" ] && kill -0 "$pid2" 2>/dev/null &&
        lab_ok monitor-restarted || lab_fail monitor-restarted "no new monitor"
    kill -9 "$pid2"
    # Let the container exit while no monitor runs.
    sleep 35
    rc=0
    xl-oci wait cmon || rc=$?
    [ $rc -eq 5 ] && lab_ok exit-code-recovered || lab_fail exit-code-recovered "wait returned $rc"
else
    lab_fail monitor-killed-domain-runs "never running"
fi
xl-oci destroy cmon

# on_poweroff = "restart": the monitor has xl-oci create the domain again
# and keeps watching it; destroy stops the loop.  The probe sleeps 15 s so
# that its second run is still running when it is checked.
mkcfg crst 'oci_cmd = [ "sleep", "15000", "exit", "7" ]' 'on_poweroff = "restart"'
lab_check create-crst xl-oci create "$LAB_WORK/crst.cfg"
d1=$(st crst domid)
mpid=$(cat "$XL_OCI_ROOT/domains/crst/monitor.lock")
restarted=false
wait_restarted crst && restarted=true
d2=$(st crst domid)
if $restarted && [ -n "$d2" ] && [ "$d2" != "$d1" ] && xl list "$d2" >/dev/null 2>&1 &&
   ! xl list "$d1" >/dev/null 2>&1; then
    lab_ok restart-on-poweroff "domid $d1 -> $d2"
else
    lab_fail restart-on-poweroff "restarts '$(st crst restarts)' state '$(st crst state)' domid $d1 -> '$d2'"
fi
[ "$(cat "$XL_OCI_ROOT/domains/crst/monitor.lock")" = "$mpid" ] && kill -0 "$mpid" 2>/dev/null &&
    lab_ok restart-same-monitor || lab_fail restart-same-monitor "monitor $mpid gone"
case "$(st crst exit_code)" in
"" | null) lab_ok restart-clears-exit-code ;;
*) lab_fail restart-clears-exit-code "exit code '$(st crst exit_code)'" ;;
esac
lab_check destroy-crst xl-oci destroy crst
! xl list crst >/dev/null 2>&1 && ! xenstore-exists /tool/xl-oci/crst 2>/dev/null &&
    lab_ok restart-destroyed || lab_fail restart-destroyed "domain or status left"

# `xl reboot`: the guest kernel restarts at once (it finds no /sbin/reboot
# in the container), and on_reboot (default "restart") has the monitor
# create the domain again; the same monitor follows the new domid.
mkcfg crb 'oci_cmd = [ "sleep", "600000" ]'
lab_check create-crb xl-oci create "$LAB_WORK/crb.cfg"
if wait_state crb running 180; then
    d1=$(st crb domid)
    xl reboot crb
    rebooted=false
    wait_restarted crb && rebooted=true
    d2=$(st crb domid)
    $rebooted && [ "$d2" != "$d1" ] && xl list "$d2" >/dev/null 2>&1 &&
        lab_ok xl-reboot-restarts "domid $d1 -> $d2" ||
        lab_fail xl-reboot-restarts "restarts '$(st crb restarts)' state '$(st crb state)' domid $d1 -> '$d2'"
else
    lab_fail xl-reboot-restarts "never running"
fi
lab_check destroy-crb xl-oci destroy crb

# oci_restart = "on-failure:2": the probe exits 1, the monitor re-creates
# the domain twice with growing delays, then it stays halted.
mkcfg cof 'oci_cmd = [ "exit", "1" ]' 'oci_restart = "on-failure:2"'
lab_check create-cof xl-oci create "$LAB_WORK/cof.cfg"
wait_state cof halted 400 && [ "$(st cof restarts)" = 2 ] && [ "$(st cof exit_code)" = 1 ] &&
    lab_ok restart-on-failure-2 || lab_fail restart-on-failure-2 "state $(st cof state) restarts $(st cof restarts)"
ev=$(xl-oci events --until 0s --filter name=cof | awk '{print $2}' | paste -sd' ')
[ "$ev" = "created started exited restarting started exited restarting started exited" ] &&
    lab_ok restart-events-in-order || lab_fail restart-events-in-order "$ev"
delays=$(xl-oci events --until 0s --filter name=cof --filter type=restarting | grep -o 'delay=[0-9.]*s' | paste -sd' ')
[ "$delays" = "delay=1.000s delay=2.000s" ] && lab_ok restart-backoff-grows || lab_fail restart-backoff-grows "$delays"
xl-oci destroy cof

# always: the monitor SIGKILLed in the backoff; the next command's
# monitor goes on; stop in the backoff ends the policy.
mkcfg cal 'oci_cmd = [ "exit", "3" ]' 'oci_restart = "always"'
lab_check create-cal xl-oci create "$LAB_WORK/cal.cfg"
if wait_state cal restarting 300; then
    kill -9 "$(cat "$XL_OCI_ROOT/domains/cal/monitor.lock")"
    n=$(st cal restarts)
    sleep 3
    xl-oci list >/dev/null
    for ((i = 0; i < 600; i++)); do [ "$(st cal restarts)" -gt "$n" ] && break; sleep 0.2; done
    [ "$(st cal restarts)" -gt "$n" ] && lab_ok restart-after-monitor-kill ||
        lab_fail restart-after-monitor-kill "restarts $(st cal restarts)"
    wait_state cal restarting 300
    lab_check stop-in-backoff xl-oci stop cal
    n=$(st cal restarts)
    sleep 5
    [ "$(st cal state)" = halted ] && [ "$(st cal restarts)" = "$n" ] && ! xl list cal >/dev/null 2>&1 &&
        lab_ok stop-ends-policy || lab_fail stop-ends-policy "state $(st cal state) restarts $(st cal restarts)"
else
    lab_fail restart-after-monitor-kill "never restarting"
fi
xl-oci destroy cal

# pause: xl-oci pause and a plain xl pause both show in DomainStatus.
mkcfg cpz 'oci_cmd = [ "sleep", "600000" ]'
lab_check create-cpz xl-oci create "$LAB_WORK/cpz.cfg"
if wait_state cpz running 180; then
    mpid=$(cat "$XL_OCI_ROOT/domains/cpz/monitor.lock")
    rss=$(awk '/^Rss:/ {print $2}' "/proc/$mpid/smaps_rollup")
    [ "$rss" -le 2048 ] && lab_ok monitor-rss "${rss} kB" || lab_fail monitor-rss "${rss} kB"
    lab_check pause xl-oci pause cpz
    [ "$(st cpz state)" = paused ] && xl list cpz | grep -q ' --p' && lab_ok paused ||
        lab_fail paused "state $(st cpz state)"
    lab_check unpause xl-oci unpause cpz
    xl pause cpz
    wait_state cpz paused 10 && lab_ok xl-pause-noticed || lab_fail xl-pause-noticed "state $(st cpz state)"
    xl unpause cpz
    wait_state cpz running 10 && lab_ok xl-unpause-noticed || lab_fail xl-unpause-noticed "state $(st cpz state)"
    ev=$(xl-oci events --until 0s --filter name=cpz --filter type=paused --filter type=unpaused | awk '{print $2}' | paste -sd' ')
    [ "$ev" = "paused unpaused paused unpaused" ] && lab_ok pause-events || lab_fail pause-events "$ev"
else
    lab_fail pause "never running"
fi
xl-oci destroy cpz
true
