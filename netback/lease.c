/*
 * lease.c: attach, release, publish and unpublish (netback.h): the store
 * lock, IPAM on the loaded network, then DNS and nft elements.  When a
 * later step fails the earlier ones are undone, so a failed call leaves
 * state and kernel as they were.
 */
#include "netback/netback.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fault.h"
#include "common/json.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "netback/conntrack.h"
#include "netback/dataplane.h"
#include "netback/dns.h"
#include "netback/ipam.h"
#include "netback/link.h"
#include "netback/netback_internal.h"
#include "netback/nft.h"
#include "netback/port_choose.h"
#include "netback/port_probe.h"

/* The same where nothing is undone on failure (a lease released or its
 * ports withdrawn): a flow then left keeps its old DNAT until it stops
 * or the port is published again, which forgets it then. */
static void forget_udp_released(const struct netback_lease *l)
{
    xo_err ignore = XO_ERR_INIT;
    nb_conntrack_forget_leases_udp(l, NULL, &ignore);
    xo_err_clear(&ignore);
}

/* What create -N shows for a "default" network that does not exist yet. */
static int attach_dry_default(const char *root, const char *container,
                              unsigned vif_index, const char *static_ip,
                              struct netback_attachment *out, xo_err *err)
{
    struct netback_network_spec spec;
    char subnet[INET_ADDRSTRLEN + 3];
    struct nb_state st;
    if (nb_default_spec(root, &spec, subnet, sizeof(subnet), err) < 0)
        return -1;
    memset(&st, 0, sizeof(st));
    if (xo_path_fmt(st.net.name, sizeof(st.net.name), err, "%s", spec.name) < 0)
        return -1;
    if (nb_default_bridge(st.net.bridge, spec.name, err) < 0)
        return -1;
    XO_COPY_STR(st.net.subnet, subnet);
    nb_parse_cidr4(&st.subnet, subnet, 8, 30, "subnet", err);
    st.gw4 = st.subnet.addr + 1;
    nb_format_ipv4(st.net.gateway4, st.gw4);
    st.net.prefix4 = st.subnet.prefix;
    st.net.mode = NETBACK_MODE_NAT;
    st.net.mtu = NETBACK_MTU_DEFAULT;
    struct netback_lease *l;
    int rc = nb_ipam_assign(&st, container, vif_index, static_ip, &l, err);
    if (rc == 0)
        nb_ipam_attachment(&st, l, out);
    nb_state_dispose(&st);
    return rc;
}

