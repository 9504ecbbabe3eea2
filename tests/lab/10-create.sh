# 10-create.sh: xl-oci create and the container lifecycle, for real in Xen.
# The probe root volume (tests/images/mkprobe-volume.sh) runs under the
# xen-tools loader; DomainStatus, the monitor, stop, wait and destroy are
# checked through the lifecycle (issue 5).
# lab-timeout: 1100

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
cp -a "$images/probe" "$LAB_WORK/probe" || { lab_fail setup "no probe root volume in $images"; exit 1; }

# mkcfg NAME EXTRA-LINES...: an app.cfg for the probe; with NET=1 a vif
# on the lab's bridge.  Only the first pair has one: nothing else here
# needs a network, and a bridge vif costs a guest about 2.7 s under TCG
# (Xen's bash vif-bridge at create and at teardown; docs/decisions.md
# "Where a lab guest's time goes").
mkcfg() {
    local name=$1
    shift
    {
        echo "name = \"$name\""
        echo "memory = 128"
        echo "oci_root = \"$LAB_WORK/probe\""
        [ "${NET:-}" != 1 ] || echo "vif = [ \"bridge=$LAB_BRIDGE\" ]"
        printf '%s\n' "$@"
    } >"$LAB_WORK/$name.cfg"
}



# jf JSON KEY: KEY's value in `status --json` text JSON, as st prints it.
jf() { sed -n "s/^ *\"$2\": \(.*\),\{0,1\}$/\1/p" <<<"$1" | tr -d '",' | sed 's/^null$//'; }

# wait_restarted NAME: until NAME has been created again once and runs;
# restarted_status holds that status (one reading: the run it shows
# cannot have ended between two readings).
wait_restarted() {
    local i
    local s
    for ((i = 0; i < 900; i++)); do
        restarted_status=$(xl-oci status --json "$1" 2>/dev/null)
        s=$(jf "$restarted_status" state)
        [ "$(jf "$restarted_status" restarts)" = 1 ] && [ "$s" = running ] && return 0
        # A restart that failed is final: say so now, not after 900 looks
        # (its error is in the status line the case prints).
        [ "$s" = broken ] && return 1
        sleep 0.2
    done
    return 1
}

# Two containers at once: exit codes 0 and 42 reach DomainStatus and wait.
NET=1 mkcfg c0
NET=1 mkcfg c42 'oci_cmd = [ "args", "exit", "42" ]'
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
# The ramdisk is in the domain's memory now: the state dir keeps none.
[ -e "$XL_OCI_ROOT/domains/c0/app.cfg" ] && [ ! -e "$XL_OCI_ROOT/domains/c0/ramdisk" ] &&
    lab_ok create-keeps-no-ramdisk || lab_fail create-keeps-no-ramdisk "$(ls "$XL_OCI_ROOT/domains/c0" | paste -sd' ')"
xl-oci list
xl-oci wait c0; rc0=$?
xl-oci wait c42; rc42=$?
if [ $rc0 -eq 0 ]; then
    lab_ok wait-exit-0 "in $(lab_elapsed "$t0")s"
else
    lab_fail wait-exit-0 "wait returned $rc0"
    { echo "--- status c0"; xl-oci status c0; echo "--- monitor log c0"; cat "$(lab_log_dir)/c0.monitor.log"
      echo "--- console c0"; xl-oci logs c0 | tail -n 15; } >&2
fi
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

# destroy leaves no domain, xenstore node, loop device, state dir or vif.
xl-oci destroy c0 && xl-oci destroy c42
left=""
xl list | grep -qE '^c0 |^c42 ' && left="$left domain"
xenstore-exists /tool/xl-oci/c0 2>/dev/null && left="$left xenstore"
[ -n "$(losetup -a 2>/dev/null)" ] && left="$left loop:$(losetup -a | tr '\n' ' ')"
[ -e "$XL_OCI_ROOT/domains/c0" ] && left="$left state-dir"
ls /sys/class/net 2>/dev/null | grep -q '^vif' && left="$left vif:$(ls /sys/class/net | grep '^vif' | tr '\n' ' ')"
[ -z "$left" ] && lab_ok destroy-leaves-nothing || lab_fail destroy-leaves-nothing "left:$left"

