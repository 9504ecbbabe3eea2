/*
 * net_request.c: app.cfg's managed network keys (see net_request.h).
 *
 *   oci_network = [ "NAME", "NAME:ip=A.B.C.D", ... ]   one vif each
 *   oci_ports   = [ "HOSTPORT:CONTAINERPORT[/tcp|/udp]",
 *                   "HOSTIP:HOSTPORT:CONTAINERPORT[/tcp|/udp]", ... ]
 *
 * Parsing only fills requests into struct domain_config; the command layer
 * resolves each oci_network vif (netback gives bridge, MAC, addresses) and
 * hands the result back through domcfg_attach_network(), so domcfg stays
 * pure.  Every error names the key and the entry at fault.
 */
#include "domcfg/net_request.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/inet.h"
#include "common/json.h"
#include "domcfg/vif.h"

/* [a-z0-9][a-z0-9-]*, no trailing '-', at most DC_MAX_NETWORK_NAME. */
static bool valid_network_name(const char *s, size_t n)
{
    if (n == 0 || n > DC_MAX_NETWORK_NAME || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
            s[i] != '-')
            return false;
    return true;
}

static bool valid_ipv4(const char *s)
{
    return xo_inet_valid(AF_INET, s);
}

static bool valid_ipv6(const char *s)
{
    return xo_inet_valid(AF_INET6, s);
}

/* One oci_network entry into a new vif `v` (zeroed by the caller). */
static int parse_network(struct dc_vif *v, const struct app_cfg *ac,
                         const char *entry, size_t index, xo_err *err)
{
    const char *colon = strchr(entry, ':');
    size_t nlen = colon ? (size_t)(colon - entry) : strlen(entry);
    if (!valid_network_name(entry, nlen))
        return app_cfg_bad_item(
            ac, "oci_network", index, err,
            "\"%s\": network name must be 1-%d of [a-z0-9-], not starting or ending with '-'",
            entry, DC_MAX_NETWORK_NAME);
    v->network = xo_xstrndup(entry, nlen);
    if (!colon)
        return 0;
    const char *opt = colon + 1;
    if (strncmp(opt, "ip=", 3) != 0)
        return app_cfg_bad_item(ac, "oci_network", index, err,
                                "\"%s\": unknown option \"%s\" (only ip=ADDR)",
                                entry, opt);
    if (!valid_ipv4(opt + 3))
        return app_cfg_bad_item(ac, "oci_network", index, err,
                                "\"%s\": ip=%s is not an IPv4 address", entry,
                                opt + 3);
    v->static_ip = xo_xstrdup(opt + 3);
    return 0;
}

int net_request_parse_networks(struct domain_config *dc,
                               const struct app_cfg *ac, xo_err *err)
{
    char **nets = NULL;
    size_t n = 0;
    int r = app_cfg_list(ac, "oci_network", DC_MAX_VIFS, &nets, &n, err);
    if (r <= 0)
        return r;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (dc->n_vifs == DC_MAX_VIFS) {
            rc = app_cfg_bad_item(
                ac, "oci_network", i, err,
                "\"%s\": more than %d vifs in all (vif and oci_network)",
                nets[i], DC_MAX_VIFS);
            break;
        }
        struct dc_vif *v = &dc->vifs[dc->n_vifs];
        memset(v, 0, sizeof(*v));
        dc->n_vifs++; /* disposed with the others even when half made */
        if ((rc = parse_network(v, ac, nets[i], i, err)) < 0)
            break;
        for (size_t j = 0; j + 1 < dc->n_vifs; j++)
            if (dc->vifs[j].network &&
                strcmp(dc->vifs[j].network, v->network) == 0)
                rc = app_cfg_bad_item(
                    ac, "oci_network", i, err,
                    "\"%s\": network %s is listed twice (one vif per network)",
                    nets[i], v->network);
    }
    xo_strv_free(nets);
    return rc;
}

