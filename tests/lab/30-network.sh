# 30-network.sh: managed networks in Xen (issue 10).  Containers on the
# "default" network (made on first use) get addresses from netback, reach
# each other by address and by name (dnsmasq), reach a server in an
# "outside" network namespace of dom0 through NAT, and publish a port that
# dom0 and the outside namespace reach.  A privileged container that
# changes its own address or MAC gets nothing through.  destroy and
# network rm leave no vif, nft table or element, lease or dnsmasq behind.
# The workloads are busybox applets of the probe root volume.
# lab-timeout: 1200

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
# dnsmasq runs as nobody and reads its hosts file under the state root,
# which must be reachable as it is under /var/lib/xl-oci.
chmod 755 "$LAB_WORK" "$(dirname "$LAB_WORK")"
cp -a "$images/probe" "$LAB_WORK/probe" || { lab_fail setup "no probe root volume in $images"; exit 1; }

# mkcfg NAME SCRIPT EXTRA-LINES...: a container running SCRIPT with sh.
mkcfg() {
    local name=$1 script=$2
    shift 2
    {
        echo "name = \"$name\""
        echo "memory = 128"
        echo "oci_root = \"$LAB_WORK/probe\""
        echo 'oci_network = [ "default" ]'
        echo 'oci_entrypoint = [ "/bin/busybox", "sh", "-c" ]'
        echo "oci_cmd = [ \"$script\" ]"
        printf '%s\n' "$@"
    } >"$LAB_WORK/$name.cfg"
}


# ipv4_of NAME: the address the loader reported (first IPv4, no prefix).
ipv4_of() {
    xl-oci status --json "$1" 2>/dev/null | tr -d ' \n' |
        grep -o '"ipv4":\["[0-9.]*' | head -1 | grep -o '[0-9.]*$'
}


# --- the outside world: a namespace behind a veth, with a web server ------
ip netns add outside
ip link add xo-out0 type veth peer name xo-out1
ip link set xo-out1 netns outside
ip addr add 192.0.2.1/24 dev xo-out0
ip link set xo-out0 up
ip netns exec outside ip addr add 192.0.2.2/24 dev xo-out1
ip netns exec outside ip link set xo-out1 up
ip netns exec outside ip link set lo up
mkdir -p "$LAB_WORK/www"
echo "outside-ok" >"$LAB_WORK/www/index.html"
ip netns exec outside busybox httpd -p 8000 -h "$LAB_WORK/www"
# Only dom0's own address is routed back: replies to a container's
# address reach it only if NAT rewrote the source.

# --- c1 serves, c2 is its client --------------------------------------------
# A UDP port too: its publish asks dom0's ctnetlink to forget the port's
# flows (nf_conntrack_netlink; tier 56 checks what that does).
mkcfg c1 'echo serving; exec busybox httpd -f -p 80 -h /etc' 'oci_ports = [ "8080:80", "127.0.0.1::80", "5300:53/udp" ]'
t0=$(lab_now)
lab_check create-c1 xl-oci create "$LAB_WORK/c1.cfg"
lab_log "c1 created in $(lab_elapsed "$t0")s"
wait_log c1 "^serving" 120 || lab_fail c1-runs "state $(st c1 state)"
ip1=$(ipv4_of c1)
case "$ip1" in
10.* | 172.* | 192.168.*) lab_ok c1-address "$ip1 reported by the loader, shown by status" ;;
*) lab_fail c1-address "status shows '$ip1'"; xl-oci status c1 >&2 ;;
esac
xl-oci list | grep -q "$ip1" && lab_ok list-shows-address || lab_fail list-shows-address "$(xl-oci list)"
gw=$(xl-oci network inspect --json default 2>/dev/null | tr -d ' \n' | grep -o '"gateway":"[0-9.]*' | grep -o '[0-9.]*$')

