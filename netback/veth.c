/*
 * veth.c: a NOHYPER container on a managed network (netback.h,
 * netback_veth_*).  A runc container has no vif; a veth pair stands in
 * for it: the host end is a port of the network's bridge with exactly the
 * vif's anti-spoof elements and lease record (netback_vif_online() keyed
 * by its name), the other end is the container's interface inside its
 * network namespace, with the lease's MAC, addresses and routes: the
 * dataplane (nft tables, published ports, dnsmasq) cannot tell the two
 * apart.  All rtnetlink through libmnl (nl.h).
 *
 * The veth request (linux/if_link.h, linux/veth.h), as `ip link add HOST
 * type veth peer name IF address MAC netns FD` sends it:
 *   RTM_NEWLINK ifinfomsg{} IFLA_IFNAME HOST, IFLA_MTU,
 *     IFLA_LINKINFO{ IFLA_INFO_KIND "veth",
 *       IFLA_INFO_DATA{ VETH_INFO_PEER{ ifinfomsg{}, IFLA_IFNAME IF,
 *         IFLA_ADDRESS MAC, IFLA_MTU, IFLA_NET_NS_FD FD }}}
 */
#include "netback/netback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/inet.h"
#include "common/json.h"
#include "netback/addr.h"
#include "netback/ipam.h"
#include "netback/link.h"
#include "netback/netns.h"
#include "netback/nl.h"
#include "netback/store.h"

/* Host ends are named "xon" + 8 hex digits of the container's name hash +
 * "v" + the vif index: never a name Xen (vifD.N) or an admin would use. */
#define VETH_PREFIX "xon"
/* Host ends one container may have: one per managed network. */
#define VETH_MAX 64

int netback_veth_name(char name[IFNAMSIZ], const char *container,
                      unsigned vif_index, xo_err *err)
{
    /* FNV-1a, 32 bits: two containers of one host share a name only by a
     * collision, which the creation then refuses (NLM_F_EXCL). */
    uint32_t h = 2166136261u;
    for (const char *p = container; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    if (vif_index > 999)
        return xo_err_set(err, ERANGE, "vif index %u: at most 999", vif_index);
    /* cannot truncate: 3 + 8 + 1 + 3 = 15 < IFNAMSIZ */
    snprintf(name, IFNAMSIZ, VETH_PREFIX "%08xv%u", h, vif_index);
    return 0;
}

static int create_pair(const char *host, const char *ifname,
                       const uint8_t mac[6], unsigned mtu, int nsfd,
                       xo_err *err)
{
    struct mnl_socket *nl = nb_nl_open("creating a veth pair", err);
    if (!nl)
        return -1;
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh =
        nb_nl_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
    mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
    struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
    struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
    struct nlattr *peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
    mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
    mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
    mnl_attr_nest_end(nlh, peer);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, info);
    int rc = nb_nl_talk(nl, nlh, NULL, NULL, "creating a veth pair", err);
    mnl_socket_close(nl);
    return rc < 0 ? xo_err_wrap(err, "%s", host) : 0;
}

/* lo and `ifname` up in the namespace of `ns`, with the attachment's
 * addresses and, with `routes`, its default routes. */
static int configure_inside(struct mnl_socket *ns, const char *ifname,
                            const struct netback_attachment *a, bool route4,
                            bool route6, xo_err *err)
{
    unsigned lo, eth;
    struct in_addr v4, gw4;
    struct in6_addr v6, gw6;
    if (nb_nl_link_lookup(ns, "lo", &lo, err) < 0 ||
        nb_nl_link_up(ns, lo, 0, err) < 0)
        return xo_err_wrap(err, "lo");
    if (nb_nl_link_lookup(ns, ifname, &eth, err) < 0 ||
        nb_nl_link_up(ns, eth, a->mtu, err) < 0)
        return xo_err_wrap(err, "%s", ifname);
    if (inet_pton(AF_INET, a->ipv4, &v4) != 1)
        return xo_err_set(err, EINVAL, "lease address \"%s\" is not IPv4",
                          a->ipv4);
    if (nb_nl_addr_add(ns, eth, AF_INET, &v4, 4, a->prefix4, 0, err) < 0)
        return xo_err_wrap(err, "%s %s/%u", ifname, a->ipv4, a->prefix4);
    if (a->ipv6[0]) {
        if (inet_pton(AF_INET6, a->ipv6, &v6) != 1)
            return xo_err_set(err, EINVAL, "lease address \"%s\" is not IPv6",
                              a->ipv6);
        if (nb_nl_addr_add(ns, eth, AF_INET6, &v6, 16, a->prefix6, IFA_F_NODAD,
                           err) < 0)
            return xo_err_wrap(err, "%s %s/%u", ifname, a->ipv6, a->prefix6);
    }
    if (route4 && a->gateway4[0] &&
        (inet_pton(AF_INET, a->gateway4, &gw4) != 1 ||
         nb_nl_route_default(ns, eth, AF_INET, &gw4, 4, err) < 0))
        return xo_err_wrap(err, "%s: default route via %s", ifname,
                           a->gateway4);
    if (route6 && a->gateway6[0] &&
        (inet_pton(AF_INET6, a->gateway6, &gw6) != 1 ||
         nb_nl_route_default(ns, eth, AF_INET6, &gw6, 16, err) < 0))
        return xo_err_wrap(err, "%s: default route via %s", ifname,
                           a->gateway6);
    return 0;
}

