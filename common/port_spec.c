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
        "\"%s\" is not [HOSTIP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]", spec);
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

/* A port, or a range "LO-HI" (LO <= HI), of 1..65535; false if neither. */
static bool parse_range(const char *s, unsigned *lo_r, unsigned *hi_r)
{
    const char *dash = strchr(s, '-');
    if (!dash) {
        *lo_r = *hi_r = parse_port(s);
        return *lo_r != 0;
    }
    char lo[8];
    if ((size_t)(dash - s) >= sizeof(lo))
        return false;
    memcpy(lo, s, (size_t)(dash - s));
    lo[dash - s] = '\0';
    *lo_r = parse_port(lo);
    *hi_r = parse_port(dash + 1);
    return *lo_r && *hi_r && *lo_r <= *hi_r;
}

/* One oci_ports entry, taken apart: p gets the address and protocol;
 * host and container ports are ranges (host 0-0: not given). */
struct entry {
    struct xo_port_spec p;
    unsigned host_lo, host_hi, ctr_lo, ctr_hi;
};

static int parse_entry(struct entry *e, const char *spec, xo_err *err)
{
    size_t len = spec ? strnlen(spec, XO_PORT_SPEC_MAX + 1) : 0;
    if (!spec || len > XO_PORT_SPEC_MAX)
        return xo_err_set(err, EINVAL, "\"%.*s...\": longer than %d bytes",
                          XO_PORT_SPEC_MAX, spec ? spec : "", XO_PORT_SPEC_MAX);
    char buf[XO_PORT_SPEC_MAX + 1];
    memcpy(buf, spec, len + 1);
    memset(e, 0, sizeof(*e));
    e->p.family = AF_UNSPEC;

    char *proto = strchr(buf, '/');
    if (proto) {
        *proto++ = '\0';
        if (strcmp(proto, "udp") == 0)
            e->p.udp = true;
        else if (strcmp(proto, "tcp") != 0)
            return xo_err_set(err, EINVAL,
                              "\"%s\": protocol \"%s\" is not tcp or udp", spec,
                              proto);
    }
    if (!buf[0])
        return not_spec(spec, err);
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
    /* CONTAINERPORT alone, HOSTPORT:CONTAINERPORT, HOSTIP:HOSTPORT:...;
     * after [HOSTIP6]: the two last. */
    if (n == 3 && !addr) {
        addr = fields[0];
        family = AF_INET;
    } else if (n > 2 || (n == 1 && addr)) {
        return not_spec(spec, err);
    }
    if (addr && parse_host(&e->p, family, addr, spec, err) < 0)
        return -1;
    /* An empty HOSTPORT ("HOSTIP::80") is one chosen at publish time. */
    const char *host = n >= 2 ? fields[n - 2] : "";
    if (host[0] && !parse_range(host, &e->host_lo, &e->host_hi))
        return xo_err_set(
            err, EINVAL,
            "\"%s\": host port \"%s\" is not a number from 1 to 65535 or a range LOW-HIGH of them",
            spec, host);
    if (!parse_range(fields[n - 1], &e->ctr_lo, &e->ctr_hi))
        return xo_err_set(
            err, EINVAL,
            "\"%s\": container port \"%s\" is not a number from 1 to 65535 or a range LOW-HIGH of them",
            spec, fields[n - 1]);
    /* Docker's rule: ranges of one size map port to port; a host range
     * for one container port is where one host port is chosen. */
    if (e->host_lo && e->ctr_lo != e->ctr_hi &&
        e->host_hi - e->host_lo != e->ctr_hi - e->ctr_lo)
        return xo_err_set(
            err, EINVAL,
            "\"%s\": the host range %s has %u ports and the container range %s %u (give ranges of one size, or one container port)",
            spec, host, e->host_hi - e->host_lo + 1, fields[n - 1],
            e->ctr_hi - e->ctr_lo + 1);
    return 0;
}

/* The k-th mapping of entry e. */
static struct xo_port_spec entry_spec(const struct entry *e, unsigned k)
{
    struct xo_port_spec p = e->p;
    p.container_port = e->ctr_lo + k;
    if (e->host_lo && e->ctr_lo != e->ctr_hi)
        p.host_port = e->host_lo + k;
    else if (e->host_lo && e->host_lo == e->host_hi)
        p.host_port = e->host_lo;
    else if (e->host_lo) {
        p.host_first = e->host_lo;
        p.host_last = e->host_hi;
    }
    return p;
}

int xo_port_spec_parse(struct xo_port_spec *p_r, const char *spec, xo_err *err)
{
    struct entry e;
    if (parse_entry(&e, spec, err) < 0)
        return -1;
    if (e.ctr_lo != e.ctr_hi)
        return xo_err_set(
            err, EINVAL,
            "\"%s\": a range of container ports is more than one port here",
            spec);
    *p_r = entry_spec(&e, 0);
    return 0;
}

int xo_port_spec_expand(struct xo_port_spec *out, size_t room, size_t *n_r,
                        const char *spec, xo_err *err)
{
    struct entry e;
    if (parse_entry(&e, spec, err) < 0)
        return -1;
    size_t n = (size_t)(e.ctr_hi - e.ctr_lo) + 1;
    if (n > room)
        return xo_err_set(err, E2BIG,
                          "\"%s\": %zu ports, more than the %zu left of %d",
                          spec, n, room, XO_PORT_SPEC_MAX_PORTS);
    for (size_t k = 0; k < n; k++)
        out[k] = entry_spec(&e, (unsigned)k);
    *n_r = n;
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
    char host[24] = "";
    if (p->host_port)
        /* cannot truncate: an unsigned in 24 bytes */
        snprintf(host, sizeof(host), "%u", p->host_port);
    else if (p->host_first)
        /* cannot truncate: two unsigneds and a dash in 24 bytes */
        snprintf(host, sizeof(host), "%u-%u", p->host_first, p->host_last);
    /* A port to choose with no host address is the container port alone,
     * as Docker's "-p 80"; with one, "HOSTIP::80". */
    bool bare = !host[0] && !p->host_ip[0];
    /* may truncate: only past 1 + 45 + 2 + 11 + 1 + 5 + 4 bytes and the
     * NUL, which ports of 1..65535 never reach */
    snprintf(out, XO_PORT_SPEC_TEXT, "%s%s%s%s%s%u/%s", v6 ? "[" : "",
             p->host_ip,
             v6              ? "]:"
             : p->host_ip[0] ? ":"
                             : "",
             host, bare ? "" : ":", p->container_port, xo_port_spec_proto(p));
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
    if (a->udp != b->udp || a->host_port != b->host_port || !a->host_port)
        return false;
    if (a->family == AF_UNSPEC || b->family == AF_UNSPEC)
        return true;
    if (a->family != b->family)
        return false;
    const char *x = xo_port_spec_host_addr(a), *y = xo_port_spec_host_addr(b);
    return !x || !y || strcmp(x, y) == 0;
}