mkcfg c2 "sleep 3; echo by-ip:\$(busybox wget -q -O- http://$ip1/probe-release); busybox nslookup c1 $gw | sed 's/^/dns1: /'; busybox nslookup c1.default $gw | sed 's/^/dns2: /'; echo outside:\$(busybox timeout 10 busybox wget -q -O- http://192.0.2.2:8000/); echo client-done"
lab_check create-c2 xl-oci create "$LAB_WORK/c2.cfg"
if wait_log c2 "^client-done" 180; then
    xl-oci logs c2 >"$LAB_WORK/c2.log" 2>&1
    grep -v '^xl-oci-loader: exec' "$LAB_WORK/c2.log" | sed 's/^/  c2: /' >&2
    xl-oci logs c1 2>&1 | tail -5 | sed 's/^/  c1: /' >&2
    grep -q "^by-ip:probe rootfs built" "$LAB_WORK/c2.log" && lab_ok c2-reaches-c1-by-ip ||
        lab_fail c2-reaches-c1-by-ip "$(grep by-ip "$LAB_WORK/c2.log")"
    grep -q "dns1: .*$ip1" "$LAB_WORK/c2.log" && lab_ok c2-resolves-c1 ||
        lab_fail c2-resolves-c1 "$(grep dns1 "$LAB_WORK/c2.log" | tr '\n' ' ')"
    grep -q "dns2: .*$ip1" "$LAB_WORK/c2.log" && lab_ok c2-resolves-c1.default ||
        lab_fail c2-resolves-c1.default "$(grep dns2 "$LAB_WORK/c2.log" | tr '\n' ' ')"
    grep -q "outside:outside-ok" "$LAB_WORK/c2.log" && lab_ok c2-reaches-outside-through-nat ||
        lab_fail c2-reaches-outside-through-nat "$(grep outside: "$LAB_WORK/c2.log")"
else
    lab_fail c2-runs "state $(st c2 state): $(xl-oci logs c2 2>&1 | tail -3 | tr '\n' ' ')"
fi

# --- names across networks: a container on two resolves both's names ----
# s1 is on "side" only; c4 on "default" and "side".  c4's resolv.conf
# names the loader's forwarder (127.0.0.11), which asks both networks'
# dnsmasq; s1, on one network, asks its own and finds nothing of default.
lab_check network-create-side xl-oci network create --subnet 10.77.0.0/24 side
mkcfg s1 "busybox nslookup c1 | sed 's/^/iso: /'; echo s1-done; exec busybox sleep 600000"
sed -i 's/^oci_network = .*/oci_network = [ "side" ]/; s/^memory = .*/memory = 64/' "$LAB_WORK/s1.cfg"
lab_check create-s1 xl-oci create "$LAB_WORK/s1.cfg"
wait_log s1 "^s1-done" 180 || lab_fail s1-runs "state $(st s1 state)"
ips1=$(ipv4_of s1)
mkcfg c4 "sed 's/^/rc: /' /etc/resolv.conf; busybox nslookup c1 | sed 's/^/n1: /'; busybox nslookup s1 | sed 's/^/n2: /'; busybox nslookup s1.side | sed 's/^/n3: /'; busybox nslookup nowhere 2>&1 | sed 's/^/n4: /'; echo c4-done"
sed -i 's/^oci_network = .*/oci_network = [ "default", "side" ]/; s/^memory = .*/memory = 64/' "$LAB_WORK/c4.cfg"
lab_check create-c4 xl-oci create "$LAB_WORK/c4.cfg"
if wait_log c4 "^c4-done" 180; then
    xl-oci logs c4 >"$LAB_WORK/c4.log" 2>&1
    grep -E '^(rc|n[1234]):' "$LAB_WORK/c4.log" | sed 's/^/  c4: /' >&2
    grep -q "^rc: nameserver 127.0.0.11" "$LAB_WORK/c4.log" && ! grep -q "^rc: nameserver 10\." "$LAB_WORK/c4.log" &&
        lab_ok two-networks-resolv-conf-names-the-forwarder ||
        lab_fail two-networks-resolv-conf-names-the-forwarder "$(grep '^rc:' "$LAB_WORK/c4.log" | tr '\n' ' ')"
    grep -q "^n1: Address: $ip1\$" "$LAB_WORK/c4.log" && lab_ok two-networks-resolve-default-name "c1 $ip1" ||
        lab_fail two-networks-resolve-default-name "$(grep '^n1:' "$LAB_WORK/c4.log" | tr '\n' ' ')"
    [ -n "$ips1" ] && grep -q "^n2: Address: $ips1\$" "$LAB_WORK/c4.log" && lab_ok two-networks-resolve-side-name "s1 $ips1" ||
        lab_fail two-networks-resolve-side-name "s1 '$ips1': $(grep '^n2:' "$LAB_WORK/c4.log" | tr '\n' ' ')"
    [ -n "$ips1" ] && grep -q "^n3: Address: $ips1\$" "$LAB_WORK/c4.log" && lab_ok two-networks-resolve-name.network "s1.side $ips1" ||
        lab_fail two-networks-resolve-name.network "$(grep '^n3:' "$LAB_WORK/c4.log" | tr '\n' ' ')"
    # nowhere.side (the resolver tries the search domains), asked of
    # default's dnsmasq, goes upstream (none in the lab: REFUSED); side's
    # NXDOMAIN is the answer (docs/decisions.md, "An NXDOMAIN beats").
    grep -q "^n4: .*can't find nowhere.side: NXDOMAIN" "$LAB_WORK/c4.log" && lab_ok two-networks-nowhere-is-nxdomain ||
        lab_fail two-networks-nowhere-is-nxdomain "$(grep '^n4:' "$LAB_WORK/c4.log" | tr '\n' ' ')"
