/*
 * netns_splice.c: the vif moved into a container's network namespace and
 * joined to its interface with tc (netns.h), all by rtnetlink (nl.h).
 *
 * Shapes, from linux/rtnetlink.h (struct tcmsg), linux/pkt_sched.h
 * (TC_H_*), linux/pkt_cls.h (u32, actions) and linux/tc_act/tc_mirred.h:
 *   RTM_NEWQDISC  tcmsg{ifindex, handle ffff:0, parent TC_H_INGRESS}
 *                 TCA_KIND "ingress"
 *   RTM_NEWTFILTER tcmsg{ifindex, parent ffff:0, info prio 1 << 16 |
 *                 htons(ETH_P_ALL)}  TCA_KIND "u32"
 *                 TCA_OPTIONS{ TCA_U32_SEL tc_u32_sel{TERMINAL, 1 key 0/0}
 *                   TCA_U32_ACT{ 1{ TCA_ACT_KIND "mirred"
 *                     TCA_ACT_OPTIONS{ TCA_MIRRED_PARMS tc_mirred{
 *                       action TC_ACT_STOLEN, eaction TCA_EGRESS_REDIR,
 *                       ifindex TO}}}}}
 * which is what `tc filter add dev FROM parent ffff: protocol all u32
 * match u32 0 0 action mirred egress redirect dev TO` sends.
 */
#include "netback/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "netback/nl.h"

/* MTUs an Ethernet device may be given (IPv4's minimum, IFLA_MTU's u16
 * range of the kernel's ETH_MAX_MTU). */
#define NB_MTU_MIN 68
#define NB_MTU_MAX 65535

/* The filter's priority: ours is the only one on the qdisc. */
#define NB_SPLICE_PRIO 1

/* Moves device `index` of `nl`'s namespace into the one open as `nsfd`. */
static int link_move(struct mnl_socket *nl, unsigned index, int nsfd,
                     xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = nb_nl_link_msg(buf, RTM_NEWLINK, 0, index);
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
    return nb_nl_talk(nl, nlh, NULL, NULL, "cannot move it there", err);
}

static struct nlmsghdr *tc_msg(char *buf, uint16_t type, uint16_t flags,
                               unsigned index, uint32_t parent)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
    tcm->tcm_family = AF_UNSPEC;
    tcm->tcm_ifindex = (int)index;
    tcm->tcm_parent = parent;
    return nlh;
}

/* Removes the qdisc on the device's ingress hook (ingress, or a clsact
 * someone else put there: every frame is ours to redirect); none there
 * (ENOENT) is no error. */
static int ingress_del(struct mnl_socket *nl, unsigned index, xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = tc_msg(buf, RTM_DELQDISC, 0, index, TC_H_INGRESS);
    if (nb_nl_talk(nl, nlh, NULL, NULL, "cannot remove its ingress qdisc",
                   err) == 0)
        return 0;
    if (err->errnum != ENOENT)
        return -1;
    xo_err_clear(err);
    return 0;
}

static int ingress_add(struct mnl_socket *nl, unsigned index, xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = tc_msg(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL,
                                  index, TC_H_INGRESS);
    struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
    tcm->tcm_handle = TC_H_MAKE(TC_H_INGRESS, 0);
    mnl_attr_put_strz(nlh, TCA_KIND, "ingress");
    return nb_nl_talk(nl, nlh, NULL, NULL, "cannot add an ingress qdisc", err);
}

/* Every frame `from` receives leaves by `to` (the shape at the top). */
static int redirect_add(struct mnl_socket *nl, unsigned from, unsigned to,
                        xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh =
        tc_msg(buf, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, from,
               TC_H_MAKE(TC_H_INGRESS, 0));
    struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
    tcm->tcm_info = TC_H_MAKE(NB_SPLICE_PRIO << 16, htons(ETH_P_ALL));
    mnl_attr_put_strz(nlh, TCA_KIND, "u32");
    struct nlattr *opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    /* tc_u32_sel ends in a flexible array of keys: one key, mask 0 (every
     * frame matches), laid out after it. */
    struct tc_u32_sel sel;
    struct tc_u32_key key;
    memset(&sel, 0, sizeof(sel));
    memset(&key, 0, sizeof(key));
    sel.flags = TC_U32_TERMINAL;
    sel.nkeys = 1;
    char selbuf[sizeof(sel) + sizeof(key)];
    memcpy(selbuf, &sel, sizeof(sel));
    memcpy(selbuf + sizeof(sel), &key, sizeof(key));
    mnl_attr_put(nlh, TCA_U32_SEL, sizeof(selbuf), selbuf);
    struct nlattr *acts = mnl_attr_nest_start(nlh, TCA_U32_ACT);
    struct nlattr *act = mnl_attr_nest_start(nlh, 1); /* first action */
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
    struct nlattr *aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    struct tc_mirred m;
    memset(&m, 0, sizeof(m));
    m.action = TC_ACT_STOLEN; /* the frame is gone from `from` */
    m.eaction = TCA_EGRESS_REDIR;
    m.ifindex = to;
    mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof(m), &m);
    mnl_attr_nest_end(nlh, aopts);
    mnl_attr_nest_end(nlh, act);
    mnl_attr_nest_end(nlh, acts);
    mnl_attr_nest_end(nlh, opts);
    return nb_nl_talk(nl, nlh, NULL, NULL, "cannot add the redirect", err);
}

