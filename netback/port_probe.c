/* port_probe.c: a published port's host side, tried with bind(2) (see
 * port_probe.h). */
#include "netback/port_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Whether an interface has the address `sa` (AF_INET or AF_INET6). */
static bool address_is_local(const struct sockaddr *sa)
{
    struct ifaddrs *all;
    if (getifaddrs(&all) < 0)
        return true; /* cannot tell: not refused for it */
    bool found = false;
    for (struct ifaddrs *i = all; i && !found; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != sa->sa_family)
            continue;
        if (sa->sa_family == AF_INET)
            found =
                ((const struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr ==
                ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
        else
            found =
                !memcmp(&((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
                        &((const struct sockaddr_in6 *)sa)->sin6_addr,
                        sizeof(struct in6_addr));
    }
    freeifaddrs(all);
    return found;
}

/* One bind of `sa`: NB_PORT_* or -1 on error. */
static int try_bind(int family, const struct sockaddr *sa, socklen_t len,
                    bool udp, xo_err *err)
{
    int fd = socket(family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == EAFNOSUPPORT)
            return NB_PORT_FREE; /* no IPv6 here: nothing can listen on it */
        return xo_err_sys(err, "cannot make a socket to probe a port");
    }
    int one = 1;
    if (!udp)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6) /* [::] alone: 0.0.0.0 is probed on its own */
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    int r = bind(fd, sa, len) == 0 ? 0 : errno;
    close(fd);
    if (r == EADDRNOTAVAIL)
        return address_is_local(sa) ? NB_PORT_FREE : NB_PORT_NOT_LOCAL;
    if (r == 0)
        return NB_PORT_FREE;
    if (r == EADDRINUSE)
        return NB_PORT_IN_USE;
    errno = r;
    return xo_err_sys(err, "cannot probe the port by binding it");
}

int nb_port_probe(const struct xo_port_spec *p, enum nb_port_probe *r_out,
                  xo_err *err)
{
    *r_out = NB_PORT_FREE;
    struct sockaddr_in v4 = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)p->host_port)};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6,
                              .sin6_port = htons((uint16_t)p->host_port),
                              .sin6_addr = IN6ADDR_ANY_INIT};
    int r = NB_PORT_FREE;
    if (p->family != AF_INET6) {
        if (p->family == AF_INET &&
            inet_pton(AF_INET, p->host_ip, &v4.sin_addr) != 1)
            return xo_err_set(err, EINVAL, "bad host address %s", p->host_ip);
        r = try_bind(AF_INET, (struct sockaddr *)&v4, sizeof(v4), p->udp, err);
    }
    if (r == NB_PORT_FREE && p->family != AF_INET) {
        if (p->family == AF_INET6 &&
            inet_pton(AF_INET6, p->host_ip, &v6.sin6_addr) != 1)
            return xo_err_set(err, EINVAL, "bad host address %s", p->host_ip);
        r = try_bind(AF_INET6, (struct sockaddr *)&v6, sizeof(v6), p->udp, err);
    }
    if (r < 0)
        return -1;
    *r_out = (enum nb_port_probe)r;
    return 0;
}
