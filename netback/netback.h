/*
 * netback.h: dom0 networking for xl-oci containers, the one header the
 * command layer, create/destroy and the vif hotplug program include.
 *
 * A network is a Linux bridge with an IPv4 subnet (and optionally an IPv6
 * /64), a mode (nat: masquerade to the host's uplinks; isolated: no
 * forwarding off the bridge), one dnsmasq answering container names, and
 * its part of xl-oci's own nftables tables.  A lease gives one container
 * one address, MAC and vif on one network; leases outlive the domain (a
 * restarted container keeps its address) until released by destroy, or by
 * `network up` for a container that no longer exists.
 *
 * State (one owner: netback/store.c spells every path):
 *   <root>/networks/lock                 flock held by every change
 *   <root>/networks/<name>/network.json  settings, written once by create
 *   <root>/networks/<name>/leases.json   leases and published ports
 *   <root>/networks/<name>/hosts         dnsmasq --addn-hosts file
 *   <root>/networks/<name>/dnsmasq.pid   pid file of its dnsmasq
 * All JSON files are written atomically (temp file, fsync, rename) under
 * the lock, so 8 processes allocating at once never collide and a crash
 * never leaves a half-written file.
 *
 * Dataplane objects (all ours, never the admin's):
 *   bridge `xloci-<name>` (or --bridge), nftables `table bridge xl_oci`
 *   (per-vif anti-spoofing), `table inet xl_oci` (isolation, forwarding
 *   guards) and `table ip xl_oci_nat` / `table ip6 xl_oci_nat`
 *   (masquerade, published ports, each for its family).  Containers change set and map
 *   elements only.
 *
 * How the domain commands use it: create calls netback_attach() once per
 * oci_network entry (vif_index = its position; NETBACK_ATTACH_DRY_RUN for
 * create -N), renders the vif with the attachment's bridge and MAC and
 * script cmd_vif_script() (xl-plugin/xl_oci.h), exports XL_OCI_ROOT for
 * that script when --root was given, and calls netback_publish() for
 * oci_ports; a failed create and destroy call netback_release().
 *
 * Every function returns 0 on success or -1 with `err` set (common/error.h)
 * naming the network, container, key and value at fault; on failure
 * nothing is left half made (state files unchanged, dataplane rolled back).
 * Nothing here prints or exits.
 */
#ifndef XL_OCI_NETBACK_NETBACK_H
#define XL_OCI_NETBACK_NETBACK_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/port_spec.h" /* published ports, parsed and formatted */

/* Network names: [a-z0-9][a-z0-9-]*, a DNS label (names resolve as
 * CONTAINER.NETWORK), at most this long, and not "lock". */
#define NETBACK_NAME_MAX 31
/* Container names as domcfg accepts them (DC_MAX_NAME). */
#define NETBACK_CONTAINER_MAX 64
/* Linux interface names: IFNAMSIZ - 1 = 15 bytes. */
#define NETBACK_IFNAME_MAX (IFNAMSIZ - 1)
/* Published ports per container, leases per network. */
#define NETBACK_PORTS_MAX XO_PORT_SPEC_MAX_PORTS
#define NETBACK_LEASES_MAX 4096
/* The network made on first use of the name "default". */
#define NETBACK_DEFAULT_NETWORK "default"
/* MTU bounds: IPv6 needs 1280; 9000 is the jumbo frame most NICs take. */
#define NETBACK_MTU_MIN 1280
#define NETBACK_MTU_MAX 9000
#define NETBACK_MTU_DEFAULT 1500

enum netback_mode {
    NETBACK_MODE_NAT,      /* masquerade to outside, published ports */
    NETBACK_MODE_ISOLATED, /* bridge + host only; no forwarding off it */
};

/* "nat" / "isolated"; from_string returns -1 (err names the value). */
const char *netback_mode_to_string(enum netback_mode mode);
int netback_mode_from_string(enum netback_mode *mode_r, const char *s,
                             xo_err *err);

/* What `network create` asks for.  NULL / 0 fields take their defaults. */
struct netback_network_spec {
    const char *name;    /* required, see NETBACK_NAME_MAX */
    const char *subnet;  /* required, "A.B.C.D/N", 8 <= N <= 30 */
    const char *gateway; /* NULL: the first host address of subnet */
    const char *ipv6;    /* NULL, or a /64 prefix "PREFIX::/64" */
    enum netback_mode mode;
    unsigned mtu;       /* 0: NETBACK_MTU_DEFAULT */
    const char *bridge; /* NULL: "xloci-<name>", else a hash form */
};

/* A network's settings as stored (network.json).  Text forms, ready to
 * print or to put into a libxl config or boot spec. */
