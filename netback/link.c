/* link.c: bridges, addresses, ports and routes through libmnl (link.h). */
#include "netback/link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/pathfmt.h"
#include "netback/nl.h"

unsigned nb_link_index(const char *name)
{
    return if_nametoindex(name);
}

/* One request on a socket of its own (nl.h); `cb` (may be NULL) sees the
 * messages of a dump.  `what` opens the error message. */
static int talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data, const char *what,
                xo_err *err)
{
    struct mnl_socket *nl = nb_nl_open(what, err);
    if (!nl)
        return -1;
    int rc = nb_nl_talk(nl, nlh, cb, data, what, err);
    mnl_socket_close(nl);
    return rc;
}

struct kind_walk {
    char kind[32];
};

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
    struct kind_walk *w = data;
    if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
        mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
        /* A kind that does not fit is none we know: "" */
        xo_path_fmt(w->kind, sizeof(w->kind), NULL, "%s",
                    mnl_attr_get_str(attr));
    return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
    if (mnl_attr_get_type(attr) == IFLA_LINKINFO)
        mnl_attr_parse_nested(attr, linkinfo_cb, data);
    return MNL_CB_OK;
}

static int link_kind_cb(const struct nlmsghdr *nlh, void *data)
{
    mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb, data);
    return MNL_CB_OK;
}

/* Asked of the kernel, not of /sys/class/net, which shows the devices of
 * the namespace sysfs was mounted in, not necessarily ours. */
bool nb_link_is_bridge(const char *name)
{
    unsigned index = nb_link_index(name);
    char buf[NB_NL_BUF] = {0};
    struct kind_walk w = {""};
    xo_err ignore = XO_ERR_INIT;
    if (!index)
        return false;
    struct nlmsghdr *nlh = nb_nl_link_msg(buf, RTM_GETLINK, 0, index);
    int r = talk(nlh, link_kind_cb, &w, "reading device", &ignore);
    xo_err_clear(&ignore);
    return r == 0 && strcmp(w.kind, "bridge") == 0;
}

int nb_link_bridge_ensure(const char *name, unsigned mtu, const uint8_t mac[6],
                          xo_err *err)
{
    if (nb_link_index(name)) {
        if (!nb_link_is_bridge(name))
            return xo_err_set(err, EEXIST,
                              "device %s exists and is not a bridge", name);
        return nb_link_set(name, mtu, 0, true, err);
    }
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh =
        nb_nl_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
    mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
    struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
    mnl_attr_nest_end(nlh, info);
    if (talk(nlh, NULL, NULL, "creating bridge", err) < 0)
        return xo_err_wrap(err, "bridge %s", name);
    return nb_link_set(name, 0, 0, true, err);
}

int nb_link_delete(const char *name, xo_err *err)
{
    unsigned index = nb_link_index(name);
    if (!index)
        return 0;
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = nb_nl_link_msg(buf, RTM_DELLINK, 0, index);
    if (talk(nlh, NULL, NULL, "deleting device", err) < 0) {
        if (err->errnum == ENODEV) {
            xo_err_clear(err);
            return 0;
        }
        return xo_err_wrap(err, "%s", name);
    }
    return 0;
}

/* Hairpin mode on the bridge port `index`: a frame may leave by the port
 * it came in by.  With br_netfilter (bridge-nf-call-iptables, loaded on
 * any host that runs Docker or Kubernetes) a container's connection to
 * its own published port is DNATed back to it while it is bridged, and
 * the bridge drops it unless the port is in hairpin mode (Docker sets it
 * for the same reason without its userland proxy; so does Kubernetes'
 * bridge plugin with hairpinMode). */
static int port_hairpin(unsigned index, const char *name, xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = nb_nl_link_msg(buf, RTM_SETLINK, 0, index);
    struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    ifi->ifi_family = AF_BRIDGE;
    struct nlattr *pi = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
    mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, 1);
    mnl_attr_nest_end(nlh, pi);
    if (talk(nlh, NULL, NULL, "setting hairpin mode", err) < 0)
        return xo_err_wrap(err, "%s", name);
    return 0;
}

int nb_link_set(const char *name, unsigned mtu, uint32_t master, bool up,
                xo_err *err)
{
    unsigned index = nb_link_index(name);
    if (!index)
        return xo_err_set(err, ENODEV, "no device %s", name);
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = nb_nl_link_msg(buf, RTM_NEWLINK, 0, index);
    struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = up ? IFF_UP : 0;
    if (mtu)
        mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
    if (master == NB_LINK_NOMASTER)
        mnl_attr_put_u32(nlh, IFLA_MASTER, 0);
    else if (master)
        mnl_attr_put_u32(nlh, IFLA_MASTER, master);
    if (talk(nlh, NULL, NULL, "setting device", err) < 0)
        return xo_err_wrap(err, "%s", name);
    if (master && master != NB_LINK_NOMASTER)
        return port_hairpin(index, name, err);
    return 0;
}

