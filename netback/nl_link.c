/*
 * nl_link.c: the rtnetlink requests on links, addresses and routes that
 * more than one namespace needs (nl.h): link.c makes them in the caller's
 * namespace, netns_splice.c and veth.c on a socket opened inside a
 * container's.  Shapes from linux/rtnetlink.h (ifinfomsg, ifaddrmsg,
 * rtmsg) and linux/if_link.h, linux/if_addr.h.
 */
#include "netback/nl.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

struct nlmsghdr *nb_nl_link_msg(char *buf, uint16_t type, uint16_t flags,
                                unsigned index)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = (int)index;
    return nlh;
}

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    if (nlh->nlmsg_type == RTM_NEWLINK &&
        mnl_nlmsg_get_payload_len(nlh) >= sizeof(*ifi) && ifi->ifi_index > 0)
        *(unsigned *)data = (unsigned)ifi->ifi_index;
    return MNL_CB_OK;
}

int nb_nl_link_lookup(struct mnl_socket *nl, const char *name,
                      unsigned *index_r, xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = nb_nl_link_msg(buf, RTM_GETLINK, 0, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    *index_r = 0;
    if (nb_nl_talk(nl, nlh, index_cb, index_r, "cannot look it up", err) < 0)
        return -1;
    if (!*index_r)
        return xo_err_set(err, EPROTO, "the kernel gave no index");
    return 0;
}

int nb_nl_link_up(struct mnl_socket *nl, unsigned index, unsigned mtu,
                  xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = nb_nl_link_msg(buf, RTM_NEWLINK, 0, index);
    struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = IFF_UP;
    if (mtu)
        mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
    return nb_nl_talk(nl, nlh, NULL, NULL, "cannot bring it up", err);
}

int nb_nl_addr_add(struct mnl_socket *nl, unsigned index, int family,
                   const void *addr, size_t len, unsigned prefix,
                   uint32_t flags, xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    ifa->ifa_family = (uint8_t)family;
    ifa->ifa_prefixlen = (uint8_t)prefix;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = index;
    mnl_attr_put(nlh, IFA_LOCAL, len, addr);
    mnl_attr_put(nlh, IFA_ADDRESS, len, addr);
    if (flags)
        mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
    return nb_nl_talk(nl, nlh, NULL, NULL, "adding address", err);
}

int nb_nl_route_default(struct mnl_socket *nl, unsigned index, int family,
                        const void *gateway, size_t len, xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWROUTE;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
    rtm->rtm_family = (uint8_t)family;
    rtm->rtm_dst_len = 0; /* default */
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_BOOT;
    rtm->rtm_scope = RT_SCOPE_UNIVERSE;
    rtm->rtm_type = RTN_UNICAST;
    mnl_attr_put(nlh, RTA_GATEWAY, len, gateway);
    mnl_attr_put_u32(nlh, RTA_OIF, index);
    return nb_nl_talk(nl, nlh, NULL, NULL, "adding the default route", err);
}
