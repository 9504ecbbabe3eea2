# 17-lifecycle.sh: the restart policy, pause and the event journal for
# real in Xen (issue 15), with the probe root volume as 10-create: the
# monitor re-creates a domain that exits 1 under on-failure:2 twice with
# growing delays, then leaves it halted; under always, a monitor SIGKILLed
# in the backoff is replaced by the next command's, which goes on; stop in
# the backoff ends the policy; xl-oci pause and a plain `xl pause` both
# reach DomainStatus and the journal; the monitor's RSS stays <= 2 MiB;
# cpu_weight/cap and `update` as `xl sched-credit2` shows them, stats of
# a spinning domain, oci_deadline ending it across a monitor restart, and
# autostart after a simulated dom0 restart; on-failure:1 with a vif on a
# managed network, three rounds (address, anti-spoofing and lease follow
# the new domain; destroy leaves nothing); a restart that cannot run (its
# root volume moved away) leaves the container halted, and start runs it;
# wait returns at a restarted domain's first exit; the guest's OOM killer
# is reported as oom-killed.
# lab-timeout: 1500

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

# Quotas, stats and the deadline on one spinning domain: cpu_weight and cap
# from app.cfg (credit2 or credit), update in place, stats' figures, and
# oci_deadline ending it with its monitor SIGKILLed on the way (the probe
# image's StopSignal is SIGUSR1, so that is what it traps).  The first
# lab run had 15 s: under emulation the checks before it took longer, and
# with 3 s of grace the spinning probe was SIGKILLed (137) before its trap.
# 30 s was not enough either on a loaded host (stop 48's full run: the
# deadline halted it before stats-table, and before the monitor's kill).
# So it runs first, and the sections after it run while the deadline
# comes (it cost a wait of 50-80 s at the end of its own section): the
# probe spins for 40 s (the stats need it busy, the sections beside it
# need the CPU back) and then sleeps until the deadline's SIGUSR1.
# sched NAME: "WEIGHT CAP" as xl shows them.
sched() { { xl sched-credit2 -d "$1" 2>/dev/null || xl sched-credit -d "$1"; } | awk -v n="$1" '$1 == n {print $3, $4}'; }
# jnum JSON KEY: the first number of "KEY":N in a one-line JSON text.
jnum() { printf '%s' "$1" | grep -o "\"$2\":[0-9.]*" | head -1 | cut -d: -f2; }
mkcfg csp 'oci_cmd = [ "trap", "10", "7", "spin", "40000", "sleep", "600000" ]' 'cpu_weight = 384' 'cap = 40' \
    'oci_deadline = 60' 'oci_stop_timeout = 10' 'oci_restart = "always"'
lab_check create-csp xl-oci create "$LAB_WORK/csp.cfg"
csp_up=
if wait_state csp running 120; then
    csp_up=1 t0=$(date +%s)
    [ "$(sched csp)" = "384 40" ] && lab_ok sched-from-app-cfg "$(sched csp)" || lab_fail sched-from-app-cfg "$(sched csp)"
    lab_check update-sched xl-oci update csp --cpu-weight 512 --cap 60
    [ "$(sched csp)" = "512 60" ] && lab_ok update-in-xl-sched "$(sched csp)" || lab_fail update-in-xl-sched "$(sched csp)"
    lab_check update-memory xl-oci update csp --memory 112
    tgt=$(xenstore-read "/local/domain/$(st csp domid)/memory/target" 2>&1)
    [ "$tgt" = 114688 ] && lab_ok update-memory-target || lab_fail update-memory-target "$tgt"
    xl-oci update csp --memory 4096 2>&1 | grep -q 'maxmem' && lab_ok update-past-maxmem-refused ||
        lab_fail update-past-maxmem-refused "not refused naming maxmem"
    s1=$(xl-oci stats --json --no-stream csp)
    sleep 1
    s2=$(xl-oci stats --json --no-stream csp)
    c1=$(jnum "$s1" cpu_time_ns) c2=$(jnum "$s2" cpu_time_ns) pct=$(jnum "$s2" cpu_percent)
    mem=$(jnum "$s2" memory_bytes) rd=$(jnum "$s2" block_read_bytes)
    [ -n "$c1" ] && [ -n "$c2" ] && [ "$c2" -gt "$c1" ] && [ "${pct%.*}" -ge 10 ] &&
        lab_ok stats-cpu-moves "cpu ${pct}%, $c1 -> $c2 ns" || lab_fail stats-cpu-moves "$s2"
    [ -n "$mem" ] && [ "$mem" -ge $((90 << 20)) ] && [ -n "$rd" ] && [ "$rd" -gt 0 ] &&
        printf '%s' "$s2" | grep -q '"net_rx_bytes":0,"net_tx_bytes":0' &&
        lab_ok stats-memory-block-net "mem $mem, read $rd" || lab_fail stats-memory-block-net "$s2"
    # What the guest says it uses (data/meminfo_*, written by its init).
    used=$(jnum "$s2" memory_used_bytes)
    [ -n "$used" ] && [ "$used" -gt $((1 << 20)) ] && [ "$used" -lt "$mem" ] &&
        lab_ok stats-guest-used "used $used of $mem" || lab_fail stats-guest-used "$s2"
    xl-oci stats --no-stream csp | grep -qE '^csp +[0-9]+ running +[0-9.]+%' &&
        lab_ok stats-table || lab_fail stats-table "$(xl-oci stats --no-stream csp)"
    # The monitor killed before the deadline: the next command's keeps it.
    kill -9 "$(cat "$XL_OCI_ROOT/domains/csp/monitor.lock")"
    sleep 1
    xl-oci list >/dev/null
