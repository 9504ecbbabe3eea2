/* dataplane.c: one network's kernel state, up or down (dataplane.h). */
#include "netback/dataplane.h"

#include <stdio.h>
#include <string.h>

#include "common/fault.h"
#include "netback/dns.h"
#include "netback/forwarding.h"
#include "netback/link.h"
#include "netback/netback_internal.h"
#include "netback/nft.h"
#include "verifier/digest.h"

/* A locally administered unicast MAC from the network's name, so the
 * bridge's MAC (the guests' gateway) is the same after every rebuild. */
static int bridge_mac(uint8_t mac[6], const char *name, xo_err *err)
{
    unsigned char md[DIGEST_BIN_LEN];
    if (digest_sha256_bin(md, name, strlen(name), err) < 0)
        return -1;
    mac[0] = 0x02;
    memcpy(mac + 1, md, 5);
    return 0;
}

/* Per-bridge sysctls: forwarding on this bridge (host-wide forwarding is
 * forwarding.h's), route_localnet for DNAT from dom0's loopback
 * (our inet table drops 127/8 arriving on a bridge), no router
 * advertisements accepted from guests. */
static int sysctls(const struct nb_state *st, xo_err *err)
{
    const char *br = st->net.bridge;
    bool nat = st->net.mode == NETBACK_MODE_NAT;
    if (nb_sysctl_dev("ipv4", br, "forwarding", nat ? "1" : "0", err) < 0 ||
        nb_sysctl_dev("ipv4", br, "route_localnet", "1", err) < 0)
        return -1;
    if (st->net.has_ipv6 &&
        (nb_sysctl_dev("ipv6", br, "disable_ipv6", "0", err) < 0 ||
         nb_sysctl_dev("ipv6", br, "accept_ra", "0", err) < 0 ||
         nb_sysctl_dev("ipv6", br, "forwarding", nat ? "1" : "0", err) < 0))
        return -1;
    return 0;
}

int nb_dataplane_up(const char *root, const struct nb_state *st, bool nft,
                    xo_err *err)
{
    const struct netback_network *n = &st->net;
    uint8_t mac[6];
    if (bridge_mac(mac, n->name, err) < 0 ||
        nb_link_bridge_ensure(n->bridge, n->mtu, mac, err) < 0 ||
        nb_addr4_add(n->bridge, st->gw4, st->subnet.prefix, err) < 0)
        goto fail;
    if (n->has_ipv6 &&
        (nb_sysctl_dev("ipv6", n->bridge, "disable_ipv6", "0", err) < 0 ||
         nb_addr6_add(n->bridge, &st->gw6, 64, err) < 0))
        goto fail;
    if (sysctls(st, err) < 0)
        goto fail;
    XO_FAULT_POINT("network.bridge-up");
    /* Tables missing or of an older layout are rebuilt whole from the
     * state (this network's included, as it is stored by now). */
    if (nft && (nb_nft_heal_locked(root, err) < 0 ||
                nb_nft_network(st, true, err) < 0))
        goto fail;
    /* After the tables: the guard lives in them.  `network up` passes
     * nft=false and turns forwarding on after its rebuild. */
    if (nft && n->mode == NETBACK_MODE_NAT &&
        nb_forwarding_on(n->has_ipv6, err) < 0)
        goto fail;
    XO_FAULT_POINT("network.nft-added");
    if (nb_dns_update(root, st, err) < 0)
        goto fail;
    return 0;
fail:
    return xo_err_wrap(err, "network %s", n->name);
}

int nb_dataplane_down(const char *root, const struct nb_state *st, xo_err *err)
{
    if (nb_dns_stop(root, st->net.name, err) < 0 ||
        nb_nft_network(st, false, err) < 0 ||
        nb_link_delete(st->net.bridge, err) < 0)
        return xo_err_wrap(err, "network %s", st->net.name);
    return 0;
}
