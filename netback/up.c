/*
 * up.c: `network up` (netback_network_up in netback.h): releases leases
 * of containers that are gone, brings every network's bridge, sysctls and
 * dnsmasq up, and rebuilds our nftables tables from the state on disk in
 * one transaction.  Running it twice changes nothing the second time.
 */
#include "netback/netback.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/json.h"
#include "netback/dataplane.h"
#include "netback/dns.h"
#include "netback/forwarding.h"
#include "netback/ipam.h"
#include "netback/link.h"
#include "netback/nft.h"

/* Drops leases of containers `exists` says are gone; records of vifs
 * that no longer exist are cleared, live ones re-join the bridge.
 * Returns 1 when st changed. */
static int repair(struct nb_state *st, netback_exists_fn exists, void *opaque,
                  unsigned *released, xo_err *err)
{
    int changed = 0;
    for (size_t i = 0; i < st->n_leases;) {
        struct netback_lease *l = &st->leases[i];
        int r = exists ? exists(opaque, l->container) : 1;
        if (r == 0) {
            nb_ipam_remove(st, l->container);
            (*released)++;
            changed = 1;
            continue;
        }
        if (l->vif[0] && !nb_link_index(l->vif)) {
            l->vif[0] = '\0';
            changed = 1;
        } else if (l->vif[0]) {
            unsigned master = nb_link_index(st->net.bridge);
            if (nb_link_set(l->vif, st->net.mtu, master, true, err) < 0)
                return -1;
        }
        i++;
    }
    return changed;
}

int nb_nft_heal_locked(const char *root, xo_err *err)
{
    if (nb_nft_present())
        return 0;
    char **names = NULL;
    size_t n = 0, loaded = 0;
    if (nb_store_list(&names, &n, root, err) < 0)
        return -1;
    struct nb_state *nets = xo_xcalloc(n ? n : 1, sizeof(*nets));
    int rc = -1;
    for (; loaded < n; loaded++)
        if (nb_store_load(&nets[loaded], root, names[loaded], err) < 0)
            goto out;
    rc = nb_nft_rebuild(nets, n, err);
out:
    for (size_t i = 0; i < loaded; i++)
        nb_state_dispose(&nets[i]);
    free(nets);
    xo_strv_free(names);
    return rc;
}

int netback_network_up(const char *root, const char *name,
                       netback_exists_fn exists, void *opaque,
                       unsigned *released_r, xo_err *err)
{
    int lock;
    char **names = NULL;
    size_t n = 0;
    unsigned released = 0;
    if (name && !nb_store_exists(root, name))
        return xo_err_set(err, ENOENT, "no network %s", name);
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    struct nb_state *nets = NULL;
    size_t loaded = 0;
    int rc = -1;
    if (nb_store_list(&names, &n, root, err) < 0)
        goto out;
    nets = xo_xcalloc(n ? n : 1, sizeof(*nets));
    for (; loaded < n; loaded++)
        if (nb_store_load(&nets[loaded], root, names[loaded], err) < 0)
            goto out;
    /* Bridges first: a vif re-joining its bridge needs it. */
    for (size_t i = 0; i < n; i++) {
        struct nb_state *st = &nets[i];
        if (name && strcmp(st->net.name, name) != 0)
            continue;
        if (nb_dataplane_up(root, st, false, err) < 0)
            goto out;
        int r = repair(st, exists, opaque, &released, err);
        if (r < 0 || (r > 0 && nb_store_save_leases(root, st, err) < 0))
            goto out;
        if (r > 0 && nb_dns_update(root, st, err) < 0)
            goto out;
    }
    /* The tables hold every network's elements, so they are rebuilt
     * whole even when only one network was named. */
    if (n ? nb_nft_rebuild(nets, n, err) : nb_nft_delete(err))
        goto out;
    for (size_t i = 0; i < n; i++)
        if (nets[i].net.mode == NETBACK_MODE_NAT &&
            nb_forwarding_on(nets[i].net.has_ipv6, err) < 0)
            goto out;
    rc = 0;
out:
    for (size_t i = 0; nets && i < loaded; i++)
        nb_state_dispose(&nets[i]);
    free(nets);
    xo_strv_free(names);
    close(lock);
    if (released_r)
        *released_r = released;
    return rc;
}
