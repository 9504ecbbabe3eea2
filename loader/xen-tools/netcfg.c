/* netcfg.c: interfaces, routes and /etc files (see netcfg.h). */
#include "loader/xen-tools/netcfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
/* After netinet/in.h, which it defers to for the common definitions. */
#include <linux/ipv6.h>

#include "common/etc_files.h"
#include "common/fileio.h"
#include "common/inet.h"
#include "common/pathfmt.h"
#include "loader/xen-tools/frontends.h"
#include "loader/xen-tools/report.h"
#include "loader/xen-tools/safepath.h"

static int parse_mac(const char *s, unsigned char mac[6])
{
    unsigned v[6];
    char tail;
    if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1],
                                  &v[2], &v[3], &v[4], &v[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (unsigned char)v[i];
    return 0;
}

/* "a.b.c.d/N" -> address and netmask (common/inet.h's grammar, which the
 * boot spec reader already checked). */
static int parse_cidr(const char *s, struct in_addr *addr, struct in_addr *mask)
{
    unsigned plen;
    if (xo_inet_parse_cidr(addr, &plen, AF_INET, s, 1, NULL) < 0)
        return -1;
    mask->s_addr = htonl(0xffffffffU << (32 - plen));
    return 0;
}

/* "X::Y/N" -> address and prefix length (the reader checked the syntax). */
static int parse_cidr6(const char *s, struct in6_addr *addr, unsigned *plen)
{
    return xo_inet_parse_cidr(addr, plen, AF_INET6, s, 1, NULL);
}

static void set_sin(struct sockaddr *sa, struct in_addr a)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = a};
    memcpy(sa, &sin, sizeof(sin));
}

static int if_up(int sk, const char *name, xo_err *err)
{
    struct ifreq ifr = {0};
    if (xo_path_fmt(ifr.ifr_name, IFNAMSIZ, err, "%s", name) < 0)
        return xo_err_wrap(err, "interface name");
    if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
        return xo_err_sys(err, "interface %s: get flags", name);
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
        return xo_err_sys(err, "interface %s: up", name);
    return 0;
}

/* Finds the interface whose hardware address is `mac`. */
static int find_by_mac(int sk, const unsigned char mac[6], char *name)
{
    struct if_nameindex *ifs = if_nameindex();
    if (!ifs)
        return -1;
    int found = -1;
    for (struct if_nameindex *i = ifs; i->if_index && found < 0; i++) {
        struct ifreq ifr = {0};
        /* The kernel's names fit IFNAMSIZ; one that did not is skipped. */
        if (xo_path_fmt(ifr.ifr_name, IFNAMSIZ, NULL, "%s", i->if_name) >= 0 &&
            ioctl(sk, SIOCGIFHWADDR, &ifr) == 0 &&
            !memcmp(ifr.ifr_hwaddr.sa_data, mac, 6) &&
            xo_path_fmt(name, IFNAMSIZ, NULL, "%s", i->if_name) >= 0)
            found = 0;
    }
    if_freenameindex(ifs);
    return found;
}

/*
 * xen-netfront creates its interfaces when it connects to the backend,
 * after the module is loaded: wait for the MAC to show up.  A vif added
 * while the kernel booted (a late network's, at start) may have been
 * missed: after a while the kernel is asked to look again (frontends.h).
 */
static int wait_by_mac(int sk, const unsigned char mac[6], char *name,
                       unsigned wait_ms)
{
    struct timespec step = {0, 5 * 1000 * 1000};
    for (unsigned waited = 0;; waited += 5) {
        if (find_by_mac(sk, mac, name) == 0)
            return 0;
        if (waited >= wait_ms)
            return -1;
        if (waited == FRONTENDS_NUDGE_AFTER_MS && frontends_nudge("vif") > 0)
            report_marker(
                "a network interface the kernel had not probed: asked again");
        nanosleep(&step, NULL);
    }
}

/*
 * Duplicate address detection would keep a new IPv6 address tentative
 * (unusable) for a second or more; the host hands out every address, so
 * none can be duplicate on the network: turn it off for this interface,
 * which is what `ip addr add ... nodad` does per address.
 */
static int no_dad(const char *name, xo_err *err)
{
    char path[96];
    if (xo_path_fmt(path, sizeof(path), err,
                    "/proc/sys/net/ipv6/conf/%s/accept_dad", name) < 0)
        return xo_err_wrap(err, "interface %s", name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "interface %s: IPv6 not available (%s)", name,
                          path);
    int r = xo_write_all(fd, "0\n", 2);
    close(fd);
    return r < 0 ? xo_err_sys(err, "interface %s: write %s", name, path) : 0;
}

