#!/bin/bash
# network.sh: tier 32's NOHYPER containers on a managed network, run by
# the tier in a private network namespace of their own (unshare -n), so
# the bridge, nftables tables and routes are never the host's.  Expects
# the tier's environment: top, X, T, rv (the busybox root volume, with
# ip, ping, nc and wget), XL_OCI_ROOT and the other NOHYPER variables.
# A container on network n1 gets its lease's address on eth0 through a
# veth pair, its routes and the network's DNS in resolv.conf, reaches the
# gateway, answers the namespace's host side, serves a published port;
# destroy leaves no lease, veth, nft element, namespace or mount.
# Prints TAP lines.
set -u
TIER=nohyper
. "$top/tests/tiers/lib.sh"
PROBE=$top/build/tests/net-probe
ip link set lo up
cleanup_net() {
    local p
    for p in "$XL_OCI_ROOT"/networks/*/dnsmasq.pid; do
        [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
    done
}
trap cleanup_net EXIT
lease() { # lease CONTAINER FIELD
    "$X" network inspect --json n1 | jq -r --arg c "$1" \
        ".leases[] | select(.container == \$c) | .$2 // empty"
}
export -f lease # for the checks' bash -c

chmod o+x "$T" "$XL_OCI_ROOT" # dnsmasq, as nobody, reads its hosts file
check "network create n1 (nat)" "$X" network create n1 --subnet 10.61.0.0/24
{
    echo 'name = "net1"'
    echo "oci_root = \"$rv\""
    echo 'oci_network = [ "n1" ]'
    echo 'oci_ports = [ "8080:80" ]'
    echo 'oci_cmd = [ "ip -4 -o addr show dev eth0; ip route; cat /etc/resolv.conf; ping -c 1 -W 5 10.61.0.1 >/dev/null && echo gateway-reached; echo served-by-net1 >/tmp/i; while :; do nc -l -p 80 </tmp/i; done" ]'
} >"$T/net1.cfg"
check "create of a NOHYPER container on n1" "$X" create "$T/net1.cfg"
ip4=$(lease net1 ipv4)
mac=$(lease net1 mac)
veth=$(lease net1 vif)
for ((i = 0; i < 50; i++)); do "$X" logs net1 2>/dev/null | grep -q gateway-reached && break; sleep 0.2; done
"$X" logs net1 >"$T/net1.log" 2>&1
check "it holds a lease on n1 with an address and a veth host end" \
    bash -c '[ -n "$0" ] && [ -n "$1" ] && case "$1" in xon*) true ;; *) false ;; esac' "$ip4" "$veth"
check "eth0 inside has the lease's address" grep -q "eth0 *inet $ip4/24" "$T/net1.log"
check "and the default route via the gateway" grep -q '^default via 10.61.0.1 dev eth0' "$T/net1.log"
check "resolv.conf names the network's DNS (the gateway) and search domain" \
    bash -c 'grep -qx "nameserver 10.61.0.1" "$0" && grep -qx "search n1" "$0"' "$T/net1.log"
check "the container reaches the gateway" grep -qx gateway-reached "$T/net1.log"
check "the veth's host end is a port of the bridge, the container's MAC the lease's" \
    bash -c 'ip -o link show master xloci-n1 | grep -q " $0@" &&
        nsenter --net="$2" ip -o link show eth0 | grep -q "link/ether $1 "' \
    "$veth" "$mac" "$XL_OCI_ROOT/domains/net1/netns"
check "the anti-spoof elements name the veth" bash -c 'nft list table bridge xl_oci | grep -q "$0"' "$veth"
check "the host side reaches the container (ping $ip4)" ping -c 1 -W 5 "$ip4"
check "a published port (8080:80) reaches the container's server" \
    bash -c '"$0" fetch 127.0.0.1 8080 | grep -qx served-by-net1' "$PROBE"
check "status and list show the lease's address (net0), as for a domain" \
    bash -c '"$0" status net1 | grep -q "^net0: *$1 ipv4 $2/24" &&
        "$0" list | grep -E "^net1 " | grep -q "$2" &&
        "$0" list --json | jq -e --arg a "$2" ".[] | select(.name == \"net1\") | .networks | tostring | contains(\$a)" >/dev/null' \
    "$X" "$mac" "$ip4"
# Halted, as a stopped Docker container: its published port is refused
# at once (helper-80: the DNAT to its dead address stalled about 3 s on
# neighbour resolution) and its name gives NXDOMAIN; the lease and the
# port stay its own for start.  (stop -t 1 here and below: sh as PID 1
# ignores SIGTERM, and the 10 s default wait is not what is checked.)
check "halted: a connection to its published port is refused at once" bash -c '
    "$0" stop -t 1 net1 >/dev/null || exit 1
    timeout 2 "$1" fetch 127.0.0.1 8080 2>"$2/refused.err"
    [ $? = 1 ] && grep -q "Connection refused" "$2/refused.err"' "$X" "$PROBE" "$T"
check "halted: its name no longer resolves; its lease and port stay" bash -c '
    for _ in $(seq 20); do
        ! "$0" dns 10.61.0.1 net1 2>/dev/null && ! "$0" dns 10.61.0.1 net1.n1 2>/dev/null && break
        sleep 0.1
    done
    ! "$0" dns 10.61.0.1 net1 2>/dev/null && [ "$(lease net1 ipv4)" = "$1" ] &&
    "$2" network inspect --json n1 | jq -e ".leases[] | select(.container == \"net1\") | .ports == [\"8080:80/tcp\"]" >/dev/null' \
    "$PROBE" "$ip4" "$X"
# stop and start: the interfaces are in status again (start clears what
# the last run reported; helper-80: they stayed empty).
check "after stop and start, status and list show the address again" bash -c '
    "$0" start net1 >/dev/null &&
    "$0" status net1 | grep -q "^net0: *$1 ipv4 $2/24" &&
    "$0" list | grep -E "^net1 " | grep -q "$2"' "$X" "$mac" "$ip4"
check "started again: its name resolves and its published port serves" bash -c '
    for _ in $(seq 100); do
        "$0" fetch 127.0.0.1 8080 2>/dev/null | grep -qx served-by-net1 &&
            "$0" dns 10.61.0.1 net1 2>/dev/null | grep -qx "$1" && exit 0
        sleep 0.2
    done
    echo "# after 20 s: fetch: $("$0" fetch 127.0.0.1 8080 2>&1 | head -2 | tr "\n" " ")dns: $("$0" dns 10.61.0.1 net1 2>&1 | tr "\n" " ")"
    exit 1' "$PROBE" "$ip4"
# ... and its default route: start read the app.cfg, whose vifs hold no
# gateway until the leases are read again (helper-102: none, so only
# on-link peers got answers).
check "started again: the default route via the gateway is back" bash -c '
    nsenter --net="$0" ip route show default | grep -q "^default via 10.61.0.1 dev eth0"' \
    "$XL_OCI_ROOT/domains/net1/netns"
check "destroy" "$X" destroy net1
check "destroy leaves no lease, veth, nft element, namespace or published port" bash -c '
    [ -z "$("$0" network inspect --json n1 | jq -r ".leases[]")" ] &&
    ! ip -o link show | grep -q "$1" &&
    ! nft list ruleset | grep -q "$1" &&
    ! nft -j list map ip xl_oci_nat tcp_any_port | grep -q "\"elem\"" &&
    [ ! -e "$2" ] && ! grep -q " $2 " /proc/self/mounts' "$X" "$veth" "$XL_OCI_ROOT/domains/net1/netns"

# Two networks: a container on both gets `nameserver 127.0.0.11` alone,
# where the DNS forwarder its monitor runs in its namespace (nohyper_dns.h,
# the loader's in a domain) asks both networks' dnsmasq: it resolves the
# names of each.  One on n2 alone asks n2's dnsmasq and resolves only n2's.
check "network create n2" "$X" network create n2 --subnet 10.62.0.0/24
mkcfg() { # NAME NETWORKS CMD
    printf 'name = "%s"\noci_root = "%s"\noci_network = [ %s ]\noci_cmd = [ "%s" ]\n' \
        "$1" "$rv" "$2" "$3" >"$T/$1.cfg"
}
mkcfg a1 '"n1"' 'sleep 1000'
mkcfg b1 '"n2"' 'sleep 1000'
mkcfg both '"n1", "n2"' 'cat /etc/resolv.conf; nslookup a1; nslookup b1; nslookup b1.n2; nslookup nowhere; echo lookups-done; sleep 1000'
mkcfg only2 '"n2"' 'nslookup a1; nslookup b1; echo lookups-done; sleep 1000'
for c in a1 b1 both only2; do "$X" create "$T/$c.cfg" >/dev/null || nok "create $c"; done
for c in both only2; do
    for ((i = 0; i < 100; i++)); do "$X" logs $c 2>/dev/null | grep -q lookups-done && break; sleep 0.1; done
    "$X" logs $c >"$T/$c.log" 2>&1
done
a1=$(lease a1 ipv4)
b1=$("$X" network inspect --json n2 | jq -r '.leases[] | select(.container == "b1") | .ipv4')
check "on two networks: resolv.conf names only 127.0.0.11" bash -c '
    grep -qx "nameserver 127.0.0.11" "$0" && [ "$(grep -c ^nameserver "$0")" = 1 ]' "$T/both.log"
check "on two networks: a name of n1 resolves" grep -q "Address: *$a1\$" "$T/both.log"
check "on two networks: a name of n2 resolves, plain and as NAME.NETWORK (n1's dnsmasq says NXDOMAIN)" \
    bash -c '[ "$(grep -c "Address: *$1\$" "$0")" = 2 ]' "$T/both.log" "$b1"
# nowhere.n2 (the resolver tries the search domains n1 and n2) goes from
# n1's dnsmasq upstream, unreachable here: REFUSED; n2's NXDOMAIN is the
# answer (docs/decisions.md, "An NXDOMAIN beats").
check "on two networks: a name of neither is NXDOMAIN, also as NAME.NETWORK of the second" \
    bash -c 'grep -q "can.t find nowhere.n1: NXDOMAIN" "$0" && grep -q "can.t find nowhere.n2: NXDOMAIN" "$0" ||
        { sed "s/^/# /" "$0"; exit 1; }' "$T/both.log"
check "on n2 alone: n1's name does not resolve, n2's does" bash -c '
    grep -q "can.t find a1" "$0" && grep -q "Address: *$1\$" "$0" && ! grep -q 127.0.0.11 "$0"' \
    "$T/only2.log" "$b1"
ns="$XL_OCI_ROOT/domains/both/netns"
fwd=""
for p in $(pgrep -x xl-oci-dns); do
    [ "$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null)" = "$(stat -L -c %i "$ns")" ] && fwd=$p
done
check "the forwarder runs in the container's namespace, as nobody, outside its PID namespace" bash -c '
    [ -n "$0" ] && [ "$(stat -c %U /proc/$0)" = nobody ] &&
    [ "$(readlink /proc/$0/ns/pid)" = "$(readlink /proc/self/ns/pid)" ]' "$fwd"
# Its memory, for BENCHMARKS.md (a fork of the monitor: Pss counts the
# pages it shares with it by halves).
[ -n "$fwd" ] && echo "# the forwarder's memory: $(awk '/^(Rss|Pss):/ {printf "%s %s kB ", $1, $2}' /proc/$fwd/smaps_rollup)"
check "over TCP too (a resolver's retry after a truncated reply)" bash -c '
    nsenter --net="$0" "$1" 127.0.0.11 b1 | grep -q "^rcode=0 answers=1 "' \
    "$ns" "$top/tests/net/dns-tcp-query.py"
check "stop ends the forwarder with the container" bash -c '
    "$0" stop -t 1 both >/dev/null && [ -n "$1" ] && ! kill -0 "$1" 2>/dev/null' "$X" "$fwd"
# start gives it back, with both networks' names (helper-102: none).
check "started again: the forwarder answers both networks' names" bash -c '
    "$0" start both >/dev/null || exit 1
    for _ in $(seq 50); do
        nsenter --net="$1" "$2" dns 127.0.0.11 a1 2>/dev/null | grep -qx "$3" &&
            nsenter --net="$1" "$2" dns 127.0.0.11 b1 2>/dev/null | grep -qx "$4" && exit 0
        sleep 0.1
    done
    exit 1' "$X" "$ns" "$PROBE" "$a1" "$b1"
# One network and oci_dns: a server that says NXDOMAIN to everything (as
# a public resolver does to a container's name) must not hide n1's names:
# the forwarder asks both, as Docker's embedded DNS answers its network's
# names before it forwards to --dns (helper-80).
ip link add up0 type veth peer name up1 && ip addr add 192.0.2.53/24 dev up0 &&
    ip link set up0 up && ip link set up1 up
/usr/sbin/dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces \
    --listen-address=192.0.2.53 --address=/#/ --pid-file="$T/nx.pid" --user=root
mkcfg dnsed '"n1"' 'cat /etc/resolv.conf; nslookup a1; echo lookups-done; sleep 1000'
echo 'oci_dns = [ "192.0.2.53" ]' >>"$T/dnsed.cfg"
"$X" create "$T/dnsed.cfg" >/dev/null || nok "create dnsed"
for ((i = 0; i < 100; i++)); do "$X" logs dnsed 2>/dev/null | grep -q lookups-done && break; sleep 0.1; done
"$X" logs dnsed >"$T/dnsed.log" 2>&1
check "one network and oci_dns: resolv.conf names only 127.0.0.11, and n1's name resolves" bash -c '
    grep -qx "nameserver 127.0.0.11" "$0" && [ "$(grep -c ^nameserver "$0")" = 1 ] &&
    grep -q "Address: *$1\$" "$0" || { sed "s/^/# /" "$0"; exit 1; }' "$T/dnsed.log" "$a1"
kill "$(cat "$T/nx.pid")"
ip link del up0
for c in a1 b1 both only2 dnsed; do "$X" destroy $c >/dev/null 2>&1; done
check "network rm n2" "$X" network rm n2

# A container that ends on its own: its veth and namespace go with it, its
# lease stays until destroy (as a halted domain's does).
{
    echo 'name = "net3"'
    echo "oci_root = \"$rv\""
    echo 'oci_network = [ "n1" ]'
    echo 'oci_cmd = [ "ip -4 -o addr show dev eth0; exit 5" ]'
} >"$T/net3.cfg"
"$X" create "$T/net3.cfg" >/dev/null 2>&1
"$X" wait net3 >/dev/null 2>&1
check "a container that ended had its address" bash -c '"$0" logs net3 | grep -q "eth0 *inet $1/24"' "$X" "$(lease net3 ipv4)"
check "once it ended: no veth, no namespace, the lease kept" bash -c '
    [ -n "$(lease net3 ipv4)" ] && [ -z "$(lease net3 vif)" ] &&
    ! ip -o link show | grep -q " xon" && [ ! -e "$0" ]' "$XL_OCI_ROOT/domains/net3/netns"
check "destroy gives its lease back" bash -c '"$0" destroy net3 &&
    [ -z "$("$0" network inspect --json n1 | jq -r ".leases[]")" ]' "$X"

# Default routes as a domain gets them (domcfg_default_routes, helper-93):
# oci_gateway wins for IPv4; otherwise the first network with a gateway,
# not eth0 whatever it is (an isolated network first left no default).
check "network create n0 (isolated)" "$X" network create n0 --subnet 10.60.0.0/24 --mode isolated
printf 'name = "gw"\noci_root = "%s"\noci_network = [ "n1" ]\noci_gateway = "10.61.0.254"\noci_cmd = [ "ip route" ]\n' \
    "$rv" >"$T/gw.cfg"
printf 'name = "iso"\noci_root = "%s"\noci_network = [ "n0", "n1" ]\noci_cmd = [ "ip route" ]\n' \
    "$rv" >"$T/iso.cfg"
for c in gw iso; do
    "$X" create "$T/$c.cfg" >/dev/null 2>&1 && "$X" wait $c >/dev/null 2>&1
    "$X" logs $c >"$T/$c.log" 2>&1
done
check "oci_gateway is the NOHYPER container's IPv4 default route, as a domain's" \
    grep -q '^default via 10.61.0.254 dev eth0' "$T/gw.log"
check "an isolated network first: the default route is the second network's (eth1), as a domain's" \
    grep -q '^default via 10.61.0.1 dev eth1' "$T/iso.log"
for c in gw iso; do "$X" destroy $c >/dev/null 2>&1; done
check "network rm n0" "$X" network rm n0

# A host restart (monitor and process killed, as a reboot leaves an
# "always" container: down): autostart makes its network namespace again
# and joins it to n1 on the lease it kept (it had failed "invalid netns
# path": the namespace went with the process).
{
    echo 'name = "net4"'
    echo "oci_root = \"$rv\""
    echo 'oci_network = [ "n1" ]'
    echo 'oci_restart = "always"'
    echo 'oci_cmd = [ "ip -4 -o addr show dev eth0; sleep 1000" ]'
} >"$T/net4.cfg"
"$X" create "$T/net4.cfg" >/dev/null 2>&1
ip4=$(lease net4 ipv4)
kill -9 "$(cat "$XL_OCI_ROOT/domains/net4/monitor.lock")" "$("$X" status --json net4 | jq .pid)"
for ((i = 0; i < 50; i++)); do [ "$("$X" list | awk '$1 == "net4" {print $3}')" = down ] && break; sleep 0.1; done
check "autostart of a container on n1 after a host restart: its address again" bash -c '
    "$0" autostart | grep -qx "net4: started" &&
    for ((i = 0; i < 50; i++)); do [ "$("$0" logs net4 | grep -c "eth0 *inet $1/24")" = 2 ] && exit 0; sleep 0.1; done
    "$0" logs net4; "$0" status net4; exit 1' "$X" "$ip4"
"$X" destroy net4 >/dev/null 2>&1

# A create that fails after the lease (its working directory cannot be
# made: a file is there) gives the lease back and leaves no veth.
{
    echo 'name = "net2"'
    echo "oci_root = \"$rv\""
    echo 'oci_network = [ "n1" ]'
    echo 'oci_workdir = "/etc/passwd"'
} >"$T/net2.cfg"
fails_with "a failed create on n1" "Not a directory" "$X" create "$T/net2.cfg"
check "gives its lease back and leaves no veth" bash -c '
    [ -z "$("$0" network inspect --json n1 | jq -r ".leases[]")" ] &&
    ! ip -o link show | grep -q " xon"' "$X"
# A lease refused names the file and line of the key, and the entry as
# written: the network once.
{
    echo 'name = "net5"'
    echo "oci_root = \"$rv\""
    echo 'oci_network = [ "n1:ip=10.99.0.5" ]'
} >"$T/net5.cfg"
fails_with "a static address outside the subnet: file, line, entry, network once" \
    "$T/net5.cfg:3: oci_network \"n1:ip=10.99.0.5\": network n1: ip=10.99.0.5 is outside 10.61.0.0/24" \
    "$X" create "$T/net5.cfg"
sed -i 's/n1:ip=10.99.0.5/nonet/' "$T/net5.cfg"
fails_with "a network that does not exist: file, line, entry" \
    "$T/net5.cfg:3: oci_network \"nonet\": no network nonet" "$X" create "$T/net5.cfg"

# A create killed after its lease, before its container exists, left only
# the lease and perhaps its temporary state dir (both made here as such a
# create leaves them: netback-tool attaches as create does): destroy of
# the name releases both and says so; with nothing left, it is an error.
NT=$top/build/tests/netback-tool
"$NT" attach n1 ghost >/dev/null
mkdir -p "$XL_OCI_ROOT/domains/.new-ghost-Ab12Cd"
check "a create killed after its lease left the lease and no container" bash -c '
    [ -n "$(lease ghost ipv4)" ] && ! "$0" list | grep -q ghost' "$X"
check "destroy of its name releases the lease and the temporary dir, saying so (rc 0)" bash -c '
    out=$("$0" destroy ghost) && [ "$out" = "ghost: no such container; released what a killed create of it left: 1 network lease, 1 temporary state dir" ] &&
    [ -z "$(lease ghost ipv4)" ] && [ ! -e "$1/domains/.new-ghost-Ab12Cd" ]' "$X" "$XL_OCI_ROOT"
fails_with "destroy of it again: no such container" "no container domain named ghost" "$X" destroy ghost
# The next create (under the state lock, where no other create is at work)
# removes every temporary state dir a killed create left: it holds a copy
# of that create's app.cfg, secrets in oci_env among it.
mkdir -p "$XL_OCI_ROOT/domains/.new-other-Qw12Er"
check "a create removes the temporary state dirs killed creates left" bash -c '
    "$0" create "$1" >/dev/null && "$0" destroy net3 >/dev/null &&
    [ -z "$(ls -A "$2/domains" | grep "^\.new-")" ]' "$X" "$T/net3.cfg" "$XL_OCI_ROOT"
# network up waits for a create in progress (it holds the state lock from
# its lease to its state dir): a lease without a container then is one a
# create left, never one a create is about to use.
flock -x "$XL_OCI_ROOT/lock" sleep 3 &
flpid=$!
sleep 0.3
timeout 1 "$X" network up n1 >/dev/null 2>&1
rc=$?
wait $flpid
[ "$rc" = 124 ] && ok "network up waits while a create holds the state lock" ||
    nok "network up did not wait for the state lock (rc $rc)"
# network rm releases the lease of a container that no longer exists.
"$NT" attach n1 ghost >/dev/null
check "network rm n1 releases the lease a killed create left, saying so" bash -c '
    "$0" network rm n1 | grep -qx "released the lease of ghost, a container that no longer exists" &&
    ! "$0" network ls | grep -q "^n1 "' "$X"
exit $status
