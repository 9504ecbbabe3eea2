#!/bin/bash
# net-faults.sh: the network part of the fault tier (tests/tiers/57-faults.sh
# runs it inside `unshare -n`, so it touches only its own namespace).  The
# fault build's `xl-oci network create`, a lease allocation (the netback
# test tool, as create would allocate) and `network rm` are run once to list
# the kill points they pass, then killed with SIGKILL at each point.  After
# each kill:
#   - `network ls` and `network inspect` tell the truth (exit 0);
#   - the next ordinary command repairs: `network up` (create, lease) makes
#     the network whole again and releases the lease of a container that
#     does not exist; `network rm` again (rm) finishes the removal;
#   - after `network rm`, nothing is left: no bridge, nft table, dnsmasq,
#     state, and forwarding is off again.
# usage: net-faults.sh XL-OCI NETBACK-TOOL WORKDIR.  Prints TAP lines.
set -u
XO=$1 NT=$2 W=$3
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
export XL_OCI_ROOT=$W/netroot
chmod 0755 "$W" # dnsmasq, running as nobody, reads its hosts file below
ip link set lo up
SUBNET=10.70.0.0/24

# dnsmasq processes of network t in this namespace.
our_dnsmasq() {
    local p me
    me=$(readlink /proc/self/ns/net)
    for p in $(pgrep -x dnsmasq); do
        [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] &&
            tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- '--interface=xloci-t' &&
            echo "$p"
    done
}

