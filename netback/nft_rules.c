/*
 * nft_rules.c: the rules of xl-oci's nftables tables (nft.h says what each
 * table is for), as libnftables JSON objects without their "family" and
 * "table" keys, which nft.c adds.  J() turns the JSON written here into a
 * C string, so the rules read as the JSON that libnftables gets.
 *
 * nftables 1.0.6 JSON cannot declare a map with concatenated data, so a
 * published port is two maps with the same key: its container address and
 * its container port.  Nor can it declare a set keyed on a raw payload
 * (nor has it `icmpv6 taddr`), so the one set that checks the target of a
 * neighbour advertisement, vif_nd_target, is declared by the only nft text
 * xl-oci hands libnftables, nb_nft_nd_set_text: a constant, no value in it.
 */
#include "netback/nft_rules.h"

#include <stddef.h>

#define J(...) #__VA_ARGS__

/* The JSON below is laid out by hand: clang-format would spread every
 * object over many lines. */
/* clang-format off */

/* table bridge xl_oci: per-vif anti-spoofing.  A frame from a vif in
 * @vifs passes only with the vif's MAC, and for ARP/IPv4/IPv6 with the
 * vif's addresses; anything else (VLAN tags, router advertisements, other
 * ethertypes) is dropped and counted in "spoofed". */
static const char *const bridge_objs[] = {
    J({"counter" : {"name" : "spoofed"}}),
    J({"set" : {"name" : "vifs", "type" : "ifname"}}),
    J({"set" : {"name" : "vif_mac", "type" : [ "ifname", "ether_addr" ]}}),
    J({"set" : {"name" : "vif_ip4", "type" : [ "ifname", "ipv4_addr" ]}}),
    J({"set" : {"name" : "vif_ip6", "type" : [ "ifname", "ipv6_addr" ]}}),
    J({"chain" : {
        "name" : "prerouting",
        "type" : "filter",
        "hook" : "prerouting",
        "prio" : -300,
        "policy" : "accept"
    }}),
    J({"chain" : {"name" : "antispoof"}}),
    J({"chain" : {"name" : "nd_target"}}),
    J({"rule" : {"chain" : "prerouting", "expr" : [
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "iifname"}},
                    "right" : "@vifs"}},
        {"jump" : {"target" : "antispoof"}}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "!=", "left" : {"concat" : [
            {"meta" : {"key" : "iifname"}},
            {"payload" : {"protocol" : "ether", "field" : "saddr"}}
        ]}, "right" : "@vif_mac"}},
        {"counter" : "spoofed"}, {"drop" : null}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "!=", "left" : {"concat" : [
            {"meta" : {"key" : "iifname"}},
            {"payload" : {"protocol" : "arp", "field" : "saddr ether"}}
        ]}, "right" : "@vif_mac"}},
        {"counter" : "spoofed"}, {"drop" : null}
    ]}}),
    /* ARP probes (RFC 5227) have sender 0.0.0.0. */
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "arp", "field" : "saddr ip"}}, "right" : "0.0.0.0"}},
        {"return" : null}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "!=", "left" : {"concat" : [
            {"meta" : {"key" : "iifname"}},
            {"payload" : {"protocol" : "arp", "field" : "saddr ip"}}
        ]}, "right" : "@vif_ip4"}},
        {"counter" : "spoofed"}, {"drop" : null}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "ether", "field" : "type"}}, "right" : "arp"}},
        {"return" : null}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "!=", "left" : {"concat" : [
            {"meta" : {"key" : "iifname"}},
            {"payload" : {"protocol" : "ip", "field" : "saddr"}}
        ]}, "right" : "@vif_ip4"}},
        {"counter" : "spoofed"}, {"drop" : null}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "ether", "field" : "type"}}, "right" : "ip"}},
        {"return" : null}
    ]}}),
    /* A guest is never a router on our bridges. */
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "icmpv6", "field" : "type"}},
            "right" : {"set" : ["nd-router-advert", "nd-redirect"]}}},
        {"counter" : "spoofed"}, {"drop" : null}
    ]}}),
    /* Duplicate address detection and MLD reports come from "::". */
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "ip6", "field" : "saddr"}}, "right" : "::"}},
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "icmpv6", "field" : "type"}},
            "right" : {"set" : ["nd-neighbor-solicit",
                                "mld2-listener-report"]}}},
        {"return" : null}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "!=", "left" : {"concat" : [
            {"meta" : {"key" : "iifname"}},
            {"payload" : {"protocol" : "ip6", "field" : "saddr"}}
        ]}, "right" : "@vif_ip6"}},
        {"counter" : "spoofed"}, {"drop" : null}
    ]}}),
    /* A neighbour advertisement speaks for its target address, which must
     * be the vif's too (else a guest takes over another's IPv6 address,
     * as with ARP); nd_target holds the check (nb_nft_nd_objs). */
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "icmpv6", "field" : "type"}},
            "right" : "nd-neighbor-advert"}},
        {"jump" : {"target" : "nd_target"}}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "ether", "field" : "type"}}, "right" : "ip6"}},
        {"return" : null}
    ]}}),
    J({"rule" : {"chain" : "antispoof", "expr" : [
        {"counter" : "spoofed"}, {"drop" : null}
    ]}}),
    NULL,
};

