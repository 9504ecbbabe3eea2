/* netattach.c: oci_network/oci_ports requests -> netback leases (see
 * netattach.h). */
#include "netattach.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domcfg/net_request.h"
#include "netback/netback.h"
#include "xl_oci.h"

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

/* The vif of dc holding the index-th oci_network request, and its devid. */
static struct dc_vif *managed_vif(struct domain_config *dc, size_t index,
                                  unsigned *devid_r)
{
    size_t seen = 0;
    for (size_t i = 0; i < dc->n_vifs; i++) {
        if (!dc->vifs[i].network)
            continue;
        if (seen++ == index) {
            *devid_r = (unsigned)i;
            return &dc->vifs[i];
        }
    }
    return NULL;
}

/* Prefixes err with where `key` is set ("FILE:LINE"), or its item
 * `index` when index >= 0, when known; -1. */
static int wrap_where(const struct app_cfg *ac, const char *key,
                      ptrdiff_t index, xo_err *err)
{
    if (!ac)
        return -1;
    char *where = index >= 0 ? app_cfg_where_item_file(ac, key, (size_t)index)
                             : app_cfg_where_file(ac, key);
    xo_err_wrap(err, "%s", where);
    free(where);
    return -1;
}

static int publish_ports(const struct domain_config *dc,
                         const struct app_cfg *ac, const char *root,
                         const char *network, unsigned flags, xo_err *err)
{
    if (dc->n_ports == 0)
        return 0;
    /* domcfg parsed them with the same parser netback uses: handed on as
     * they are (common/port_spec.h); netback's messages name the entry. */
    if (netback_publish(root, network, dc->name, dc->ports, dc->n_ports, flags,
                        err) < 0)
        return wrap_where(ac, "oci_ports", -1, err);
    return 0;
}

/* Leases (or finds again) every oci_network entry's address and attaches
 * it to its vif; *first_r gets the first managed network (NULL: none). */
static int attach_all(struct domain_config *dc, const struct app_cfg *ac,
                      const char *root, unsigned flags, const char **first_r,
                      xo_err *err)
{
    size_t n = domcfg_network_count(dc);
    const char *first_network = NULL;
    *first_r = NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned devid = 0;
        struct dc_vif *v = managed_vif(dc, i, &devid);
        if (!v)
            return xo_err_set(err, EINVAL, "oci_network: entry %zu is lost",
                              i + 1);
        const char *script = cmd_vif_script(err);
        if (!script)
            return -1;
        struct netback_attachment att;
        memset(&att, 0, sizeof(att));
        if (netback_attach(root, v->network, dc->name, devid, v->static_ip,
                           flags, &att, err) < 0) {
            /* The entry as written: "NAME" or "NAME:ip=ADDR". */
            xo_err_wrap(err, "oci_network \"%s%s%s\"", v->network,
                        v->static_ip ? ":ip=" : "",
                        v->static_ip ? v->static_ip : "");
            return wrap_where(ac, "oci_network", (ptrdiff_t)i, err);
        }
        struct dc_net_attachment a = {
            .network = v->network,
            .bridge = att.bridge,
            .mac = att.mac,
            .script = script,
            .ipv4 = att.ipv4,
            .prefix4 = att.prefix4,
            .gateway4 = or_null(att.gateway4),
            .ipv6 = or_null(att.ipv6),
            .prefix6 = att.prefix6,
            .gateway6 = or_null(att.gateway6),
            .mtu = att.mtu,
            .search = or_null(att.search),
        };
        if (att.dns[0])
            a.dns[a.n_dns++] = att.dns;
        /* domcfg's messages name the network, or the oci_ports line. */
        if (domcfg_attach_network(dc, i, &a, err) < 0)
            return -1;
        if (!first_network)
            first_network = v->network;
    }
    *first_r = first_network;
    return 0;
}

int netattach_resolve(struct domain_config *dc, const struct app_cfg *ac,
                      const char *root, unsigned flags, xo_err *err)
{
    const char *first_network;
    if (attach_all(dc, ac, root, flags, &first_network, err) < 0)
        return -1;
    if (first_network)
        return publish_ports(dc, ac, root, first_network, flags, err);
    return 0;
}

int netattach_again(struct domain_config *dc, const struct app_cfg *ac,
                    const char *root, xo_err *err)
{
    const char *first_network;
    return attach_all(dc, ac, root, 0, &first_network, err);
}

int netattach_release(const char *root, const char *name, unsigned *released_r,
                      xo_err *err)
{
    return netback_release(root, name, released_r, err);
}