else
    lab_fail create-csp "never running"
fi

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
# Each restart booted from a ramdisk made again from the saved boot spec
# (it ran the command: exit code 1); none is kept once a domain is built.
[ -e "$XL_OCI_ROOT/domains/cof/boot-spec.dtb" ] && [ ! -e "$XL_OCI_ROOT/domains/cof/ramdisk" ] &&
    lab_ok restart-keeps-no-ramdisk || lab_fail restart-keeps-no-ramdisk "$(ls "$XL_OCI_ROOT/domains/cof" | paste -sd' ')"
xl-oci destroy cof

# on-failure:1 with one vif on a managed network, three rounds: the
# probe answers one connection from dom0 on port 7000, then exits 1 (a
# restart lost once with a vif).  It must come back exactly once with the
# same address, its anti-spoofing elements on the new vif only, reachable
# from dom0; exit 1 again and stay halted; and destroy must leave no vif,
# nft element or lease behind.
chmod 755 "$LAB_WORK" "$(dirname "$LAB_WORK")" # dnsmasq runs as nobody
lab_check net-create xl-oci network create lcnet --subnet 10.79.0.0/24
# ipv4_of NAME: the address the loader reported (first IPv4, no prefix).
ipv4_of() {
    xl-oci status --json "$1" 2>/dev/null | tr -d ' \n' |
        grep -o '"ipv4":\["[0-9.]*' | head -1 | grep -o '[0-9.]*$'
}
# lease_vif NAME: the vif the lease of NAME on lcnet records ("" if none).
lease_vif() {
    xl-oci network inspect --json lcnet 2>/dev/null | tr -d ' \n' |
        grep -o "\"container\":\"$1\"[^}]*" | grep -o '"vif":"[^"]*' | cut -d'"' -f4
}
# nft_vifs: the vif names in any of our anti-spoofing sets, sorted, unique.
nft_vifs() {
    for s in vifs vif_mac vif_ip4 vif_ip6; do nft list set bridge xl_oci $s 2>/dev/null; done |
        grep -o 'vif[0-9]*\.[0-9]*' | sort -u | paste -sd' '
}
# knock IP: the probe's answer on port 7000, which also ends its run;
# tried for up to 60 s (the probe may not listen yet).
knock() {
    local i out
    for ((i = 0; i < 30; i++)); do
        out=$(busybox timeout 20 busybox nc -w 10 "$1" 7000 </dev/null 2>/dev/null)
        [ -n "$out" ] && break
        sleep 2
    done
    echo "$out"
}
# pings IP: "ok" once dom0 gets a reply, tried for up to 40 s.
pings() {
    local i
    for ((i = 0; i < 20; i++)); do
        ping -c 1 -W 2 "$1" >/dev/null 2>&1 && { echo ok; return; }
    done
    echo "no ping reply"
}
# up NAME RESTARTS: until NAME runs its RESTARTS-th restart with the
# address its loader reported (up to 300 s).
up() {
    local i
    for ((i = 0; i < 600; i++)); do
        [ "$(st "$1" restarts)" = "$2" ] && [ "$(st "$1" state)" = running ] &&
            [ -n "$(ipv4_of "$1")" ] && return 0
        sleep 0.5
    done
    return 1
}
mkcfg cnr 'oci_network = [ "lcnet" ]' 'oci_entrypoint = [ "/bin/busybox", "sh", "-c" ]' \
    'oci_cmd = [ "echo serving; echo bye | busybox nc -l -p 7000; echo knocked; exit 1" ]' \
    'oci_restart = "on-failure:1"'