/* In table inet xl_oci's input: port 53 (UDP, TCP) from one of our
 * bridges to a gateway address (set GW, "@NAME") that is not that
 * bridge's own (set OWN, bridge . address) is dropped. */
#define DNS_TO_OTHER_GATEWAY(FAM, GW, OWN)                                     \
    J({"rule" : {"chain" : "input", "expr" : [                                 \
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "iifname"}},      \
                    "right" : "@bridges"}},                                    \
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "l4proto"}},      \
                    "right" : {"set" : ["tcp", "udp"]}}},                      \
        {"match" : {"op" : "==", "left" : {"payload" : {                       \
            "protocol" : "th", "field" : "dport"}}, "right" : 53}},            \
        {"match" : {"op" : "==", "left" : {"payload" : {                       \
            "protocol" : FAM, "field" : "daddr"}}, "right" : GW}},         \
        {"match" : {"op" : "!=", "left" : {"concat" : [                        \
            {"meta" : {"key" : "iifname"}},                                    \
            {"payload" : {"protocol" : FAM, "field" : "daddr"}}                \
        ]}, "right" : OWN}},                                               \
        {"counter" : null}, {"drop" : null}                                    \
    ]}})

/* table inet xl_oci: what may be routed to and from our bridges. */
static const char *const inet_objs[] = {
    J({"set" : {"name" : "bridges", "type" : "ifname"}}),
    J({"set" : {"name" : "isolated", "type" : "ifname"}}),
    J({"set" : {"name" : "within", "type" : [ "ifname", "ifname" ]}}),
    J({"set" : {"name" : "gateways4", "type" : "ipv4_addr"}}),
    J({"set" : {"name" : "gateways6", "type" : "ipv6_addr"}}),
    J({"set" : {"name" : "own_gateway4", "type" : [ "ifname", "ipv4_addr" ]}}),
    J({"set" : {"name" : "own_gateway6", "type" : [ "ifname", "ipv6_addr" ]}}),
    J({"chain" : {
        "name" : "input",
        "type" : "filter",
        "hook" : "input",
        "prio" : 0,
        "policy" : "accept"
    }}),
    /* A network's name server (its dnsmasq, on its gateway address)
     * answers that network's containers only: the gateways are dom0's
     * addresses, which every container reaches, and a container on
     * another network asked it for NAME.NETWORK and reverse names
     * (helper-80).  Other services of dom0, on any address, stay as
     * reachable as before. */
    DNS_TO_OTHER_GATEWAY("ip", "@gateways4", "@own_gateway4"),
    DNS_TO_OTHER_GATEWAY("ip6", "@gateways6", "@own_gateway6"),
    J({"chain" : {
        "name" : "prerouting",
        "type" : "filter",
        "hook" : "prerouting",
        "prio" : -300,
        "policy" : "accept"
    }}),
    J({"chain" : {
        "name" : "forward",
        "type" : "filter",
        "hook" : "forward",
        "prio" : 0,
        "policy" : "accept"
    }}),
    /* 127.0.0.0/8 only from lo: bridges have route_localnet (for DNAT
     * from dom0's 127.0.0.1), so a guest must not reach dom0's loopback
     * services through them; and a neighbour on an uplink sending to
     * 127.0.0.1 would be DNATed (before routing drops such martians) to
     * a port published on 127.0.0.1 only (helper-62; Docker drops the
     * same, kube-proxy since CVE-2020-8558). */
    J({"rule" : {"chain" : "prerouting", "expr" : [
        {"match" : {"op" : "!=", "left" : {"meta" : {"key" : "iifname"}},
                    "right" : "lo"}},
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "ip", "field" : "daddr"}},
            "right" : {"prefix" : {"addr" : "127.0.0.0", "len" : 8}}}},
        {"drop" : null}
    ]}}),
    /* Within one network, first: its containers reach each other, on an
     * isolated network too.  Their frames are bridged and never routed,
     * but where br_netfilter is loaded (bridge-nf-call-iptables, as on
     * hosts that also run Docker or Kubernetes) they come through this
     * hook with the bridge as both interfaces, and the isolated drops
     * below took them (helper-80). */
    J({"rule" : {"chain" : "forward", "expr" : [
        {"match" : {"op" : "==", "left" : {"concat" : [
            {"meta" : {"key" : "iifname"}}, {"meta" : {"key" : "oifname"}}
        ]}, "right" : "@within"}},
        {"accept" : null}
    ]}}),
    J({"rule" : {"chain" : "forward", "expr" : [
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "iifname"}},
                    "right" : "@isolated"}},
        {"drop" : null}
    ]}}),
    J({"rule" : {"chain" : "forward", "expr" : [
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "oifname"}},
                    "right" : "@isolated"}},
        {"drop" : null}
    ]}}),
    /* Published ports are reachable from every network. */
    J({"rule" : {"chain" : "forward", "expr" : [
        {"match" : {"op" : "in", "left" : {"ct" : {"key" : "status"}},
                    "right" : "dnat"}},
        {"accept" : null}
    ]}}),
    /* Into a network from anywhere else (an uplink, where a LAN host
     * routes the subnet via dom0): only published ports, and what the
     * containers began.  Docker 28 drops the same; before, every port of
     * a container on a nat network answered such a host (helper-62). */
    J({"rule" : {"chain" : "forward", "expr" : [
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "oifname"}},
                    "right" : "@bridges"}},
        {"match" : {"op" : "!=", "left" : {"meta" : {"key" : "iifname"}},
                    "right" : "@bridges"}},
        {"match" : {"op" : "in", "left" : {"ct" : {"key" : "state"}},
                    "right" : "new"}},
        {"drop" : null}
    ]}}),
    /* From one network to another (within one was accepted above). */
    J({"rule" : {"chain" : "forward", "expr" : [
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "iifname"}},
                    "right" : "@bridges"}},
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "oifname"}},
                    "right" : "@bridges"}},
        {"drop" : null}
    ]}}),
    NULL,
};