static int attach_locked(const char *root, const char *network,
                         const char *container, unsigned vif_index,
                         const char *static_ip, unsigned flags,
                         struct netback_attachment *out, xo_err *err)
{
    bool dry = flags & NETBACK_ATTACH_DRY_RUN;
    bool is_default = strcmp(network, NETBACK_DEFAULT_NETWORK) == 0;
    if (is_default && !nb_store_exists(root, network)) {
        if (dry)
            return attach_dry_default(root, container, vif_index, static_ip,
                                      out, err);
        if (nb_ensure_default_locked(root, NULL, err) < 0)
            return -1;
    }
    struct nb_state st;
    if (nb_store_load(&st, root, network, err) < 0)
        return -1;
    /* Under -v, as create's own phases: which step grows with the
     * containers on the network (issue 17's create at scale). */
    xo_stamp("lease", "network %s loaded (%zu leases)", network, st.n_leases);
    struct netback_lease *l = nb_ipam_find(&st, container), before;
    bool existed = l != NULL;
    if (existed)
        before = *l; /* the fields assign may change, for undo */
    int rc = -1;
    if (nb_ipam_assign(&st, container, vif_index, static_ip, &l, err) < 0)
        goto out;
    nb_ipam_attachment(&st, l, out);
    if (dry) {
        rc = 0;
        goto out;
    }
    /* A lease whose address moves (a new static ip=): a vif still
     * attached loses its elements and its ports' now, as its offline
     * would look for the new address; the ports go in again, to the new
     * address, with the next vif's online (netback/vif.c). */
    bool moved = existed && strcmp(before.ipv4, l->ipv4) != 0;
    if (moved) {
        if (nb_nft_heal_locked(root, err) < 0 ||
            (before.vif[0] &&
             nb_nft_vif(&st, &before, before.vif, false, err) < 0) ||
            nb_nft_ports(&before, false, err) < 0 ||
            nb_conntrack_forget_leases_udp(&before, NULL, err) < 0)
            goto out;
        l->vif[0] = '\0';
    }
    if (nb_store_save_leases(root, &st, err) < 0)
        goto out;
    xo_stamp("lease", "lease assigned and saved");
    XO_FAULT_POINT("lease.saved");
    /* The bridge may be gone (a host rebooted without `network up`). */
    if (!nb_link_index(st.net.bridge) &&
        nb_dataplane_up(root, &st, true, err) < 0)
        goto undo;
    xo_stamp("lease", "bridge present");
    /* Our nftables tables are checked (and rebuilt) where elements go in:
     * the vif's online and publish_locked(), not here (netback/vif.c).
     * So are the names: hosts lists attached leases only, so this lease
     * changes it only when it moved off an attached vif; otherwise
     * dnsmasq is only started if it is not running (the vif's online
     * tells it of the name: one hosts write and SIGHUP per create). */
    if ((moved || !nb_dns_pid(root, st.net.name)) &&
        nb_dns_update(root, &st, err) < 0)
        goto undo;
    xo_stamp("lease", "dnsmasq running, hosts current");
    XO_FAULT_POINT("lease.dns-updated");
    rc = 0;
    goto out;
undo:;
    xo_err ignore = XO_ERR_INIT;
    if (existed) {
        memcpy(l->ipv4, before.ipv4, sizeof(l->ipv4));
        memcpy(l->ipv6, before.ipv6, sizeof(l->ipv6));
        l->is_static = before.is_static;
        l->vif_index = before.vif_index;
    } else {
        nb_ipam_remove(&st, container);
    }
    nb_store_save_leases(root, &st, &ignore);
    nb_dns_write_hosts(root, &st, &ignore);
    xo_err_clear(&ignore);
out:
    nb_state_dispose(&st);
    return rc;
}

