/* ipam.c: leases on a loaded network (see ipam.h). */
#include "netback/ipam.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/alloc.h"
#include "common/pathfmt.h"

void netback_lease_dispose(struct netback_lease *lease)
{
    free(lease->ports);
    lease->ports = NULL;
    lease->n_ports = 0;
}

void netback_leases_free(struct netback_lease *leases, size_t n)
{
    for (size_t i = 0; leases && i < n; i++)
        netback_lease_dispose(&leases[i]);
    free(leases);
}

struct netback_lease *nb_ipam_find(struct nb_state *st, const char *container)
{
    for (size_t i = 0; i < st->n_leases; i++)
        if (strcmp(st->leases[i].container, container) == 0)
            return &st->leases[i];
    return NULL;
}

struct netback_lease *nb_ipam_find_mac(struct nb_state *st, const char *mac)
{
    for (size_t i = 0; i < st->n_leases; i++)
        if (strcasecmp(st->leases[i].mac, mac) == 0)
            return &st->leases[i];
    return NULL;
}

static const struct netback_lease *holder(const struct nb_state *st,
                                          uint32_t addr)
{
    char a[INET_ADDRSTRLEN];
    nb_format_ipv4(a, addr);
    for (size_t i = 0; i < st->n_leases; i++)
        if (strcmp(st->leases[i].ipv4, a) == 0)
            return &st->leases[i];
    return NULL;
}

/* Checks a requested address for `container`. */
static int check_static(const struct nb_state *st, const char *container,
                        const char *ip, uint32_t *addr_r, xo_err *err)
{
    uint32_t a;
    const char *net = st->net.name;
    if (nb_parse_ipv4(&a, ip) < 0)
        return xo_err_set(err, EINVAL,
                          "network %s: ip=%s is not an IPv4 address", net, ip);
    if (!nb_cidr4_contains(&st->subnet, a))
        return xo_err_set(err, EINVAL, "network %s: ip=%s is outside %s", net,
                          ip, st->net.subnet);
    if (a == st->subnet.addr || a == nb_cidr4_broadcast(&st->subnet))
        return xo_err_set(
            err, EINVAL,
            "network %s: ip=%s is the network or broadcast address of %s", net,
            ip, st->net.subnet);
    if (a == st->gw4)
        return xo_err_set(
            err, EINVAL, "network %s: ip=%s is the gateway's address", net, ip);
    const struct netback_lease *h = holder(st, a);
    if (h && strcmp(h->container, container) != 0)
        return xo_err_set(
            err, EADDRINUSE,
            "network %s: ip=%s is in use by container %s (if there is no such container, a create of it was killed: xl-oci destroy %s releases it)",
            net, ip, h->container, h->container);
    *addr_r = a;
    return 0;
}

/* The next free host address after st->last, wrapping once round. */
static int next_free(const struct nb_state *st, uint32_t *addr_r, xo_err *err)
{
    uint32_t first = st->subnet.addr + 1;
    uint32_t last = nb_cidr4_broadcast(&st->subnet) - 1;
    uint64_t size = (uint64_t)last - first + 1;
    uint32_t a = st->last >= first && st->last < last ? st->last + 1 : first;
    for (uint64_t i = 0; i < size; i++, a = a == last ? first : a + 1)
        if (a != st->gw4 && !holder(st, a)) {
            *addr_r = a;
            return 0;
        }
    return xo_err_set(
        err, ENOSPC,
        "network %s: no free address left in %s (%zu leases; xl-oci network inspect %s lists them, and xl-oci network up releases those of creates that were killed)",
        st->net.name, st->net.subnet, st->n_leases, st->net.name);
}

static void set_ipv6(const struct nb_state *st, struct netback_lease *l,
                     uint32_t addr)
{
    l->ipv6[0] = '\0';
    if (!st->net.has_ipv6)
        return;
    /* Unique because IPv4 addresses are: PREFIX::<the IPv4 host part>. */
    struct in6_addr a6;
    nb_ipv6_host(&a6, &st->prefix6, addr & ~nb_cidr4_mask(st->subnet.prefix));
    inet_ntop(AF_INET6, &a6, l->ipv6, sizeof(l->ipv6));
}

/* Whether two container names are one DNS name on a network: the same
 * without case, '_' counting as '-' (dns.c answers a name with '_' as
 * its host name too). */