/* The attachment `container`'s lease on `network` gives (as create had
 * it from netback_attach). */
static int lease_attachment(const char *root, const char *network,
                            const char *container, struct netback_attachment *a,
                            xo_err *err)
{
    struct nb_state st;
    if (nb_store_load(&st, root, network, err) < 0)
        return -1;
    struct netback_lease *l = nb_ipam_find(&st, container);
    int rc = 0;
    if (l)
        nb_ipam_attachment(&st, l, a);
    else
        rc = xo_err_set(err, ENOENT, "%s has no lease on network %s", container,
                        network);
    nb_state_dispose(&st);
    return rc;
}

int netback_veth_attach(const char *root, const char *network,
                        const char *container, const char *host,
                        const char *ns_path, const char *ifname, bool route4,
                        const char *gateway4, bool route6, xo_err *err)
{
    struct netback_attachment a;
    uint8_t mac[6];
    unsigned mtu = 0;
    int nsfd = -1, rc = -1;
    memset(&a, 0, sizeof(a));
    if (!nb_valid_ifname(host) || strncmp(host, VETH_PREFIX, 3) != 0 ||
        !nb_valid_ifname(ifname))
        return xo_err_set(err, EINVAL, "veth names \"%s\", \"%s\"", host,
                          ifname);
    if (lease_attachment(root, network, container, &a, err) < 0 ||
        xo_mac_parse(mac, a.mac) < 0)
        return xo_err_wrap(err, "network %s", network);
    if (route4 && gateway4 &&
        snprintf(a.gateway4, sizeof(a.gateway4), "%s", gateway4) >=
            (int)sizeof(a.gateway4))
        return xo_err_set(err, EINVAL, "gateway \"%s\"", gateway4);
    struct mnl_socket *ns = nb_netns_socket(ns_path, &nsfd, err);
    if (!ns)
        return -1;
    if (create_pair(host, ifname, mac, a.mtu, nsfd, err) < 0)
        goto out;
    /* The host end becomes a bridge port only with its elements in. */
    if (netback_vif_online(root, a.bridge, a.mac, host, &mtu, err) < 0 ||
        configure_inside(ns, ifname, &a, route4, route6, err) < 0) {
        xo_err ignore = XO_ERR_INIT;
        netback_vif_offline(root, host, &ignore);
        nb_link_delete(host, &ignore); /* its peer goes with it */
        xo_err_clear(&ignore);
        xo_err_wrap(err, "network %s in %s", network, ns_path);
        goto out;
    }
    rc = 0;
out:
    mnl_socket_close(ns);
    close(nsfd);
    return rc;
}

int netback_veth_detach(const char *root, const char *container, xo_err *err)
{
    char **names = NULL, hosts[VETH_MAX][IFNAMSIZ];
    size_t n = 0, nhosts = 0;
    if (nb_store_list(&names, &n, root, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct nb_state st;
        if (nb_store_load(&st, root, names[i], err) < 0) {
            rc = -1;
            break;
        }
        struct netback_lease *l = nb_ipam_find(&st, container);
        /* Only our veth names: a Xen domain's vif is never touched here. */
        if (l && strncmp(l->vif, VETH_PREFIX, 3) == 0 && nhosts < VETH_MAX)
            memcpy(hosts[nhosts++], l->vif, IFNAMSIZ);
        nb_state_dispose(&st);
    }
    xo_strv_free(names);
    for (size_t i = 0; i < nhosts && rc == 0; i++)
        if (netback_vif_offline(root, hosts[i], err) < 0 ||
            nb_link_delete(hosts[i], err) < 0)
            rc = -1;
    return rc;
}
