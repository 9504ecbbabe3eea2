# 17-lifecycle.sh: the restart policy, pause and the event journal for
# real in Xen (issue 15), with the probe root volume as 10-create: the
# monitor re-creates a domain that exits 1 under on-failure:2 twice with
# growing delays, then leaves it halted; under always, a monitor SIGKILLed
# in the backoff is replaced by the next command's, which goes on; stop in
# the backoff ends the policy; xl-oci pause and a plain `xl pause` both
# reach DomainStatus and the journal; the monitor's RSS stays <= 2 MiB.
# lab-timeout: 900

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
        printf '%s\n' "$@"
    } >"$LAB_WORK/$name.cfg"
}

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
