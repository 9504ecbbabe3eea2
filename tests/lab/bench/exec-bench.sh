# exec-bench.sh: issue 15's benchmark, in the lab's dom0 (run by
# tools/bench.sh, BENCH_ONLY=exec; not by the test tiers).  In one boot:
# `xl-oci create` of the probe container, then `xl-oci exec NAME true`
# round trips in a running one, broken down by the steps `xl-oci -v exec`
# stamps, and the monitor's memory with a restart policy.  Prints BENCH
# lines (seconds unless named otherwise):
#   BENCH xloci-create S        `xl-oci create` until it returns (unpaused)
#   BENCH exec-first S          the first exec after the container started
#   BENCH exec-true S           one `xl-oci -v exec NAME true`, whole command
#   BENCH exec-step-STEP S      its steps, each from the step before:
#     startup   fork+exec of xl-oci and the dynamic loader, to main_exec
#     status    xenstore opened, DomainStatus read
#     lock      exec.lock taken
#     connect   libxenvchan_client_init (xenstore, grant map, event channel),
#               with the waits while the guest re-offers the channel
#     request   the request framed and written to the ring
#     started   the guest: fork, join the container's namespaces, the user
#               and env rules, execve of `true` (STARTED)
#     exit      `true` runs and exits, reaped, EXIT sent and read
#     close     libxenvchan_close (exec.lock was released once the
#               offer was claimed, at connect)
#     teardown  return from main to the shell seeing the exit
#   BENCH exec-tries N          connect attempts of one exec
#   BENCH version S             `xl-oci --version`: start-up and exit alone
#   BENCH xenstore-read S       `xenstore-read` of one key: a small
#                               dynamically linked Xen tool, for scale
#   BENCH static-true S         `busybox true`: fork and exec of a static
#                               program, the floor of any command
#   BENCH monitor-rss-kb KB / monitor-pss-kb / monitor-hwm-kb / monitor-vmrss-kb
#                               the exec target's monitor (oci_restart =
#                               "always"), after the execs
#   BENCH monitor-restarted-rss-kb KB / -hwm-kb  a monitor that has applied
#                               its on-failure policy once (the domain
#                               re-created, events journalled)
# With strace in PATH or in the lab's extra directory (LAB_EXTRA), one
# more exec runs under `strace -f -r -tt` and its trace is printed.
# lab-timeout: 1200

export XL_OCI_ROOT=$LAB_WORK/state
cp -a /usr/lib/xl-oci-lab/images/probe "$LAB_WORK/probe"
creates=${EXEC_BENCH_CREATES:-5}
execs=${EXEC_BENCH_EXECS:-10}

cfg() { # NAME VIF RESTART CMD...: the probe; VIF "vif" puts one on the
    # bridge as create-bench's probe has, "-" none
    local name=$1 vif= restart=$3 cmd
    [ "$2" = vif ] && vif=$(printf 'vif = [ "bridge=%s" ]' "$LAB_BRIDGE")
    shift 3
    cmd=$(printf '"%s", ' "$@")
    printf 'name = "%s"\nmemory = 128\noci_root = "%s"\n%s\noci_cmd = [ %s ]\noci_restart = "%s"\n' \
        "$name" "$LAB_WORK/probe" "$vif" "${cmd%, }" "$restart" >"$LAB_WORK/$name.cfg"
}

# secs START END: END - START (two $EPOCHREALTIME values), in s.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# mem NAME SUFFIX: NAME's monitor's memory as BENCH lines.  Rss/Pss from
# smaps_rollup (page tables walked: exact); VmRSS and VmHWM from status
# (Linux 6.1 updates those counters every 64 faults per thread, so they
# may read low; HWM is the peak, what a restart's work left behind).
mem() {
    local pid f
    pid=$(cat "$XL_OCI_ROOT/domains/$1/monitor.lock" 2>/dev/null)
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || { echo "BENCH note: no monitor for $1"; return; }
    f=/proc/$pid
    echo "BENCH monitor$2-rss-kb $(awk '/^Rss:/ {print $2}' "$f/smaps_rollup")"
    echo "BENCH monitor$2-pss-kb $(awk '/^Pss:/ {print $2}' "$f/smaps_rollup")"
    echo "BENCH monitor$2-hwm-kb $(awk '/^VmHWM:/ {print $2}' "$f/status")"
    echo "BENCH monitor$2-vmrss-kb $(awk '/^VmRSS:/ {print $2}' "$f/status")"
}

# --- create, as the ratio's denominator: create-bench's probe (one vif),
# and the smallest create (no vif), alternating ------------------------------
cfg b vif no sleep 86400000
cfg n - no sleep 86400000
for i in $(seq "$creates"); do
    t=$EPOCHREALTIME
    xl-oci create "$LAB_WORK/b.cfg" >/dev/null && echo "BENCH xloci-create $(secs "$t" "$EPOCHREALTIME")"
    xl-oci destroy b
    t=$EPOCHREALTIME
    xl-oci create "$LAB_WORK/n.cfg" >/dev/null && echo "BENCH xloci-create-novif $(secs "$t" "$EPOCHREALTIME")"
    xl-oci destroy n