/* One published-port lookup in table FAM xl_oci_nat: DNAT when KEY is in
 * the address map. */
#define PORT_RULE(FAM, KEY, ADDR, PORT)                                        \
    J({"rule" : {"chain" : "ports", "expr" : [{"dnat" : {"family" : FAM,     \
        "addr" : {"map" : {"key" : KEY, "data" : ADDR}},                       \
        "port" : {"map" : {"key" : KEY, "data" : PORT}}}}]}})
#define IP_PORT(L3, P)                                                         \
    {"concat" : [ {"payload" : {"protocol" : L3, "field" : "daddr"}},         \
                  {"payload" : {"protocol" : P, "field" : "dport"}} ]}
#define ANY_PORT(P) {"payload" : {"protocol" : P, "field" : "dport"}}
/* The four lookups, tcp/udp x one host address/every host address. */
#define PORT_RULES(FAM)                                                        \
    PORT_RULE(FAM, IP_PORT(FAM, "tcp"), "@tcp_ip_addr", "@tcp_ip_port"),       \
    PORT_RULE(FAM, ANY_PORT("tcp"), "@tcp_any_addr", "@tcp_any_port"),         \
    PORT_RULE(FAM, IP_PORT(FAM, "udp"), "@udp_ip_addr", "@udp_ip_port"),       \
    PORT_RULE(FAM, ANY_PORT("udp"), "@udp_any_addr", "@udp_any_port")

/* Their maps, keyed (host address, port) or port, ADDR the address type;
 * two maps per lookup because 1.0.6's JSON has no concatenated data. */
#define PORT_MAP(NAME, DATA, ...)                                              \
    J({"map" : {"name" : NAME, "type" : __VA_ARGS__, "map" : DATA}})
#define PORT_MAPS(ADDR)                                                        \
    PORT_MAP("tcp_ip_addr", ADDR, [ADDR, "inet_service"]),                     \
    PORT_MAP("tcp_ip_port", "inet_service", [ADDR, "inet_service"]),          \
    PORT_MAP("tcp_any_addr", ADDR, "inet_service"),                            \
    PORT_MAP("tcp_any_port", "inet_service", "inet_service"),                  \
    PORT_MAP("udp_ip_addr", ADDR, [ADDR, "inet_service"]),                     \
    PORT_MAP("udp_ip_port", "inet_service", [ADDR, "inet_service"]),          \
    PORT_MAP("udp_any_addr", ADDR, "inet_service"),                            \
    PORT_MAP("udp_any_port", "inet_service", "inet_service")

