/* port_spec.c: oci_ports entries (see port_spec.h). */
#include "common/port_spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/inet.h"

/* 1..65535, decimal digits only, no leading zero; 0 otherwise. */
static unsigned parse_port(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 5 || s[0] == '0')
        return 0;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    return v <= 65535 ? v : 0;
}

static int not_spec(const char *spec, xo_err *err)
{
    return xo_err_set(
        err, EINVAL,
        "\"%s\" is not HOSTPORT:CONTAINERPORT[/tcp|/udp] or HOSTIP:HOSTPORT:CONTAINERPORT[/tcp|/udp]",
        spec);
}

/* `s` up to its second last ':' is an IPv6 address: an entry written
 * "2001:db8::1:8080:80", which must be "[2001:db8::1]:8080:80". */
static bool bare_ipv6(const char *s)
{
    const char *last = strrchr(s, ':');
    const char *c = last;
    while (c && c > s && *--c != ':')
        ;
    if (!c || c == s || *c != ':' || (size_t)(c - s) >= INET6_ADDRSTRLEN)
        return false;
    char addr[INET6_ADDRSTRLEN];
    memcpy(addr, s, (size_t)(c - s));
    addr[c - s] = '\0';
    return xo_inet_valid(AF_INET6, addr);
}

/* HOSTIP of `family` into p->host_ip, checked. */
static int parse_host(struct xo_port_spec *p, int family, const char *addr,
                      const char *spec, xo_err *err)
{
    struct in6_addr a6;
    struct in_addr a4;
    if (family == AF_INET) {
        if (xo_inet_parse(&a4, AF_INET, addr, NULL) < 0)
            return xo_err_set(
                err, EINVAL,
                "\"%s\": host address \"%s\" is not an IPv4 address", spec,
                addr);
        inet_ntop(AF_INET, &a4, p->host_ip, sizeof(p->host_ip));
    } else {
        if (xo_inet_parse(&a6, AF_INET6, addr, NULL) < 0)
            return xo_err_set(
                err, EINVAL,
                "\"%s\": host address \"%s\" in brackets is not an IPv6 address",
                spec, addr);
        if (IN6_IS_ADDR_LOOPBACK(&a6))
            return xo_err_set(
                err, EINVAL,
                "\"%s\": host address ::1 cannot be published: Linux routes no packet between ::1 and another device (use 127.0.0.1 or one of the host's IPv6 addresses)",
                spec);
        if (IN6_IS_ADDR_V4MAPPED(&a6))
            return xo_err_set(
                err, EINVAL,
                "\"%s\": host address \"%s\" is IPv4-mapped: write the IPv4 address without brackets",
                spec, addr);
        inet_ntop(AF_INET6, &a6, p->host_ip, sizeof(p->host_ip));
    }
    p->family = family;
    return 0;
}

int xo_port_spec_parse(struct xo_port_spec *p_r, const char *spec, xo_err *err)
{
    size_t len = spec ? strnlen(spec, XO_PORT_SPEC_MAX + 1) : 0;
    if (!spec || len > XO_PORT_SPEC_MAX)
        return xo_err_set(err, EINVAL, "\"%.*s...\": longer than %d bytes",
                          XO_PORT_SPEC_MAX, spec ? spec : "", XO_PORT_SPEC_MAX);
    char buf[XO_PORT_SPEC_MAX + 1];
    memcpy(buf, spec, len + 1);
    struct xo_port_spec p = {.family = AF_UNSPEC, .udp = false};

    char *proto = strchr(buf, '/');
    if (proto) {
        *proto++ = '\0';
        if (strcmp(proto, "udp") == 0)
            p.udp = true;
        else if (strcmp(proto, "tcp") != 0)
            return xo_err_set(err, EINVAL,
                              "\"%s\": protocol \"%s\" is not tcp or udp", spec,
                              proto);
    }
    /* "[HOSTIP6]:" comes off first: its address holds colons. */
    char *rest = buf, *addr = NULL;
    int family = AF_UNSPEC;
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (!close)
            return xo_err_set(
                err, EINVAL,
                "\"%s\": \"[\" opens a host address no \"]\" closes", spec);
        if (close[1] != ':')
            return not_spec(spec, err);
        *close = '\0';
        addr = buf + 1;
        rest = close + 2;
        family = AF_INET6;
    } else if (bare_ipv6(buf)) {
        return xo_err_set(
            err, EINVAL,
            "\"%s\": an IPv6 host address goes in brackets: [HOSTIP]:HOSTPORT:CONTAINERPORT",
            spec);
    }
    /* Split at ':' into at most four fields (four is already too many). */
    char *fields[4];
    int n = 0;
    for (char *s = rest;;) {
        fields[n++] = s;
        char *c = strchr(s, ':');
        if (!c || n == 4)
            break;
        *c = '\0';
        s = c + 1;
    }
    if (n == 3 && !addr) {
        addr = fields[0];
        family = AF_INET;
    } else if (n != 2) {
        return not_spec(spec, err);
    }
    if (addr && parse_host(&p, family, addr, spec, err) < 0)
        return -1;
    if (!(p.host_port = parse_port(fields[n - 2])))
        return xo_err_set(
            err, EINVAL,
            "\"%s\": host port \"%s\" is not a number from 1 to 65535", spec,
            fields[n - 2]);
    if (!(p.container_port = parse_port(fields[n - 1])))
        return xo_err_set(
            err, EINVAL,
            "\"%s\": container port \"%s\" is not a number from 1 to 65535",
            spec, fields[n - 1]);
    *p_r = p;
    return 0;
}

const char *xo_port_spec_proto(const struct xo_port_spec *p)
{
    return p->udp ? "udp" : "tcp";
}

void xo_port_spec_format(char out[XO_PORT_SPEC_TEXT],
                         const struct xo_port_spec *p)
{
    bool v6 = p->family == AF_INET6;
    /* cannot truncate: 1 + 45 + 2 + 5 + 1 + 5 + 4 bytes and the NUL */
    snprintf(out, XO_PORT_SPEC_TEXT, "%s%s%s%u:%u/%s", v6 ? "[" : "",
             p->host_ip,
             v6              ? "]:"
             : p->host_ip[0] ? ":"
                             : "",
             p->host_port, p->container_port, xo_port_spec_proto(p));
}

bool xo_port_spec_has_family(const struct xo_port_spec *p, int family)
{
    return p->family == AF_UNSPEC || p->family == family;
}

const char *xo_port_spec_host_addr(const struct xo_port_spec *p)
{
    if (p->family == AF_UNSPEC || strcmp(p->host_ip, "0.0.0.0") == 0 ||
        strcmp(p->host_ip, "::") == 0)
        return NULL;
    return p->host_ip;
}

bool xo_port_spec_clash(const struct xo_port_spec *a,
                        const struct xo_port_spec *b)
{
    if (a->udp != b->udp || a->host_port != b->host_port)
        return false;
    if (a->family == AF_UNSPEC || b->family == AF_UNSPEC)
        return true;
    if (a->family != b->family)
        return false;
    const char *x = xo_port_spec_host_addr(a), *y = xo_port_spec_host_addr(b);
    return !x || !y || strcmp(x, y) == 0;
}