for round in 1 2 3; do
    n=net-restart-$round
    if ! lab_check "$n-create" xl-oci create "$LAB_WORK/cnr.cfg"; then
        xl-oci destroy cnr >/dev/null 2>&1
        continue
    fi
    up cnr 0 || lab_fail "$n-runs" "state $(st cnr state) address '$(ipv4_of cnr)'"
    ip1=$(ipv4_of cnr) d1=$(st cnr domid)
    [ "$(lease_vif cnr)" = "vif$d1.0" ] && [ "$(nft_vifs)" = "vif$d1.0" ] &&
        lab_ok "$n-first-vif" "vif$d1.0 $ip1" || lab_fail "$n-first-vif" "lease '$(lease_vif cnr)' nft '$(nft_vifs)' domid $d1"
    p=$(pings "$ip1") k=$(knock "$ip1")
    [ "$p" = ok ] && [ "$k" = bye ] && lab_ok "$n-first-reached" "$ip1" ||
        lab_fail "$n-first-reached" "$ip1 from dom0: $p, knock '$k'"
    # restarted: a new domain, running, the same address (the loader
    # reports what it configured), reachable again
    if up cnr 1 && d2=$(st cnr domid) && [ "$d2" != "$d1" ]; then
        lab_ok "$n-restarted" "domid $d1 -> $d2"
    else
        d2=$(st cnr domid)
        lab_fail "$n-restarted" "state $(st cnr state) restarts $(st cnr restarts) domid $d1 -> $d2 last-exit $(st cnr last_exit_code) error '$(st cnr error)'"
        tail -n 20 "$(lab_log_dir)/cnr.monitor.log" 2>/dev/null | sed 's/^/  monitor: /' >&2
    fi
    ip2=$(ipv4_of cnr)
    [ -n "$ip2" ] && [ "$ip2" = "$ip1" ] && lab_ok "$n-same-address" "$ip2" || lab_fail "$n-same-address" "'$ip1' -> '$ip2'"
    [ "$(lease_vif cnr)" = "vif$d2.0" ] && [ "$(nft_vifs)" = "vif$d2.0" ] && ! ip link show "vif$d1.0" >/dev/null 2>&1 &&
        lab_ok "$n-vif-moved" "vif$d1.0 -> vif$d2.0" ||
        lab_fail "$n-vif-moved" "lease '$(lease_vif cnr)' nft '$(nft_vifs)' links '$(ip -o link | grep -o 'vif[0-9.]*' | paste -sd' ')'"
    p=$(pings "$ip2") k=$(knock "$ip2")
    [ "$p" = ok ] && [ "$k" = bye ] && lab_ok "$n-reached-after-restart" "$ip2" ||
        lab_fail "$n-reached-after-restart" "$ip2 from dom0: $p, knock '$k'"
    # the second exit 1 is the last: halted, and it stays so
    wait_state cnr halted 120
    sleep 3
    [ "$(st cnr state)" = halted ] && [ "$(st cnr restarts)" = 1 ] && [ "$(st cnr last_exit_code)" = 1 ] &&
        [ "$(st cnr exit_code)" = 1 ] && ! xl list cnr >/dev/null 2>&1 &&
        lab_ok "$n-stays-halted" ||
        lab_fail "$n-stays-halted" "state $(st cnr state) restarts $(st cnr restarts) last-exit $(st cnr last_exit_code) exit $(st cnr exit_code)"
    lab_check "$n-destroy" xl-oci destroy cnr
    left=
    ip -o link | grep -q ' vif[0-9]' && left="$left vifs:$(ip -o link | grep -o 'vif[0-9.]*' | paste -sd,)"
    [ -n "$(nft_vifs)" ] && left="$left nft:$(nft_vifs)"
    xl-oci network inspect --json lcnet 2>/dev/null | tr -d ' \n' | grep -q '"container"' && left="$left lease"
    [ -z "$left" ] && lab_ok "$n-nothing-left" || lab_fail "$n-nothing-left" "left:$left"