static int check_args(const char *dev, const struct nb_netns_iface *iface,
                      xo_err *err)
{
    if (!dev[0] || strnlen(dev, IFNAMSIZ) >= IFNAMSIZ)
        return xo_err_set(err, EINVAL, "bad device name \"%.*s\"", IFNAMSIZ,
                          dev);
    if (!iface->name[0] || strnlen(iface->name, IFNAMSIZ) >= IFNAMSIZ)
        return xo_err_set(err, EINVAL, "bad interface name \"%.*s\"", IFNAMSIZ,
                          iface->name);
    if (iface->mtu && (iface->mtu < NB_MTU_MIN || iface->mtu > NB_MTU_MAX))
        return xo_err_set(err, EINVAL, "MTU %u of %s is not in %u..%u",
                          iface->mtu, iface->name, NB_MTU_MIN, NB_MTU_MAX);
    return 0;
}

/* The steps once the vif is in the namespace; `touched` says whether
 * iface's ingress hook was changed (to undo on failure). */
static int join(struct mnl_socket *ns, const char *dev, unsigned vif,
                const struct nb_netns_iface *iface, unsigned eth, bool *touched,
                xo_err *err)
{
    if (nb_nl_link_up(ns, vif, iface->mtu, err) < 0)
        return xo_err_wrap(err, "%s", dev);
    if (nb_nl_link_up(ns, eth, 0, err) < 0)
        return xo_err_wrap(err, "%s", iface->name);
    *touched = true;
    if (ingress_del(ns, eth, err) < 0 || ingress_add(ns, eth, err) < 0 ||
        redirect_add(ns, eth, vif, err) < 0)
        return xo_err_wrap(err, "%s", iface->name);
    if (ingress_del(ns, vif, err) < 0 || ingress_add(ns, vif, err) < 0 ||
        redirect_add(ns, vif, eth, err) < 0)
        return xo_err_wrap(err, "%s", dev);
    return 0;
}

/* Best effort after a failure: the vif back home, iface's hook cleared. */
static void undo(struct mnl_socket *ns, const char *dev, unsigned eth,
                 bool touched)
{
    xo_err ignore = XO_ERR_INIT;
    unsigned vif = 0;
    if (touched)
        ingress_del(ns, eth, &ignore);
    xo_err_clear(&ignore);
    int self = open(NB_NETNS_SELF, O_RDONLY | O_CLOEXEC);
    if (self >= 0 && nb_nl_link_lookup(ns, dev, &vif, &ignore) == 0)
        link_move(ns, vif, self, &ignore);
    xo_err_clear(&ignore);
    if (self >= 0)
        close(self);
}

/* The splice once the names are checked and the vif found at home. */
static int splice_vif(const char *ns_path, const char *dev, unsigned vif_home,
                      const struct nb_netns_iface *iface, xo_err *err)
{
    int nsfd = -1;
    struct mnl_socket *ns = nb_netns_socket(ns_path, &nsfd, err);
    if (!ns)
        return -1;
    struct mnl_socket *home = NULL;
    unsigned eth = 0, vif = 0;
    bool moved = false, touched = false;
    int rc = -1;
    if (nb_nl_link_lookup(ns, iface->name, &eth, err) < 0) {
        xo_err_wrap(err, "%s", iface->name);
        goto out;
    }
    home = nb_nl_open(dev, err);
    if (!home)
        goto out;
    if (link_move(home, vif_home, nsfd, err) < 0) {
        xo_err_wrap(err, "%s", dev);
        goto out;
    }
    moved = true;
    /* The kernel keeps the name and, when it is free there, the index. */
    if (nb_nl_link_lookup(ns, dev, &vif, err) < 0) {
        xo_err_wrap(err, "%s", dev);
        goto out;
    }
    if (join(ns, dev, vif, iface, eth, &touched, err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0 && moved)
        undo(ns, dev, eth, touched);
    if (home)
        mnl_socket_close(home);
    mnl_socket_close(ns);
    close(nsfd);
    return rc;
}

int nb_netns_splice(const char *ns_path, const char *dev,
                    const struct nb_netns_iface *iface, xo_err *err)
{
    if (check_args(dev, iface, err) < 0)
        return xo_err_wrap(err, "splicing a vif");
    unsigned vif_home = if_nametoindex(dev);
    if (!vif_home)
        xo_err_sys(err, "no device %s", dev);
    if (!vif_home || splice_vif(ns_path, dev, vif_home, iface, err) < 0)
        return xo_err_wrap(err, "splicing %s to %s in network namespace %s",
                           dev, iface->name, ns_path);
    return 0;
}