struct netback_network {
    char name[NETBACK_NAME_MAX + 1];
    char bridge[IFNAMSIZ];
    char subnet[INET_ADDRSTRLEN + 3]; /* "10.88.0.0/24" */
    unsigned prefix4;                 /* 24 */
    char gateway4[INET_ADDRSTRLEN];   /* bridge address, "10.88.0.1" */
    bool has_ipv6;
    char subnet6[INET6_ADDRSTRLEN + 4]; /* "fd00:1::/64", "" without */
    char gateway6[INET6_ADDRSTRLEN];    /* bridge address, "fd00:1::1" */
    enum netback_mode mode;
    unsigned mtu;
};

/* A lease as stored and shown by `network inspect`. */
struct netback_lease {
    char container[NETBACK_CONTAINER_MAX + 1];
    unsigned vif_index;          /* devid of the vif in the domain */
    char mac[18];                /* "00:16:3e:xx:xx:xx" */
    char ipv4[INET_ADDRSTRLEN];  /* "10.88.0.5" */
    char ipv6[INET6_ADDRSTRLEN]; /* "" when the network has no IPv6 */
    bool is_static;              /* address asked for by the config */
    char vif[IFNAMSIZ];          /* "vif5.0" while hotplugged, else "" */
    struct xo_port_spec *ports;  /* published to this lease, owned */
    size_t n_ports;
};

/* What a container's vif gets: everything domcfg renders into the libxl
 * vif and the boot spec.  Strings are "" when not applicable. */
struct netback_attachment {
    char network[NETBACK_NAME_MAX + 1];
    char bridge[IFNAMSIZ];
    char mac[18];
    char ipv4[INET_ADDRSTRLEN];
    unsigned prefix4;
    char gateway4[INET_ADDRSTRLEN]; /* "" on isolated networks: no route */
    char ipv6[INET6_ADDRSTRLEN];
    unsigned prefix6; /* 64, or 0 without IPv6 */
    char gateway6[INET6_ADDRSTRLEN];
    unsigned mtu;
    char dns[INET_ADDRSTRLEN]; /* the bridge address dnsmasq listens on */
    char search[NETBACK_NAME_MAX + 1]; /* the network's name */
};

/* Release all callers' structs with these (idempotent). */
void netback_lease_dispose(struct netback_lease *lease);
void netback_leases_free(struct netback_lease *leases, size_t n);

/* ---- networks ---------------------------------------------------------- */

/*
 * Creates the network: checks every field (malformed CIDR, gateway outside
 * the subnet, IPv6 not a /64, bridge name too long or already a device not
 * ours, subnet overlapping another network's or a host route), writes its
 * state and brings it up (bridge, nft, dnsmasq).  Fails if the name exists.
 * *net_r (may be NULL) receives the stored settings.
 */
int netback_network_create(const char *root,
                           const struct netback_network_spec *spec,
                           struct netback_network *net_r, xo_err *err);

/*
 * Makes the "default" network if it does not exist yet: a /24 NAT network
 * on the first of 10.88.0.0/24, 10.89.0.0/24 .. 10.99.0.0/24,
 * 172.30.0.0/24 .. that overlaps no host route (read with netlink) and no
 * other network; when none is free the error says which `network create
 * default --subnet` to run.  Returns its settings.
 */
int netback_network_ensure_default(const char *root,
                                   struct netback_network *net_r, xo_err *err);

/* A network's settings as JSON (name, bridge, subnet, gateway, ipv6,
 * gateway6, mode, mtu): the body of network.json and of
 * `network ls/inspect --json`.  New reference, never NULL (common/alloc.h). */
struct json_object;
struct json_object *netback_network_to_json(const struct netback_network *n);

/* Names of all networks, sorted; *names_r is NULL-terminated, free with
 * xo_strv_free (common/json.h). */
int netback_network_list(char ***names_r, size_t *n_r, const char *root,
                         xo_err *err);

/* Settings and (when leases_r != NULL) every lease of a network. */
int netback_network_inspect(struct netback_network *net_r,
                            struct netback_lease **leases_r, size_t *n_r,
                            const char *root, const char *name, xo_err *err);

/* Removes the network: refused while it has leases; stops its dnsmasq,
 * deletes its bridge and nft elements/rules, then its state dir. */
int netback_network_rm(const char *root, const char *name, xo_err *err);

/*
 * Does container NAME still exist?  Returns 1 yes, 0 no, -1 cannot tell
 * (then nothing is released).  `network up` asks it for every lease.
 */
typedef int (*netback_exists_fn)(void *opaque, const char *container);

/*
 * Rebuilds bridge, addresses, sysctls, nft tables and elements, and
 * dnsmasq of network `name` (NULL: every network) from the state on disk,
 * idempotently.  When `exists` is not NULL, first releases the leases of
 * containers it says are gone.  *released_r (may be NULL) counts them.
 */