done
lab_check net-rm xl-oci network rm lcnet

# The deadline of the spinning domain of the first section (60 s after
# it ran): it ended the run across the monitor's SIGKILL.
if [ -n "$csp_up" ]; then
    wait_state csp halted 120
    t1=$(date +%s)
    [ "$(st csp ended_by)" = deadline ] && [ "$(st csp exit_code)" = 7 ] && [ "$(st csp restarts)" = 0 ] &&
        lab_ok deadline-ends-it "after $((t1 - t0)) s, exit 7" ||
        lab_fail deadline-ends-it "state $(st csp state) ended_by $(st csp ended_by) exit $(st csp exit_code)"
    ev=$(xl-oci events --until 0s --filter name=csp | awk '{print $2}' | paste -sd' ')
    [ "$ev" = "created started updated updated deadline exited" ] && lab_ok deadline-events "$ev" ||
        lab_fail deadline-events "$ev"
fi
xl-oci destroy csp

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
    # An idle container's monitor sleeps in poll: its CPU time over 10 s
    # (utime + stime, clock ticks) stays near zero.  A loop that went
    # round with a zero timeout while events waited in its queue burned a
    # vCPU of dom0 per monitor and slowed the whole lab fivefold.
    cpu() { awk '{print $14 + $15}' "/proc/$mpid/stat"; }
    c0=$(cpu)
    sleep 10
    c1=$(cpu)
    tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
    [ $((c1 - c0)) -le $((tck / 2)) ] && lab_ok monitor-idle-cpu "$((c1 - c0)) ticks of $tck/s in 10 s" ||
        lab_fail monitor-idle-cpu "$((c1 - c0)) ticks of $tck/s in 10 s"
    lab_check pause xl-oci pause cpz
    # xl's State column is rbpscd: a paused domain whose vCPU was blocked
    # shows -bp---, so only the p is looked at.
    xstate=$(xl list cpz | awk 'NR == 2 { print $5 }')
    [ "$(st cpz state)" = paused ] && [ "${xstate:2:1}" = p ] && lab_ok paused ||
        lab_fail paused "state $(st cpz state), xl says $xstate"
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

# Growing a domain: created with memory below maxmem (xl's pair), update
# raises the target and the guest's balloon driver takes the pages: Xen's
# count and the guest's own MemTotal follow (xl-oci(1) update).
cat >"$LAB_WORK/grow.cfg" <<CFG
name = "grow"
memory = 64
maxmem = 160
oci_root = "$LAB_WORK/probe"
oci_cmd = [ "sleep", "600000" ]
CFG
lab_check create-grow xl-oci create "$LAB_WORK/grow.cfg"
if wait_state grow running 120; then
    gd=$(st grow domid)
    memtotal() { xenstore-read "/local/domain/$gd/data/meminfo_total" 2>/dev/null || echo 0; }
    t0_kb=$(memtotal)
    lab_check update-grow xl-oci update grow --memory 150
    for _ in $(seq 60); do
        cur=$(xl list grow | awk 'NR == 2 {print $3}')
        [ "${cur:-0}" -ge 148 ] && [ "$(memtotal)" -gt $((t0_kb + 60 * 1024)) ] && break
        sleep 1
    done
    [ "${cur:-0}" -ge 148 ] && [ "$(memtotal)" -gt $((t0_kb + 60 * 1024)) ] &&
        lab_ok update-grows-to-maxmem "xl list $cur MiB, MemTotal $t0_kb -> $(memtotal) KiB" ||
        lab_fail update-grows-to-maxmem "xl list ${cur:-?} MiB, MemTotal $t0_kb -> $(memtotal) KiB"
    xl-oci update grow --memory 161 2>&1 | grep -q 'maxmem' && lab_ok update-grow-past-maxmem-refused ||
        lab_fail update-grow-past-maxmem-refused "not refused naming maxmem"
    xl-oci stop grow >/dev/null 2>&1