# stop: the image's StopSignal (SIGUSR1 = 10) reaches the container.
mkcfg cstop 'oci_cmd = [ "trap", "10", "7", "sleep", "600000" ]'
# -vv: create's phases and libxl's own lines, stamped in ms from the
# first, in order (how a slow create says where its time went).
lab_check create-cstop sh -c 'xl-oci -vv create "$1" 2>"$2" || { tail -n 3 "$2" >&2; exit 1; }' _ "$LAB_WORK/cstop.cfg" "$LAB_WORK/cstop.vv"
awk '/ ms: / { for (i = 1; i < NF; i++) if ($(i + 1) == "ms:") { t = $i + 0; if (t < last) bad = 1; last = t } }
     / create: [0-9.]+ ms: begins/ { b = 1 } / libxl: [0-9.]+ ms: debug: libxl: / && b { l = 1 }
     / create: [0-9.]+ ms: domain [0-9]+ built by libxl/ && l { d = 1 }
     / create: [0-9.]+ ms: unpaused/ && d { u = 1 }
     END { exit !(u && !bad) }' "$LAB_WORK/cstop.vv" &&
    lab_ok create-vv-stamps-in-order ||
    lab_fail create-vv-stamps-in-order "$(grep ' ms: ' "$LAB_WORK/cstop.vv" | head -n 5 | tr '\n' ' ')"
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
    # The OOM killer takes containers' processes before a monitor
    # (monitor_spawn.h), as containerd's shims sit above containerd.
    adj=$(cat "/proc/$pid/oom_score_adj" 2>/dev/null)
    [ "$adj" = -998 ] && lab_ok monitor-oom-score-adj "$adj" || lab_fail monitor-oom-score-adj "'$adj'"
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
    adj=$(cat "/proc/$pid2/oom_score_adj" 2>/dev/null)
    [ "$adj" = -998 ] && lab_ok restarted-monitor-oom-score-adj "$adj" ||
        lab_fail restarted-monitor-oom-score-adj "'$adj'"
    kill -9 "$pid2"
    # Let the container exit while no monitor runs: watch the domain with
    # xl alone (any xl-oci command would start a monitor again) until Xen
    # says it shut down or it is gone.
    for ((i = 0; i < 300; i++)); do
        xl list cmon 2>/dev/null | awk 'NR == 2 && $5 !~ /s/ { busy = 1 } END { exit !busy }' || break
        sleep 0.2
    done
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
    lab_fail restart-on-poweroff "restarts '$(st crst restarts)' state '$(st crst state)' domid $d1 -> '$d2' error '$(st crst error)'; monitor log: $(tail -n 4 "$(lab_log_dir)/crst.monitor.log" 2>&1 | tr '\n' '|')"
fi
[ "$(cat "$XL_OCI_ROOT/domains/crst/monitor.lock")" = "$mpid" ] && kill -0 "$mpid" 2>/dev/null &&
    lab_ok restart-same-monitor || lab_fail restart-same-monitor "monitor $mpid gone"
# From the reading that saw the second run running: the probe exits 7
# after 15 s, and a loaded CI host can take that long to get here.
case "$(jf "$restarted_status" exit_code)" in
"" | null) lab_ok restart-clears-exit-code ;;
*) lab_fail restart-clears-exit-code "exit code '$(jf "$restarted_status" exit_code)' while running again" ;;
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

# A Xen domain that is no container holds the name (here a container's
# domain renamed behind xl-oci's back): libxl refuses it while it builds
# the domain, create names the domain, and the failed create leaves no
# status, state dir or domain of its own.
mkcfg cown 'oci_cmd = [ "sleep", "600000" ]'
mkcfg xlname 'oci_cmd = [ "sleep", "600000" ]'
lab_check create-cown xl-oci create "$LAB_WORK/cown.cfg"
xl rename cown xlname
dx=$(xl domid xlname 2>/dev/null)
out=$(xl-oci create "$LAB_WORK/xlname.cfg" 2>&1)
rc=$?
left=""
xenstore-exists /tool/xl-oci/xlname 2>/dev/null && left="$left status"
[ -e "$XL_OCI_ROOT/domains/xlname" ] && left="$left state-dir"
[ "$(xl list | awk '$1 == "xlname"' | wc -l)" = 1 ] || left="$left domains:$(xl list | awk '$1 == "xlname"' | wc -l)"
[ $rc != 0 ] && grep -q "a Xen domain named xlname already exists (domid $dx)" <<<"$out" && [ -z "$left" ] &&
    lab_ok name-of-a-xen-domain-refused "$(tail -n 1 <<<"$out")" ||
    lab_fail name-of-a-xen-domain-refused "rc $rc, left:$left: $out"
# destroy finds a container's domain by DomainStatus's domid and UUID,
# so the renamed domain is still cown's and goes with it.
lab_check destroy-cown xl-oci destroy cown
xl list xlname >/dev/null 2>&1 && lab_fail destroy-renamed-domain "domain xlname (domid $dx) left" ||
    lab_ok destroy-renamed-domain "domid $dx destroyed"
# runc's masked and read-only paths in a domain: container root cannot
# write /proc/sys (a core_pattern helper ran with every capability, a
# poweroff_cmd of its own ended the loader's stop) or /sys, and the
# loader's stop still works after the try.
mkcfg cmask 'oci_cmd = [ "trap", "10", "0", "trap", "15", "0", "write", "/proc/sys/kernel/core_pattern", "|/bin/x", "write", "/proc/sys/kernel/poweroff_cmd", "/bin/true", "write", "/sys/xl-oci", "x", "stat", "/proc/timer_list", "sleep", "600000" ]'
lab_check create-cmask xl-oci create "$LAB_WORK/cmask.cfg"
for _ in $(seq 60); do xl-oci logs cmask 2>/dev/null | grep -q 'probe: stat /proc/timer_list' && break; sleep 1; done
lg=$(xl-oci logs cmask 2>&1)
grep -q 'probe: write /proc/sys/kernel/core_pattern: Read-only file system' <<<"$lg" &&
    grep -q 'probe: write /proc/sys/kernel/poweroff_cmd: Read-only file system' <<<"$lg" &&
    grep -q 'probe: write /sys/xl-oci: Read-only file system' <<<"$lg" &&
    grep -q 'probe: stat /proc/timer_list: 0:0 666 char' <<<"$lg" &&
    lab_ok masked-paths-in-a-domain || lab_fail masked-paths-in-a-domain "$(grep probe: <<<"$lg" | tr '\n' '|')"