int net_request_parse_ports(struct domain_config *dc, const struct app_cfg *ac,
                            xo_err *err)
{
    char **ports = NULL;
    size_t n = 0;
    int r = app_cfg_list(ac, "oci_ports", DC_MAX_PORTS, &ports, &n, err);
    if (r <= 0)
        return r;
    int rc = 0;
    bool managed = false;
    for (size_t i = 0; i < dc->n_vifs; i++)
        managed = managed || dc->vifs[i].network;
    if (n > 0 && !managed)
        rc = app_cfg_bad_value(
            ac, "oci_ports", err,
            "ports are published on a managed network: set oci_network too");
    if (rc == 0 && n > 0)
        dc->ports_where = app_cfg_where(ac, "oci_ports");
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct xo_port_spec *p = &dc->ports[dc->n_ports];
        xo_err why = XO_ERR_INIT;
        size_t got = 0;
        if (xo_port_spec_expand(p, DC_MAX_PORTS - dc->n_ports, &got, ports[i],
                                &why) < 0) {
            rc = app_cfg_bad_item(ac, "oci_ports", i, err, "%s",
                                  xo_err_msg(&why));
            xo_err_clear(&why);
            break;
        }
        for (size_t k = 0; k < got && rc == 0; k++)
            for (size_t j = 0; j < dc->n_ports + k && rc == 0; j++)
                if (xo_port_spec_clash(&dc->ports[j], &p[k]))
                    rc = app_cfg_bad_item(
                        ac, "oci_ports", i, err,
                        "\"%s\": host port %u/%s is published twice", ports[i],
                        p[k].host_port, xo_port_spec_proto(&p[k]));
        if (rc == 0)
            dc->n_ports += got;
    }
    xo_strv_free(ports);
    return rc;
}

/* The vif of the index-th oci_network entry, or NULL. */
static struct dc_vif *managed_vif(struct domain_config *dc, size_t index)
{
    for (size_t i = 0; i < dc->n_vifs; i++)
        if (dc->vifs[i].network && index-- == 0)
            return &dc->vifs[i];
    return NULL;
}

size_t domcfg_network_count(const struct domain_config *dc)
{
    size_t n = 0;
    for (size_t i = 0; i < dc->n_vifs; i++)
        n += dc->vifs[i].network != NULL;
    return n;
}

bool domcfg_dns_forward(const struct domain_config *dc)
{
    return !dc->late_network && dc->n_dns &&
           (dc->n_dns_networks >= 2 ||
            (dc->n_dns_networks == 1 && dc->n_dns_cfg > 0));
}

static bool set(const char *s)
{
    return s && *s;
}

static int check_attachment(const struct dc_vif *v,
                            const struct dc_net_attachment *a, xo_err *err)
{
    const char *net = v->network;
    if (!a->network || strcmp(a->network, net) != 0)
        return xo_err_set(err, EINVAL,
                          "network %s: attachment is for network %s", net,
                          a->network ? a->network : "(none)");
    if (!set(a->bridge) || strlen(a->bridge) > 15 || strchr(a->bridge, '/') ||
        strchr(a->bridge, ' '))
        return xo_err_set(err, EINVAL, "network %s: bad bridge name \"%s\"",
                          net, a->bridge ? a->bridge : "");
    if (!a->mac || !xo_mac_valid_unicast(a->mac))
        return xo_err_set(err, EINVAL, "network %s: bad MAC \"%s\"", net,
                          a->mac ? a->mac : "");
    if (!set(a->ipv4) || !valid_ipv4(a->ipv4) || a->prefix4 < 1 ||
        a->prefix4 > 32)
        return xo_err_set(err, EINVAL, "network %s: bad IPv4 address \"%s/%u\"",
                          net, a->ipv4 ? a->ipv4 : "", a->prefix4);
    if (v->static_ip && strcmp(v->static_ip, a->ipv4) != 0)
        return xo_err_set(err, EINVAL,
                          "network %s: asked for ip=%s, attached with %s", net,
                          v->static_ip, a->ipv4);
    if (set(a->gateway4) && !valid_ipv4(a->gateway4))
        return xo_err_set(err, EINVAL, "network %s: bad IPv4 gateway \"%s\"",
                          net, a->gateway4);
    if (set(a->ipv6) &&
        (!valid_ipv6(a->ipv6) || a->prefix6 < 1 || a->prefix6 > 128))
        return xo_err_set(err, EINVAL, "network %s: bad IPv6 address \"%s/%u\"",
                          net, a->ipv6, a->prefix6);
    if (set(a->gateway6) && (!set(a->ipv6) || !valid_ipv6(a->gateway6)))
        return xo_err_set(err, EINVAL, "network %s: bad IPv6 gateway \"%s\"",
                          net, a->gateway6);
    unsigned min = set(a->ipv6) ? BOOT_SPEC_MIN_MTU6 : BOOT_SPEC_MIN_MTU;
    if (a->mtu && (a->mtu < min || a->mtu > BOOT_SPEC_MAX_MTU))
        return xo_err_set(err, EINVAL, "network %s: MTU %u not in %u..%u", net,
                          a->mtu, min, BOOT_SPEC_MAX_MTU);
    if (a->n_dns > DC_MAX_DNS)
        return xo_err_set(err, EINVAL, "network %s: more than %d DNS servers",
                          net, DC_MAX_DNS);
    for (size_t i = 0; i < a->n_dns; i++)
        if (!a->dns[i] || (!valid_ipv4(a->dns[i]) && !valid_ipv6(a->dns[i])))
            return xo_err_set(
                err, EINVAL,
                "network %s: DNS server \"%s\" is not an IP address", net,
                a->dns[i] ? a->dns[i] : "");
    if (set(a->search) && !xo_dns_name_valid(a->search, BOOT_SPEC_MAX_DOMAIN))
        return xo_err_set(err, EINVAL, "network %s: bad search domain \"%s\"",
                          net, a->search);
    return 0;
}

