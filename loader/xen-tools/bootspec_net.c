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
#include <string.h>

#include "common/inet.h"
#include "loader/xen-tools/bootspec.h"
#include "loader/xen-tools/bootspec_fdt.h"

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

static bool valid_mac(const char *s)
{
    if (strlen(s) != 17)
        return false;
    for (int i = 0; i < 17; i++)
        if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Dot-separated labels of [A-Za-z0-9-], as resolv.conf's search takes. */
static bool valid_domain(const char *s)
{
    size_t n = strlen(s), label = 0;
    if (n == 0 || n > BOOT_SPEC_MAX_DOMAIN)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (isalnum((unsigned char)s[i]) || s[i] == '-') {
            label++;
        } else {
            return false;
        }
    }
    return label > 0;
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
    if (!valid_mac(f->mac))
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
    for (size_t i = 0; i < s->nsearch; i++)
        if (!valid_domain(s->search[i]))
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