t0=$(date +%s)
xl-oci stop -t 30 cmask >/dev/null 2>&1
# Its stop signal (the probe image's SIGUSR1, or SIGTERM), which it
# traps, ends it at once, not after the 30 s stop would wait and destroy.
ec=$(st cmask exit_code)
[ "$ec" = 0 ] && [ $(($(date +%s) - t0)) -lt 25 ] &&
    lab_ok stop-after-poweroff-cmd-try "in $(($(date +%s) - t0)) s, exit $(st cmask exit_code)" ||
    lab_fail stop-after-poweroff-cmd-try "after $(($(date +%s) - t0)) s: exit $ec, ended_by $(st cmask ended_by)"
xl-oci destroy cmask >/dev/null 2>&1
# Without oci_stdin the entrypoint's stdin is /dev/null, as runc's: a
# bare shell (the command of many images) reads end-of-file and ends, as
# under docker run without -i; it waited on the console for ever.
mkcfg csh 'oci_entrypoint = [ "/bin/sh" ]' 'oci_cmd = [ ]'
lab_check create-csh xl-oci create "$LAB_WORK/csh.cfg"
if wait_state csh halted 90 && [ "$(st csh exit_code)" = 0 ]; then
    lab_ok bare-shell-reads-eof "halted, exit 0"
else
    lab_fail bare-shell-reads-eof "state $(st csh state), exit $(st csh exit_code)"
fi
xl-oci destroy csh >/dev/null 2>&1
# console: what is piped in reaches the entrypoint's stdin (the console),
# its answer comes back on console's stdout, and console returns once the
# domain ends (stdin ended long before: output goes on until then).
mkcfg ccon 'oci_entrypoint = [ "/bin/sh", "-c" ]' 'oci_cmd = [ "read l; echo got:$l; read m; echo and:$m" ]' 'oci_stdin = 1'
lab_check create-ccon xl-oci create "$LAB_WORK/ccon.cfg"
if wait_state ccon running 120; then
    out=$(printf 'hello console\nsecond line\n' | busybox timeout 120 xl-oci console ccon 2>&1)
    rc=$?
    grep -q "got:hello console" <<<"$out" && grep -q "and:second line" <<<"$out" && [ $rc = 0 ] &&
        [ "$(st ccon state)" = halted ] &&
        lab_ok console-input-and-output "rc $rc, $(grep -c . <<<"$out") lines" ||
        lab_fail console-input-and-output "rc $rc, state $(st ccon state): $(tail -n 5 <<<"$out" | tr '\n' '|')"
else
    lab_fail console-input-and-output "ccon not running: $(st ccon state)"
fi
xl-oci destroy ccon >/dev/null 2>&1
# console against a guest that never reads its console: endless input
# fills the pty (with the old blocking write console stalled within 5 s,
# 33 KB in, printing nothing more until the domain ended), and the output
# must go on all the same.  The ticks are counted, not matched from the
# command line, which the log also shows.
mkcfg cdeaf 'oci_entrypoint = [ "/bin/sh", "-c" ]' 'oci_cmd = [ "i=0; while :; do sleep 2; i=$((i+1)); echo tick-$i; done" ]'
lab_check create-cdeaf xl-oci create "$LAB_WORK/cdeaf.cfg"
if wait_state cdeaf running 120; then
    busybox yes | busybox timeout 120 xl-oci console cdeaf >"$LAB_WORK/cdeaf.out" 2>&1 &
    cpid=$!
    got=no
    for _ in $(seq 60); do
        grep -q '^tick-8' "$LAB_WORK/cdeaf.out" && got=yes && break
        sleep 1
    done
    seen=$(grep -c '^tick-[0-9]' "$LAB_WORK/cdeaf.out")
    state=$(st cdeaf state)
    xl-oci destroy cdeaf >/dev/null 2>&1
    wait "$cpid"
    rc=$?
    [ $got = yes ] && [ "$state" = running ] && [ $rc = 0 ] &&
        lab_ok console-output-while-input-waits "$seen ticks while the domain ran, rc $rc" ||
        lab_fail console-output-while-input-waits "$seen ticks, state then $state, rc $rc: $(tail -c 200 "$LAB_WORK/cdeaf.out" | tr '\n' '|')"
else
    lab_fail console-output-while-input-waits "cdeaf not running: $(st cdeaf state)"
fi
xl-oci destroy cdeaf >/dev/null 2>&1
true
