# 16-loops.sh: four create/destroy loops run in parallel for five minutes
# (issue 13; LAB_LOOP_SECONDS changes it).  Loops 1 and 2 put their
# container on the managed "default" network (leases, nft elements, DNS
# names and vif hotplug churn concurrently), 3 and 4 use a plain vif on
# xenbr0; every other round is created paused.  Each round checks that
# after create the container is in a state create may leave (booting,
# running, paused; halted if it already ran) and Xen has its domain, and
# after destroy that neither xl-oci nor Xen knows it.  At the end nothing
# is left: domains, xenstore nodes, loop devices, vifs, leases, nft vif
# elements, state dirs, monitors.
# lab-timeout: 900

export XL_OCI_ROOT=$LAB_WORK/state
chmod 755 "$LAB_WORK" "$(dirname "$LAB_WORK")" # dnsmasq runs as nobody
cp -a /usr/lib/xl-oci-lab/images/probe "$LAB_WORK/probe"
secs=${LAB_LOOP_SECONDS:-300}

cfg() { # NAME NET
    {
        printf 'name = "%s"\nmemory = 96\noci_root = "%s"\n' "$1" "$LAB_WORK/probe"
        echo 'oci_cmd = [ "sleep", "600000" ]'
        if [ "$2" = managed ]; then
            echo 'oci_network = [ "default" ]'
        else
            echo "vif = [ \"bridge=$LAB_BRIDGE\" ]"
        fi
    } >"$LAB_WORK/$1.cfg"
}

# loop NAME NET: rounds until the time is up; one line per round in
# $LAB_WORK/NAME.rounds ("ok" or what was wrong).
loop() {
    local n=$1 net=$2 round=0 s flags
    cfg "$n" "$net"
    local t0
    t0=$(lab_now)
    while [ "$(lab_elapsed "$t0" | cut -d. -f1)" -lt "$secs" ]; do
        round=$((round + 1))
        flags=
        [ $((round % 2)) -eq 0 ] && flags=-p
        if ! xl-oci create $flags "$LAB_WORK/$n.cfg" >"$LAB_WORK/$n.out" 2>&1; then
            echo "round $round: create failed: $(tail -1 "$LAB_WORK/$n.out")"
            xl-oci destroy "$n" >/dev/null 2>&1
            continue
        fi
        s=$(st "$n" state)
        case "$flags:$s" in
        -p:paused | :booting | :running | :halted) ;;
        *) echo "round $round: state after create $flags is '$s'" ;;
        esac
        xl domid "$n" >/dev/null 2>&1 || echo "round $round: Xen has no domain $n after create"
        # Let an unpaused one boot a little: destroy hits it mid-boot or running.
        [ -z "$flags" ] && sleep $((round % 4))
        if ! xl-oci destroy "$n" >"$LAB_WORK/$n.out" 2>&1; then
            echo "round $round: destroy failed: $(tail -1 "$LAB_WORK/$n.out")"
        fi
        xl-oci status "$n" >/dev/null 2>&1 && echo "round $round: status still knows $n after destroy"
        xl domid "$n" >/dev/null 2>&1 && echo "round $round: Xen still has $n after destroy"
        echo ok
    done >"$LAB_WORK/$n.rounds" 2>&1
}

t0=$(lab_now)
loop lp1 managed &
loop lp2 managed &
loop lp3 plain &
loop lp4 plain &
wait
lab_log "four loops ran for $(lab_elapsed "$t0")s"
for n in lp1 lp2 lp3 lp4; do
    rounds=$(grep -c '^ok$' "$LAB_WORK/$n.rounds")
    wrong=$(grep -v '^ok$' "$LAB_WORK/$n.rounds")
    if [ "$rounds" -gt 0 ] && [ -z "$wrong" ]; then
        lab_ok "loop-$n" "$rounds rounds, no wrong state"
    else
        lab_fail "loop-$n" "$rounds rounds; $(echo "$wrong" | head -3 | tr '\n' ' ')"
    fi
done

left=""
[ "$(xl list | tail -n +3 | wc -l)" -eq 0 ] || left="$left domains:$(xl list | tail -n +3 | awk '{print $1}' | tr '\n' ,)"
xenstore-list /tool/xl-oci 2>/dev/null | grep -q . && left="$left xenstore:$(xenstore-list /tool/xl-oci | tr '\n' ,)"
[ -n "$(losetup -a 2>/dev/null)" ] && left="$left loops:$(losetup -a | wc -l)"
ip -o link | grep -q ' vif[0-9]' && left="$left vifs:$(ip -o link | grep -o 'vif[0-9.]*' | tr '\n' ,)"
ls "$XL_OCI_ROOT/domains" 2>/dev/null | grep -q . && left="$left state-dirs:$(ls "$XL_OCI_ROOT/domains" | tr '\n' ,)"
xl-oci network inspect --json default 2>/dev/null | tr -d ' \n' | grep -q '"container"' && left="$left leases"
nft -j list set bridge xl_oci vifs 2>/dev/null | grep -q '"elem"' && left="$left nft-vif-elements"
ps -o args | grep -q '^[^ ]*xl-oci-monitor' && left="$left monitors"
[ -z "$left" ] && lab_ok nothing-left-after-the-loops || lab_fail nothing-left-after-the-loops "left:$left"
xl-oci network rm default >/dev/null 2>&1
true
