/* port_probe.c: a published port's host side, tried with bind(2) (see
 * port_probe.h). */
#include "netback/port_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One bind of `sa`: 1 in use, 0 free (or not ours to judge), -1 error. */
static int try_bind(int family, const struct sockaddr *sa, socklen_t len,
                    bool udp, xo_err *err)
{
    int fd = socket(family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == EAFNOSUPPORT)
            return 0; /* no IPv6 here: nothing can listen on it */
        return xo_err_sys(err, "cannot make a socket to probe a port");
    }
    int one = 1;
    if (!udp)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6) /* [::] alone: 0.0.0.0 is probed on its own */
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    int r = bind(fd, sa, len) == 0 ? 0 : errno;
    close(fd);
    if (r == 0 || r == EADDRNOTAVAIL)
        return 0;
    if (r == EADDRINUSE)
        return 1;
    errno = r;
    return xo_err_sys(err, "cannot probe the port by binding it");
}

int nb_port_in_use(const struct xo_port_spec *p, bool *in_use_r, xo_err *err)
{
    *in_use_r = false;
    struct sockaddr_in v4 = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)p->host_port)};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6,
                              .sin6_port = htons((uint16_t)p->host_port),
                              .sin6_addr = IN6ADDR_ANY_INIT};
    int r = 0;
    if (p->family != AF_INET6) {
        if (p->family == AF_INET &&
            inet_pton(AF_INET, p->host_ip, &v4.sin_addr) != 1)
            return xo_err_set(err, EINVAL, "bad host address %s", p->host_ip);
        r = try_bind(AF_INET, (struct sockaddr *)&v4, sizeof(v4), p->udp, err);
    }
    if (r == 0 && p->family != AF_INET) {
        if (p->family == AF_INET6 &&
            inet_pton(AF_INET6, p->host_ip, &v6.sin6_addr) != 1)
            return xo_err_set(err, EINVAL, "bad host address %s", p->host_ip);
        r = try_bind(AF_INET6, (struct sockaddr *)&v6, sizeof(v6), p->udp, err);
    }
    if (r < 0)
        return -1;
    *in_use_r = r > 0;
    return 0;
}