done

# --- start-up floors ------------------------------------------------------------
for i in $(seq "$execs"); do
    t=$EPOCHREALTIME
    xl-oci --version >/dev/null
    echo "BENCH version $(secs "$t" "$EPOCHREALTIME")"
    t=$EPOCHREALTIME
    xenstore-read domid >/dev/null 2>&1
    echo "BENCH xenstore-read $(secs "$t" "$EPOCHREALTIME")"
    t=$EPOCHREALTIME
    busybox true
    echo "BENCH static-true $(secs "$t" "$EPOCHREALTIME")"
done

# --- exec round trips -----------------------------------------------------------
cfg e vif always sleep 86400000
xl-oci create "$LAB_WORK/e.cfg" >/dev/null || { lab_fail exec-bench "create e failed"; exit 1; }
wait_state e running 300 || { lab_fail exec-bench "e never ran: $(st e state)"; exit 1; }
t=$EPOCHREALTIME
xl-oci exec e true && echo "BENCH exec-first $(secs "$t" "$EPOCHREALTIME")"

# at FILE STEP: the ms of STEP's stamp in FILE (`xl-oci -v exec`'s lines
# "xl-oci: info: exec: T ms: STEP ...").
at() { awk -v s="$2" '$3 == "exec:" && index($0, "ms: " s) == index($0, "ms: ") { print $4; exit }' "$1"; }
for i in $(seq "$execs"); do
    f=$LAB_WORK/exec-$i.log
    t0=$EPOCHREALTIME
    xl-oci -v exec e true 2>"$f" || { lab_log "exec $i: $(tail -n 2 "$f")"; continue; }
    t1=$EPOCHREALTIME
    echo "BENCH exec-true $(secs "$t0" "$t1")"
    wall=$(sed -n 's/.*exec: 0\.0 ms: begins (wall clock \([0-9.]*\) s).*/\1/p' "$f")
    prev=0 ok=1
    for step in "status read" "exec.lock taken" "connected" "request sent" "STARTED" "EXIT" "channel closed"; do
        v=$(at "$f" "$step")
        [ -n "$v" ] || { ok=0; break; }
        set -- $step
        echo "BENCH exec-step-$(case $1 in status) echo status ;; exec.lock) echo lock ;;
            connected) echo connect ;; request) echo request ;; STARTED) echo started ;;
            EXIT) echo exit ;; channel) echo close ;; esac) $(awk -v a="$prev" -v b="$v" 'BEGIN { printf "%.3f", (b - a) / 1000 }')"
        prev=$v
    done
    if [ "$ok" = 1 ] && [ -n "$wall" ]; then
        echo "BENCH exec-step-startup $(secs "$t0" "$wall")"
        echo "BENCH exec-step-teardown $(awk -v w="$wall" -v p="$prev" -v e="$t1" 'BEGIN { printf "%.3f", e - w - p / 1000 }')"
    else
        lab_log "exec $i: stamps missing: $(cat "$f")"
    fi
    # Waits for the guest's offer: 20 ms sleeps before the watch (N tries
    # is N-1 sleeps), watch events since.
    echo "BENCH exec-waits $(awk '/connected to the channel/ {
        if (/at once/) print 0; else if (/watch events/) { sub(/.*after /, ""); print $1 + 0 }
        else { sub(/.*channel \(/, ""); print $1 - 1 }; exit }' "$f")"
done
echo "BENCH-LOG one exec's stamps:"
sed 's/^/BENCH-LOG   /' "$LAB_WORK/exec-$execs.log"
mem e ""

# One traced exec, when strace is there (LAB_EXTRA=dir-with-strace).
strace=$(command -v strace || true)
[ -z "$strace" ] && [ -x /usr/lib/xl-oci-lab/extra/strace ] && strace=/usr/lib/xl-oci-lab/extra/strace
if [ -n "$strace" ]; then
    "$strace" -f -r -tt -o "$LAB_WORK/exec.strace" xl-oci exec e true
    sed 's/^/BENCH-STRACE /' "$LAB_WORK/exec.strace"
fi
xl-oci destroy e

# --- the monitor after its restart policy acted ----------------------------------
# (no vif, as lab 17's restart cases)
cfg r - on-failure:1 sleep 4000 exit 1
xl-oci create "$LAB_WORK/r.cfg" >/dev/null || { lab_fail exec-bench "create r failed"; exit 1; }
end=$((SECONDS + 180))
while [ $SECONDS -lt $end ]; do
    [ "$(st r restarts)" = 1 ] && [ "$(st r state)" = running ] && break
    sleep 0.5
done
if [ "$(st r restarts)" = 1 ] && [ "$(st r state)" = running ]; then
    mem r -restarted
else
    echo "BENCH note: r not restarted: state $(st r state) restarts $(st r restarts)"
fi
xl-oci destroy r >/dev/null 2>&1
xl-oci events --until 0s --filter name=r | sed 's/^/BENCH-LOG   r: /'
true