int netback_attach(const char *root, const char *network, const char *container,
                   unsigned vif_index, const char *static_ip, unsigned flags,
                   struct netback_attachment *out, xo_err *err)
{
    int lock;
    if (!nb_valid_network_name(network))
        return xo_err_set(err, EINVAL, "network name \"%s\" is not valid",
                          network);
    /* A dry run only reads, and every state file is replaced by rename,
     * so it needs no lock (and creates nothing, not even the lock file). */
    bool dry = flags & NETBACK_ATTACH_DRY_RUN;
    if (!dry && nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = attach_locked(root, network, container, vif_index, static_ip,
                           flags, out, err);
    if (!dry)
        close(lock);
    return rc; /* the messages name the network */
}

typedef int (*network_fn)(const char *root, struct nb_state *st,
                          const void *arg, xo_err *err);

/* Calls fn on every network, saving those it changed (fn returns 1);
 * stops at the first error.  The caller holds the store lock. */
static int each_network_locked(const char *root, const void *arg, network_fn fn,
                               xo_err *err)
{
    char **names = NULL;
    size_t n = 0;
    int rc = nb_store_list(&names, &n, root, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct nb_state st;
        if (nb_store_load(&st, root, names[i], err) < 0) {
            rc = -1;
            break;
        }
        int r = fn(root, &st, arg, err);
        if (r < 0 || (r > 0 && nb_store_save_leases(root, &st, err) < 0))
            rc = -1;
        nb_state_dispose(&st);
    }
    xo_strv_free(names);
    return rc;
}

static int each_network(const char *root, const void *arg, network_fn fn,
                        xo_err *err)
{
    int lock;
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = each_network_locked(root, arg, fn, err);
    close(lock);
    return rc;
}

/* Removes the kernel side of lease l (vif elements, ports). */
static int lease_unhook(struct nb_state *st, struct netback_lease *l,
                        xo_err *err)
{
    if (l->vif[0] && nb_nft_vif(st, l, l->vif, false, err) < 0)
        return -1;
    return nb_nft_ports(l, false, err);
}

struct release {
    const char *container;
    unsigned released;
};

static int release_one(const char *root, struct nb_state *st, const void *arg,
                       xo_err *err)
{
    struct release *rel = (struct release *)arg;
    const char *container = rel->container;
    struct netback_lease *l = nb_ipam_find(st, container);
    if (!l)
        return 0;
    rel->released++;
    if (lease_unhook(st, l, err) < 0)
        return -1;
    forget_udp_released(l);
    nb_ipam_remove(st, container);
    if (nb_store_save_leases(root, st, err) < 0)
        return -1;
    /* The lease is gone; a dnsmasq that cannot be told only keeps
     * answering the old name until the next update or `network up`. */
    nb_dns_refresh(root, st);
    return 0;
}

int netback_release(const char *root, const char *container,
                    unsigned *released_r, xo_err *err)
{
    struct release rel = {container, 0};
    int rc = each_network(root, &rel, release_one, err);
    if (released_r)
        *released_r = rel.released;
    if (rc < 0)
        return xo_err_wrap(err, "releasing container %s", container);
    return 0;
}

static int unpublish_one(const char *root, struct nb_state *st, const void *arg,
                         xo_err *err)
{
    (void)root;
    struct netback_lease *l = nb_ipam_find(st, arg);
    if (!l || !l->n_ports)
        return 0;
    if (nb_nft_ports(l, false, err) < 0)
        return -1;
    forget_udp_released(l);
    netback_lease_dispose(l);
    return 1;
}

int netback_unpublish(const char *root, const char *container, xo_err *err)
{
    if (each_network(root, container, unpublish_one, err) < 0)
        return xo_err_wrap(err, "unpublishing ports of %s", container);
    return 0;
}

struct publish_check {
    const char *container;
    const struct xo_port_spec *ports;
    size_t n;
};

static int check_one(const char *root, struct nb_state *st, const void *arg,
                     xo_err *err)
{
    (void)root;
    const struct publish_check *c = arg;
    char a[XO_PORT_SPEC_TEXT];
    for (size_t i = 0; i < st->n_leases; i++) {
        const struct netback_lease *l = &st->leases[i];
        if (strcmp(l->container, c->container) == 0)
            continue;
        for (size_t j = 0; j < l->n_ports; j++)
            for (size_t k = 0; k < c->n; k++)
                if (xo_port_spec_clash(&l->ports[j], &c->ports[k])) {
                    xo_port_spec_format(a, &c->ports[k]);
                    return xo_err_set(
                        err, EADDRINUSE,
                        "oci_ports \"%s\": host port %u/%s is published by container %s",
                        a, c->ports[k].host_port,
                        c->ports[k].udp ? "udp" : "tcp", l->container);
                }
    }
    return 0;
}

/* Every port other containers than c->container publish, on any network. */
struct taken_ports {
    const char *container;
    struct xo_port_spec *ports;
    size_t n;
};

static int collect_one(const char *root, struct nb_state *st, const void *arg,
                       xo_err *err)
{
    (void)root;
    (void)err;
    struct taken_ports *t = (struct taken_ports *)arg;
    for (size_t i = 0; i < st->n_leases; i++) {
        const struct netback_lease *l = &st->leases[i];
        if (strcmp(l->container, t->container) == 0 || !l->n_ports)
            continue;
        t->ports =
            xo_xreallocarray(t->ports, t->n + l->n_ports, sizeof(*t->ports));
        memcpy(t->ports + t->n, l->ports, l->n_ports * sizeof(*l->ports));
        t->n += l->n_ports;
    }
    return 0;
}

/* c's ports with every host port still to choose chosen (port_choose.h),
 * an owned copy in *out_r (NULL when c has none).  Under the lock. */
static int choose_ports(const char *root, const struct publish_check *c,
                        struct xo_port_spec **out_r, xo_err *err)
{
    *out_r = NULL;
    if (!c->n)
        return 0;
    struct xo_port_spec *copy = xo_xcalloc(c->n, sizeof(*copy));
    memcpy(copy, c->ports, c->n * sizeof(*copy));
    bool any = false;
    for (size_t i = 0; i < c->n; i++)
        any = any || !copy[i].host_port;
    struct taken_ports t = {c->container, NULL, 0};
    int rc = 0;
    if (any)
        rc = each_network_locked(root, &t, collect_one, err) < 0 ||
                     nb_ports_choose(copy, c->n, t.ports, t.n, err) < 0
                 ? -1
                 : 0;
    free(t.ports);
    if (rc < 0) {
        free(copy);
        return -1;
    }
    *out_r = copy;
    return 0;
}

/* A host service listening on a port to publish would lose its traffic
 * to the DNAT rule (port_probe.h), and a host address this host does not
 * have would forward nothing: both refused, as Docker's bind fails. */
static int check_host_services(const struct publish_check *c, xo_err *err)
{
    char a[XO_PORT_SPEC_TEXT];
    for (size_t k = 0; k < c->n; k++) {
        enum nb_port_probe probe;
        if (nb_port_probe(&c->ports[k], &probe, err) < 0)
            return -1;
        if (probe == NB_PORT_NOT_LOCAL) {
            xo_port_spec_format(a, &c->ports[k]);
            return xo_err_set(
                err, EADDRNOTAVAIL,
                "oci_ports \"%s\": %s is no address of this host (its traffic would never reach the rule)",
                a, c->ports[k].host_ip);
        }
        if (probe == NB_PORT_IN_USE) {
            xo_port_spec_format(a, &c->ports[k]);
            return xo_err_set(
                err, EADDRINUSE,
                "oci_ports \"%s\": host port %u/%s is in use by a service of this host (publishing it would take that service's connections)",
                a, c->ports[k].host_port, c->ports[k].udp ? "udp" : "tcp");
        }
    }
    return 0;
}

/* A port on an IPv6 host address needs a network with IPv6. */
static int check_families(const struct netback_network *net,
                          const struct publish_check *c, xo_err *err)
{
    char a[XO_PORT_SPEC_TEXT];
    for (size_t k = 0; k < c->n; k++)
        if (c->ports[k].family == AF_INET6 && !net->has_ipv6) {
            xo_port_spec_format(a, &c->ports[k]);
            return xo_err_set(
                err, EINVAL,
                "oci_ports \"%s\": network %s has no IPv6 (networks get it with network create --ipv6)",
                a, net->name);
        }
    return 0;
}

/* check_families() for a dry run, where `network` may not exist yet (a
 * "default" made on first use, which has no IPv6). */
static int check_families_dry(const char *root, const char *network,
                              const struct publish_check *c, xo_err *err)
{
    struct nb_state st;
    if (!nb_store_exists(root, network)) {
        struct netback_network none = {.has_ipv6 = false};
        if (xo_path_fmt(none.name, sizeof(none.name), err, "%s", network) < 0)
            return -1;
        return check_families(&none, c, err);
    }
    if (nb_store_load(&st, root, network, err) < 0)
        return -1;
    int rc = check_families(&st.net, c, err);
    nb_state_dispose(&st);
    return rc;
}

/* Under the lock: checks `c` against every other container's ports,
 * then replaces the ports of c->container's lease on `network`. */
static int publish_locked(const char *root, const char *network,
                          const struct publish_check *c, xo_err *err)
{
    struct nb_state st;
    if (nb_store_load(&st, root, network, err) < 0)
        return -1;
    int rc = -1;
    struct netback_lease *l = nb_ipam_find(&st, c->container);
    struct xo_port_spec *copy = NULL;
    if (!l) {
        xo_err_set(err, ENOENT, "container %s has no lease on network %s",
                   c->container, network);
        goto out;
    }
    if (check_families(&st.net, c, err) < 0)
        goto out;
    if (c->n && st.net.mode == NETBACK_MODE_ISOLATED) {
        xo_err_set(
            err, EINVAL,
            "oci_ports: network %s is isolated; ports are published only from nat networks",
            network);
        goto out;
    }
    /* Host ports to choose are chosen first, then checked as any. */
    if (choose_ports(root, c, &copy, err) < 0)
        goto out;
    struct publish_check chosen = {c->container, copy, c->n};
    /* What can never work is said before what is in use. */
    if (each_network_locked(root, &chosen, check_one, err) < 0 ||
        check_host_services(&chosen, err) < 0) {
        free(copy);
        goto out;
    }
    struct netback_lease old = *l;
    l->ports = copy;
    l->n_ports = c->n;
    /* The DNAT elements exist while the lease's vif is attached (its
     * online adds them, its offline takes them out: netback/vif.c), so
     * a halted container's port is refused at once, as Docker's. */
    bool live = l->vif[0] != '\0';
    /* The old ones go in any case (a delete of what is absent is no
     * error): elements a halted lease kept from before this rule would
     * otherwise stay, and clash with another container's port later
     * (helper-83). */
    int r = nb_nft_ports(&old, false, err) < 0 ? -1
            : live                             ? nb_nft_ports(l, true, err)
                                               : 0;
    if (r < 0 && c->n && !nb_nft_present()) {
        /* Tables gone or of an older layout (the add probes it, nft.h):
         * rebuilt from the state, which still has the old ports, then the
         * same change again. */
        xo_err_clear(err);
        r = nb_nft_heal_locked(root, err) < 0 ||
                    nb_nft_ports(&old, false, err) < 0 ||
                    nb_nft_ports(l, true, err) < 0
                ? -1
                : 0;
    }
    if (r == 0 && live)
        r = nb_conntrack_forget_leases_udp(&old, l, err);
    if (r < 0 || nb_store_save_leases(root, &st, err) < 0) {
        xo_err ignore = XO_ERR_INIT;
        nb_nft_ports(l, false, &ignore);
        if (live)
            nb_nft_ports(&old, true, &ignore);
        xo_err_clear(&ignore);
        free(copy);
        *l = old;
        goto out;
    }
    free(old.ports);
    rc = 0;
out:
    nb_state_dispose(&st);
    return rc;
}

int netback_publish(const char *root, const char *network,
                    const char *container, const struct xo_port_spec *ports,
                    size_t n_ports, unsigned flags, xo_err *err)
{
    char a[XO_PORT_SPEC_TEXT];
    if (n_ports > NETBACK_PORTS_MAX)
        return xo_err_set(err, EINVAL, "oci_ports: more than %d entries",
                          NETBACK_PORTS_MAX);
    for (size_t i = 0; i < n_ports; i++)
        for (size_t j = 0; j < i; j++)
            if (xo_port_spec_clash(&ports[i], &ports[j])) {
                xo_port_spec_format(a, &ports[i]);
                return xo_err_set(
                    err, EINVAL,
                    "oci_ports \"%s\": the host port is given twice", a);
            }
    struct publish_check c = {container, ports, n_ports};
    if (flags & NETBACK_ATTACH_DRY_RUN) /* reads only, as attach's */
        return check_families_dry(root, network, &c, err) < 0 ||
                       each_network_locked(root, &c, check_one, err) < 0
                   ? -1
                   : check_host_services(&c, err);
    int lock;
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = publish_locked(root, network, &c, err);
    close(lock);
    return rc; /* the messages name the entry */
}