static int setup_ipv6(const char *name, const struct bs_iface *f, xo_err *err)
{
    struct in6_addr addr, gw;
    unsigned plen;
    if (parse_cidr6(f->address6, &addr, &plen) < 0)
        return xo_err_set(err, EINVAL,
                          "interface %s: address6 %s: not IPv6/prefix", f->mac,
                          f->address6);
    if (f->gateway6 && xo_inet_parse(&gw, AF_INET6, f->gateway6, NULL) < 0)
        return xo_err_set(err, EINVAL,
                          "interface %s: gateway6 %s: not an IPv6 address",
                          f->mac, f->gateway6);
    int sk = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sk < 0)
        return xo_err_sys(err, "interface %s: IPv6 socket", name);
    int rc = 0;
    struct in6_ifreq ifr6 = {.ifr6_addr = addr,
                             .ifr6_prefixlen = plen,
                             .ifr6_ifindex = (int)if_nametoindex(name)};
    if (no_dad(name, err) < 0)
        rc = -1;
    else if (ioctl(sk, SIOCSIFADDR, &ifr6) < 0 && errno != EEXIST)
        rc =
            xo_err_sys(err, "interface %s: set address6 %s", name, f->address6);
    if (rc == 0 && f->gateway6) {
        struct in6_rtmsg rt = {.rtmsg_gateway = gw,
                               .rtmsg_flags = RTF_UP | RTF_GATEWAY,
                               .rtmsg_metric = 1,
                               .rtmsg_ifindex = ifr6.ifr6_ifindex};
        if (ioctl(sk, SIOCADDRT, &rt) < 0 && errno != EEXIST)
            rc = xo_err_sys(err, "interface %s: IPv6 default route via %s",
                            name, f->gateway6);
    }
    close(sk);
    return rc;
}

static int setup_iface(int sk, const struct bs_iface *f, unsigned wait_ms,
                       char name[IFNAMSIZ], xo_err *err)
{
    unsigned char mac[6];
    struct in_addr addr = {0}, mask = {0}, gw = {0};
    if (parse_mac(f->mac, mac) < 0)
        return xo_err_set(err, EINVAL, "interface mac %s: not a MAC address",
                          f->mac);
    if (f->address && parse_cidr(f->address, &addr, &mask) < 0)
        return xo_err_set(err, EINVAL,
                          "interface %s: address %s: not IPv4/prefix", f->mac,
                          f->address);
    if (f->gateway && xo_inet_parse(&gw, AF_INET, f->gateway, NULL) < 0)
        return xo_err_set(err, EINVAL,
                          "interface %s: gateway %s: not an IPv4 address",
                          f->mac, f->gateway);
    if (wait_by_mac(sk, mac, name, wait_ms) < 0)
        return xo_err_set(err, ENODEV, "no network interface with MAC %s",
                          f->mac);
    if (f->mtu) {
        struct ifreq ifr = {0};
        if (xo_path_fmt(ifr.ifr_name, IFNAMSIZ, err, "%s", name) < 0)
            return -1;
        ifr.ifr_mtu = (int)f->mtu;
        if (ioctl(sk, SIOCSIFMTU, &ifr) < 0)
            return xo_err_sys(err, "interface %s: set MTU %u", name, f->mtu);
    }
    if (f->address) {
        struct ifreq ifr = {0};
        if (xo_path_fmt(ifr.ifr_name, IFNAMSIZ, err, "%s", name) < 0)
            return -1;
        set_sin(&ifr.ifr_addr, addr);
        if (ioctl(sk, SIOCSIFADDR, &ifr) < 0)
            return xo_err_sys(err, "interface %s: set address %s", name,
                              f->address);
        set_sin(&ifr.ifr_netmask, mask);
        if (ioctl(sk, SIOCSIFNETMASK, &ifr) < 0)
            return xo_err_sys(err, "interface %s: set netmask", name);
    }
    if (if_up(sk, name, err) < 0)
        return -1;
    if (f->gateway) {
        struct rtentry rt = {0};
        struct in_addr any = {0};
        set_sin(&rt.rt_dst, any);
        set_sin(&rt.rt_genmask, any);
        set_sin(&rt.rt_gateway, gw);
        rt.rt_flags = RTF_UP | RTF_GATEWAY;
        rt.rt_dev = name;
        if (ioctl(sk, SIOCADDRT, &rt) < 0 && errno != EEXIST)
            return xo_err_sys(err, "interface %s: default route via %s", name,
                              f->gateway);
    }
    if (f->address6 && setup_ipv6(name, f, err) < 0)
        return -1;
    return 0;
}

/* Appends "ADDR/PREFIX" to a space-separated list, at most `max` items. */
static void list_add(char *list, size_t len, unsigned *n, unsigned max,
                     int family, const void *addr, unsigned plen)
{
    char a[INET6_ADDRSTRLEN];
    if (*n >= max || !inet_ntop(family, addr, a, sizeof(a)))
        return;
    size_t used = strlen(list);
    /* An entry that does not fit is left out whole, never cut. */
    if (xo_path_fmt(list + used, len - used, NULL, "%s%s/%u", used ? " " : "",
                    a, plen) >= 0)
        (*n)++;
}

static unsigned mask_len(const struct sockaddr *sa)
{
    unsigned n = 0;
    if (sa->sa_family == AF_INET) {
        uint32_t m = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
        for (; m & 0x80000000U; m <<= 1)
            n++;
    } else {
        const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        for (int i = 0; i < 16 && b[i] == 0xff; i++)
            n += 8;
        for (uint8_t c = n < 128 ? b[n / 8] : 0; c & 0x80; c <<= 1)
            n++;
    }
    return n;
}