else
    lab_fail c4-runs "state $(st c4 state): $(xl-oci logs c4 2>&1 | tail -3 | tr '\n' ' ')"
fi
xl-oci logs s1 >"$LAB_WORK/s1.log" 2>&1
grep -q "^iso: .*can't find c1" "$LAB_WORK/s1.log" && lab_ok one-network-does-not-resolve-the-other ||
    lab_fail one-network-does-not-resolve-the-other "$(grep '^iso:' "$LAB_WORK/s1.log" | tr '\n' ' ')"

# dom0 has no default route here: the replies come back on xo-out0, which
# forwards because the nat network turned forwarding on host-wide, guarded.
[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] && nft list counter inet xl_oci guard4 >/dev/null 2>&1 &&
    lab_ok forwarding-on-with-guard || lab_fail forwarding-on-with-guard "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"

# --- the published port, from dom0 and from outside -------------------------
out=$(fetch http://127.0.0.1:8080/probe-release 2>&1)
case "$out" in *"probe rootfs"*) lab_ok port-from-dom0-loopback ;; *) lab_fail port-from-dom0-loopback "$out" ;; esac
out=$(fetch http://10.99.0.1:8080/probe-release 2>&1)
case "$out" in *"probe rootfs"*) lab_ok port-from-dom0-address ;; *) lab_fail port-from-dom0-address "$out" ;; esac
out=$(ip netns exec outside busybox timeout 10 busybox wget -q -O- http://192.0.2.1:8080/probe-release 2>&1)
case "$out" in *"probe rootfs"*) lab_ok port-from-outside ;; *) lab_fail port-from-outside "$out" ;; esac
# "127.0.0.1::80": create chose the host port (Docker's "-p 127.0.0.1::80");
# the lease says which, and it serves.
# (dom0 has no jq: only c1 publishes on 127.0.0.1 here.)
chosen=$(xl-oci network inspect --json default | grep -o '"127\.0\.0\.1:[0-9]*:80/tcp"' | sed 's|"127\.0\.0\.1:\([0-9]*\):80/tcp"|\1|')
out=$( [ -n "$chosen" ] && fetch "http://127.0.0.1:$chosen/probe-release" 2>&1)
case "$out" in *"probe rootfs"*) lab_ok port-chosen-by-create "127.0.0.1:$chosen" ;; *) lab_fail port-chosen-by-create "port '$chosen': $out" ;; esac

# --- a halted container: its port refused at once, its name gone ------------
# As a stopped Docker container (helper-80: the DNAT to the dead address
# stalled on neighbour resolution, and the name kept resolving); start
# brings both back, with the same address.
gw=$(ip -4 -o addr show xloci-default | grep -o 'inet [0-9.]*' | cut -d' ' -f2)
xl-oci stop c1 >/dev/null 2>&1
out=$(fetch http://127.0.0.1:8080/probe-release 5 2>&1)
case "$out" in *refused*) lab_ok halted-port-refused ;; *) lab_fail halted-port-refused "$out" ;; esac
for _ in $(seq 20); do
    out=$(busybox nslookup c1 "$gw" 2>&1)
    case "$out" in *NXDOMAIN*) break ;; esac
    sleep 0.2
done
case "$out" in *NXDOMAIN*) lab_ok halted-name-nxdomain ;; *) lab_fail halted-name-nxdomain "$out" ;; esac
xl-oci start c1 >/dev/null 2>&1
for _ in $(seq 60); do
    out=$(fetch http://127.0.0.1:8080/probe-release 5 2>&1)
    case "$out" in *"probe rootfs"*) break ;; esac
    sleep 1