else
    lab_fail create-grow "never running"
fi
xl-oci destroy grow >/dev/null 2>&1
# More than a PV guest's balloon can take (10 times its memory more):
# refused at create, naming the limit, not accepted and never followed.
sed 's/^maxmem = 160$/maxmem = 800/; s/^name = "grow"$/name = "grow2"/' "$LAB_WORK/grow.cfg" >"$LAB_WORK/grow2.cfg"
out=$(xl-oci create "$LAB_WORK/grow2.cfg" 2>&1)
echo "$out" | grep -q 'maxmem 800 MiB: a PV domain of 64 MiB can grow to 704 MiB at most' &&
    ! xl-oci status grow2 >/dev/null 2>&1 && lab_ok maxmem-past-the-balloon-refused ||
    lab_fail maxmem-past-the-balloon-refused "$out"

# Autostart: dom0 "goes down" (monitors killed, domains destroyed and
# DomainStatus removed behind xl-oci's back, as a reboot leaves them);
# list shows the always container down, autostart brings it back (the
# unless-stopped and stopped cases are tier 36's, without Xen: one domain
# less here).
mkcfg aal 'oci_cmd = [ "sleep", "600000" ]' 'oci_restart = "always"'
lab_check create-aal xl-oci create "$LAB_WORK/aal.cfg"
wait_state aal running 120
kill -9 "$(cat "$XL_OCI_ROOT/domains/aal/monitor.lock")" 2>/dev/null
xl destroy aal 2>/dev/null
xenstore-rm /tool/xl-oci/aal
l=$(xl-oci list | awk '$1 == "aal" {print $1, $3}')
[ "$l" = "aal down" ] && lab_ok list-shows-down "$l" || lab_fail list-shows-down "$l"
out=$(xl-oci autostart 2>&1)
[ "$out" = "aal: started" ] && lab_ok autostart-output || lab_fail autostart-output "$out"
wait_state aal running 120 && [ "$(st aal restart_policy)" = always ] && xl list aal >/dev/null 2>&1 &&
    lab_ok autostart-brings-back || lab_fail autostart-brings-back "aal $(st aal state)"
# destroy of the running domain: a wait beside it returns 137, and the
# journal has its end before "destroyed", as docker rm -f.
xl-oci -vv wait aal >/dev/null 2>"$LAB_WORK/aal-wait.err" &
wpid=$!
# Destroyed only once wait is waiting (its -vv line after its first read
# of the status): a wait that begins after the destroy is rightly "no
# container" (a loaded CI run saw exit 1 after a plain 1 s; a look for
# its xenstore fd never matched and cost 10-28 s).
for _ in $(seq 300); do
    grep -q 'waiting for aal' "$LAB_WORK/aal-wait.err" 2>/dev/null && break
    sleep 0.1
done
xl-oci destroy aal
wrc=0
wait "$wpid" || wrc=$?
ev=$(xl-oci events --until 0s --filter name=aal | awk '{print $2}' | tail -n 2 | paste -sd' ')
[ "$wrc" = 137 ] && [ "$ev" = "exited destroyed" ] && lab_ok destroy-beside-wait-137 "wait $wrc; events $ev" ||
    lab_fail destroy-beside-wait-137 "wait $wrc; events $ev; wait said: $(tail -c 1500 "$LAB_WORK/aal-wait.err"); journal: $(xl-oci events --until 0s --filter name=aal --json | tail -n 3)"