/* The nat chains: prerouting (from outside and from containers) and
 * output (dom0 itself) look up published ports for packets to any of the
 * host's addresses. */
#define NAT_CHAINS                                                             \
    J({"chain" : {"name" : "prerouting", "type" : "nat",                       \
                  "hook" : "prerouting", "prio" : -100,                        \
                  "policy" : "accept"}}),                                      \
    J({"chain" : {"name" : "output", "type" : "nat", "hook" : "output",        \
                  "prio" : -100, "policy" : "accept"}}),                       \
    J({"chain" : {"name" : "postrouting", "type" : "nat",                      \
                  "hook" : "postrouting", "prio" : 100,                        \
                  "policy" : "accept"}}),                                      \
    J({"chain" : {"name" : "ports"}}),                                         \
    J({"rule" : {"chain" : "prerouting", "expr" : [                            \
        {"match" : {"op" : "==", "left" : {"fib" : {                           \
            "result" : "type", "flags" : ["daddr"]}}, "right" : "local"}},     \
        {"jump" : {"target" : "ports"}}                                        \
    ]}})

/* Masquerade of nat networks' subnets leaving for anything but our
 * subnets, and hairpin: a container reaching a published port through a
 * host address gets the answer back through dom0, not straight. */
#define MASQ_RULES(FAM, MASQ, SUBNETS)                                         \
    J({"rule" : {"chain" : "postrouting", "expr" : [                           \
        {"match" : {"op" : "==", "left" : {"payload" : {                       \
            "protocol" : FAM, "field" : "saddr"}}, "right" : MASQ}},           \
        {"match" : {"op" : "!=", "left" : {"payload" : {                       \
            "protocol" : FAM, "field" : "daddr"}}, "right" : SUBNETS}},        \
        {"masquerade" : null}                                                  \
    ]}}),                                                                      \
    J({"rule" : {"chain" : "postrouting", "expr" : [                           \
        {"match" : {"op" : "in", "left" : {"ct" : {"key" : "status"}},         \
                    "right" : "dnat"}},                                        \
        {"match" : {"op" : "==", "left" : {"payload" : {                       \
            "protocol" : FAM, "field" : "saddr"}}, "right" : SUBNETS}},        \
        {"masquerade" : null}                                                  \
    ]}})

/* table ip xl_oci_nat: masquerade and published ports. */
static const char *const nat4_objs[] = {
    J({"set" : {"name" : "masq4", "type" : "ipv4_addr",
                "flags" : ["interval"]}}),
    J({"set" : {"name" : "subnets4", "type" : "ipv4_addr",
                "flags" : ["interval"]}}),
    PORT_MAPS("ipv4_addr"),
    NAT_CHAINS,
    J({"rule" : {"chain" : "output", "expr" : [
        {"match" : {"op" : "==", "left" : {"fib" : {
            "result" : "type", "flags" : ["daddr"]}}, "right" : "local"}},
        {"jump" : {"target" : "ports"}}
    ]}}),
    PORT_RULES("ip"),
    MASQ_RULES("ip", "@masq4", "@subnets4"),
    /* dom0 reaching a published port on 127.0.0.1 (the bridges have
     * route_localnet). */
    J({"rule" : {"chain" : "postrouting", "expr" : [
        {"match" : {"op" : "in", "left" : {"ct" : {"key" : "status"}},
                    "right" : "dnat"}},
        {"match" : {"op" : "==", "left" : {"payload" : {
            "protocol" : "ip", "field" : "saddr"}},
            "right" : {"prefix" : {"addr" : "127.0.0.0", "len" : 8}}}},
        {"masquerade" : null}
    ]}}),
    NULL,
};

/* table ip6 xl_oci_nat: the same for nat networks' IPv6 prefixes.  dom0's
 * own connections to ::1 are left alone: IPv6 has no route_localnet, so a
 * reply translated back to ::1 would arrive on a bridge and be dropped;
 * without the DNAT such a connection is refused at once (or reaches what
 * listens on ::1) instead of hanging. */