static void dup_opt(char **dst, const char *s)
{
    free(*dst);
    *dst = set(s) ? xo_xstrdup(s) : NULL;
}

/* Appends `s` to a bounded list of unique strings. */
static int add_unique(char **list, size_t *n, size_t max, const char *s,
                      const char *what, const char *net, xo_err *err)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(list[i], s) == 0)
            return 0;
    if (*n == max)
        return xo_err_set(err, E2BIG, "network %s: more than %zu %s in all",
                          net, max, what);
    list[*n] = xo_xstrdup(s);
    (*n)++;
    return 0;
}

/* The ports go to the first managed network: an IPv6 host address needs
 * IPv6 there (the address would otherwise publish nothing). */
static int check_port_families(const struct domain_config *dc,
                               const struct dc_vif *v,
                               const struct dc_net_attachment *a, xo_err *err)
{
    char text[XO_PORT_SPEC_TEXT];
    for (size_t i = 0; !set(a->ipv6) && i < dc->n_ports; i++)
        if (dc->ports[i].family == AF_INET6) {
            xo_port_spec_format(text, &dc->ports[i]);
            return xo_err_set(
                err, EINVAL,
                "%s: \"%s\": host address %s is IPv6, but network %s has no IPv6 (networks get it with network create --ipv6)",
                dc->ports_where ? dc->ports_where : "oci_ports", text,
                dc->ports[i].host_ip, v->network);
        }
    return 0;
}

int domcfg_attach_network(struct domain_config *dc, size_t index,
                          const struct dc_net_attachment *a, xo_err *err)
{
    struct dc_vif *v = managed_vif(dc, index);
    if (!v)
        return xo_err_set(err, EINVAL, "oci_network has no entry %zu to attach",
                          index);
    if (v->attached)
        return xo_err_set(err, EINVAL, "network %s: attached twice",
                          v->network);
    if (check_attachment(v, a, err) < 0 ||
        (index == 0 && check_port_families(dc, v, a, err) < 0))
        return -1;
    char ip[INET_ADDRSTRLEN + 4], ip6[INET6_ADDRSTRLEN + 5];
    /* cannot truncate: check_attachment() took the addresses and prefixes */
    snprintf(ip, sizeof(ip), "%s/%u", a->ipv4, a->prefix4);
    /* cannot truncate: as above */
    snprintf(ip6, sizeof(ip6), "%s/%u", a->ipv6 ? a->ipv6 : "", a->prefix6);
    memcpy(v->mac, a->mac, 18);
    for (size_t i = 0; i < 17; i++)
        v->mac[i] = (char)tolower((unsigned char)v->mac[i]);
    v->mtu = a->mtu;
    dup_opt(&v->bridge, a->bridge);
    dup_opt(&v->ip, ip);
    dup_opt(&v->script, a->script);
    dup_opt(&v->gateway, a->gateway4);
    dup_opt(&v->ip6, set(a->ipv6) ? ip6 : NULL);
    dup_opt(&v->gateway6, a->gateway6);
    for (size_t i = 0; i < a->n_dns; i++) {
        size_t before = dc->n_dns;
        if (add_unique(dc->dns, &dc->n_dns, DC_MAX_DNS, a->dns[i],
                       "DNS servers", v->network, err) < 0)
            return -1;
        if (dc->n_dns > before)
            dc->dns_domain[before] = xo_xstrdup(v->network);
    }
    if (a->n_dns)
        dc->n_dns_networks++;
    if (set(a->search) &&
        add_unique(dc->search, &dc->n_search, DC_MAX_SEARCH, a->search,
                   "search domains", v->network, err) < 0)
        return -1;
    v->attached = true;
    return 0;
}

int net_request_check_attached(const struct domain_config *dc, xo_err *err)
{
    for (size_t i = 0; i < dc->n_vifs; i++)
        if (dc->vifs[i].network && !dc->vifs[i].attached)
            return xo_err_set(
                err, EINVAL,
                "oci_network %s (vif %zu) was not attached to its network",
                dc->vifs[i].network, i);
    return 0;
}