# kill in a domain: SIGUSR2 (the probe traps it, exit 7; not its stop
# signal) reaches the entrypoint through the exec channel, and its policy
# restarts it; SIGKILL (the default) ends it, 137, and no restart; start
# runs it again.
mkcfg ckl 'oci_cmd = [ "trap", "12", "7", "sleep", "600000" ]' 'oci_restart = "always"'
lab_check create-ckl xl-oci create "$LAB_WORK/ckl.cfg"
if wait_state ckl running 120; then
    lab_check kill-usr2 xl-oci kill -s USR2 ckl
    for _ in $(seq 240); do
        [ "$(st ckl restarts)" = 1 ] && [ "$(st ckl state)" = running ] && break
        sleep 0.5
    done
    [ "$(st ckl restarts)" = 1 ] && [ "$(st ckl last_exit_code)" = 7 ] && [ "$(st ckl state)" = running ] &&
        lab_ok kill-signal-reaches-trap-and-restarts || lab_fail kill-signal-reaches-trap-and-restarts \
        "state $(st ckl state) restarts $(st ckl restarts) last exit $(st ckl last_exit_code)"
    lab_check kill-default xl-oci kill ckl
    wait_state ckl halted 120
    sleep 3
    [ "$(st ckl exit_code)" = 137 ] && [ "$(st ckl restarts)" = 1 ] && [ "$(st ckl state)" = halted ] &&
        lab_ok kill-sigkill-137-no-restart || lab_fail kill-sigkill-137-no-restart \
        "state $(st ckl state) exit $(st ckl exit_code) restarts $(st ckl restarts)"
    ev=$(xl-oci events --until 0s --filter name=ckl --filter type=killed | grep -o 'detail="[A-Z0-9]*"' | paste -sd' ')
    [ "$ev" = 'detail="SIGUSR2" detail="SIGKILL"' ] && lab_ok kill-journaled || lab_fail kill-journaled "$ev"
    # start: the halted container runs again in a new domain, its restart
    # count from 0, its policy in force again (USR2 restarts it).
    old_domid=$(st ckl domid)
    lab_check start-halted xl-oci start ckl
    wait_state ckl running 120 && [ "$(st ckl restarts)" = 0 ] && [ "$(st ckl domid)" != "$old_domid" ] &&
        [ -z "$(st ckl exit_code)" ] && lab_ok start-new-domain-restarts-0 ||
        lab_fail start-new-domain-restarts-0 "state $(st ckl state) restarts $(st ckl restarts) domid $old_domid -> $(st ckl domid) exit $(st ckl exit_code)"
    xl-oci kill -s USR2 ckl
    for _ in $(seq 240); do
        [ "$(st ckl restarts)" = 1 ] && [ "$(st ckl state)" = running ] && break
        sleep 0.5
    done
    [ "$(st ckl restarts)" = 1 ] && lab_ok start-policy-in-force || lab_fail start-policy-in-force "restarts $(st ckl restarts)"
else
    lab_fail kill "ckl never running"
fi
xl-oci destroy ckl

