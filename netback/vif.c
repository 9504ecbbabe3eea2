/*
 * vif.c: what the vif hotplug program does (netback_vif_online/offline in
 * netback.h): anti-spoof elements first, then the vif joins the bridge,
 * so none of its frames reaches the bridge unchecked; offline in reverse.
 */
#include "netback/netback.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/inet.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "netback/conntrack.h"
#include "netback/dns.h"
#include "netback/ipam.h"
#include "netback/link.h"
#include "netback/netback_internal.h"
#include "netback/nft.h"

/* Loads the network whose bridge is `bridge` into st. */
static int load_by_bridge(struct nb_state *st, const char *root,
                          const char *bridge, xo_err *err)
{
    char **names = NULL;
    size_t n = 0;
    if (nb_store_list(&names, &n, root, err) < 0)
        return -1;
    int rc = 1;
    for (size_t i = 0; i < n && rc == 1; i++) {
        if (nb_store_load(st, root, names[i], err) < 0)
            rc = -1;
        else if (strcmp(st->net.bridge, bridge) == 0)
            rc = 0;
        else
            nb_state_dispose(st);
    }
    xo_strv_free(names);
    if (rc == 1)
        return xo_err_set(err, ENOENT, "no xl-oci network has bridge %s",
                          bridge);
    return rc;
}

static int online_locked(const char *root, const char *bridge, const char *mac,
                         const char *vif, unsigned *mtu_r, xo_err *err)
{
    struct nb_state st;
    if (load_by_bridge(&st, root, bridge, err) < 0)
        return -1;
    int rc = -1;
    struct netback_lease *l = nb_ipam_find_mac(&st, mac);
    if (!l) {
        xo_err_set(err, ENOENT, "network %s has no lease with MAC %s",
                   st.net.name, mac);
        goto out;
    }
    unsigned master = nb_link_index(bridge);
    if (!master) {
        xo_err_set(
            err, ENODEV,
            "bridge %s of network %s is missing (run `xl-oci network up`)",
            bridge, st.net.name);
        goto out;
    }
    /* A vif name reused by a new domain replaces a stale record. */
    if (l->vif[0] && strcmp(l->vif, vif) != 0) {
        xo_err ignore = XO_ERR_INIT;
        nb_nft_vif(&st, l, l->vif, false, &ignore);
        xo_err_clear(&ignore);
    }
    if (xo_path_fmt(l->vif, sizeof(l->vif), err, "%s", vif) < 0) {
        xo_err_wrap(err, "vif name");
        goto out;
    }
    /* The elements' transaction also probes our tables' layout (nft.h):
     * tables gone (a flushed ruleset) or of an older xl-oci are rebuilt
     * whole from the state, this vif included, rather than failing the
     * create.  The check is here, not in create's lease phase, which
     * loaded libnftables only for it (issue 17). */
    if (nb_nft_vif(&st, l, vif, true, err) < 0) {
        if (nb_nft_present())
            goto out;
        xo_err_clear(err);
        if (nb_store_save_leases(root, &st, err) < 0 ||
            nb_nft_heal_locked(root, err) < 0)
            goto undo;
    }
    /* Its name answers from now on; UDP flows to its published ports
     * that the host took while it was down meet the DNAT now. */
    if (nb_link_set(vif, st.net.mtu, master, true, err) < 0 ||
        nb_store_save_leases(root, &st, err) < 0 ||
        nb_dns_update(root, &st, err) < 0 ||
        nb_conntrack_forget_leases_udp(l, NULL, err) < 0)
        goto undo;
    if (mtu_r)
        *mtu_r = st.net.mtu;
    rc = 0;
    goto out;
undo:;
    xo_err ignore = XO_ERR_INIT;
    nb_nft_vif(&st, l, vif, false, &ignore);
    nb_link_set(vif, 0, NB_LINK_NOMASTER, false, &ignore);
    l->vif[0] = '\0';
    nb_store_save_leases(root, &st, &ignore);
    nb_dns_refresh(root, &st);
    xo_err_clear(&ignore);
out:
    nb_state_dispose(&st);
    return rc;
}

int netback_vif_online(const char *root, const char *bridge, const char *mac,
                       const char *vif, unsigned *mtu_r, xo_err *err)
{
    uint8_t m[6];
    if (!nb_valid_ifname(vif))
        return xo_err_set(err, EINVAL, "vif name \"%s\" is not valid", vif);
    if (!nb_valid_ifname(bridge))
        return xo_err_set(err, EINVAL, "bridge name \"%s\" is not valid",
                          bridge);
    if (xo_mac_parse(m, mac) < 0)
        return xo_err_set(err, EINVAL, "mac \"%s\" is not a MAC address", mac);
    int lock;
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = online_locked(root, bridge, mac, vif, mtu_r, err);
    close(lock);
    if (rc < 0)
        xo_err_wrap(err, "%s online", vif);
    return rc;
}

static int offline_locked(const char *root, const char *vif, xo_err *err)
{
    char **names = NULL;
    size_t n = 0;
    if (nb_store_list(&names, &n, root, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct nb_state st;
        if (nb_store_load(&st, root, names[i], err) < 0) {
            rc = -1;
            break;
        }
        for (size_t j = 0; j < st.n_leases && rc == 0; j++) {
            struct netback_lease *l = &st.leases[j];
            if (strcmp(l->vif, vif) != 0)
                continue;
            if (nb_nft_vif(&st, l, vif, false, err) < 0) {
                rc = -1;
                break;
            }
            l->vif[0] = '\0';
            rc = nb_store_save_leases(root, &st, err);
            /* Down, as a stopped Docker container: its name gives
             * NXDOMAIN and its ports are refused (their elements went
             * with the vif's); a UDP flow DNATed to it is forgotten. */
            if (rc == 0) {
                xo_err ignore = XO_ERR_INIT;
                nb_dns_refresh(root, &st);
                nb_conntrack_forget_leases_udp(l, NULL, &ignore);
                xo_err_clear(&ignore);
            }
        }
        nb_state_dispose(&st);
    }
    xo_strv_free(names);
    /* The device is usually gone with its domain; if not, it leaves the
     * bridge (as Xen's vif-bridge does on offline). */
    if (rc == 0 && nb_link_index(vif)) {
        xo_err ignore = XO_ERR_INIT;
        nb_link_set(vif, 0, NB_LINK_NOMASTER, false, &ignore);
        xo_err_clear(&ignore);
    }
    return rc;
}

int netback_vif_offline(const char *root, const char *vif, xo_err *err)
{
    if (!nb_valid_ifname(vif))
        return xo_err_set(err, EINVAL, "vif name \"%s\" is not valid", vif);
    int lock;
    if (nb_store_lock(&lock, root, err) < 0)
        return -1;
    int rc = offline_locked(root, vif, err);
    close(lock);
    if (rc < 0)
        xo_err_wrap(err, "%s offline", vif);
    return rc;
}
