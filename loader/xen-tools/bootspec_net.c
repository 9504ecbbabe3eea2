/*
 * bootspec_net.c: the boot spec's network node (docs/boot-spec.md): DNS
 * servers, search domains and interface@N with their addresses, gateways
 * and MTU.  Every value is checked here, before netcfg.c configures
 * anything: addresses and prefixes in common/inet.h's grammar, one default
 * route per family, version 2 properties refused in a version 1 spec.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/inet.h"
#include "loader/xen-tools/bootspec.h"
#include "loader/xen-tools/bootspec_fdt.h"
#include "loader/xen-tools/fdt_walk.h"

#include "common/pathfmt.h"

/* "A.B.C.D/N" (family AF_INET) or "X::Y/N" (AF_INET6), N from 1: the
 * grammar domcfg wrote them in (common/inet.h). */
static bool valid_cidr(const char *s, int family)
{
    return xo_inet_parse_cidr(NULL, NULL, family, s, 1, NULL) == 0;
}

static bool valid_ip(const char *s, int family)
{
    return xo_inet_valid(family, s);
}

static int bad_value(xo_err *err, const char *where, const char *name,
                     const char *value, const char *what)
{
    return xo_err_set(err, EINVAL, "boot spec: %s/%s: %s is not %s", where,
                      name, value, what);
}

/* Properties a version 1 spec must not have. */
static int refuse_v2(const struct boot_spec *s, const void *fdt, int node,
                     const char *where, const char *name, xo_err *err)
{
    if (s->version >= 2 || !fdt_getprop(fdt, node, name, NULL))
        return 0;
    return xo_err_set(err, EINVAL,
                      "boot spec: %s/%s: not in boot spec version %u", where,
                      name, s->version);
}

static int parse_iface(struct boot_spec *s, struct bs_iface *f, const void *fdt,
                       int node, const char *where, xo_err *err)
{
    if (refuse_v2(s, fdt, node, where, BOOT_SPEC_PROP_ADDRESS6, err) < 0 ||
        refuse_v2(s, fdt, node, where, BOOT_SPEC_PROP_GATEWAY6, err) < 0 ||
        refuse_v2(s, fdt, node, where, BOOT_SPEC_PROP_MTU, err) < 0 ||
        bs_get_string(&f->mac, fdt, node, where, BOOT_SPEC_PROP_MAC, false,
                      err) < 0 ||
        bs_get_string(&f->address, fdt, node, where, BOOT_SPEC_PROP_ADDRESS,
                      true, err) < 0 ||
        bs_get_string(&f->gateway, fdt, node, where, BOOT_SPEC_PROP_GATEWAY,
                      true, err) < 0 ||
        bs_get_string(&f->address6, fdt, node, where, BOOT_SPEC_PROP_ADDRESS6,
                      true, err) < 0 ||
        bs_get_string(&f->gateway6, fdt, node, where, BOOT_SPEC_PROP_GATEWAY6,
                      true, err) < 0)
        return -1;
    if (!xo_mac_valid_unicast(f->mac))
        return bad_value(err, where, BOOT_SPEC_PROP_MAC, f->mac,
                         "a MAC address");
    if (f->address && !valid_cidr(f->address, AF_INET))
        return bad_value(err, where, BOOT_SPEC_PROP_ADDRESS, f->address,
                         "IPv4/prefix");
    if (f->gateway && !valid_ip(f->gateway, AF_INET))
        return bad_value(err, where, BOOT_SPEC_PROP_GATEWAY, f->gateway,
                         "an IPv4 address");
    if (f->address6 && !valid_cidr(f->address6, AF_INET6))
        return bad_value(err, where, BOOT_SPEC_PROP_ADDRESS6, f->address6,
                         "IPv6/prefix");
    if (f->gateway6 && !valid_ip(f->gateway6, AF_INET6))
        return bad_value(err, where, BOOT_SPEC_PROP_GATEWAY6, f->gateway6,
                         "an IPv6 address");
    f->mtu = 0;
    if (fdt_getprop(fdt, node, BOOT_SPEC_PROP_MTU, NULL)) {
        if (bs_get_u32(&f->mtu, fdt, node, where, BOOT_SPEC_PROP_MTU, err) < 0)
            return -1;
        uint32_t min = f->address6 ? BOOT_SPEC_MIN_MTU6 : BOOT_SPEC_MIN_MTU;
        if (f->mtu < min || f->mtu > BOOT_SPEC_MAX_MTU)
            return xo_err_set(err, EINVAL,
                              "boot spec: %s/mtu: %u not in %u..%u", where,
                              f->mtu, min, BOOT_SPEC_MAX_MTU);
    }
    return 0;
}