done
case "$out" in *"probe rootfs"*) lab_ok started-port-serves ;; *) lab_fail started-port-serves "$out" ;; esac
out=$(busybox nslookup c1 "$gw" 2>&1)
case "$out" in *"Address: $ip1"*) lab_ok started-name-resolves "$ip1" ;; *) lab_fail started-name-resolves "$out" ;; esac

# --- spoofing: a container that takes another address or MAC ----------------
mkcfg c3 "sleep 2; MYIP=\$(busybox ip -o -4 addr show dev eth0 | busybox awk '{print \$4}'); busybox ping -c 2 -W 2 $ip1 >/dev/null && echo own-ok || echo own-fail; busybox ip addr flush dev eth0; busybox ip addr add 10.88.0.250/24 dev eth0; busybox ping -c 3 -W 2 $ip1 >/dev/null && echo spoof-ip-passed || echo spoof-ip-blocked; busybox ip addr flush dev eth0; busybox ip link set eth0 down; busybox ip link set eth0 address 00:16:3e:ee:ee:ee; busybox ip link set eth0 up; busybox ip addr add \$MYIP dev eth0; busybox ping -c 3 -W 2 $ip1 >/dev/null && echo spoof-mac-passed || echo spoof-mac-blocked; echo spoof-done" 'oci_privileged = 1'
lab_check create-c3 xl-oci create "$LAB_WORK/c3.cfg"
wait_state c3 running 120
ip3=$(ipv4_of c3)
if wait_log c3 "^spoof-done" 240; then
    xl-oci logs c3 >"$LAB_WORK/c3.log" 2>&1
    grep -q own-ok "$LAB_WORK/c3.log" && lab_ok c3-own-address-works ||
        lab_fail c3-own-address-works "$(grep own- "$LAB_WORK/c3.log")"
    grep -q spoof-ip-blocked "$LAB_WORK/c3.log" && lab_ok spoofed-ip-gets-nothing-through ||
        lab_fail spoofed-ip-gets-nothing-through "$(grep spoof-ip "$LAB_WORK/c3.log")"
    grep -q spoof-mac-blocked "$LAB_WORK/c3.log" && lab_ok spoofed-mac-gets-nothing-through ||
        lab_fail spoofed-mac-gets-nothing-through "$(grep spoof-mac "$LAB_WORK/c3.log")"
else
    lab_fail c3-runs "state $(st c3 state) ($ip3): $(xl-oci logs c3 2>&1 | tail -3 | tr '\n' ' ')"
fi

# --- destroy and network rm leave nothing ----------------------------------
for c in c1 c2 c3 c4 s1; do xl-oci destroy "$c" >/dev/null 2>&1; done
lab_check network-rm-side xl-oci network rm side
left=$(xl-oci network inspect --json default 2>/dev/null | tr -d ' \n' | grep -o '"container":"[^"]*"')
[ -z "$left" ] && lab_ok destroy-releases-leases || lab_fail destroy-releases-leases "$left"
ip -o link | grep -q ' vif[0-9]' && lab_fail destroy-removes-vifs "$(ip -o link | grep ' vif' | cut -d: -f2)" || lab_ok destroy-removes-vifs
lab_check network-rm xl-oci network rm default
ip -o link | grep -q xloci- && lab_fail network-rm-removes-bridge "$(ip -o link | grep xloci | cut -d: -f2)" || lab_ok network-rm-removes-bridge
nft list tables 2>/dev/null | grep -q xl_oci && lab_fail network-rm-empties-nft "$(nft list tables)" || lab_ok network-rm-empties-nft
ps -o args | grep -q '^[^ ]*dnsmasq' && lab_fail network-rm-stops-dnsmasq "$(ps -o args | grep dnsmasq)" || lab_ok network-rm-stops-dnsmasq
[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ] && lab_ok network-rm-restores-forwarding ||
    lab_fail network-rm-restores-forwarding "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
[ -e "$XL_OCI_ROOT/networks/default" ] && lab_fail network-rm-removes-state "$(ls "$XL_OCI_ROOT/networks/default")" || lab_ok network-rm-removes-state

ip netns exec outside busybox pkill httpd 2>/dev/null
ip netns del outside
ip link del xo-out0 2>/dev/null
true