# A restart that cannot run: the root volume's directory moved away while
# two domains run, one restarted by on_poweroff, one by its restart
# policy.  Both restarts fail (nothing to attach): each container is
# halted with "restart failed: ..." naming the volume, not broken, its
# run's exit journaled; with the volume back, start runs it again.
cp -a "$images/probe" "$LAB_WORK/rfvol"
mkcfg rfa 'oci_cmd = [ "sleep", "6000", "exit", "0" ]' 'on_poweroff = "restart"'
mkcfg rfp 'oci_cmd = [ "sleep", "6000", "exit", "1" ]' 'oci_restart = "on-failure:3"'
sed -i "s|^oci_root = .*|oci_root = \"$LAB_WORK/rfvol\"|" "$LAB_WORK/rfa.cfg" "$LAB_WORK/rfp.cfg"
if xl-oci create "$LAB_WORK/rfa.cfg" >"$LAB_WORK/out" 2>&1 && xl-oci create "$LAB_WORK/rfp.cfg" >>"$LAB_WORK/out" 2>&1; then
    mv "$LAB_WORK/rfvol" "$LAB_WORK/rfvol.away"
    for n in rfa rfp; do
        wait_state $n halted 200
        err=$(st $n error)
        # restart-failed comes right after halted (on_poweroff's: the
        # monitor journals it once the final state is written).
        for _ in $(seq 50); do
            ev=$(xl-oci events --until 0s --filter name=$n | awk '{print $2}' | paste -sd' ')
            [[ "$ev" == *restart-failed ]] && break
            sleep 0.2
        done
        [ "$(st $n state)" = halted ] && [[ "$err" == "restart failed: disk xvda: "*/rfvol/*"No such file"* ]] &&
            [[ "$ev" == *"exited restart-failed" || "$ev" == *"exited restarting restart-failed" ]] &&
            [ "$(st $n oom_killed)" = false ] && [ -z "$(st $n next_restart)" ] &&
            [[ "$ev" != *broken* ]] && ! xl list $n >/dev/null 2>&1 &&
            lab_ok restart-fails-halted-$n "error '$err'; events $ev" ||
            lab_fail restart-fails-halted-$n "state $(st $n state) error '$err' events '$ev'"
    done
    mv "$LAB_WORK/rfvol.away" "$LAB_WORK/rfvol"
    lab_check start-after-failed-restart xl-oci start rfp
    wait_state rfp running 120 && [ -z "$(st rfp error)" ] && lab_ok failed-restart-start-runs ||
        lab_fail failed-restart-start-runs "state $(st rfp state) error '$(st rfp error)'"
else
    lab_fail restart-fails "create failed: $(tail -3 "$LAB_WORK/out" | tr '\n' ' ')"
fi
xl-oci destroy rfa
xl-oci destroy rfp
if xl list rfa >/dev/null 2>&1 || xl list rfp >/dev/null 2>&1; then
    lab_fail failed-restart-destroy-leaves-no-domain "$(xl list 2>/dev/null | awk 'NR > 1 {print $1}' | paste -sd' ')"
else
    lab_ok failed-restart-destroy-leaves-no-domain
fi

# wait returns at each exit, as docker wait: on a domain its policy
# restarts, at the exit that made it restarting, with that exit's code.
mkcfg wr 'oci_cmd = [ "sleep", "3000", "exit", "4" ]' 'oci_restart = "on-failure:2"'
if lab_check create-wr xl-oci create "$LAB_WORK/wr.cfg"; then
    code=0
    timeout 180 xl-oci wait wr >/dev/null 2>&1 || code=$?
    n=$(xl-oci events --until 0s --filter name=wr --filter type=exited | wc -l)
    [ "$code" = 4 ] && [ "$n" = 1 ] && [ "$(st wr state)" != halted ] &&
        lab_ok wait-returns-at-first-exit "state $(st wr state)" ||
        lab_fail wait-returns-at-first-exit "wait $code, $n exited events, state $(st wr state)"
fi
xl-oci destroy wr
# The restart of a container destroyed in its backoff: the monitor's
# shutdown-action, waiting on the global lock while the destroy held it,
# runs after it (helper-88).  Run by hand for the destroyed wr, it must
# do nothing: a status write would make wr's DomainStatus node again
# (lab 35 found such a node left, with no container).
rc=0
xl-oci shutdown-action wr 1 restart-policy >"$LAB_WORK/sa-gone.out" 2>&1 || rc=$?
[ $rc = 0 ] && ! xenstore-list /tool/xl-oci 2>/dev/null | grep -qx wr &&
    lab_ok restart-after-destroy-writes-nothing ||
    lab_fail restart-after-destroy-writes-nothing "rc $rc: $(xenstore-ls -f /tool/xl-oci/wr 2>&1 | head -5 | tr '\n' ' ') $(head -c 200 "$LAB_WORK/sa-gone.out")"
xenstore-rm /tool/xl-oci/wr 2>/dev/null

# The OOM killer in a domain: the probe holds 400 MiB in a 128 MB domain,
# the guest kernel's OOM killer ends it (137), and the loader's report
# makes DomainStatus say oom-killed (Docker's State.OOMKilled), as the
# exited event does; the loader itself runs on and powers off.
mkcfg oom 'oci_cmd = [ "alloc", "400" ]'
if lab_check create-oom xl-oci create "$LAB_WORK/oom.cfg"; then
    timeout 180 xl-oci wait oom >/dev/null 2>&1
    ev=$(xl-oci events --until 0s --filter name=oom --filter type=exited)
    [ "$(st oom exit_code)" = 137 ] && [ "$(st oom oom_killed)" = true ] &&
        xl-oci status oom | grep -qx "oom-killed: 1" && [[ "$ev" == *'detail="oom-killed"'* ]] &&
        ! xl-oci logs oom | grep -q "alloc 400: ok" && [ "$(st oom state)" = halted ] &&
        lab_ok oom-killed-in-domain "$ev" ||
        lab_fail oom-killed-in-domain "state $(st oom state) exit $(st oom exit_code) oom_killed $(st oom oom_killed) event '$ev'; $(xl-oci logs oom | tail -3 | tr '\n' ' ')"
fi
xl-oci destroy oom
true
