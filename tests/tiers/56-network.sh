#!/bin/bash
# 56-network: managed networks without Xen.  The whole tier runs in a
# private network namespace (unshare -n) it makes itself, so it never
# touches the host's interfaces, routes or firewall.  A veth pair stands in
# for a vif: vif5.0 in the tier's namespace, its peer "eth0" in a second
# namespace (the "guest"); the vif hotplug program runs against the
# stand-in xenstore (tests/net/xs-standin.c, the key files of tier 55).
# Leases are made with build/tests/netback-tool, as create/destroy would.
# Prints TAP lines.
set -u
top=$(pwd)
if [ -z "${XLOCI_T56_INNER:-}" ]; then
    skip() { echo "ok - network tier # SKIP $*"; exit 0; }
    missing() { echo "not ok - network tier: $1 is not installed (apt-get install $2)"; exit 1; }
    [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
    unshare -n true 2>/dev/null || skip "unshare -n is not allowed here"
    # tools/install-deps.sh installs these, so their absence is a failure.
    command -v nft >/dev/null || missing nft nftables
    [ -x /usr/sbin/dnsmasq ] || missing dnsmasq dnsmasq-base
    command -v ping >/dev/null || missing ping iputils-ping
    command -v jq >/dev/null || missing jq jq
    exec unshare -n env XLOCI_T56_INNER=1 "$0" "$@"
fi

X=$top/build/xl-oci
NT=$top/build/tests/netback-tool
PROBE=$top/build/tests/net-probe
HOTPLUG=$top/build/hotplug/vif-xl-oci
T=$(mktemp -d /tmp/xl-oci-t56.XXXXXX)
chmod 0755 "$T" # dnsmasq, running as nobody, reads its hosts file below
export XL_OCI_ROOT=$T/root
guest_pid= xs_pid= out_pid= iso_pid= cli_pid= lan_pid= srv= n6_pid=
cleanup() {
    # Whatever a failed check left: dnsmasq processes outlive the namespace.
    for p in "$XL_OCI_ROOT"/networks/*/dnsmasq.pid; do
        [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
    done
    [ -n "$guest_pid" ] && kill "$guest_pid" 2>/dev/null
    [ -n "$xs_pid" ] && kill "$xs_pid" 2>/dev/null
    [ -n "$out_pid" ] && kill "$out_pid" 2>/dev/null
    [ -n "$iso_pid" ] && kill "$iso_pid" 2>/dev/null
    [ -n "$cli_pid" ] && kill "$cli_pid" 2>/dev/null
    [ -n "$lan_pid" ] && kill "$lan_pid" 2>/dev/null
    [ -n "$srv" ] && kill "$srv" 2>/dev/null
    [ -n "$n6_pid" ] && kill "$n6_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
TIER=network
. "$top/tests/tiers/lib.sh"
lease() { # lease NETWORK CONTAINER FIELD
    "$X" network inspect --json "$1" | jq -r --arg c "$2" \
        ".leases[] | select(.container == \$c) | .$3 // empty"
}
dnsmasq_pid() { cat "$XL_OCI_ROOT/networks/$1/dnsmasq.pid" 2>/dev/null; }
no_ip6_port_elems() { # no element left in any DNAT map of table ip6 xl_oci_nat
    local m
    for m in tcp_ip_addr tcp_ip_port tcp_any_addr tcp_any_port \
        udp_ip_addr udp_ip_port udp_any_addr udp_any_port; do
        nft -j list map ip6 xl_oci_nat $m | grep -q '"elem"' && return 1
    done
    return 0
}
ip link set lo up

# --- create, inspect, rm -------------------------------------------------
# A state root too long for the store's paths (over PATH_MAX with its
# networks/NAME/FILE tail) is an error naming the path's start; nothing is
# made.  A cut path would name another directory.
long=$T/long
for i in $(seq 1 22); do long=$long/$(printf 'd%.0s' $(seq 1 190)); done
fails_with "a state root too long for its paths is refused, naming it" \
    "path too long: \"$T/long/ddd" \
    "$X" --root "$long" network create t9 --subnet 10.59.0.0/24
check "nothing was made for a state root too long" test ! -e "$T/long"
fails_with "network ls refuses a state root too long, naming it" \
    "path too long: \"$T/long/ddd" "$X" --root "$long" network ls
# What the command line gets wrong is named as typed (fresh eyes).
fails_with "network create without --subnet says it is required" \
    "network create: --subnet CIDR is required" "$X" network create t9
fails_with "--subnet twice is refused (no second subnet)" "network create: --subnet given twice" \
    "$X" network create t9 --subnet 10.59.0.0/24 --subnet 10.58.0.0/24
fails_with "--mtu -1 is refused as typed" '--mtu "-1" is not a number of bytes' \
    "$X" network create t9 --subnet 10.59.0.0/24 --mtu -1
check "none of these made t9" bash -c '! "$0" network ls | grep -q "^t9 "' "$X"
check "create t1 (nat, IPv6)" "$X" network create t1 --subnet 10.50.0.0/24 \
    --ipv6 fd00:50::/64 --mtu 1400
check "bridge xloci-t1 is up with 10.50.0.1/24, fd00:50::1/64, MTU 1400" \
    bash -c 'ip -o addr show dev xloci-t1 | grep -q "inet 10.50.0.1/24" &&
             ip -o addr show dev xloci-t1 | grep -q "inet6 fd00:50::1/64" &&
             ip -o link show dev xloci-t1 | grep -q "mtu 1400"'
check "forwarding on for the bridge" \
    grep -qx 1 /proc/sys/net/ipv4/conf/xloci-t1/forwarding
# The namespace did not forward before: t1 turns it on host-wide (replies
# come back on any device) with the guard that records it.
check "a nat network turns on forwarding, IPv4 and IPv6, with its guards" bash -c \
    'grep -qx 1 /proc/sys/net/ipv4/ip_forward &&
     grep -qx 1 /proc/sys/net/ipv6/conf/all/forwarding &&
     nft list counter inet xl_oci guard4 >/dev/null &&
     nft list counter inet xl_oci guard6 >/dev/null &&
     nft -j list chain inet xl_oci forward | grep -qF "{\"counter\": \"guard4\"}, {\"drop\": null}"'
check "our four tables exist" bash -c \
    'nft list tables | grep -qx "table bridge xl_oci" &&
     nft list tables | grep -qx "table inet xl_oci" &&
     nft list tables | grep -qx "table ip xl_oci_nat" &&
     nft list tables | grep -qx "table ip6 xl_oci_nat"'
check "masquerade: 10.50.0.0/24 in masq4, fd00:50::/64 in masq6" bash -c \
    'nft -j list set ip xl_oci_nat masq4 | grep -qF "\"prefix\": {\"addr\": \"10.50.0.0\", \"len\": 24}" &&
     nft -j list set ip6 xl_oci_nat masq6 | grep -qF "\"prefix\": {\"addr\": \"fd00:50::\", \"len\": 64}" &&
     nft -j list chain ip xl_oci_nat postrouting | grep -qF "\"right\": \"@masq4\"}}, {\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": \"@subnets4\"}}, {\"masquerade\": null}"'
pid=$(dnsmasq_pid t1)
check "dnsmasq runs for t1, bound to xloci-t1" bash -c \
    "[ -n '$pid' ] && tr '\0' ' ' </proc/$pid/cmdline | grep -q -- '--interface=xloci-t1'"
fails_with "an overlapping subnet is refused" "overlaps network t1" \
    "$X" network create t2 --subnet 10.50.0.128/25
fails_with "host bits in --subnet are refused" "has host bits set" \
    "$X" network create t2 --subnet 10.60.0.1/24
fails_with "a malformed --subnet is refused" '--subnet "10.60/24" is not an IPv4 subnet' \
    "$X" network create t2 --subnet 10.60/24
fails_with "a gateway outside the subnet is refused" "is not a host address" \
    "$X" network create t2 --subnet 10.60.0.0/24 --gateway 10.61.0.1
fails_with "a name taken is refused" "already exists" \
    "$X" network create t1 --subnet 10.70.0.0/24
fails_with "a bad mode is refused" '"bridge" is not nat or isolated' \
    "$X" network create t2 --subnet 10.60.0.0/24 --mode bridge
# A network's dnsmasq answers every name under the network's name: one
# named arpa or local would hide reverse lookups or mDNS names (helper-80).
for n in arpa local localhost test; do
    fails_with "a special-use DNS name is refused: $n" "network name \"$n\" is a special-use DNS name" \
        "$X" network create "$n" --subnet 10.60.0.0/24
done
# The same for a top-level domain of the DNS (libpsl and Debian's
# publicsuffix list): a network "dev" hid every real name under .dev.
for n in dev app com gw; do
    fails_with "a top-level domain is refused: $n" "network name \"$n\" is a top-level domain of the DNS" \
        "$X" network create "$n" --subnet 10.60.0.0/24
done
check "nothing of the refused networks is left" bash -c \
    '! ls "$XL_OCI_ROOT/networks" | grep -qxE "dev|app|com|gw|arpa|local|localhost|test" && ! ip link show xloci-dev 2>/dev/null'
ip link add rt0 type veth peer name rt1 && ip link set rt0 up &&
    ip route add 10.80.0.0/16 dev rt0
fails_with "a subnet a host route covers is refused" "overlaps the host's route 10.80.0.0/16" \
    "$X" network create t2 --subnet 10.80.1.0/24
check "a failed create leaves no state and no bridge" bash -c \
    '[ ! -e "$XL_OCI_ROOT/networks/t2" ] && ! ip link show xloci-t2 2>/dev/null'
check "create t2 (isolated) and rm it" bash -c \
    '"$0" network create t2 --subnet 10.60.0.0/24 --mode isolated &&
     nft list set inet xl_oci isolated | grep -q xloci-t2 &&
     "$0" network rm t2 && ! ip link show xloci-t2 2>/dev/null &&
     ! nft list set inet xl_oci isolated | grep -q xloci-t2 &&
     [ ! -e "$XL_OCI_ROOT/networks/t2" ]' "$X"
for special in 127.0.0.0/24:loopback 224.0.0.0/24:multicast 0.0.0.0/8:"this network" \
    169.254.0.0/16:link-local 240.0.0.0/24:reserved; do
    fails_with "a subnet in ${special%%:*} (${special#*:}) is refused" \
        "overlaps the special-purpose block" "$X" network create t2 --subnet "${special%%:*}"
done
fails_with "the IPv6 prefix ::/64 is refused" "holds the unspecified, loopback and IPv4-mapped addresses" \
    "$X" network create t2 --subnet 10.60.0.0/24 --ipv6 ::/64
# --gateway other than .1 with IPv6: the bridge's IPv6 address has the
# gateway's host part, as every lease's has its IPv4 address's; the
# first lease (.1) once got PREFIX::1, the bridge's own.
check "a gateway at .254 with IPv6: gateway6 ::fe, the first lease ::1" bash -c \
    '"$0" network create gwy --subnet 10.66.0.0/24 --ipv6 fd00:66::/64 --gateway 10.66.0.254 >/dev/null &&
     "$1" attach gwy g1 | grep -q "ipv4=10.66.0.1/24 gateway4=10.66.0.254 ipv6=fd00:66::1/64 gateway6=fd00:66::fe" &&
     ip -6 -o addr show xloci-gwy | grep -q "fd00:66::fe/64" &&
     "$1" release g1 && "$0" network rm gwy' "$X" "$NT"

# --- leases ----------------------------------------------------------------
check "attach web: first pool address" bash -c \
    '"$0" attach t1 web | grep -q "ipv4=10.50.0.2/24 gateway4=10.50.0.1 ipv6=fd00:50::2/64 gateway6=fd00:50::1 mtu=1400 dns=10.50.0.1 search=t1"' "$NT"
mac=$(lease t1 web mac)
check "web's MAC is in 00:16:3e" bash -c "[[ '$mac' == 00:16:3e:* ]]"
check "attaching again keeps address and MAC (a restart)" bash -c \
    '"$0" attach t1 web | grep -q "mac='"$mac"' ipv4=10.50.0.2/24"' "$NT"
check "a dry run reserves nothing" bash -c \
    '"$0" attach -n t1 dry | grep -q "ipv4=10.50.0.3/24" && [ -z "$(lease t1 dry ipv4)" ]' "$NT"
export -f lease no_ip6_port_elems
export X
check "static address" bash -c '"$0" attach t1 db 10.50.0.9 | grep -q ipv4=10.50.0.9/24' "$NT"
fails_with "a static address in use is refused" "ip=10.50.0.9 is in use by container db" \
    "$NT" attach t1 other 10.50.0.9
fails_with "a static address outside the subnet is refused" "ip=10.60.0.9 is outside 10.50.0.0/24" \
    "$NT" attach t1 other 10.60.0.9
fails_with "the gateway's address is refused" "is the gateway's address" \
    "$NT" attach t1 other 10.50.0.1
fails_with "the broadcast address is refused" "network or broadcast" \
    "$NT" attach t1 other 10.50.0.255
check "released and attached again: same MAC" bash -c \
    '"$0" release db && "$0" attach t1 db | grep -q "mac='"$(lease t1 db mac)"'"' "$NT"
# netback-tool's leases have no container: state dirs stand in for two
# (network rm releases the leases of containers that do not exist).
mkdir -p "$XL_OCI_ROOT/domains/web" "$XL_OCI_ROOT/domains/db"
fails_with "rm is refused while containers use the network" "in use by 2 containers" \
    "$X" network rm t1
rmdir "$XL_OCI_ROOT/domains/web" "$XL_OCI_ROOT/domains/db"

check "create t3 (a /29: five addresses)" "$X" network create t3 --subnet 10.51.0.0/29
for i in 1 2 3 4 5; do "$NT" attach t3 c$i >/dev/null || nok "attach c$i to t3"; done
fails_with "the sixth lease of a /29 is refused" "no free address left in 10.51.0.0/29" \
    "$NT" attach t3 c6
check "release of every lease of a container, then the pool has room" bash -c \
    '"$0" release c3 && "$0" attach t3 c6 | grep -q "ipv4=10.51.0.4/29"' "$NT"
for i in 1 2 4 5 6; do "$NT" release c$i; done

check "create t4 (for 8 concurrent allocations)" "$X" network create t4 --subnet 10.52.0.0/24
for i in 1 2 3 4 5 6 7 8; do
    (for j in 1 2 3 4; do "$NT" attach t4 p$i-$j >/dev/null || echo fail >>"$T/conc"; done) &
done
wait
n_leases=$("$X" network inspect --json t4 | jq '.leases | length')
n_addrs=$("$X" network inspect --json t4 | jq -r '.leases[].ipv4' | sort -u | wc -l)
n_macs=$("$X" network inspect --json t4 | jq -r '.leases[].mac' | sort -u | wc -l)
if [ ! -e "$T/conc" ] && [ "$n_leases" = 32 ] && [ "$n_addrs" = 32 ] && [ "$n_macs" = 32 ]; then
    ok "8 processes allocating at once: 32 leases, 32 addresses, 32 MACs"
else
    nok "concurrent: $n_leases leases, $n_addrs addresses, $n_macs MACs, failures: $(cat "$T/conc" 2>/dev/null | wc -l)"
fi
# A name answers while the container's vif is attached (its online),
# as a running Docker container's; a veth stands in for the vif.
check "the hosts file names no container whose vif is not attached" bash -c \
    '! grep -q " p" "$XL_OCI_ROOT/networks/t4/hosts"'
# A name with '_' is also known by the host name the container takes
# from it, '_' made '-' (helper-62: web_1 said web-1, nothing resolved).
"$NT" attach t4 web_1 >/dev/null
ip link add dweb_1 type veth peer name dweb_1p
check "online: web_1 is in hosts, and also as web-1, the host name it reports" bash -c \
    '"$0" online xloci-t4 "$(lease t4 web_1 mac)" dweb_1 &&
     grep -qE "^[0-9.]+ web_1 web_1.t4 web-1 web-1.t4$" "$XL_OCI_ROOT/networks/t4/hosts"' "$NT"
check "offline (halted): web_1 has left hosts" bash -c \
    '"$0" offline dweb_1 && ! grep -q web_1 "$XL_OCI_ROOT/networks/t4/hosts"' "$NT"
ip link del dweb_1
"$NT" release web_1 >/dev/null
# A name with a dot answers only as NAME.NETWORK: plain, "p1.t1" on t4
# would shadow t1's container p1 for a container on both (helper-80).
"$NT" attach t4 p1.t1 >/dev/null
ip link add dp1t1 type veth peer name dp1t1p
check "hosts: a container named p1.t1 is p1.t1.t4 only" bash -c \
    '"$0" online xloci-t4 "$(lease t4 p1.t1 mac)" dp1t1 &&
     grep -qE "^[0-9.]+ p1\.t1\.t4$" "$XL_OCI_ROOT/networks/t4/hosts"' "$NT"
"$NT" offline dp1t1
ip link del dp1t1
"$NT" release p1.t1 >/dev/null

# --- published ports ---------------------------------------------------------
# A published port forwards while the container's vif is attached: web
# and db get veths for vifs (web's gives way to vif5.0 below).
ip link add dweb type veth peer name dwebp
ip link add ddb type veth peer name ddbp
"$NT" online xloci-t1 "$mac" dweb || nok "online of web's stand-in vif"
"$NT" online xloci-t1 "$(lease t1 db mac)" ddb || nok "online of db's stand-in vif"
# A host service on the port: its connections would go to the container
# (the DNAT rule comes first); refused, as Docker's bind fails.  Two
# services of this namespace: 8091/tcp listening, 8092/udp bound.
python3 -c 'import socket, time; s = socket.socket(); s.bind(("0.0.0.0", 8091)); s.listen(); time.sleep(600)' &
svc1=$!
python3 -c 'import socket, time; s = socket.socket(type=socket.SOCK_DGRAM); s.bind(("0.0.0.0", 8092)); time.sleep(600)' &
svc2=$!
for _ in $(seq 50); do ss -Hltn 'sport = :8091' | grep -q . && ss -Hlun 'sport = :8092' | grep -q . && break; sleep 0.1; done
fails_with "a host port a service listens on is refused, naming it" \
    'oci_ports "8091:80/tcp": host port 8091/tcp is in use by a service of this host' \
    "$NT" publish t1 web 8091:80
fails_with "the same for udp, and on the service's own address" \
    'host port 8092/udp is in use' "$NT" publish t1 web 127.0.0.1:8092:53/udp
# A host address this host does not have: its rule would forward
# nothing (Docker's bind fails with "cannot assign requested address").
fails_with "a host address that is no address of this host is refused, naming it" \
    'oci_ports "10.9.9.9:8093:80/tcp": 10.9.9.9 is no address of this host' \
    "$NT" publish t1 web 10.9.9.9:8093:80
fails_with "the same for IPv6" 'fd00:dead::9 is no address of this host' \
    "$NT" publish t1 web '[fd00:dead::9]:8093:80'
check "nothing published by the refusals" bash -c '! nft list ruleset | grep -qE "809[123]"'
# Host ports to choose (Docker's "-p 80", "-p 8091-8093:80"): the lowest
# free one of the range, passing over the service's 8091/tcp (8092 is the
# other service's udp only), other containers' ports and the entry's own.
ports_of() { "$X" network inspect --json t1 | jq -r ".leases[] | select(.container == \"$1\") | .ports | join(\" \")"; }
export -f ports_of
check "a host range for one container port takes its lowest free port" bash -c \
    '"$0" publish t1 web 8091-8093:80 && [ "$(ports_of web)" = "8092:80/tcp" ]' "$NT"
saved_range=$(sysctl -n net.ipv4.ip_local_port_range)
sysctl -qw net.ipv4.ip_local_port_range="8091 8094"
check "no host port: one of net.ipv4.ip_local_port_range, free of services and containers" bash -c \
    '"$0" publish t1 db 80 && [ "$(ports_of db)" = "8093:80/tcp" ]' "$NT"
check "a container range with no host ports takes one each" bash -c \
    '"$0" publish t1 db 80-81/tcp && [ "$(ports_of db)" = "8093:80/tcp 8094:81/tcp" ]' "$NT"
fails_with "a range with no free port left is refused, naming it and the range" \
    'oci_ports "8091-8092:82/tcp": no free host port from 8091 to 8092' \
    "$NT" publish t1 db 8091-8092:82
check "the refusal changed nothing: db keeps its ports" bash -c '[ "$(ports_of db)" = "8093:80/tcp 8094:81/tcp" ]'
check "the chosen ports are in the DNAT map" bash -c \
    'nft -j list map ip xl_oci_nat tcp_any_port | grep -qF "[8093, 80]" &&
     nft -j list map ip xl_oci_nat tcp_any_port | grep -qF "[8092, 80]"'
sysctl -qw net.ipv4.ip_local_port_range="$saved_range"
"$NT" publish t1 db
"$NT" publish t1 web
kill "$svc1" "$svc2"
wait "$svc1" "$svc2" 2>/dev/null
check "the same ports once the services are gone" bash -c \
    '"$0" publish t1 web 8091:80 127.0.0.1:8092:53/udp && "$0" publish t1 web' "$NT"
check "publish 8080:80 and 127.0.0.1:9090:90/udp to web" \
    "$NT" publish t1 web 8080:80 127.0.0.1:9090:90/udp
check "DNAT maps hold the ports (nft -j)" bash -c \
    'nft -j list map ip xl_oci_nat tcp_any_addr | grep -qF "\"elem\": [[8080, \"10.50.0.2\"]]" &&
     nft -j list map ip xl_oci_nat tcp_any_port | grep -qF "\"elem\": [[8080, 80]]" &&
     nft -j list map ip xl_oci_nat udp_ip_addr | grep -qF "[{\"concat\": [\"127.0.0.1\", 9090]}, \"10.50.0.2\"]"'
check "prerouting and output both jump to the port maps" bash -c \
    'nft -j list chain ip xl_oci_nat prerouting | grep -qF "\"jump\": {\"target\": \"ports\"}" &&
     nft -j list chain ip xl_oci_nat output | grep -qF "\"jump\": {\"target\": \"ports\"}"'
# t1 has IPv6: a port without host address is published on IPv6 as well,
# to web's IPv6 address; 127.0.0.1:9090 only on IPv4.
check "8080:80 is in the ip6 maps too, to web's IPv6 address; 9090 is not" bash -c \
    'nft -j list map ip6 xl_oci_nat tcp_any_addr | grep -qF "\"elem\": [[8080, \"fd00:50::2\"]]" &&
     nft -j list map ip6 xl_oci_nat tcp_any_port | grep -qF "\"elem\": [[8080, 80]]" &&
     ! nft list table ip6 xl_oci_nat | grep -q 9090'
check "ip6 prerouting and output jump to the port maps, output not for ::1" bash -c \
    'nft -j list chain ip6 xl_oci_nat prerouting | grep -qF "\"jump\": {\"target\": \"ports\"}" &&
     nft list chain ip6 xl_oci_nat output | grep -qF "fib daddr type local ip6 daddr != ::1 jump ports"'
fails_with "an IPv6 host address on a network without IPv6 is refused, naming key and value" \
    'oci_ports "[2001:db8::1]:8080:80/tcp": network t4 has no IPv6' \
    "$NT" publish t4 p2-1 '[2001:db8::1]:8080:80'
fails_with "and by a dry run as well" 'network t4 has no IPv6' \
    "$NT" publish -n t4 p2-1 '[2001:db8::1]:8080:80'
fails_with "an IPv6 host port another container publishes on every address is refused" \
    "host port 8080/tcp is published by container web" "$NT" publish t1 db '[fd00:50::1]:8080:80'
fails_with "a host port published by another container is refused" \
    'oci_ports "8080:81/tcp": host port 8080/tcp is published by container web' "$NT" publish t1 db 8080:81
fails_with "a malformed port is refused" 'oci_ports: "80:99999": container port "99999"' \
    "$NT" publish t1 db 80:99999
fails_with "a bad protocol is refused" 'protocol "sctp" is not tcp or udp' \
    "$NT" publish t1 db 80:80/sctp
# A halted container (its vif's offline) is refused at once, where its
# DNAT to an address nobody holds stalled on neighbour resolution
# (helper-80; Docker refuses a stopped container's port at once).
check "offline takes web's ports out of the maps, IPv4 and IPv6; the lease keeps them" bash -c \
    '"$0" offline dweb && ! nft -j list map ip xl_oci_nat tcp_any_addr | grep -q "\"elem\"" &&
     no_ip6_port_elems && [ "$(ports_of web)" = "8080:80/tcp 127.0.0.1:9090:90/udp" ]' "$NT"
check "online puts them back" bash -c \
    '"$0" online xloci-t1 "$1" dweb &&
     nft -j list map ip xl_oci_nat tcp_any_addr | grep -qF "\"elem\": [[8080, \"10.50.0.2\"]]" &&
     nft -j list map ip6 xl_oci_nat tcp_any_addr | grep -qF "\"elem\": [[8080, \"fd00:50::2\"]]"' "$NT" "$mac"
check "unpublish removes the elements, IPv4 and IPv6" bash -c \
    '"$0" unpublish web && ! nft -j list map ip xl_oci_nat tcp_any_addr | grep -q "\"elem\"" &&
     no_ip6_port_elems' "$NT"
ip link add dp1 type veth peer name dp1p
"$NT" online xloci-t4 "$(lease t4 p1-1 mac)" dp1 || nok "online of p1-1's stand-in vif"
"$NT" publish t4 p1-1 7777:77 >/dev/null
"$NT" attach t4 p1-1 10.52.0.200 >/dev/null
check "a lease moved to a new static address is detached, its port out until its next online" bash -c \
    '! nft -j list map ip xl_oci_nat tcp_any_addr | grep -q 7777 &&
     [ -z "$(lease t4 p1-1 vif)" ]'
check "the next online takes the published port to the new address" bash -c \
    '"$0" online xloci-t4 "$(lease t4 p1-1 mac)" dp1 &&
     nft -j list map ip xl_oci_nat tcp_any_addr | grep -qF "\"elem\": [[7777, \"10.52.0.200\"]]"' "$NT"
"$NT" offline dp1
ip link del dp1
"$NT" unpublish p1-1
"$NT" publish t1 web 8080:80 >/dev/null
"$NT" offline dweb
ip link del dweb

# --- the vif: hotplug against the stand-in xenstore --------------------------
unshare -n sleep 600 &
guest_pid=$!
sleep 0.2
g() { nsenter -t "$guest_pid" -n "$@"; }
ip link add vif5.0 type veth peer name eth0
ip link set eth0 netns "$guest_pid"
g ip link set lo up
g ip link set eth0 address "$mac"
g ip addr add 10.50.0.2/24 dev eth0
g ip link set eth0 up
mkdir -p "$T/xs"
"$top/build/tests/xs-standin" "$T/xs.sock" "$T/xs" &
xs_pid=$!
sleep 0.2
# libxl gives XENBUS_PATH relative to dom0's home, /local/domain/0.
be_rel=backend/vif/5/0
be=/local/domain/0/$be_rel
key() { printf '%s' "$2" >"$T/xs/$(echo "$be/$1" | tr / _)"; }
getkey() { cat "$T/xs/$(echo "$be/$1" | tr / _)" 2>/dev/null; }
key mac "$mac"
key bridge xloci-t1
hp() { XENSTORED_PATH=$T/xs.sock XENBUS_PATH=$be_rel vif=vif5.0 "$HOTPLUG" "$@"; }
fails_with "hotplug refuses to run without XENBUS_PATH" "XENBUS_PATH unset" \
    env vif=vif5.0 XENSTORED_PATH="$T/xs.sock" "$HOTPLUG" online
fails_with "hotplug refuses an unknown command" "unknown command 'frob'" hp frob
check "and says so in hotplug-status" bash -c "[ '$(getkey hotplug-status)' = error ]"
start=$(date +%s%N)
check "hotplug online succeeds" hp online type_if=vif
echo "# vif-xl-oci online took $((($(date +%s%N) - start) / 1000000)) ms"
check "hotplug-status is connected" bash -c "[ '$(getkey hotplug-status)' = connected ]"
check "vif5.0 is a port of xloci-t1, up, MTU 1400" bash -c \
    'ip -o link show vif5.0 | grep -q "mtu 1400 .*master xloci-t1 state UP"'
check "the vif's anti-spoof elements are in (MAC, IPv4, IPv6)" bash -c \
    'nft -j list set bridge xl_oci vif_mac | grep -qF "[\"vif5.0\", \"'"$mac"'\"]" &&
     nft -j list set bridge xl_oci vif_ip4 | grep -qF "[\"vif5.0\", \"10.50.0.2\"]" &&
     nft -j list set bridge xl_oci vif_ip6 | grep -qF "[\"vif5.0\", \"fd00:50::2\"]" &&
     nft -j list set bridge xl_oci vifs | grep -qF "\"vif5.0\""'
check "the lease records vif5.0" bash -c '[ "$(lease t1 web vif)" = vif5.0 ]'
check "the guest reaches its gateway" g ping -c1 -W2 10.50.0.1
spoofed() { nft -j list counter bridge xl_oci spoofed | jq '.nftables[1].counter.packets'; }
before=$(spoofed)
g ip addr add 10.50.0.77/24 dev eth0
if ! g ping -c1 -W1 -I 10.50.0.77 10.50.0.1 >/dev/null 2>&1 && [ "$(spoofed)" -gt "$before" ]; then
    ok "a spoofed source address gets nothing through (spoofed counter $before -> $(spoofed))"
else
    nok "spoofed source: counter $before -> $(spoofed)"
fi
g ip addr del 10.50.0.77/24 dev eth0
g ip neigh flush all
g ip link set eth0 address 00:16:3e:00:00:99
before=$(spoofed)
if ! g ping -c1 -W1 10.50.0.1 >/dev/null 2>&1 && [ "$(spoofed)" -gt "$before" ]; then
    ok "a spoofed MAC gets nothing through"
else
    nok "spoofed MAC: counter $before -> $(spoofed)"
fi
g ip link set eth0 address "$mac"
g ip neigh flush all
check "the guest's own address works again" g ping -c1 -W2 10.50.0.1

# IPv6: the lease's address passes, another one in the prefix does not.
g ip -6 addr add fd00:50::2/64 dev eth0 nodad
check "the guest reaches its IPv6 gateway from its lease's address" \
    g ping -6 -c1 -W2 -I fd00:50::2 fd00:50::1
g ip -6 addr add fd00:50::77/64 dev eth0 nodad
before=$(spoofed)
if ! g ping -6 -c1 -W1 -I fd00:50::77 fd00:50::1 >/dev/null 2>&1 && [ "$(spoofed)" -gt "$before" ]; then
    ok "a spoofed IPv6 source gets nothing through"
else
    nok "spoofed IPv6 source: counter $before -> $(spoofed)"
fi
g ip -6 addr del fd00:50::77/64 dev eth0
check "the vif's ND targets are in (link-local and lease)" bash -c \
    'nft -j list set bridge xl_oci vif_nd_target | grep -qF "[\"vif5.0\", \"0xfd000050000000000000000000000002\"]"'
before=$(spoofed)
check "an advertisement for the guest's own address passes" \
    g "$PROBE" na eth0 fd00:50::2 fd00:50::2
check "and is not counted as spoofed" bash -c "[ \"\$(nft -j list counter bridge xl_oci spoofed | jq '.nftables[1].counter.packets')\" = $before ]"
g "$PROBE" na eth0 fd00:50::2 fd00:50::78
if [ "$(spoofed)" -gt "$before" ]; then
    ok "an advertisement for another address, from the guest's own, is dropped"
else
    nok "advertisement for fd00:50::78 passed: counter $before -> $(spoofed)"
fi

# Published port, from outside the host: a third namespace on the uplink
# reaches 192.0.2.1:8080 -> web:80; and dom0 itself through 127.0.0.1.
g "$PROBE" serve 10.50.0.2 80 >"$T/serve1" &
sleep 0.3
check "dom0 reaches the published port on 127.0.0.1:8080" bash -c \
    '"$0" fetch 127.0.0.1 8080 | grep -q xl-oci-probe' "$PROBE"
wait $! 2>/dev/null
unshare -n sleep 600 &
out_pid=$!
sleep 0.2
o() { nsenter -t "$out_pid" -n "$@"; }
ip link add uplink0 type veth peer name ext0
ip link set ext0 netns "$out_pid"
ip addr add 192.0.2.1/24 dev uplink0 && ip link set uplink0 up
o ip link set lo up
o ip addr add 192.0.2.2/24 dev ext0
o ip link set ext0 up
ip route add default via 192.0.2.2 dev uplink0
g ip route add default via 10.50.0.1
# No `network up`: the uplink, made after the network, forwards already.
g "$PROBE" serve 10.50.0.2 80 >"$T/serve2" &
sleep 0.3
check "the outside reaches the published port on 192.0.2.1:8080" bash -c \
    'nsenter -t '"$out_pid"' -n "$0" fetch 192.0.2.1 8080 | grep -q xl-oci-probe' "$PROBE"
wait $! 2>/dev/null
check "the server saw the outside client (no masquerade inbound)" grep -q "peer 192.0.2.2" "$T/serve2"
# From the outside, only published ports: a LAN host routing the
# network's subnet via dom0 does not reach an unpublished one (helper-62:
# every port answered; Docker 28 drops the same) ...
o ip route add 10.50.0.0/24 via 192.0.2.1
g "$PROBE" serve 10.50.0.2 81 >/dev/null &
srv=$!
sleep 0.3
if o timeout 5 "$PROBE" fetch 10.50.0.2 81 >/dev/null 2>&1; then
    nok "the outside reached an unpublished port of the guest through a route"
else
    ok "the outside does not reach an unpublished port of the guest through a route"
fi
kill $srv 2>/dev/null
wait $srv 2>/dev/null
o ip route del 10.50.0.0/24 via 192.0.2.1
# ... nor, sending to 127.0.0.1 at dom0's MAC, the port published there
# (helper-62: DNATed before routing dropped the martian).
up_mac=$(ip -br link show uplink0 | awk '{print $3}')
o ping -c 1 -W 1 192.0.2.1 >/dev/null 2>&1 # each knows the other, as LAN peers do
check "a neighbour's SYN to 127.0.0.1:8080 at dom0's MAC gets no answer" bash -c \
    '[ "$(nsenter -t '"$out_pid"' -n python3 "$0" ext0 '"$up_mac"' 192.0.2.2 127.0.0.1 8080)" = "no reply" ]' \
    "$top/tests/net/raw-syn.py"
# A UDP flow begun before its port was published reaches the container
# once it is: publishing forgets the flow's conntrack entry (made without
# DNAT, so every later datagram of it went to dom0).  Docker and CNI's
# portmap do the same.  The old code left the entry: 0 datagrams.
UDPF=$top/tests/net/udp-flow.py
g python3 "$UDPF" recv 10.50.0.2 53 5 >"$T/udp1" &
udp_recv=$!
o python3 "$UDPF" send 192.0.2.1 5300 40053 4.5 &
udp_send=$!
sleep 1
check "publish 5300:53/udp while a client already sends to it" \
    "$NT" publish t1 web 8080:80 5300:53/udp
wait $udp_send $udp_recv 2>/dev/null
if [ "$(cat "$T/udp1")" -gt 5 ] 2>/dev/null; then
    ok "the running UDP flow reaches the container once its port is published ($(cat "$T/udp1") datagrams)"
else
    nok "the running UDP flow reaches the container once its port is published (got $(cat "$T/udp1"))"
fi
"$NT" publish t1 web 8080:80 >/dev/null

# The same over IPv6: the uplink has two host addresses, the guest its
# lease's fd00:50::2 (configured above) and a default route.
ip -6 addr add 2001:db8:2::1/64 dev uplink0 nodad
ip -6 addr add 2001:db8:2::3/64 dev uplink0 nodad
o ip -6 addr add 2001:db8:2::2/64 dev ext0 nodad
g ip -6 route add default via fd00:50::1
serve6() { # serve6 PORT OUT: the guest serves [fd00:50::2]:PORT once
    g "$PROBE" serve fd00:50::2 "$1" >"$2" &
    srv=$!
    sleep 0.3
}
serve6 80 "$T/serve6"
check "the outside reaches the published port on [2001:db8:2::1]:8080 over IPv6" bash -c \
    'nsenter -t '"$out_pid"' -n "$0" fetch 2001:db8:2::1 8080 | grep -q xl-oci-probe' "$PROBE"
wait $srv 2>/dev/null
check "the server saw the outside client's IPv6 address (no masquerade inbound)" \
    grep -q "peer 2001:db8:2::2" "$T/serve6"
serve6 80 "$T/serve7"
check "dom0 reaches the published port on its uplink address [2001:db8:2::1]:8080" bash -c \
    '"$0" fetch 2001:db8:2::1 8080 | grep -q xl-oci-probe' "$PROBE"
wait $srv 2>/dev/null
serve6 80 "$T/serve8"
check "dom0 reaches it on the bridge's address [fd00:50::1]:8080" bash -c \
    '"$0" fetch fd00:50::1 8080 | grep -q xl-oci-probe' "$PROBE"
wait $srv 2>/dev/null
# ::1 is not DNATed (the reply, translated back to ::1, would arrive on the
# bridge and be dropped): nothing listens on dom0's [::1]:8080, so the
# connection is refused at once instead of hanging.
start=$(date +%s%N)
"$PROBE" fetch ::1 8080 >"$T/loop6" 2>&1
rc=$? ms=$((($(date +%s%N) - start) / 1000000))
if [ $rc -ne 0 ] && grep -q "refused" "$T/loop6" && [ $ms -lt 2000 ]; then
    ok "dom0's [::1]:8080 is not DNATed: refused in $ms ms"
else
    nok "dom0's [::1]:8080: status $rc after $ms ms: $(cat "$T/loop6")"
fi
check "publish 8080:80 and [2001:db8:2::1]:8081:81 to web" \
    "$NT" publish t1 web 8080:80 '[2001:db8:2::1]:8081:81'
check "[2001:db8:2::1]:8081 is in ip6's per-address maps, not in table ip" bash -c \
    'nft -j list map ip6 xl_oci_nat tcp_ip_addr | grep -qF "[{\"concat\": [\"2001:db8:2::1\", 8081]}, \"fd00:50::2\"]" &&
     nft -j list map ip6 xl_oci_nat tcp_ip_port | grep -qF "[{\"concat\": [\"2001:db8:2::1\", 8081]}, 81]" &&
     ! nft list table ip xl_oci_nat | grep -q 8081'
serve6 81 "$T/serve9"
check "the outside reaches [2001:db8:2::1]:8081" bash -c \
    'nsenter -t '"$out_pid"' -n "$0" fetch 2001:db8:2::1 8081 | grep -q xl-oci-probe' "$PROBE"
wait $srv 2>/dev/null
serve6 81 /dev/null
if ! o "$PROBE" fetch 2001:db8:2::3 8081 >/dev/null 2>&1 &&
    ! o "$PROBE" fetch 192.0.2.1 8081 >/dev/null 2>&1; then
    ok "but not the host's other IPv6 address [2001:db8:2::3]:8081, nor 192.0.2.1:8081"
else
    nok "[2001:db8:2::1]:8081 was published on another address too"
fi
kill $srv 2>/dev/null
wait $srv 2>/dev/null
serve6 80 "$T/serve10"
check "8080 without host address is on the other IPv6 address too" bash -c \
    'nsenter -t '"$out_pid"' -n "$0" fetch 2001:db8:2::3 8080 | grep -q xl-oci-probe' "$PROBE"
wait $srv 2>/dev/null
# Hairpin: another container on the same network reaches web's published
# port through the host's address, answered through dom0.
cli_mac=$("$NT" attach t1 cli | sed 's/.* mac=\([^ ]*\) .*/\1/')
cli_ip=$(lease t1 cli ipv4)
unshare -n sleep 600 &
cli_pid=$!
sleep 0.2
cl() { nsenter -t "$cli_pid" -n "$@"; }
ip link add vif7.0 type veth peer name eth0
ip link set eth0 netns "$cli_pid"
cl ip link set eth0 address "$cli_mac"
cl ip addr add "$cli_ip/24" dev eth0
cl ip link set eth0 up
cl ip route add default via 10.50.0.1
cl ip -6 addr add "$(lease t1 cli ipv6)/64" dev eth0 nodad
cl ip -6 route add default via fd00:50::1
be7=backend/vif/7/0
printf '%s' "$cli_mac" >"$T/xs/$(echo "/local/domain/0/$be7/mac" | tr / _)"
printf xloci-t1 >"$T/xs/$(echo "/local/domain/0/$be7/bridge" | tr / _)"
env XENSTORED_PATH="$T/xs.sock" XENBUS_PATH=$be7 vif=vif7.0 "$HOTPLUG" online ||
    nok "hotplug online of cli"
g "$PROBE" serve 10.50.0.2 80 >"$T/serve4" &
sleep 0.3
check "hairpin: another container reaches web's published port on 192.0.2.1" bash -c \
    'nsenter -t '"$cli_pid"' -n "$0" fetch 192.0.2.1 8080 | grep -q xl-oci-probe' "$PROBE"
wait $! 2>/dev/null
check "hairpin: masqueraded to the bridge address" grep -q "peer 10.50.0.1" "$T/serve4"
# A container reaches its own published port too: with br_netfilter the
# DNAT happens while the frame is bridged, and only a port in hairpin mode
# sends it back out the way it came (helper-100).
g "$PROBE" serve 10.50.0.2 80 >"$T/serve4s" &
sleep 0.3
check "hairpin: web reaches its own published port on 192.0.2.1" bash -c \
    'nsenter -t '"$guest_pid"' -n timeout 10 "$0" fetch 192.0.2.1 8080 | grep -q xl-oci-probe' "$PROBE"
kill $! 2>/dev/null
wait $! 2>/dev/null
serve6 80 "$T/serve11"
check "hairpin over IPv6: cli reaches web's published port on [2001:db8:2::1]:8080" bash -c \
    'nsenter -t '"$cli_pid"' -n "$0" fetch 2001:db8:2::1 8080 | grep -q xl-oci-probe' "$PROBE"
wait $srv 2>/dev/null
check "hairpin over IPv6: masqueraded to the bridge address" grep -q "peer fd00:50::1" "$T/serve11"
env XENSTORED_PATH="$T/xs.sock" XENBUS_PATH=$be7 vif=vif7.0 "$HOTPLUG" offline
"$NT" release cli
kill "$cli_pid" 2>/dev/null
ip link del vif7.0 2>/dev/null
# Between two networks only published ports pass (inet xl_oci forward:
# ct status dnat accept, before the rule that drops bridge-to-bridge
# traffic), over IPv6 as over IPv4: n6 on t6 reaches web's published port
# through a host address, but not web's own address.
"$X" network create t6 --subnet 10.56.0.0/24 --ipv6 fd00:56::/64 >/dev/null
n6_mac=$("$NT" attach t6 n6 | sed 's/.* mac=\([^ ]*\) .*/\1/')
unshare -n sleep 600 &
n6_pid=$!
sleep 0.2
n6() { nsenter -t "$n6_pid" -n "$@"; }
ip link add vif8.0 type veth peer name eth0
ip link set eth0 netns "$n6_pid"
n6 ip link set eth0 address "$n6_mac"
n6 ip -6 addr add "$(lease t6 n6 ipv6)/64" dev eth0 nodad
n6 ip link set eth0 up
n6 ip -6 route add default via fd00:56::1
be8=backend/vif/8/0
printf '%s' "$n6_mac" >"$T/xs/$(echo "/local/domain/0/$be8/mac" | tr / _)"
printf xloci-t6 >"$T/xs/$(echo "/local/domain/0/$be8/bridge" | tr / _)"
env XENSTORED_PATH="$T/xs.sock" XENBUS_PATH=$be8 vif=vif8.0 "$HOTPLUG" online ||
    nok "hotplug online of n6"
serve6 80 "$T/serve12"
check "a container on another network reaches web's published port over IPv6" bash -c \
    'nsenter -t '"$n6_pid"' -n "$0" fetch 2001:db8:2::1 8080 | grep -q xl-oci-probe' "$PROBE"
wait $srv 2>/dev/null
serve6 80 /dev/null
if ! n6 timeout 3 "$PROBE" fetch fd00:50::2 80 >/dev/null 2>&1; then
    ok "but not web's own IPv6 address (no forwarding between networks)"
else
    nok "n6 on t6 reached web's fd00:50::2 directly"
fi
kill $srv 2>/dev/null
wait $srv 2>/dev/null
env XENSTORED_PATH="$T/xs.sock" XENBUS_PATH=$be8 vif=vif8.0 "$HOTPLUG" offline
"$NT" release n6
kill "$n6_pid" 2>/dev/null
n6_pid=
ip link del vif8.0 2>/dev/null
"$X" network rm t6 >/dev/null || nok "network rm t6"
o "$PROBE" serve 192.0.2.2 7000 >"$T/serve3" &
sleep 0.3
check "the guest reaches the outside through NAT" bash -c \
    'nsenter -t '"$guest_pid"' -n "$0" fetch 192.0.2.2 7000 | grep -q xl-oci-probe' "$PROBE"
wait $! 2>/dev/null
check "the outside saw dom0's uplink address (masquerade)" grep -q "peer 192.0.2.1" "$T/serve3"
# The guard: dom0 forwards for its containers, not between two other
# devices.  A "lan" namespace on a device made after the network, reached
# by a route that is not the default one, is not reachable from outside.
unshare -n sleep 600 &
lan_pid=$!
sleep 0.2
ip link add lan0 type veth peer name lan1
ip link set lan1 netns "$lan_pid"
ip addr add 198.51.100.1/24 dev lan0 && ip link set lan0 up
nsenter -t "$lan_pid" -n ip addr add 198.51.100.2/24 dev lan1
nsenter -t "$lan_pid" -n ip link set lan1 up
nsenter -t "$lan_pid" -n ip route add default via 198.51.100.1
o ip route add 198.51.100.0/24 via 192.0.2.1
guard_before=$(nft -j list counter inet xl_oci guard4 | jq '.nftables[1].counter.packets')
if o ping -c 1 -W 1 198.51.100.2 >/dev/null 2>&1; then
    nok "the guard: the outside reached a namespace behind another device"
else
    check "the guard drops forwarding between two devices that are not ours" bash -c \
        '[ "$(nft -j list counter inet xl_oci guard4 | jq ".nftables[1].counter.packets")" -gt '"$guard_before"' ]'
fi
nsenter -t "$lan_pid" -n "$PROBE" serve 198.51.100.2 7002 >"$T/serve5" &
sleep 0.3
check "the guest reaches a peer behind a device that is not the default route" bash -c \
    'nsenter -t '"$guest_pid"' -n "$0" fetch 198.51.100.2 7002 | grep -q xl-oci-probe' "$PROBE"
wait $! 2>/dev/null
kill "$lan_pid" 2>/dev/null
ip link del lan0 2>/dev/null
# An isolated network: its guest reaches its bridge, not the outside and
# not the other network; the other network's guest does not reach it.
"$X" network create t5 --subnet 10.55.0.0/24 --mode isolated >/dev/null
iso_mac=$("$NT" attach t5 iso | sed 's/.* mac=\([^ ]*\) .*/\1/')
unshare -n sleep 600 &
iso_pid=$!
sleep 0.2
i() { nsenter -t "$iso_pid" -n "$@"; }
ip link add vif6.0 type veth peer name eth0
ip link set eth0 netns "$iso_pid"
i ip link set eth0 address "$iso_mac"
i ip addr add 10.55.0.2/24 dev eth0
i ip link set eth0 up
i ip route add default via 10.55.0.1
be6=backend/vif/6/0
printf '%s' "$iso_mac" >"$T/xs/$(echo "/local/domain/0/$be6/mac" | tr / _)"
printf xloci-t5 >"$T/xs/$(echo "/local/domain/0/$be6/bridge" | tr / _)"
check "isolated: hotplug online" env XENSTORED_PATH="$T/xs.sock" XENBUS_PATH=$be6 vif=vif6.0 "$HOTPLUG" online
check "isolated: the guest reaches its bridge" i ping -c1 -W2 10.55.0.1
nsenter -t "$out_pid" -n "$PROBE" serve 192.0.2.2 7001 >/dev/null &
srv=$!
sleep 0.3
if ! i timeout 3 "$PROBE" fetch 192.0.2.2 7001 >/dev/null 2>&1; then
    ok "isolated: the guest does not reach the outside"
else
    nok "isolated: the guest reached the outside"
fi
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
# A second guest on t5: the two reach each other, with br_netfilter's
# bridge-nf-call-iptables on in this namespace where the host has the
# module (frames bridged between them then pass the inet forward hook,
# where the isolated drops took them: helper-80), and off.
iso2_mac=$("$NT" attach t5 iso2 | sed 's/.* mac=\([^ ]*\) .*/\1/')
unshare -n sleep 600 &
iso2_pid=$!
sleep 0.2
ip link add vif7.0 type veth peer name eth0
ip link set eth0 netns "$iso2_pid"
nsenter -t "$iso2_pid" -n ip link set eth0 address "$iso2_mac"
nsenter -t "$iso2_pid" -n ip addr add 10.55.0.3/24 dev eth0
nsenter -t "$iso2_pid" -n ip link set eth0 up
be7=backend/vif/7/0
printf '%s' "$iso2_mac" >"$T/xs/$(echo "/local/domain/0/$be7/mac" | tr / _)"
printf xloci-t5 >"$T/xs/$(echo "/local/domain/0/$be7/bridge" | tr / _)"
check "isolated: a second guest's hotplug online" env XENSTORED_PATH="$T/xs.sock" XENBUS_PATH=$be7 vif=vif7.0 "$HOTPLUG" online
brnf=/proc/sys/net/bridge/bridge-nf-call-iptables
if [ -w "$brnf" ]; then
    brnf_was=$(cat "$brnf")
    echo 1 >"$brnf"
    check "isolated: its two guests reach each other, bridge-nf-call-iptables on" i ping -c1 -W2 10.55.0.3
    echo 0 >"$brnf"
    check "isolated: its two guests reach each other, bridge-nf-call-iptables off" i ping -c1 -W2 10.55.0.3
    echo "$brnf_was" >"$brnf"
else
    ok "isolated: guests with bridge-nf-call-iptables # SKIP br_netfilter is not loaded on this host"
    check "isolated: its two guests reach each other" i ping -c1 -W2 10.55.0.3
fi
check "isolated: the second guest's hotplug offline and release" bash -c \
    'env XENSTORED_PATH="$1/xs.sock" XENBUS_PATH=$2 vif=vif7.0 "$0" offline && "$3" release iso2' \
    "$HOTPLUG" "$T" "$be7" "$NT"
kill "$iso2_pid" 2>/dev/null
# A network's name server answers its own containers only: t1's dnsmasq,
# on t1's gateway (an address of dom0 every guest reaches), does not
# answer t5's guest (helper-80: it gave t1's names to any network).
DQ=$top/tests/net/dns-tcp-query.py
check "DNS: the guest's own network's server answers it (TCP)" i "$DQ" 10.55.0.1 iso
if ! i "$DQ" 10.50.0.1 web >/dev/null 2>&1; then
    ok "DNS: another network's server does not answer it"
else
    nok "DNS: t1's server answered a guest of t5"
fi
if ! i ping -c1 -W1 10.50.0.2 >/dev/null 2>&1 && ! g ping -c1 -W1 10.55.0.2 >/dev/null 2>&1; then
    ok "no traffic between two networks"
else
    nok "traffic passed between t1 and t5"
fi
check "isolated: hotplug offline, release, rm" bash -c \
    'env XENSTORED_PATH="$1/xs.sock" XENBUS_PATH=$2 vif=vif6.0 "$0" offline &&
     "$3" release iso && "$4" network rm t5' "$HOTPLUG" "$T" "$be6" "$NT" "$X"
kill "$iso_pid" 2>/dev/null
iso_pid=

# --- DNS ---------------------------------------------------------------------
check "dnsmasq answers web.t1" bash -c \
    '"$0" dns 10.50.0.1 web.t1 | grep -qx 10.50.0.2' "$PROBE"
check "dnsmasq answers web" bash -c '"$0" dns 10.50.0.1 web | grep -qx 10.50.0.2' "$PROBE"
check "the guest resolves db.t1 through its DNS server" bash -c \
    'nsenter -t '"$guest_pid"' -n "$0" dns 10.50.0.1 db.t1 | grep -qx "$1"' "$PROBE" "$(lease t1 db ipv4)"
# Halted (its vif's offline), db's name is gone at once, as a stopped
# Docker container's (helper-80: it kept resolving to the dead address).
check "db halted: db.t1 and db no longer resolve" bash -c \
    '"$1" offline ddb || exit 1
     for _ in $(seq 20); do # dnsmasq re-reads its hosts on the SIGHUP
         ! "$0" dns 10.50.0.1 db.t1 2>/dev/null && ! "$0" dns 10.50.0.1 db 2>/dev/null && exit 0
         sleep 0.1
     done
     exit 1' "$PROBE" "$NT"
ip link del ddb

# --- network up -------------------------------------------------------------
kill "$(dnsmasq_pid t1)"
nft delete table bridge xl_oci
nft list ruleset >"$T/rules.before"
check "network up (keeping leases) succeeds" "$X" network up --keep-leases
check "network up restored dnsmasq and the anti-spoof elements" bash -c \
    '[ -n "$(cat "$XL_OCI_ROOT/networks/t1/dnsmasq.pid")" ] &&
     kill -0 "$(cat "$XL_OCI_ROOT/networks/t1/dnsmasq.pid")" &&
     nft -j list set bridge xl_oci vif_ip4 | grep -qF "[\"vif5.0\", \"10.50.0.2\"]" &&
     nft -j list set bridge xl_oci vif_nd_target | grep -qF "0xfd000050000000000000000000000002"'
nft list ruleset >"$T/rules.1"
"$X" network up --keep-leases >/dev/null
nft list ruleset >"$T/rules.2"
check "network up twice gives the same ruleset" cmp "$T/rules.1" "$T/rules.2"
check "network up restored the IPv6 port elements" bash -c \
    'nft -j list map ip6 xl_oci_nat tcp_ip_addr | grep -qF "\"2001:db8:2::1\", 8081]}, \"fd00:50::2\"]"'
# An older xl-oci's table ip6 xl_oci_nat had masquerade only.  Create's
# lease phase leaves nftables alone (issue 17: loading libnftables only to
# check was 0.28 s of every create in the lab); the vif's online, which
# adds the vif's elements, finds the layout old and rebuilds from the state.
nft delete table ip6 xl_oci_nat
nft add table ip6 xl_oci_nat
nft add set ip6 xl_oci_nat masq6 '{ type ipv6_addr; flags interval; }'
check "the next attach (a restart's lease) leaves nftables alone" bash -c \
    '"$0" attach t1 web >/dev/null &&
     ! nft list set ip6 xl_oci_nat subnets6 >/dev/null 2>&1' "$NT"
hp offline >/dev/null 2>&1
check "the next vif online over tables of an older layout succeeds" hp online
check "and rebuilt them: ports, subnets, this vif's elements" bash -c \
    'nft -j list map ip6 xl_oci_nat tcp_any_addr | grep -qF "[8080, \"fd00:50::2\"]" &&
     nft -j list set ip6 xl_oci_nat subnets6 | grep -qF "\"addr\": \"fd00:50::\"" &&
     nft -j list set bridge xl_oci vif_ip4 | grep -qF "[\"vif5.0\", \"10.50.0.2\"]"'
hp offline >/dev/null 2>&1
check "online over our current tables succeeds" hp online
check "and its layout probe left no element behind" bash -c \
    '! nft list set inet xl_oci bridges | grep -q xl-oci-probe &&
     ! nft list map ip xl_oci_nat udp_any_port | grep -q "0 : 0" &&
     ! nft list map ip6 xl_oci_nat udp_any_port | grep -q "0 : 0"'
before=$(spoofed)
g "$PROBE" na eth0 fd00:50::2 fd00:50::78
check "and the rebuilt ND target check drops a foreign target" bash -c "[ \"\$(nft -j list counter bridge xl_oci spoofed | jq '.nftables[1].counter.packets')\" -gt $before ]"
check "the guest still reaches its gateway" g ping -c1 -W2 10.50.0.1

# An admin's `nft flush ruleset` (or nftables.service reloading) removes our
# tables too; the next online rebuilds them from the state.
hp offline >/dev/null 2>&1
nft flush ruleset
check "online after a flushed ruleset succeeds" hp online
check "and rebuilt our tables: this vif's elements, masquerade, ports" bash -c \
    'nft -j list set bridge xl_oci vif_ip4 | grep -qF "[\"vif5.0\", \"10.50.0.2\"]" &&
     nft -j list set ip xl_oci_nat masq4 | grep -qF "\"addr\": \"10.50.0.0\"" &&
     nft -j list map ip xl_oci_nat tcp_any_addr | grep -qF "[8080, \"10.50.0.2\"]" &&
     nft -j list map ip6 xl_oci_nat tcp_any_addr | grep -qF "[8080, \"fd00:50::2\"]"'

# A publish after a flushed ruleset: its add fails the layout probe, the
# tables are rebuilt from the state, the ports go in.
nft flush ruleset
check "publish after a flushed ruleset succeeds" "$NT" publish t1 web 8080:80 127.0.0.1:9090:90/udp
check "and rebuilt our tables with the ports" bash -c \
    'nft -j list set ip xl_oci_nat masq4 | grep -qF "\"addr\": \"10.50.0.0\"" &&
     nft -j list map ip xl_oci_nat tcp_any_addr | grep -qF "[8080, \"10.50.0.2\"]" &&
     nft -j list map ip xl_oci_nat udp_ip_port | grep -qF "[{\"concat\": [\"127.0.0.1\", 9090]}, 90]" &&
     nft -j list set bridge xl_oci vif_ip4 | grep -qF "[\"vif5.0\", \"10.50.0.2\"]"'

# --- offline, release, up's repair, rm ---------------------------------------
check "hotplug offline succeeds" hp offline
check "offline removed the vif's elements and left the bridge" bash -c \
    '! nft list set bridge xl_oci vif_ip4 | grep -q vif5.0 &&
     ! nft list set bridge xl_oci vifs | grep -q vif5.0 &&
     ! nft list set bridge xl_oci vif_nd_target | grep -q vif5.0 &&
     ! ip -o link show vif5.0 | grep -q master && [ -z "$(lease t1 web vif)" ]'
key mac 00:16:3e:00:00:01
fails_with "online with a MAC no lease has fails" "has no lease with MAC 00:16:3e:00:00:01" hp online
check "and says so in hotplug-status and hotplug-error" bash -c \
    "[ '$(getkey hotplug-status)' = error ] && grep -q 'no lease' '$T/xs/$(echo "$be/hotplug-error" | tr / _)'"
check "network up releases leases of containers that do not exist" bash -c \
    '"$0" network up | grep -q "released" && [ "$("$0" network inspect --json t1 | jq ".leases | length")" = 0 ]' "$X"
check "their ports (IPv4 and IPv6) and names are gone" bash -c \
    '! nft -j list map ip xl_oci_nat tcp_any_addr | grep -q "\"elem\"" && no_ip6_port_elems &&
     ! grep -q web "$XL_OCI_ROOT/networks/t1/hosts" &&
     ! "$0" dns 10.50.0.1 web.t1 2>/dev/null' "$PROBE"
pids="$(dnsmasq_pid t1) $(dnsmasq_pid t3) $(dnsmasq_pid t4)"
check "rm of every network" "$X" network rm t1 t3 t4
check "nothing is left: bridges, tables, dnsmasq, state, forwarding" bash -c \
    '! ip -o link | grep -q xloci- && [ -z "$(nft list ruleset)" ] &&
     grep -qx 0 /proc/sys/net/ipv4/ip_forward &&
     grep -qx 0 /proc/sys/net/ipv6/conf/all/forwarding &&
     for p in '"$pids"'; do ! kill -0 $p 2>/dev/null || exit 1; done &&
     [ -z "$(ls "$XL_OCI_ROOT/networks")" ] || [ "$(ls "$XL_OCI_ROOT/networks")" = lock ]'

# --- the default network ------------------------------------------------------
ip route add 10.88.0.0/16 dev rt0
check "create -N's dry run of default writes nothing, not even a lock" bash -c \
    'XL_OCI_ROOT=$1/dry "$0" attach -n default app | grep -q "ipv4=10.89.0.2/24" &&
     [ ! -e "$1/dry" ] && ! ip link show xloci-default 2>/dev/null' "$NT" "$T"
check "default is made on first use, avoiding a host route over 10.88/16" bash -c \
    '"$0" attach default app | grep -q "network=default bridge=xloci-default mac=.* ipv4=10.89.0.2/24"' "$NT"
check "default is a nat network" bash -c '"$0" network ls --json | jq -e ".[0].mode == \"nat\""' "$X"
# A second state root finds the bridge xloci-default taken (the first's
# default network): the error names the device, not the subnets (helper-106:
# "10.88.0.0/24 to 172.30.15.0/24 all overlap host routes or networks").
check "default in a second root whose bridge is taken: names the device" bash -c \
    '! XL_OCI_ROOT=$1/second "$0" attach default app2 >"$1/second.out" 2>&1 &&
     grep -q "a device named xloci-default exists already (another state root.s network default?): make it with .xl-oci network create default --subnet CIDR --bridge NAME." "$1/second.out" &&
     ! grep -q "all overlap" "$1/second.out"' "$NT" "$T"
"$NT" release app
"$X" network rm default

# --- who reaches whom: the random differential, on fixed seeds --------------
# tests/network/random-reach.py (helper-102) draws networks, NOHYPER
# containers and published ports from a seed and checks every path (host,
# outside, container to container and to names, hairpin, masquerade,
# spoofed sources) against Docker's documented semantics; in a namespace
# of its own.  Seed 2 measures again after `network up`, seed 5 after a
# stop and start of c1, on two networks: a started NOHYPER container had
# no default route (its published ports answered nobody off-link) and no
# DNS forwarder on 127.0.0.11.
if command -v runc >/dev/null && command -v mkfs.erofs >/dev/null && [ -x /bin/busybox ]; then
    start=$(date +%s)
    if python3 "$top/tests/network/random-reach.py" --phases 2 5 >"$T/reach" 2>&1; then
        ok "random reachability, seeds 2 and 5 with phases: $(tail -1 "$T/reach") ($(($(date +%s) - start)) s)"
    else
        nok "random reachability, seeds 2 and 5 with phases: $(tail -1 "$T/reach")"
        grep -v "^  " "$T/reach" | head -30 | sed 's/^/# /'
    fi
else
    ok "random reachability # SKIP needs runc, mkfs.erofs and busybox"
fi

# --- valgrind: the same paths, checked for memory errors and leaks ------------
if command -v valgrind >/dev/null; then
    vg() { # vg WANT DESCRIPTION COMMAND...
        local want=$1 d=$2
        shift 2
        valgrind -q --error-exitcode=97 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect \
            --suppressions="$top/tests/net/valgrind.supp" "$@" >"$T/vg" 2>&1
        local rc=$?
        if [ "$rc" = "$want" ]; then ok "valgrind: $d"; else
            nok "valgrind: $d (status $rc, want $want)"
            sed 's/^/# /' "$T/vg" | head -30
        fi
    }
    vg 0 "network create" "$X" network create t9 --subnet 10.59.0.0/24 --ipv6 fd00:59::/64
    vg 0 "attach" "$NT" attach t9 web
    vg 1 "attach refused" "$NT" attach t9 other 10.60.0.1
    vg 0 "publish" "$NT" publish t9 web 8080:80 127.0.0.1:53:53/udp '[fd00:59::1]:8443:443'
    vg 0 "network inspect --json" "$X" network inspect --json t9
    vg 0 "network ls" "$X" network ls
    vg 0 "network up" "$X" network up --keep-leases
    ip link del vif5.0 2>/dev/null
    ip link add vif5.0 type veth peer name eth9
    key mac "$(lease t9 web mac)"
    key bridge xloci-t9
    vg 0 "hotplug online" env XENSTORED_PATH="$T/xs.sock" XENBUS_PATH=$be_rel vif=vif5.0 "$HOTPLUG" online
    vg 0 "hotplug offline" env XENSTORED_PATH="$T/xs.sock" XENBUS_PATH=$be_rel vif=vif5.0 "$HOTPLUG" offline
    vg 0 "release" "$NT" release web
    vg 0 "network rm" "$X" network rm t9
else
    nok "valgrind is not installed (apt-get install valgrind)"
fi
