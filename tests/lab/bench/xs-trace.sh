# xs-trace.sh: where create's time goes at scale, from xenstored's own
# trace (issue 17): one `xl-oci create` and one `destroy` of a probe
# container on a managed network, with 1 and with 50 others running, each
# traced by the C xenstored (`xenstore-control log on`; oxenstored has no
# such command, so this needs LAB_XENSTORED=xenstored, the default).
# Prints per traced step "BENCH xs_requests STEP N" (requests xenstored
# got), "BENCH xs_watch_events STEP N", "BENCH xs_loop_domain_visits STEP
# N" (the per-domain write-rate-limit updates xenstored traces on every
# pass of its main loop: passes x domains) and the five busiest
# connections with their first requests (who they are); the traces
# themselves go to the share's out/ directory.  Tracing slows xenstored:
# time create with scale-bench.sh, not here.
# Run: LAB_MEM=5248 tools/lab/lab run tests/lab/bench/xs-trace.sh
# lab-timeout: 1500

export XL_OCI_ROOT=$LAB_WORK/state
out=$LAB_SHARE/out
cp -a /usr/lib/xl-oci-lab/images/probe "$LAB_WORK/probe" || { lab_fail setup "no probe root volume"; exit 1; }
chmod 755 "$LAB_WORK" "$(dirname "$LAB_WORK")" # dnsmasq runs as nobody
pcfg() { # NAME
    printf 'name = "%s"\nmemory = 64\noci_root = "%s"\noci_network = [ "trace" ]\noci_cmd = [ "sleep", "86400000" ]\n' \
        "$1" "$LAB_WORK/probe" >"$LAB_WORK/$1.cfg"
}
# summary STEP TRACE: the BENCH lines of one traced step.
summary() {
    local f=$2
    echo "BENCH xs_requests $1 $(grep -c '^IN ' "$f")"
    echo "BENCH xs_watch_events $1 $(grep -c '^OUT .* WATCH_EVENT' "$f")"
    echo "BENCH xs_loop_domain_visits $1 $(grep -c '^wrl: dom' "$f")"
    grep '^IN ' "$f" | awk '{ print $2 }' | sort | uniq -c | sort -rn | head -n 5 |
        while read -r n c; do
            echo "# $1: connection $c: $n requests, first: $(grep "^IN $c " "$f" | head -n 3 | cut -d' ' -f5- | tr '\n' ' ' | cut -c1-160)"
        done
}
# traced STEP CMD...: CMD under xenstored's trace.
traced() {
    local step=$1 f=$LAB_WORK/xs-$1.trace
    shift
    xenstore-control logfile "$f" >/dev/null && xenstore-control log on >/dev/null ||
        { lab_fail trace "xenstore-control log on failed (oxenstored?)"; return 1; }
    "$@" >"$LAB_WORK/$step.log" 2>&1 || lab_fail trace "$step: $(tail -n 1 "$LAB_WORK/$step.log")"
    xenstore-control log off >/dev/null
    summary "$step" "$f"
    cp "$f" "$out/" 2>/dev/null
}
running=0
# with N: N others running, then a warm-up create/destroy of px and the
# traced ones.
with() {
    local n=$1 i
    for ((i = running; i < n; i++)); do
        pcfg "p$i"
        xl-oci create "$LAB_WORK/p$i.cfg" >/dev/null 2>&1 || { lab_fail trace "create p$i failed"; return 1; }
    done
    running=$n
    for ((i = 0; i < n; i++)); do
        wait_state "p$i" running 600 || { lab_fail trace "p$i not running: $(st "p$i" state)"; return 1; }
    done
    pcfg px
    xl-oci create "$LAB_WORK/px.cfg" >/dev/null 2>&1 && wait_state px running 300
    xl-oci destroy px >/dev/null 2>&1
    traced "create_with_$n" xl-oci create "$LAB_WORK/px.cfg"
    wait_state px running 300
    traced "destroy_with_$n" xl-oci destroy px
}
if xl-oci network create trace --subnet 10.79.0.0/24 >/dev/null; then
    with 1 && with 50 && lab_ok trace "create and destroy traced with 1 and 50 others"
    for ((i = 0; i < running; i++)); do xl-oci destroy "p$i" >/dev/null 2>&1; done
    xl-oci network rm trace >/dev/null 2>&1
else
    lab_fail trace "network create trace failed"
fi
true
