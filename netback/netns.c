/* netns.c: entering a container's network namespace for a netlink socket
 * and reading its interface (netns.h).  The splice is netns_splice.c. */
#include "netback/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/pathfmt.h"
#include "netback/nl.h"

/* How much of the list of interfaces an error about several shows. */
#define NB_NETNS_NAMES 128

struct mnl_socket *nb_netns_socket(const char *ns_path, int *nsfd_r,
                                   xo_err *err)
{
    struct mnl_socket *nl = NULL;
    xo_err open_err = XO_ERR_INIT;
    int target = open(ns_path, O_RDONLY | O_CLOEXEC);
    if (target < 0) {
        xo_err_sys(err, "cannot open network namespace %s", ns_path);
        return NULL;
    }
    int self = open(NB_NETNS_SELF, O_RDONLY | O_CLOEXEC);
    if (self < 0) {
        xo_err_sys(err, "cannot open %s", NB_NETNS_SELF);
        goto out;
    }
    /* EINVAL: the file is no network namespace. */
    if (setns(target, CLONE_NEWNET) < 0) {
        xo_err_sys(err, "cannot enter network namespace %s", ns_path);
        goto out;
    }
    nl = nb_nl_open(ns_path, &open_err);
    if (setns(self, CLONE_NEWNET) < 0) {
        /* Cannot happen with the descriptor open and the privilege just
         * used; if it does the thread must not go on as if at home. */
        int e = errno;
        xo_err_clear(&open_err);
        xo_err_set(err, e, "cannot return from network namespace %s: %s",
                   ns_path, strerror(e));
        if (nl)
            mnl_socket_close(nl);
        nl = NULL;
        goto out;
    }
    if (!nl) {
        xo_err_clear(err);
        *err = open_err;
        xo_err_wrap(err, "network namespace");
    }
out:
    if (self >= 0)
        close(self);
    if (nl && nsfd_r)
        *nsfd_r = target;
    else
        close(target);
    return nl;
}

/* The links of the namespace: the first Ethernet one, and how many. */
struct link_walk {
    unsigned count;
    struct nb_netns_iface first;
    char names[NB_NETNS_NAMES];
    int bad; /* an attribute we copy is malformed */
};

/* Attributes of one message by type, those past `max` (unknown to the
 * headers we were built with) left out. */
struct attrs {
    const struct nlattr **tb;
    unsigned max;
};

static int attrs_cb(const struct nlattr *attr, void *data)
{
    struct attrs *a = data;
    unsigned type = mnl_attr_get_type(attr);
    if (type <= a->max)
        a->tb[type] = attr;
    return MNL_CB_OK;
}

static void attrs_parse(const struct nlmsghdr *nlh, size_t hdr,
                        const struct nlattr **tb, unsigned max)
{
    struct attrs a = {tb, max};
    mnl_attr_parse(nlh, (unsigned)hdr, attrs_cb, &a);
}

static void names_add(char *names, const char *name)
{
    size_t n = strlen(names);
    /* A list too long for the message ends in "..." rather than failing. */
    int r =
        snprintf(names + n, NB_NETNS_NAMES - n, "%s%s", n ? ", " : "", name);
    if (r < 0 || (size_t)r >= NB_NETNS_NAMES - n)
        memcpy(names + NB_NETNS_NAMES - 4, "...", 4);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
    struct link_walk *w = data;
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[IFLA_MAX + 1] = {NULL};
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
        return MNL_CB_OK;
    if ((ifi->ifi_flags & IFF_LOOPBACK) || ifi->ifi_type != ARPHRD_ETHER)
        return MNL_CB_OK;
    attrs_parse(nlh, sizeof(*ifi), tb, IFLA_MAX);
    const char *name = "?";
    if (tb[IFLA_IFNAME] &&
        mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) == 0 &&
        strlen(mnl_attr_get_str(tb[IFLA_IFNAME])) < IFNAMSIZ)
        name = mnl_attr_get_str(tb[IFLA_IFNAME]);
    names_add(w->names, name);
    if (w->count++ > 0)
        return MNL_CB_OK;
    struct nb_netns_iface *f = &w->first;
    if (name[0] == '?' || ifi->ifi_index <= 0 || !tb[IFLA_MTU] ||
        mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) < 0 ||
        !tb[IFLA_ADDRESS] || mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) != 6) {
        w->bad = 1;
        return MNL_CB_OK;
    }
    memcpy(f->name, name, strlen(name) + 1);
    f->ifindex = (unsigned)ifi->ifi_index;
    f->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
    memcpy(f->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
    return MNL_CB_OK;
}

/* "ADDR/PREFIX" of an address attribute of `len` bytes into out[size];
 * ignored (out stays "") unless well formed. */
