/*
 * network.c: network create, the default network, list, inspect and rm
 * (netback.h).  Every change runs under the store lock; a create whose
 * dataplane fails is removed again, state and kernel both.
 */
#include "netback/netback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fault.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "netback/dataplane.h"
#include "netback/link.h"
#include "netback/netback_internal.h"
#include "netback/nft.h"
#include "netback/psl_lib.h"

/* Names the DNS gives a meaning of their own: RFC 6761's test,
 * localhost, invalid and example, RFC 6762's local (mDNS), RFC 7686's
 * onion, the reverse-lookup tree arpa, ICANN's internal.  A network's
 * dnsmasq answers every name under the network's name itself (NXDOMAIN
 * for what it does not hold), so its containers could no longer resolve
 * them (helper-80: a network "arpa" swallowed every reverse lookup).
 * NULL, or the name. */
static const char *special_dns_name(const char *name)
{
    static const char *const special[] = {"arpa",    "example", "internal",
                                          "invalid", "local",   "localhost",
                                          "onion",   "test"};
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
        if (strcmp(name, special[i]) == 0)
            return special[i];
    return NULL;
}

/* A name the admin gave is no top-level domain (psl_lib.h says why).
 * "default" is xl-oci's own name, made on a create's first use of it,
 * which then loads no libpsl: the list has no such domain. */
static int check_not_tld(const char *name, xo_err *err)
{
    if (strcmp(name, NETBACK_DEFAULT_NETWORK) == 0)
        return 0;
    int tld = nb_psl_is_tld(name, err);
    if (tld < 0)
        return xo_err_wrap(err, "network name \"%s\"", name);
    if (tld)
        return xo_err_set(
            err, EINVAL,
            "network name \"%s\" is a top-level domain of the DNS (Public Suffix List): its dnsmasq would answer every name under .%s, which its containers could then not resolve",
            name, name);
    return 0;
}

/* Fills st from spec, checking each field on its own. */
static int state_from_spec(struct nb_state *st,
                           const struct netback_network_spec *spec, xo_err *err)
{
    struct netback_network *n = &st->net;
    memset(st, 0, sizeof(*st));
    if (!nb_valid_network_name(spec->name))
        return xo_err_set(
            err, EINVAL,
            "network name \"%s\" is not valid (a-z, 0-9 and '-', not first or last, at most %d, not \"lock\")",
            spec->name ? spec->name : "", NETBACK_NAME_MAX);
    if (special_dns_name(spec->name))
        return xo_err_set(
            err, EINVAL,
            "network name \"%s\" is a special-use DNS name: its dnsmasq would answer every name under .%s, which its containers could then not resolve",
            spec->name, spec->name);
    if (xo_path_fmt(n->name, sizeof(n->name), err, "%s", spec->name) < 0)
        return -1;
    if (nb_parse_cidr4(&st->subnet, spec->subnet, 8, 30, "--subnet", err) < 0)
        return -1;
    nb_format_cidr4(n->subnet, &st->subnet);
    const char *special = nb_cidr4_special(&st->subnet);
    if (special)
        return xo_err_set(err, EINVAL,
                          "--subnet %s overlaps the special-purpose block %s",
                          n->subnet, special);
    n->prefix4 = st->subnet.prefix;
    if (spec->gateway) {
        if (nb_parse_ipv4(&st->gw4, spec->gateway) < 0)
            return xo_err_set(err, EINVAL,
                              "--gateway \"%s\" is not an IPv4 address",
                              spec->gateway);
        if (!nb_cidr4_is_host(&st->subnet, st->gw4))
            return xo_err_set(err, EINVAL,
                              "--gateway %s is not a host address of %s",
                              spec->gateway, n->subnet);
    } else {
        st->gw4 = st->subnet.addr + 1;
    }
    nb_format_ipv4(n->gateway4, st->gw4);
    if (spec->ipv6) {
        if (nb_parse_prefix6(&st->prefix6, spec->ipv6, "--ipv6", err) < 0)
            return -1;
        /* ::/64 holds the unspecified and loopback addresses and the
         * IPv4-mapped and -compatible ones.  Checked here, at create only:
         * a stored network is loaded by the same parser. */
        static const uint8_t zero[8];
        if (memcmp(st->prefix6.s6_addr, zero, sizeof(zero)) == 0)
            return xo_err_set(
                err, EINVAL,
                "--ipv6 %s holds the unspecified, loopback and IPv4-mapped addresses (::/64)",
                spec->ipv6);
        n->has_ipv6 = true;
        /* The gateway's host part, as ipam.c maps every lease's: with
         * --gateway .254 a first lease (.1) would be given ::1 otherwise,
         * the bridge's own IPv6 address. */
        nb_ipv6_host(&st->gw6, &st->prefix6,
                     st->gw4 & ~nb_cidr4_mask(st->subnet.prefix));
        char p[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &st->prefix6, p, sizeof(p));
        /* cannot truncate: n->subnet6 has room for INET6_ADDRSTRLEN + 3 */
        snprintf(n->subnet6, sizeof(n->subnet6), "%s/64", p);
        inet_ntop(AF_INET6, &st->gw6, n->gateway6, sizeof(n->gateway6));
    }
    n->mode = spec->mode;
    n->mtu = spec->mtu ? spec->mtu : NETBACK_MTU_DEFAULT;
    if (n->mtu < NETBACK_MTU_MIN || n->mtu > NETBACK_MTU_MAX)
        return xo_err_set(err, EINVAL, "--mtu %u is not from %d to %d", n->mtu,
                          NETBACK_MTU_MIN, NETBACK_MTU_MAX);
    if (spec->bridge) {
        if (!nb_valid_ifname(spec->bridge))
            return xo_err_set(
                err, EINVAL,
                "--bridge \"%s\" is not an interface name (1 to 15 bytes, no '/', ':' or spaces)",
                spec->bridge);
        if (xo_path_fmt(n->bridge, sizeof(n->bridge), err, "%s", spec->bridge) <
            0)
            return -1;
    } else if (nb_default_bridge(n->bridge, n->name, err) < 0) {
        return -1;
    }
    return 0;
}

