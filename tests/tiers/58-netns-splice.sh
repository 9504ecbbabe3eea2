#!/bin/bash
# 58-netns-splice: a domain's vif joined to a network namespace an
# orchestrator made (netback/netns.h), without Xen.  The tier runs in a
# private network and mount namespace (unshare -n -m) standing for dom0, so
# it never touches the host's interfaces.  In it:
#   container ns  eth0 (MAC, 10.88.0.2/24, fd00:88::2/64, routes), as CNI
#                 leaves it; bind mounted on $T/cns as /run/netns/NAME is
#   outside ns    its veth peer with the gateways 10.88.0.1, fd00:88::1
#   vif5.0        a veth in "dom0" standing for netback's device; its peer
#                 "eth0" sits in a guest ns with eth0's MAC and addresses,
#                 as the domain's netfront would
# build/tests/netns-tool (tests/net/netns-tool.c) calls nb_netns_read and
# nb_netns_splice; build/tests/net-probe serves and fetches over TCP.
# Prints TAP lines.
set -u
top=$(pwd)
if [ -z "${XLOCI_T58_INNER:-}" ]; then
    skip() { echo "ok - netns splice tier # SKIP $*"; exit 0; }
    missing() { echo "not ok - netns splice tier: $1 is not installed (apt-get install $2)"; exit 1; }
    [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
    unshare -n -m true 2>/dev/null || skip "unshare -n -m is not allowed here"
    # tools/install-deps.sh installs these, so their absence is a failure.
    command -v ping >/dev/null || missing ping iputils-ping
    command -v tc >/dev/null || missing tc iproute2
    command -v valgrind >/dev/null || missing valgrind valgrind
    exec unshare -n -m --propagation private env XLOCI_T58_INNER=1 "$0" "$@"
fi

NT=$top/build/tests/netns-tool
PROBE=$top/build/tests/net-probe
T=$(mktemp -d /tmp/xl-oci-t58.XXXXXX)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    umount "$T/cns" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
TIER=netns-splice
. "$top/tests/tiers/lib.sh"
export NT PROBE T
# ns VAR: a new network namespace held by a sleeping process; VAR is its pid.
ns() {
    unshare -n sleep 600 &
    pids+=($!)
    printf -v "$1" %s "$!"
}
# vg NAME ARGS...: netns-tool under valgrind (as tier 45 runs xl-oci):
# its exit status, or 97 on any memory error or definite/indirect leak.
vg() {
    local log=$T/vg.$1
    shift
    valgrind -q --error-exitcode=97 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --log-file="$log" \
        "$NT" "$@"
    local rc=$?
    [ -s "$log" ] && sed 's/^/# /' "$log" && return 97
    return $rc
}
export -f vg
# vg_fails_with DESCRIPTION TEXT NAME ARGS...: under valgrind, netns-tool
# must fail with status 1 (not valgrind's 97) saying TEXT.
vg_fails_with() {
    local d=$1 text=$2 rc
    shift 2
    vg "$@" >"$T/out" 2>&1
    rc=$?
    if [ "$rc" = 1 ] && grep -qF -- "$text" "$T/out"; then
        ok "$d"
    else
        nok "$d (exit status $rc, want 1 saying \"$text\")"
        sed 's/^/# /' "$T/out"
    fi
}
ip link set lo up
ns cpid
ns opid
ns gpid
sleep 0.2
c() { nsenter -t "$cpid" -n "$@"; }
o() { nsenter -t "$opid" -n "$@"; }
g() { nsenter -t "$gpid" -n "$@"; }
export -f c o g
export cpid opid gpid
touch "$T/cns"
mount --bind "/proc/$cpid/ns/net" "$T/cns"
CNS=$T/cns
MAC=02:58:00:00:00:02

# --- reading --------------------------------------------------------------
# A tun device is no Ethernet device: a vif cannot carry its frames.
c ip tuntap add mode tun name tun0
check "only lo (and a tun): read says none" bash -c \
    '"$NT" read "$0"; [ $? -eq 3 ]' "$CNS"
ip link add eth0 netns "$cpid" type veth peer name cni0p netns "$opid"
c ip link set eth0 address $MAC mtu 1450 up
c ip addr add 10.88.0.2/24 dev eth0
c ip -6 addr add fd00:88::2/64 dev eth0 nodad
c ip -6 addr add fd00:99::2/64 dev tun0 nodad
c ip route add default via 10.88.0.1
c ip -6 route add default via fd00:88::1
# Policy routing's other tables are not the container's default route,
# nor is one out of another device (even if preferred).
c ip link set tun0 up
c ip -6 route add default via fd00:99::1 dev tun0 metric 10
c ip route add default via 10.88.0.254 dev eth0 table 100
c ip -6 route add default via fd00:88::254 dev eth0 table 100
o ip link set cni0p mtu 1450 up
o ip addr add 10.88.0.1/24 dev cni0p
o ip -6 addr add fd00:88::1/64 dev cni0p nodad
eidx=$(c ip -o link show eth0 | cut -d: -f1)
want="name=eth0 ifindex=$eidx mac=$MAC mtu=1450 ipv4=10.88.0.2/24 gateway4=10.88.0.1 ipv6=fd00:88::2/64 gateway6=fd00:88::1"
check "read finds eth0: index, MAC, MTU, addresses, gateways (bind-mounted ns)" \
    bash -c '[ "$("$NT" read "$0")" = "$1" ]' "$CNS" "$want"
check "read finds the same by /proc/PID/ns/net" \
    bash -c '[ "$("$NT" read "$0")" = "$1" ]' "/proc/$cpid/ns/net" "$want"
check "read under valgrind" bash -c '[ "$(vg read read "$0")" = "$1" ]' \
    "$CNS" "$want"
# IPv4 only, as most CNI configurations are: eth0's link-local address is
# not the container's IPv6 address.
ns v4pid
sleep 0.2
ip link add eth0 netns "$v4pid" type veth peer name v4peer
nsenter -t "$v4pid" -n ip link set eth0 address $MAC up
nsenter -t "$v4pid" -n ip addr add 10.89.0.2/16 dev eth0
nsenter -t "$v4pid" -n ip route add default via 10.89.0.1
ip link set v4peer up
for i in 1 2 3 4 5 6 7 8 9 10; do
    nsenter -t "$v4pid" -n ip -6 -o addr show dev eth0 | grep -q fe80:: && break
    sleep 0.1
done
check "IPv4 only: no IPv6 address or gateway (a link-local is not one)" bash -c \
    'nsenter -t "$1" -n ip -6 -o addr show dev eth0 | grep -q "inet6 fe80::" &&
     "$NT" read "/proc/$1/ns/net" | grep -q "mtu=1500 ipv4=10.89.0.2/16 gateway4=10.89.0.1 ipv6= gateway6=$"' _ "$v4pid"
# An address dump the kernel flags interrupted (NLM_F_DUMP_INTR: an
# address came or went while it answered, as an IPv6 link-local does when
# CNI brings eth0 up) is asked again, not an error ("reading its
# addresses: Interrupted system call" failed a start in lab 35).  400
# addresses make the dump span several reads; one address comes and goes
# meanwhile; 300 reads must all succeed (the code before failed 6 of 300).
ns dpid
sleep 0.2
ip link add eth0 netns "$dpid" type veth peer name dpeer
nsenter -t "$dpid" -n sh -c 'ip link set eth0 up && ip addr add 10.90.0.2/24 dev eth0 &&
    ip tuntap add mode tun name tun0 && ip link set tun0 up &&
    for i in $(seq 1 400); do ip -6 addr add fd00:77::$i/128 dev tun0 nodad; done'
nsenter -t "$dpid" -n sh -c 'while :; do ip -6 addr add fd00:99::1/128 dev tun0 nodad; ip -6 addr del fd00:99::1/128 dev tun0; done' >/dev/null 2>&1 &
churn=$!
pids+=($churn)
bad=0 last=
for i in $(seq 1 300); do
    out=$("$NT" read "/proc/$dpid/ns/net" 2>&1) || { bad=$((bad + 1)); last=$out; }
done
kill "$churn" 2>/dev/null
[ "$bad" = 0 ] && ok "an interrupted address dump is asked again: 300 reads beside address churn, none failed" ||
    nok "$bad of 300 reads beside address churn failed: $last"
c ip link add eth1 type veth peer name eth2
fails_with "two interfaces besides lo: an error naming them" \
    "has 3 interfaces besides lo (eth0, eth2, eth1): its one interface is joined to one domain" \
    "$NT" read "$CNS"
c ip link del eth1
fails_with "read of a missing namespace names it" \
    "cannot open network namespace $T/nope: No such file or directory" \
    "$NT" read "$T/nope"
fails_with "read of a file that is no namespace names it" \
    "cannot enter network namespace $T/cns-not: Invalid argument" \
    bash -c 'touch "$0" && "$NT" read "$0"' "$T/cns-not"

# --- splicing -------------------------------------------------------------
# guest NS VIF: the stand-in of a domain: VIF in dom0, its peer "eth0" in
# NS with the container's MAC, addresses and routes.
guest() {
    ip link add "$2" type veth peer name eth0 netns "$1"
    nsenter -t "$1" -n ip link set lo up
    nsenter -t "$1" -n ip link set eth0 address $MAC mtu 1450 up
    nsenter -t "$1" -n ip addr add 10.88.0.2/24 dev eth0
    nsenter -t "$1" -n ip -6 addr add fd00:88::2/64 dev eth0 nodad
    nsenter -t "$1" -n ip route add default via 10.88.0.1
}
guest "$gpid" vif5.0
check "splice vif5.0 to eth0" "$NT" splice "$CNS" vif5.0
check "vif5.0 left dom0 for the container ns, up, with eth0's MTU" bash -c \
    '! ip link show vif5.0 2>/dev/null &&
     c ip -o link show vif5.0 | grep -q "mtu 1450 .*state UP"'
# the_filter DEV TARGET: DEV has one ingress qdisc, one u32 filter, whose
# mirred redirects to TARGET's egress.
the_filter() {
    [ "$(c tc qdisc show dev "$1" ingress | grep -c '^qdisc ingress ffff:')" = 1 ] &&
        [ "$(c tc filter show dev "$1" ingress | grep -c 'match 00000000/00000000 at 0')" = 1 ] &&
        [ "$(c tc filter show dev "$1" ingress | grep -c 'mirred (Egress Redirect to device')" = 1 ] &&
        c tc filter show dev "$1" ingress | grep -q "mirred (Egress Redirect to device $2) stolen"
}
export -f the_filter
check "eth0's frames go to vif5.0, vif5.0's to eth0" bash -c \
    'the_filter eth0 vif5.0 && the_filter vif5.0 eth0'
check "ping outside -> guest" o ping -c 1 -W 2 10.88.0.2
check "ping guest -> outside" g ping -c 1 -W 2 10.88.0.1
check "ping6 outside -> guest" o ping -6 -c 1 -W 2 fd00:88::2
check "ping6 guest -> outside" g ping -6 -c 1 -W 2 fd00:88::1
# eth0 keeps 10.88.0.2, so its own stack could answer a ping: a server
# only the guest runs shows the frames reached the guest.
# reach NSPID-SERVER NSPID-CLIENT ADDR PORT: ok when the client's TCP
# connection to ADDR:PORT reaches the probe server in the server's ns.
reach() {
    nsenter -t "$1" -n "$PROBE" serve "$3" "$4" >"$T/serve" &
    local srv=$!
    sleep 0.3
    nsenter -t "$2" -n "$PROBE" fetch "$3" "$4" | grep -q xl-oci-probe
    local rc=$?
    kill "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null
    return $rc
}
export -f reach
check "TCP outside -> the guest's own server" reach "$gpid" "$opid" 10.88.0.2 7000
check "TCP6 outside -> the guest's own server" reach "$gpid" "$opid" fd00:88::2 7001
check "TCP guest -> the outside's server" reach "$opid" "$gpid" 10.88.0.1 7002

# A second container of the pod: the first domain's vif went with it.
c ip link del vif5.0
ns g2pid
sleep 0.2
export g2pid
guest "$g2pid" vif6.0
check "a second splice (vif6.0) into the same ns, under valgrind" \
    vg splice2 splice "$CNS" vif6.0
check "eth0 has one ingress qdisc and one filter, to vif6.0" bash -c \
    'the_filter eth0 vif6.0 && the_filter vif6.0 eth0'
check "ping outside -> second guest" o ping -c 1 -W 2 10.88.0.2
check "TCP outside -> the second guest's own server" \
    reach "$g2pid" "$opid" 10.88.0.2 7003
check "ping second guest -> outside" \
    nsenter -t "$g2pid" -n ping -c 1 -W 2 10.88.0.1

# --- errors ---------------------------------------------------------------
fails_with "no such device names it" "splicing vif9.0 to eth0 in network namespace $CNS: no device vif9.0: No such device" \
    "$NT" splice-to "$CNS" vif9.0 eth0 1450
ip link add vif7.0 type veth peer name vif7.0p
vg_fails_with "no such netns names it (valgrind)" \
    "splicing vif7.0 to eth0 in network namespace $T/nope: cannot open network namespace $T/nope: No such file or directory" \
    nons splice-to "$T/nope" vif7.0 eth0 1450
fails_with "no such interface in the netns names both" \
    "splicing vif7.0 to eth9 in network namespace $CNS: eth9: cannot look it up: No such device" \
    "$NT" splice-to "$CNS" vif7.0 eth9 1450
fails_with "an MTU out of range is refused before anything moves" \
    "MTU 40 of eth0 is not in 68..65535" "$NT" splice-to "$CNS" vif7.0 eth0 40
c ip link add vif7.0 type veth peer name vif7.0p
fails_with "a name taken in the netns: the kernel's reason" \
    "splicing vif7.0 to eth0 in network namespace $CNS: vif7.0: cannot move it there: File exists" \
    "$NT" splice-to "$CNS" vif7.0 eth0 1450
c ip link del vif7.0
check "vif7.0 is still in dom0 after the errors" ip link show vif7.0
# A macvlan takes at most its lower device's MTU: the MTU step fails after
# the move, which must be undone.
ip link add low0 mtu 1500 type veth peer name low1
ip link add mv0 link low0 type macvlan
vg_fails_with "a failure after the move names the device and the kernel's reason (valgrind)" \
    "splicing mv0 to eth0 in network namespace $CNS: mv0: cannot bring it up: Invalid argument" \
    undo splice-to "$CNS" mv0 eth0 9000
check "... and mv0 is back in dom0, eth0 still spliced to vif6.0" bash -c \
    'ip link show mv0 >/dev/null && ! c ip link show mv0 2>/dev/null &&
     the_filter eth0 vif6.0'
exit $status