static void format_cidr(char *out, size_t size, int family,
                        const struct nlattr *a, size_t len, unsigned prefix)
{
    char s[INET6_ADDRSTRLEN];
    if (!a || mnl_attr_get_payload_len(a) != len || prefix > len * 8 ||
        !inet_ntop(family, mnl_attr_get_payload(a), s, sizeof(s)))
        return;
    /* cannot truncate: the buffers of struct nb_netns_iface hold the
     * longest address and prefix. */
    snprintf(out, size, "%s/%u", s, prefix);
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
    struct nb_netns_iface *f = data;
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[IFA_MAX + 1] = {NULL};
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
        ifa->ifa_index != f->ifindex)
        return MNL_CB_OK;
    attrs_parse(nlh, sizeof(*ifa), tb, IFA_MAX);
    if (ifa->ifa_family == AF_INET && !f->ipv4[0])
        /* IFA_ADDRESS is the peer's on a point-to-point link. */
        format_cidr(f->ipv4, sizeof(f->ipv4), AF_INET,
                    tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS], 4,
                    ifa->ifa_prefixlen);
    else if (ifa->ifa_family == AF_INET6 && !f->ipv6[0] &&
             ifa->ifa_scope == RT_SCOPE_UNIVERSE)
        format_cidr(f->ipv6, sizeof(f->ipv6), AF_INET6, tb[IFA_ADDRESS], 16,
                    ifa->ifa_prefixlen);
    return MNL_CB_OK;
}

/* The first IPv4 and IPv6 default routes of the main table out of the
 * interface; multipath routes (RTA_MULTIPATH) are not CNI's and ignored. */
static int route_cb(const struct nlmsghdr *nlh, void *data)
{
    struct nb_netns_iface *f = data;
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[RTA_MAX + 1] = {NULL};
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
        rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST)
        return MNL_CB_OK;
    attrs_parse(nlh, sizeof(*rtm), tb, RTA_MAX);
    unsigned table = rtm->rtm_table;
    if (tb[RTA_TABLE] && mnl_attr_validate(tb[RTA_TABLE], MNL_TYPE_U32) == 0)
        table = mnl_attr_get_u32(tb[RTA_TABLE]);
    if (table != RT_TABLE_MAIN || !tb[RTA_OIF] || !tb[RTA_GATEWAY] ||
        mnl_attr_validate(tb[RTA_OIF], MNL_TYPE_U32) < 0 ||
        mnl_attr_get_u32(tb[RTA_OIF]) != f->ifindex)
        return MNL_CB_OK;
    const void *gw = mnl_attr_get_payload(tb[RTA_GATEWAY]);
    size_t len = mnl_attr_get_payload_len(tb[RTA_GATEWAY]);
    if (rtm->rtm_family == AF_INET && len == 4 && !f->gateway4[0])
        inet_ntop(AF_INET, gw, f->gateway4, sizeof(f->gateway4));
    else if (rtm->rtm_family == AF_INET6 && len == 16 && !f->gateway6[0])
        inet_ntop(AF_INET6, gw, f->gateway6, sizeof(f->gateway6));
    return MNL_CB_OK;
}

/* A dump request of `type` with the family header of `hdr` bytes. */
static struct nlmsghdr *dump_msg(char *buf, uint16_t type, size_t hdr)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    /* ifinfomsg, ifaddrmsg and rtmsg all open with their family byte:
     * AF_UNSPEC (0) asks for every family. */
    mnl_nlmsg_put_extra_header(nlh, hdr);
    return nlh;
}

int nb_netns_read(const char *ns_path, struct nb_netns_iface *out, xo_err *err)
{
    struct mnl_socket *nl = nb_netns_socket(ns_path, NULL, err);
    if (!nl)
        return -1;
    int rc = -1;
    char buf[NB_NL_BUF] = {0};
    struct link_walk w;
    memset(&w, 0, sizeof(w));
    struct nlmsghdr *nlh = dump_msg(buf, RTM_GETLINK, sizeof(struct ifinfomsg));
    if (nb_nl_talk(nl, nlh, link_cb, &w, "reading its interfaces", err) < 0)
        goto wrap;
    if (w.count == 0) {
        rc = 0;
        goto out;
    }
    if (w.count > 1) {
        xo_err_set(
            err, EINVAL,
            "network namespace %s has %u interfaces besides lo (%s): its one interface is joined to one domain (a second container of a pod cannot share the pod's network)",
            ns_path, w.count, w.names);
        goto out;
    }
    if (w.bad) {
        xo_err_set(
            err, EPROTO,
            "network namespace %s: interface %s has no valid name, MTU or 6-byte MAC",
            ns_path, w.names);
        goto out;
    }
    nlh = dump_msg(buf, RTM_GETADDR, sizeof(struct ifaddrmsg));
    if (nb_nl_talk(nl, nlh, addr_cb, &w.first, "reading its addresses", err) <
        0)
        goto wrap;
    nlh = dump_msg(buf, RTM_GETROUTE, sizeof(struct rtmsg));
    if (nb_nl_talk(nl, nlh, route_cb, &w.first, "reading its routes", err) < 0)
        goto wrap;
    *out = w.first;
    rc = 1;
    goto out;
wrap:
    xo_err_wrap(err, "network namespace %s", ns_path);
out:
    mnl_socket_close(nl);
    return rc;
}