/* Refuses a network whose subnet, prefix or bridge another one has, or
 * whose subnet a host route covers (or whose bridge device exists). */
static int check_conflicts(const char *root, const struct nb_state *st,
                           xo_err *err)
{
    char **names = NULL;
    size_t n = 0;
    const struct netback_network *net = &st->net;
    if (nb_store_list(&names, &n, root, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct nb_state o;
        if (nb_store_load(&o, root, names[i], err) < 0) {
            rc = -1;
            break;
        }
        if (nb_cidr4_overlap(&o.subnet, &st->subnet))
            rc = xo_err_set(err, EEXIST, "--subnet %s overlaps network %s (%s)",
                            net->subnet, o.net.name, o.net.subnet);
        else if (net->has_ipv6 && o.net.has_ipv6 &&
                 nb_prefix6_contains(&o.prefix6, &st->prefix6))
            rc = xo_err_set(err, EEXIST, "--ipv6 %s is network %s's",
                            net->subnet6, o.net.name);
        else if (strcmp(o.net.bridge, net->bridge) == 0)
            rc = xo_err_set(err, EEXIST, "bridge %s is network %s's",
                            net->bridge, o.net.name);
        nb_state_dispose(&o);
    }
    xo_strv_free(names);
    if (rc < 0)
        return -1;
    if (nb_link_index(net->bridge))
        return xo_err_set(
            err, EEXIST,
            "a device named %s exists already (choose another with --bridge)",
            net->bridge);
    char what[128];
    int r = nb_route4_overlap(&st->subnet, NULL, what, sizeof(what), err);
    if (r < 0)
        return -1;
    if (r)
        return xo_err_set(err, EEXIST,
                          "--subnet %s overlaps the host's route %s",
                          net->subnet, what);
    return 0;
}

int nb_network_create_locked(const char *root,
                             const struct netback_network_spec *spec,
                             struct netback_network *net_r, xo_err *err)
{
    struct nb_state st;
    if (state_from_spec(&st, spec, err) < 0 ||
        check_not_tld(st.net.name, err) < 0)
        return -1;
    if (nb_store_exists(root, st.net.name))
        return xo_err_set(err, EEXIST, "network %s already exists",
                          st.net.name);
    if (check_conflicts(root, &st, err) < 0 ||
        nb_store_create(root, &st, err) < 0)
        return -1;
    XO_FAULT_POINT("network.state-written");
    if (nb_dataplane_up(root, &st, true, err) < 0) {
        xo_err ignore = XO_ERR_INIT;
        nb_dataplane_down(root, &st, &ignore);
        nb_store_remove(root, st.net.name, &ignore);
        nb_nft_drop_if_unused(root, &ignore);
        xo_err_clear(&ignore);
        return -1;
    }
    if (net_r)
        *net_r = st.net;
    return 0;
}

int netback_network_create(const char *root,
                           const struct netback_network_spec *spec,
                           struct netback_network *net_r, xo_err *err)
{
    int lock;
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = nb_network_create_locked(root, spec, net_r, err);
    close(lock);
    return rc;
}

/* The subnets the default network may take, in order of preference. */
static void default_candidate(char *buf, size_t len, unsigned i)
{
    if (i < 12)
        /* cannot truncate: callers give INET_ADDRSTRLEN + 3 bytes */
        snprintf(buf, len, "10.%u.0.0/24", 88 + i);
    else
        /* cannot truncate: as above */
        snprintf(buf, len, "172.30.%u.0/24", i - 12);
}
#define DEFAULT_CANDIDATES (12 + 16)

int nb_default_spec(const char *root, struct netback_network_spec *spec,
                    char *subnet, size_t len, xo_err *err)
{
    memset(spec, 0, sizeof(*spec));
    spec->name = NETBACK_DEFAULT_NETWORK;
    spec->mode = NETBACK_MODE_NAT;
    /* The bridge is every candidate's: taken, it is the cause (helper-106:
     * another state root's default network had it, and the error blamed
     * 28 subnets that host routes and networks left free). */
    char bridge[16];
    if (nb_default_bridge(bridge, NETBACK_DEFAULT_NETWORK, err) < 0)
        return -1;
    if (nb_link_index(bridge))
        return xo_err_set(
            err, EEXIST,
            "cannot make network default: a device named %s exists already (another state root's network default?): make it with `xl-oci network create default --subnet CIDR --bridge NAME`",
            bridge);
    for (unsigned i = 0; i < DEFAULT_CANDIDATES; i++) {
        default_candidate(subnet, len, i);
        spec->subnet = subnet;
        struct nb_state st;
        if (state_from_spec(&st, spec, err) < 0)
            return -1;
        if (check_conflicts(root, &st, err) == 0)
            return 0;
        if (err->errnum != EEXIST)
            return -1;
        xo_err_clear(err);
    }
    char first[32], last[32];
    default_candidate(first, sizeof(first), 0);
    default_candidate(last, sizeof(last), DEFAULT_CANDIDATES - 1);
    return xo_err_set(
        err, EEXIST,
        "no free subnet for network default (%s to %s all overlap host routes or networks): make it with `xl-oci network create default --subnet CIDR`",
        first, last);
}

int netback_network_ensure_default(const char *root,
                                   struct netback_network *net_r, xo_err *err)
{
    int lock;
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = nb_ensure_default_locked(root, net_r, err);
    close(lock);
    return rc;
}

int nb_ensure_default_locked(const char *root, struct netback_network *net_r,
                             xo_err *err)
{
    if (nb_store_exists(root, NETBACK_DEFAULT_NETWORK)) {
        struct nb_state st;
        if (nb_store_load(&st, root, NETBACK_DEFAULT_NETWORK, err) < 0)
            return -1;
        if (net_r)
            *net_r = st.net;
        nb_state_dispose(&st);
        return 0;
    }
    struct netback_network_spec spec;
    char subnet[32];
    if (nb_default_spec(root, &spec, subnet, sizeof(subnet), err) < 0)
        return -1;
    return nb_network_create_locked(root, &spec, net_r, err);
}

int netback_network_list(char ***names_r, size_t *n_r, const char *root,
                         xo_err *err)
{
    return nb_store_list(names_r, n_r, root, err);
}

int netback_network_inspect(struct netback_network *net_r,
                            struct netback_lease **leases_r, size_t *n_r,
                            const char *root, const char *name, xo_err *err)
{
    struct nb_state st;
    int lock;
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = nb_store_load(&st, root, name, err);
    close(lock);
    if (rc < 0)
        return -1;
    *net_r = st.net;
    if (leases_r) {
        *leases_r = st.leases;
        *n_r = st.n_leases;
        st.leases = NULL;
        st.n_leases = 0;
    }
    nb_state_dispose(&st);
    return 0;
}

int netback_network_rm(const char *root, const char *name, xo_err *err)
{
    int lock;
    struct nb_state st;
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = -1;
    if (nb_store_load(&st, root, name, err) < 0)
        goto out;
    if (st.n_leases) {
        xo_err_set(
            err, EBUSY,
            "network %s is in use by %zu container%s (first: %s); destroy %s first",
            name, st.n_leases, st.n_leases == 1 ? "" : "s",
            st.leases[0].container, st.n_leases == 1 ? "it" : "them");
        goto dispose;
    }
    if (nb_dataplane_down(root, &st, err) < 0)
        goto dispose;
    XO_FAULT_POINT("network-rm.dataplane-down");
    if (nb_store_remove(root, name, err) < 0)
        goto dispose;
    XO_FAULT_POINT("network-rm.state-removed");
    if (nb_nft_drop_if_unused(root, err) < 0)
        goto dispose;
    rc = 0;
dispose:
    nb_state_dispose(&st);
out:
    close(lock);
    return rc;
}

int nb_nft_drop_if_unused(const char *root, xo_err *err)
{
    char **names = NULL;
    size_t n = 0;
    if (nb_store_list(&names, &n, root, err) < 0)
        return -1;
    xo_strv_free(names);
    return n == 0 ? nb_nft_delete(err) : 0;
}