# nothing_left: network t left no trace.
nothing_left() {
    ip -o link | grep -q ' xloci-' && { echo "# bridge left: $(ip -o link | grep xloci- | cut -d: -f2)"; return 1; }
    [ -n "$(nft list ruleset)" ] && { echo "# nft tables left: $(nft list tables | tr '\n' ' ')"; return 1; }
    [ -n "$(our_dnsmasq)" ] && { echo "# dnsmasq left: $(our_dnsmasq)"; return 1; }
    [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || { echo "# ip_forward left on"; return 1; }
    [ -e "$XL_OCI_ROOT/networks/t" ] && { echo "# state left: $(ls "$XL_OCI_ROOT/networks/t")"; return 1; }
    return 0
}

# whole: network t is up: bridge with its gateway, our tables with its
# bridge, one dnsmasq, forwarding on with its guard.
whole() {
    ip -o addr show dev xloci-t 2>/dev/null | grep -q 'inet 10.70.0.1/24' || { echo "# no bridge address"; return 1; }
    nft -j list set inet xl_oci bridges 2>/dev/null | grep -q '"xloci-t"' || { echo "# bridge not in nft set"; return 1; }
    nft list counter inet xl_oci guard4 >/dev/null 2>&1 || { echo "# no forwarding guard"; return 1; }
    [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || { echo "# ip_forward off"; return 1; }
    [ "$(our_dnsmasq | wc -l)" = 1 ] || { echo "# dnsmasq: $(our_dnsmasq | wc -l) running"; return 1; }
}

# leases_of CONTAINER: how many leases of t name it.
leases_of() {
    "$XO" network inspect --json t | jq --arg c "$1" '[.leases[] | select(.container == $c)] | length'
}

killed() { # killed POINT COMMAND...: runs COMMAND with the kill at POINT
    local p=$1
    shift
    { XL_OCI_FAULT=$p "$@" >"$W/out" 2>&1; } 2>/dev/null
    local rc=$?
    [ $rc -eq 137 ] && return 0
    sed 's/^/# /' "$W/out"
    notok "kill at $p: died by SIGKILL (exit $rc)"
    return 1
}

# --- the reference run lists the points --------------------------------------
: >"$W/net-points.log"
export XL_OCI_FAULT_LOG=$W/net-points.log
if ! { "$XO" network create t --subnet $SUBNET && "$NT" attach t app >/dev/null &&
    "$NT" release app && "$XO" network rm t; } >"$W/out" 2>&1; then
    sed 's/^/# /' "$W/out"
    notok "reference run: network create, attach, release, network rm"
    exit 1
fi
unset XL_OCI_FAULT_LOG
nothing_left && ok "reference run: nothing left after network rm" ||
    notok "reference run: nothing left after network rm"
mapfile -t points < <(sort -u "$W/net-points.log" | grep -E '^(network|network-rm|lease)\.')
[ ${#points[@]} -ge 6 ] || notok "network create, rm and lease pass at least 6 kill points (saw: ${points[*]})"

for p in "${points[@]}"; do
    case $p in
    network-rm.*)
        "$XO" network create t --subnet $SUBNET >/dev/null 2>&1 || { notok "kill at $p: setup"; continue; }
        killed "$p" "$XO" network rm t || { "$XO" network rm t >/dev/null 2>&1; continue; }
        "$XO" network ls --json >"$W/ls" 2>"$W/out" || { notok "kill at $p: network ls still works"; continue; }
        if grep -q '"t"' "$W/ls"; then
            "$XO" network rm t >"$W/out" 2>&1 || { sed 's/^/# /' "$W/out"; notok "kill at $p: network rm again finishes"; continue; }
        else
            "$XO" network up >"$W/out" 2>&1 || { sed 's/^/# /' "$W/out"; notok "kill at $p: network up repairs"; continue; }
        fi
        nothing_left && ok "kill at $p: ls truthful, the next command finishes the removal, nothing left" ||
            notok "kill at $p: nothing left after the repair"
        ;;
    network.*)
        killed "$p" "$XO" network create t --subnet $SUBNET || { "$XO" network rm t >/dev/null 2>&1; continue; }
        "$XO" network ls --json >"$W/ls" 2>"$W/out" || { notok "kill at $p: network ls still works"; continue; }
        grep -q '"t"' "$W/ls" || { notok "kill at $p: ls shows t (its state is written first)"; continue; }
        "$XO" network up >"$W/out" 2>&1 || { sed 's/^/# /' "$W/out"; notok "kill at $p: network up repairs"; continue; }
        whole || { notok "kill at $p: network up makes t whole"; "$XO" network rm t >/dev/null 2>&1; continue; }
        "$XO" network rm t >"$W/out" 2>&1 || { sed 's/^/# /' "$W/out"; notok "kill at $p: network rm after the repair"; continue; }
        nothing_left && ok "kill at $p: ls truthful, network up makes it whole, rm leaves nothing" ||
            notok "kill at $p: nothing left after rm"
        ;;
    lease.*)
        "$XO" network create t --subnet $SUBNET >/dev/null 2>&1 || { notok "kill at $p: setup"; continue; }
        killed "$p" "$NT" attach t app || { "$NT" release app >/dev/null 2>&1; "$XO" network rm t >/dev/null 2>&1; continue; }
        "$XO" network inspect --json t >/dev/null 2>"$W/out" || { notok "kill at $p: network inspect still works"; continue; }
        # "app" is no container of this state root: network up releases it.
        "$XO" network up >"$W/out" 2>&1 || { sed 's/^/# /' "$W/out"; notok "kill at $p: network up repairs"; continue; }
        if [ "$(leases_of app)" != 0 ] || grep -q app "$XL_OCI_ROOT/networks/t/hosts" 2>/dev/null; then
            notok "kill at $p: network up releases the lease and its DNS name"
        elif ! whole; then
            notok "kill at $p: the network is whole after network up"
        else
            "$XO" network rm t >/dev/null 2>&1
            nothing_left && ok "kill at $p: inspect truthful, network up releases the lease, rm leaves nothing" ||
                notok "kill at $p: nothing left after rm"
        fi
        ;;
    esac
    # Whatever a failed check left, for the next point.
    "$XO" network rm t >/dev/null 2>&1
    for d in $(our_dnsmasq); do kill "$d"; done
done
exit $((fails > 0))