/*
 * Reports what the kernel now holds on interface `index` (name): its
 * IPv4 and global IPv6 addresses, read back with getifaddrs(), so the
 * report says what was configured, not what was asked for.
 */
static void report_iface(size_t index, const char *name, const char *mac)
{
    char v4[GUEST_REPORT_VALUE_MAX + 1] = "",
                                     v6[GUEST_REPORT_VALUE_MAX + 1] = "";
    unsigned n4 = 0, n6 = 0;
    struct ifaddrs *ifs = NULL;
    if (getifaddrs(&ifs) == 0) {
        for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
            if (!i->ifa_addr || !i->ifa_netmask || strcmp(i->ifa_name, name))
                continue;
            if (i->ifa_addr->sa_family == AF_INET) {
                const struct sockaddr_in *a = (void *)i->ifa_addr;
                list_add(v4, sizeof(v4), &n4, GUEST_REPORT_NET_MAX_ADDRS,
                         AF_INET, &a->sin_addr, mask_len(i->ifa_netmask));
            } else if (i->ifa_addr->sa_family == AF_INET6) {
                const struct sockaddr_in6 *a = (void *)i->ifa_addr;
                /* fe80::/10 is the kernel's own, not configured by us. */
                if (IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr))
                    continue;
                list_add(v6, sizeof(v6), &n6, GUEST_REPORT_NET_MAX_ADDRS,
                         AF_INET6, &a->sin6_addr, mask_len(i->ifa_netmask));
            }
        }
        freeifaddrs(ifs);
    }
    report_net(index, mac, v4, v6);
}

int netcfg_setup(const struct boot_spec *spec, unsigned wait_ms, xo_err *err)
{
    if (sethostname(spec->hostname, strlen(spec->hostname)) < 0)
        return xo_err_sys(err, "sethostname %s", spec->hostname);
    int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sk < 0)
        return xo_err_sys(err, "socket");
    int rc = if_up(sk, "lo", err);
    char names[BS_MAX_IFACES][IFNAMSIZ];
    for (size_t i = 0; i < spec->nifaces && rc == 0; i++)
        rc = setup_iface(sk, &spec->ifaces[i], wait_ms, names[i], err);
    close(sk);
    for (size_t i = 0; i < spec->nifaces && rc == 0; i++)
        report_iface(i, names[i], spec->ifaces[i].mac);
    return rc;
}

int netcfg_write_files(const struct boot_spec *spec, int rootfd, xo_err *err)
{
    /* Written with or without a network, so that the runtime, not the
     * image's build host, owns them (common/etc_files.h). */
    char buf[XO_ETC_MAX];
    int n = xo_etc_hostname(buf, sizeof(buf), spec->hostname);
    if (n < 0 || (!bs_subpath_mount_at(spec, "/etc/" XO_ETC_HOSTNAME) &&
                  safepath_write(rootfd, "/etc/" XO_ETC_HOSTNAME, buf,
                                 (size_t)n, 0644, err) < 0))
        return n < 0 ? xo_err_set(err, E2BIG, "/etc/hostname: too long") : -1;

    /* The first interface with an address names this host in /etc/hosts. */
    const char *self = NULL;
    for (size_t i = 0; i < spec->nifaces && !self; i++)
        self = spec->ifaces[i].address;
    n = xo_etc_hosts(buf, sizeof(buf), spec->hostname, self);
    if (n < 0 || (!bs_subpath_mount_at(spec, "/etc/" XO_ETC_HOSTS) &&
                  safepath_write(rootfd, "/etc/" XO_ETC_HOSTS, buf, (size_t)n,
                                 0644, err) < 0))
        return n < 0 ? xo_err_set(err, E2BIG, "/etc/hosts: too long") : -1;

    for (size_t i = 0; i < spec->ndns; i++) {
        if (!xo_inet_valid(AF_INET, spec->dns[i]) &&
            !xo_inet_valid(AF_INET6, spec->dns[i]))
            return xo_err_set(err, EINVAL, "dns %s: not an IP address",
                              spec->dns[i]);
    }
    /* With the forwarder (dnsfwd.h), only its address, as Docker's. */
    static const char *const forward[] = {BOOT_SPEC_DNS_FORWARD_ADDR, NULL};
    n = xo_etc_resolv_conf(
        buf, sizeof(buf), spec->dns_forward ? forward : spec->dns,
        spec->dns_forward ? 1 : spec->ndns, spec->search, spec->nsearch);
    if (n < 0)
        return xo_err_set(err, E2BIG, "/etc/resolv.conf: too long");
    /* The runtime spec's own (CRI's), bound there, wins. */
    if (bs_subpath_mount_at(spec, "/etc/" XO_ETC_RESOLV_CONF))
        return 0;
    return safepath_write(rootfd, "/etc/" XO_ETC_RESOLV_CONF, buf, (size_t)n,
                          0644, err);
}