/* v11 dns-domains: with dns-forward, an entry per dns entry, each ""
 * or a domain name; s->dns_domains all "" without it. */
static int parse_dns_domains(struct boot_spec *s, const void *fdt, int node,
                             const char *where, xo_err *err)
{
    size_t n = 0;
    if (bs_get_stringlist(s->dns_domains, &n, BS_MAX_DNS, fdt, node, where,
                          BOOT_SPEC_PROP_DNS_DOMAINS, true, err) < 0)
        return -1;
    if (n == 0) {
        for (size_t i = 0; i < s->ndns; i++)
            s->dns_domains[i] = "";
        s->dns_domains[s->ndns] = NULL;
        return 0;
    }
    if (s->version < 11)
        return xo_err_set(err, EINVAL,
                          "boot spec: %s/%s: not in boot spec version %u",
                          where, BOOT_SPEC_PROP_DNS_DOMAINS, s->version);
    if (!s->dns_forward || n != s->ndns)
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s/%s: %zu entries, for %zu of %s, and only with %s",
            where, BOOT_SPEC_PROP_DNS_DOMAINS, n, s->ndns, BOOT_SPEC_PROP_DNS,
            BOOT_SPEC_PROP_DNS_FORWARD);
    for (size_t i = 0; i < n; i++)
        if (s->dns_domains[i][0] &&
            !xo_dns_name_valid(s->dns_domains[i], BOOT_SPEC_MAX_DOMAIN))
            return bad_value(err, where, BOOT_SPEC_PROP_DNS_DOMAINS,
                             s->dns_domains[i], "a domain name or empty");
    return 0;
}

int bs_parse_network(struct boot_spec *s, const void *fdt, xo_err *err)
{
    int node;
    const char *where = BOOT_SPEC_NODE_NETWORK;
    if (bs_get_node(&node, fdt, 0, BOOT_SPEC_NODE_NETWORK, true, err) < 0)
        return -1;
    s->has_network = node >= 0;
    if (node < 0)
        return 0;
    if (refuse_v2(s, fdt, node, where, BOOT_SPEC_PROP_SEARCH, err) < 0 ||
        bs_get_stringlist(s->dns, &s->ndns, BS_MAX_DNS, fdt, node, where,
                          BOOT_SPEC_PROP_DNS, true, err) < 0 ||
        bs_get_stringlist(s->search, &s->nsearch, BOOT_SPEC_MAX_SEARCH, fdt,
                          node, where, BOOT_SPEC_PROP_SEARCH, true, err) < 0)
        return -1;
    for (size_t i = 0; i < s->ndns; i++)
        if (!valid_ip(s->dns[i], AF_INET) && !valid_ip(s->dns[i], AF_INET6))
            return bad_value(err, where, BOOT_SPEC_PROP_DNS, s->dns[i],
                             "an IP address");
    s->dns_forward =
        fdt_getprop(fdt, node, BOOT_SPEC_PROP_DNS_FORWARD, NULL) != NULL;
    if (s->dns_forward && s->version < 10)
        return xo_err_set(err, EINVAL,
                          "boot spec: %s/%s: not in boot spec version %u",
                          where, BOOT_SPEC_PROP_DNS_FORWARD, s->version);
    if (s->dns_forward && s->ndns == 0)
        return xo_err_set(err, EINVAL, "boot spec: %s/%s: without %s", where,
                          BOOT_SPEC_PROP_DNS_FORWARD, BOOT_SPEC_PROP_DNS);
    if (parse_dns_domains(s, fdt, node, where, err) < 0)
        return -1;
    for (size_t i = 0; i < s->nsearch; i++)
        if (!xo_dns_name_valid(s->search[i], BOOT_SPEC_MAX_DOMAIN))
            return bad_value(err, where, BOOT_SPEC_PROP_SEARCH, s->search[i],
                             "a domain name");
    int offs[BS_MAX_IFACES];
    if (bs_index_children(offs, &s->nifaces, BS_MAX_IFACES, fdt, node, where,
                          BOOT_SPEC_NODE_INTERFACE, err) < 0)
        return -1;
    size_t gw4 = 0, gw6 = 0;
    for (size_t i = 0; i < s->nifaces; i++) {
        struct bs_iface *f = &s->ifaces[i];
        char at[56];
        if (xo_path_fmt(at, sizeof(at), err,
                        BOOT_SPEC_NODE_NETWORK "/" BOOT_SPEC_NODE_INTERFACE
                                               "@%zu",
                        i) < 0 ||
            parse_iface(s, f, fdt, offs[i], at, err) < 0)
            return -1;
        gw4 += f->gateway != NULL;
        gw6 += f->gateway6 != NULL;
    }
    /* One default route per family: two would fight over it. */
    if (gw4 > 1 || gw6 > 1)
        return xo_err_set(
            err, EINVAL, "boot spec: network: more than one interface has a %s",
            gw4 > 1 ? "gateway" : "gateway6");
    return 0;
}

