/* conntrack.c: forgetting the kernel's UDP flows to published host ports,
 * over ctnetlink with libmnl (conntrack.h). */
#include "netback/conntrack.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "netback/nl.h"

/* One entry to delete: what identifies it to IPCTNL_MSG_CT_DELETE. */
struct ct_entry {
    uint8_t family;
    uint16_t orig_len;
    unsigned char orig[NB_CT_TUPLE_MAX]; /* CTA_TUPLE_ORIG's payload */
    bool has_id, has_zone;
    uint32_t id;   /* CTA_ID, network order: this entry, not a new one */
    uint16_t zone; /* CTA_ZONE, network order */
};

struct ct_walk {
    const unsigned *ports;
    size_t n_ports;
    struct ct_entry *v;
    size_t n, cap;
};

static int attr_cb(const struct nlattr *a, void *data)
{
    const struct nlattr **tb = data;
    uint16_t type = mnl_attr_get_type(a);
    /* Types past ours are newer kernels' words, not ours to read. */
    if (type <= CTA_MAX)
        tb[type] = a;
    return MNL_CB_OK;
}

/* The original direction's protocol and destination port, or false. */
static bool orig_udp_port(const struct nlattr *orig, unsigned *port_r)
{
    const struct nlattr *t[CTA_MAX + 1] = {0}, *p[CTA_MAX + 1] = {0};
    if (mnl_attr_parse_nested(orig, attr_cb, t) < 0 || !t[CTA_TUPLE_PROTO] ||
        mnl_attr_parse_nested(t[CTA_TUPLE_PROTO], attr_cb, p) < 0 ||
        !p[CTA_PROTO_NUM] || !p[CTA_PROTO_DST_PORT] ||
        mnl_attr_validate(p[CTA_PROTO_NUM], MNL_TYPE_U8) < 0 ||
        mnl_attr_validate(p[CTA_PROTO_DST_PORT], MNL_TYPE_U16) < 0)
        return false;
    if (mnl_attr_get_u8(p[CTA_PROTO_NUM]) != IPPROTO_UDP)
        return false;
    *port_r = ntohs(mnl_attr_get_u16(p[CTA_PROTO_DST_PORT]));
    return true;
}

static int entry_cb(const struct nlmsghdr *nlh, void *data)
{
    struct ct_walk *w = data;
    const struct nlattr *tb[CTA_MAX + 1] = {0};
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nfgenmsg))
        return MNL_CB_OK;
    const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
    if (mnl_attr_parse(nlh, sizeof(*g), attr_cb, tb) < 0 || !tb[CTA_TUPLE_ORIG])
        return MNL_CB_OK;
    unsigned port = 0;
    if (!orig_udp_port(tb[CTA_TUPLE_ORIG], &port))
        return MNL_CB_OK;
    size_t i = 0;
    while (i < w->n_ports && w->ports[i] != port)
        i++;
    uint16_t len = mnl_attr_get_payload_len(tb[CTA_TUPLE_ORIG]);
    if (i == w->n_ports || len > NB_CT_TUPLE_MAX)
        return MNL_CB_OK;
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->v = xo_xreallocarray(w->v, w->cap, sizeof(*w->v));
    }
    struct ct_entry *e = &w->v[w->n++];
    memset(e, 0, sizeof(*e));
    e->family = g->nfgen_family;
    e->orig_len = len;
    memcpy(e->orig, mnl_attr_get_payload(tb[CTA_TUPLE_ORIG]), len);
    if (tb[CTA_ID] && mnl_attr_validate(tb[CTA_ID], MNL_TYPE_U32) == 0) {
        e->has_id = true;
        e->id = mnl_attr_get_u32(tb[CTA_ID]);
    }
    if (tb[CTA_ZONE] && mnl_attr_validate(tb[CTA_ZONE], MNL_TYPE_U16) == 0) {
        e->has_zone = true;
        e->zone = mnl_attr_get_u16(tb[CTA_ZONE]);
    }
    return MNL_CB_OK;
}

/* A ctnetlink request of `type` for `family` in buf[NB_NL_BUF]. */
static struct nlmsghdr *ct_msg(char *buf, uint8_t type, uint16_t flags,
                               uint8_t family)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
    g->nfgen_family = family;
    g->version = NFNETLINK_V0;
    g->res_id = 0;
    return nlh;
}

/* Deletes w's entries, on a socket of its own: nothing of the dump is
 * left there to be read as their answers. */
static int delete_entries(const struct ct_walk *w, const char *what,
                          xo_err *err)
{
    struct mnl_socket *nl = nb_nl_open_bus(NETLINK_NETFILTER, what, err);
    if (!nl)
        return -1;
    char buf[NB_NL_BUF];
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w->n; i++) {
        const struct ct_entry *e = &w->v[i];
        memset(buf, 0, sizeof(buf));
        struct nlmsghdr *nlh = ct_msg(buf, IPCTNL_MSG_CT_DELETE, 0, e->family);
        mnl_attr_put(nlh, CTA_TUPLE_ORIG | NLA_F_NESTED, e->orig_len, e->orig);
        if (e->has_id)
            mnl_attr_put_u32(nlh, CTA_ID, e->id);
        if (e->has_zone)
            mnl_attr_put_u16(nlh, CTA_ZONE, e->zone);
        /* Gone meanwhile (timed out, or another delete): as wanted. */
        if (nb_nl_talk(nl, nlh, NULL, NULL, what, err) < 0) {
            if (err->errnum != ENOENT)
                rc = -1;
            else
                xo_err_clear(err);
        }
    }
    mnl_socket_close(nl);
    return rc;
}

int nb_conntrack_forget_udp(const unsigned *ports, size_t n_ports, xo_err *err)
{
    if (n_ports == 0)
        return 0;
    const char *what =
        "forgetting conntrack's UDP flows to published ports (ctnetlink, nf_conntrack_netlink)";
    struct mnl_socket *nl = nb_nl_open_bus(NETLINK_NETFILTER, what, err);
    if (!nl)
        return -1;
    struct ct_walk w = {ports, n_ports, NULL, 0, 0};
    char buf[NB_NL_BUF] = {0};
    /* AF_UNSPEC: the entries of every family, IPv4 and IPv6. */
    struct nlmsghdr *nlh =
        ct_msg(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC);
    int rc = nb_nl_talk(nl, nlh, entry_cb, &w, what, err);
    mnl_socket_close(nl);
    if (rc == 0 && w.n)
        rc = delete_entries(&w, what, err);
    free(w.v);
    return rc;
}

int nb_conntrack_forget_leases_udp(const struct netback_lease *a,
                                   const struct netback_lease *b, xo_err *err)
{
    size_t n = (a ? a->n_ports : 0) + (b ? b->n_ports : 0), k = 0;
    unsigned *ports = xo_xcalloc(n ? n : 1, sizeof(*ports));
    const struct netback_lease *both[] = {a, b};
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; both[i] && j < both[i]->n_ports; j++)
            if (both[i]->ports[j].udp && both[i]->ports[j].host_port)
                ports[k++] = both[i]->ports[j].host_port;
    int rc = nb_conntrack_forget_udp(ports, k, err);
    free(ports);
    return rc;
}