static const char *const nat6_objs[] = {
    J({"set" : {"name" : "masq6", "type" : "ipv6_addr",
                "flags" : ["interval"]}}),
    J({"set" : {"name" : "subnets6", "type" : "ipv6_addr",
                "flags" : ["interval"]}}),
    PORT_MAPS("ipv6_addr"),
    NAT_CHAINS,
    J({"rule" : {"chain" : "output", "expr" : [
        {"match" : {"op" : "==", "left" : {"fib" : {
            "result" : "type", "flags" : ["daddr"]}}, "right" : "local"}},
        {"match" : {"op" : "!=", "left" : {"payload" : {
            "protocol" : "ip6", "field" : "daddr"}}, "right" : "::1"}},
        {"jump" : {"target" : "ports"}}
    ]}}),
    PORT_RULES("ip6"),
    MASQ_RULES("ip6", "@masq6", "@subnets6"),
    NULL,
};

/* The guards in table inet xl_oci (forwarding.h): when dom0 did not
 * forward before a nat network needed it, forwarded packets that neither
 * come from nor go to one of our bridges are dropped, so dom0 routes for
 * its containers and for nothing else.  The named counter records that we
 * turned forwarding on and counts what the guard dropped. */
#define GUARD_RULE(NFPROTO, COUNTER)                                          \
    J({"rule" : {"chain" : "forward", "expr" : [                               \
        {"match" : {"op" : "==", "left" : {"meta" : {"key" : "nfproto"}},      \
                    "right" : NFPROTO}},                                       \
        {"match" : {"op" : "!=", "left" : {"meta" : {"key" : "iifname"}},      \
                    "right" : "@bridges"}},                                    \
        {"match" : {"op" : "!=", "left" : {"meta" : {"key" : "oifname"}},      \
                    "right" : "@bridges"}},                                    \
        {"counter" : COUNTER}, {"drop" : null}                                 \
    ]}})

const char *const nb_nft_guard4[] = {
    J({"counter" : {"name" : "guard4"}}),
    GUARD_RULE("ipv4", "guard4"),
    NULL,
};

const char *const nb_nft_guard6[] = {
    J({"counter" : {"name" : "guard6"}}),
    GUARD_RULE("ipv6", "guard6"),
    NULL,
};

/* The target address is the 16 bytes after the ICMPv6 header's first 8
 * (RFC 4861 4.4); the set's key is (ifname, those bytes as an integer). */
const char nb_nft_nd_set_text[] =
    "add set bridge xl_oci vif_nd_target { typeof iifname . @th,64,128; }";

const char *const nb_nft_nd_objs[] = {
    J({"rule" : {"chain" : "nd_target", "expr" : [
        {"match" : {"op" : "!=", "left" : {"concat" : [
            {"meta" : {"key" : "iifname"}},
            {"payload" : {"base" : "th", "offset" : 64, "len" : 128}}
        ]}, "right" : "@vif_nd_target"}},
        {"counter" : "spoofed"}, {"drop" : null}
    ]}}),
    NULL,
};

/* clang-format on */

const struct nb_nft_object nb_nft_newest = {"set", "inet", "xl_oci",
                                            "own_gateway6"};

/* "xl-oci-probe" is no vif or bridge name (libxl names vifs vifD.N, ours
 * are xloci-*), and host port 0 is never published (port_spec.h). */
const struct nb_nft_probe nb_nft_probes[] = {
    {"inet", "xl_oci", "bridges", "\"xl-oci-probe\"", "\"xl-oci-probe\""},
    {"ip", "xl_oci_nat", "udp_any_port", "[0, 0]", "0"},
    {"ip6", "xl_oci_nat", "udp_any_port", "[0, 0]", "0"},
    {"inet", "xl_oci", "within",
     "{\"concat\": [\"xl-oci-probe\", \"xl-oci-probe\"]}",
     "{\"concat\": [\"xl-oci-probe\", \"xl-oci-probe\"]}"},
    {"inet", "xl_oci", "own_gateway6",
     "{\"concat\": [\"xl-oci-probe\", \"::\"]}",
     "{\"concat\": [\"xl-oci-probe\", \"::\"]}"}, /* nb_nft_newest */
    {NULL, NULL, NULL, NULL, NULL},
};

const struct nb_nft_table nb_nft_tables[] = {
    {"bridge", "xl_oci", bridge_objs},
    {"inet", "xl_oci", inet_objs},
    {"ip", "xl_oci_nat", nat4_objs},
    {"ip6", "xl_oci_nat", nat6_objs},
    {NULL, NULL, NULL},
};