int bs_merge_late_network(struct boot_spec *s, const void *buf, size_t len,
                          xo_err *err)
{
    const char *what = "late network (xenstore " BOOT_SPEC_LATE_NETWORK_KEY ")";
    if (!s->late_network)
        return xo_err_set(
            err, EINVAL,
            "%s for a boot spec without " BOOT_SPEC_PROP_LATE_NETWORK, what);
    if (len > BOOT_SPEC_MAX_LATE_NETWORK)
        return xo_err_set(err, EFBIG, "%s: %zu bytes, limit is %d", what, len,
                          BOOT_SPEC_MAX_LATE_NETWORK);
    void *blob = xo_xmalloc(len ? len : 1);
    memcpy(blob, buf, len);
    /* The walk first: libfdt 1.6.1's own check can loop (fdt_walk.h). */
    int r = bs_fdt_walk(blob, len);
    if (r == 0)
        r = fdt_check_full(blob, len);
    const char *compat = NULL;
    uint32_t version = 0;
    if (r != 0) {
        xo_err_set(err, EINVAL, "%s: not a valid FDT: %s", what,
                   fdt_strerror(r));
        goto fail;
    }
    if (bs_get_string(&compat, blob, 0, "", BOOT_SPEC_PROP_COMPATIBLE, false,
                      err) < 0 ||
        bs_get_u32(&version, blob, 0, "", BOOT_SPEC_PROP_VERSION, err) < 0) {
        xo_err_wrap(err, "%s", what);
        goto fail;
    }
    /* 4 (where the late network came in) up to the spec's own: start
     * writes 4 whatever the spec's version (the network node's format
     * has not changed since). */
    if (strcmp(compat, BOOT_SPEC_COMPATIBLE) != 0 || version < 4 ||
        version > s->version) {
        xo_err_set(err, EINVAL,
                   "%s: %s version %u, not 4 up to the boot spec's own (%u)",
                   what, compat, version, s->version);
        goto fail;
    }
    int child;
    fdt_for_each_subnode(child, blob, 0)
    {
        const char *name = fdt_get_name(blob, child, NULL);
        if (!name || strcmp(name, BOOT_SPEC_NODE_NETWORK) != 0) {
            xo_err_set(err, EINVAL,
                       "%s: node %.32s: only " BOOT_SPEC_NODE_NETWORK
                       " is allowed",
                       what, name ? name : "?");
            goto fail;
        }
    }
    /* Parse into a copy: *s stays as it was if anything is wrong. */
    struct boot_spec tmp = *s;
    if (bs_parse_network(&tmp, blob, err) < 0) {
        xo_err_wrap(err, "%s", what);
        goto fail;
    }
    if (!tmp.has_network) {
        xo_err_set(err, EINVAL, "%s: no " BOOT_SPEC_NODE_NETWORK " node", what);
        goto fail;
    }
    free(s->net_blob);
    *s = tmp;
    s->net_blob = blob;
    return 0;
fail:
    free(blob);
    return -1;
}