int netback_network_up(const char *root, const char *name,
                       netback_exists_fn exists, void *opaque,
                       unsigned *released_r, xo_err *err);

/* ---- leases ------------------------------------------------------------ */

/* netback_attach flags */
#define NETBACK_ATTACH_DRY_RUN                                                 \
    0x1u /* compute only: reserve nothing,
                                       create nothing (create -N) */

/*
 * Gives `container` its lease on `network` (made first if it is "default"
 * and missing) and fills *out.  A container has at most one lease per
 * network: attaching again returns the same lease (same MAC, same
 * address; vif_index updated), so a restarted container keeps its
 * address.  The MAC is 00:16:3e plus a hash of container and network.
 * `static_ip` (NULL: take the next free pool address) must lie in the
 * subnet, not be its network, broadcast or gateway address, and not be
 * another container's.  Adds the container's name to the network's DNS.
 * With NETBACK_ATTACH_DRY_RUN nothing is reserved or written, and a
 * missing "default" network is described, not made.
 */
int netback_attach(const char *root, const char *network, const char *container,
                   unsigned vif_index, const char *static_ip, unsigned flags,
                   struct netback_attachment *out, xo_err *err);

/*
 * Releases every lease `container` holds on every network: its published
 * ports, anti-spoof elements (if the vif is still attached), DNS names,
 * then the leases.  Releasing a container with no lease succeeds.
 * *released_r (may be NULL) counts the leases released.
 */
int netback_release(const char *root, const char *container,
                    unsigned *released_r, xo_err *err);

/* ---- published ports ---------------------------------------------------- */

/* Ports are parsed and formatted by common/port_spec.h (oci_ports). */

/*
 * Publishes `ports` to the lease `container` holds on `network`: DNAT from
 * outside and from dom0 itself, to the lease's IPv4 address and, on a
 * network with IPv6, its IPv6 address (port_spec.h says which host
 * addresses each form takes).  Refused, publishing none, when any host
 * address/port/protocol is already published by any container, or a port
 * has an IPv6 host address and the network no IPv6; the ports replace any
 * the lease had.  With NETBACK_ATTACH_DRY_RUN only checks.
 */
int netback_publish(const char *root, const char *network,
                    const char *container, const struct xo_port_spec *ports,
                    size_t n_ports, unsigned flags, xo_err *err);

/* Removes every port `container` published, on every network. */
int netback_unpublish(const char *root, const char *container, xo_err *err);

/* ---- vif hotplug ------------------------------------------------------- */

/*
 * Online: finds the lease with MAC `mac` on the network whose bridge is
 * `bridge`, installs the vif's anti-spoof elements (its MAC, IPv4, IPv6
 * and EUI-64 link-local), sets its MTU, enslaves it to the bridge, brings
 * it up and records `vif` in the lease.  *mtu_r (may be NULL) gets the MTU.
 */
int netback_vif_online(const char *root, const char *bridge, const char *mac,
                       const char *vif, unsigned *mtu_r, xo_err *err);

/* Offline: removes what online added for `vif` (no error when nothing). */
int netback_vif_offline(const char *root, const char *vif, xo_err *err);

/* ---- NOHYPER: a veth pair for a vif (veth.c) ---------------------------- */

/* The host end's name for `container`'s `vif_index` (0..999):
 * "xon<8 hex>v<index>", at most 15 bytes. */
int netback_veth_name(char name[IFNAMSIZ], const char *container,
                      unsigned vif_index, xo_err *err);

/*
 * Joins the network namespace at `ns_path` (a runc container's) to the
 * network `network`, on which `container` holds a lease (netback_attach):
 * a veth pair whose host end `host` (netback_veth_name) becomes a port of
 * the network's bridge exactly as a vif does (netback_vif_online: the
 * lease's anti-spoof elements, MTU, the lease's record of it), and whose
 * other end is `ifname` inside the namespace with the lease's MAC, MTU and
 * addresses, lo up and, with `route4` / `route6`, the default route of
 * that family via the network's gateway (IPv4: via `gateway4` instead
 * when not NULL, app.cfg's oci_gateway).  On failure nothing of it stays.
 */
int netback_veth_attach(const char *root, const char *network,
                        const char *container, const char *host,
                        const char *ns_path, const char *ifname, bool route4,
                        const char *gateway4, bool route6, xo_err *err);

/* Removes every veth host end `container`'s leases record, with its
 * elements (netback_vif_offline) and its peer; the leases stay, as a
 * halted domain's do.  No error when there is none. */
int netback_veth_detach(const char *root, const char *container, xo_err *err);

#endif