static bool same_dns_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = *a == '_' ? '-' : tolower((unsigned char)*a);
        int y = *b == '_' ? '-' : tolower((unsigned char)*b);
        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

int nb_ipam_assign(struct nb_state *st, const char *container,
                   unsigned vif_index, const char *static_ip,
                   struct netback_lease **lease_r, xo_err *err)
{
    uint32_t addr;
    if (!nb_valid_container_name(container))
        return xo_err_set(err, EINVAL, "container name \"%s\" is not valid",
                          container);
    struct netback_lease *l = nb_ipam_find(st, container);
    if (l) {
        if (static_ip) {
            if (check_static(st, container, static_ip, &addr, err) < 0)
                return -1;
            nb_format_ipv4(l->ipv4, addr);
            set_ipv6(st, l, addr);
        }
        l->is_static = static_ip != NULL;
        l->vif_index = vif_index;
        *lease_r = l;
        return 0;
    }
    if (st->n_leases >= NETBACK_LEASES_MAX)
        return xo_err_set(err, ENOSPC, "network %s: %d leases already",
                          st->net.name, NETBACK_LEASES_MAX);
    /* A container's name is its DNS name on the network (dns.c), and DNS
     * ignores case: "Web" beside "web" would answer for both; and a name
     * with '_' also answers as its host name, '_' made '-': "my_app"
     * beside "my-app" would too (helper-80). */
    for (size_t i = 0; i < st->n_leases; i++)
        if (same_dns_name(st->leases[i].container, container))
            return xo_err_set(
                err, EEXIST,
                "container %s: network %s has container %s, the same DNS name (names are compared without case, '_' as '-')",
                container, st->net.name, st->leases[i].container);
    if (static_ip ? check_static(st, container, static_ip, &addr, err)
                  : next_free(st, &addr, err))
        return -1;
    st->leases =
        xo_xreallocarray(st->leases, st->n_leases + 1, sizeof(*st->leases));
    l = &st->leases[st->n_leases];
    memset(l, 0, sizeof(*l));
    if (xo_path_fmt(l->container, sizeof(l->container), err, "%s", container) <
        0)
        return xo_err_wrap(err, "container name");
    l->vif_index = vif_index;
    l->is_static = static_ip != NULL;
    uint8_t mac[6];
    for (unsigned attempt = 0;; attempt++) {
        if (nb_mac_derive(mac, container, st->net.name, attempt, err) < 0)
            return -1;
        nb_format_mac(l->mac, mac);
        if (!nb_ipam_find_mac(st, l->mac))
            break;
    }
    nb_format_ipv4(l->ipv4, addr);
    set_ipv6(st, l, addr);
    if (!static_ip)
        st->last = addr;
    st->n_leases++;
    *lease_r = l;
    return 0;
}

bool nb_ipam_remove(struct nb_state *st, const char *container)
{
    struct netback_lease *l = nb_ipam_find(st, container);
    if (!l)
        return false;
    netback_lease_dispose(l);
    size_t i = (size_t)(l - st->leases);
    memmove(l, l + 1, (st->n_leases - i - 1) * sizeof(*l));
    st->n_leases--;
    return true;
}

void nb_ipam_attachment(const struct nb_state *st,
                        const struct netback_lease *l,
                        struct netback_attachment *out)
{
    const struct netback_network *n = &st->net;
    memset(out, 0, sizeof(*out));
    XO_COPY_STR(out->network, n->name);
    XO_COPY_STR(out->bridge, n->bridge);
    XO_COPY_STR(out->mac, l->mac);
    XO_COPY_STR(out->ipv4, l->ipv4);
    out->prefix4 = n->prefix4;
    if (n->mode == NETBACK_MODE_NAT)
        XO_COPY_STR(out->gateway4, n->gateway4);
    if (n->has_ipv6 && l->ipv6[0]) {
        XO_COPY_STR(out->ipv6, l->ipv6);
        out->prefix6 = 64;
        if (n->mode == NETBACK_MODE_NAT)
            XO_COPY_STR(out->gateway6, n->gateway6);
    }
    out->mtu = n->mtu;
    XO_COPY_STR(out->dns, n->gateway4);
    XO_COPY_STR(out->search, n->name);
}