static int addr_add(const char *name, int family, const void *addr, size_t len,
                    unsigned prefix, uint32_t flags, xo_err *err)
{
    unsigned index = nb_link_index(name);
    if (!index)
        return xo_err_set(err, ENODEV, "no device %s", name);
    struct mnl_socket *nl = nb_nl_open("adding address", err);
    if (!nl)
        return -1;
    int rc = nb_nl_addr_add(nl, index, family, addr, len, prefix, flags, err);
    mnl_socket_close(nl);
    return rc < 0 ? xo_err_wrap(err, "%s", name) : 0;
}

int nb_addr4_add(const char *name, uint32_t addr, unsigned prefix, xo_err *err)
{
    uint32_t be = htonl(addr);
    return addr_add(name, AF_INET, &be, 4, prefix, 0, err);
}

int nb_addr6_add(const char *name, const struct in6_addr *addr, unsigned prefix,
                 xo_err *err)
{
    return addr_add(name, AF_INET6, addr, 16, prefix, IFA_F_NODAD, err);
}

/* One IPv4 route of a dump: destination, length, output device. */
struct route_walk {
    const struct nb_cidr4 *c; /* overlap search, or NULL */
    unsigned skip_index;
    char *what;
    size_t what_len;
    int found;
};

static int route_attr_cb(const struct nlattr *attr, void *data)
{
    const struct nlattr **tb = data;
    int type = mnl_attr_get_type(attr);
    if (type <= RTA_MAX)
        tb[type] = attr;
    return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
    struct route_walk *w = data;
    struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[RTA_MAX + 1] = {NULL};
    if (rtm->rtm_family != AF_INET || rtm->rtm_type == RTN_LOCAL ||
        rtm->rtm_type == RTN_BROADCAST || rtm->rtm_type == RTN_MULTICAST)
        return MNL_CB_OK;
    mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
    unsigned oif = tb[RTA_OIF] ? mnl_attr_get_u32(tb[RTA_OIF]) : 0;
    char dev[IF_NAMESIZE] = "?";
    if (oif)
        if_indextoname(oif, dev);
    /* A default route overlaps everything; it is not a subnet in use. */
    if (rtm->rtm_dst_len == 0)
        return MNL_CB_OK;
    if (!w->c || w->found || (w->skip_index && oif == w->skip_index))
        return MNL_CB_OK;
    struct nb_cidr4 r = {0, rtm->rtm_dst_len};
    if (tb[RTA_DST])
        r.addr = ntohl(mnl_attr_get_u32(tb[RTA_DST]));
    if (nb_cidr4_overlap(&r, w->c)) {
        char a[INET_ADDRSTRLEN + 3];
        nb_format_cidr4(a, &r);
        /* may truncate: names the route in a message */
        snprintf(w->what, w->what_len, "%s dev %s", a, dev);
        w->found = 1;
    }
    return MNL_CB_OK;
}

static int route_dump(struct route_walk *w, xo_err *err)
{
    char buf[NB_NL_BUF] = {0};
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETROUTE;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
    rtm->rtm_family = AF_INET;
    /* rtnetlink's route dump ignores NLM_F_ACK and ends with NLMSG_DONE;
     * talk() adds the flag, which the kernel accepts. */
    return talk(nlh, route_cb, w, "reading the host's routes", err);
}

int nb_route4_overlap(const struct nb_cidr4 *c, const char *skip_dev,
                      char *what, size_t what_len, xo_err *err)
{
    struct route_walk w = {.c = c, .what = what, .what_len = what_len};
    if (skip_dev)
        w.skip_index = nb_link_index(skip_dev);
    if (route_dump(&w, err) < 0)
        return -1;
    return w.found;
}

int nb_sysctl_write(const char *path, const char *value, xo_err *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    int r = xo_write_all(fd, value, strlen(value));
    int saved = errno;
    close(fd);
    if (r < 0) {
        errno = saved;
        return xo_err_sys(err, "cannot write %s to %s", value, path);
    }
    return 0;
}

int nb_sysctl_read1(const char *path, char *c, xo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    ssize_t n = read(fd, c, 1);
    int saved = errno;
    close(fd);
    if (n != 1) {
        errno = n < 0 ? saved : EIO;
        return xo_err_sys(err, "cannot read %s", path);
    }
    return 0;
}

int nb_sysctl_dev_path(char *path, size_t size, const char *family,
                       const char *dev, const char *key, xo_err *err)
{
    if (xo_path_fmt(path, size, err, "/proc/sys/net/%s/conf/%s/%s", family, dev,
                    key) < 0)
        return xo_err_wrap(err, "sysctl %s of %s", key, dev);
    return 0;
}

int nb_sysctl_dev(const char *family, const char *dev, const char *key,
                  const char *value, xo_err *err)
{
    char path[256];
    if (nb_sysctl_dev_path(path, sizeof(path), family, dev, key, err) < 0)
        return -1;
    return nb_sysctl_write(path, value, err);
}
