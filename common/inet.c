/* inet.c: IP address and ADDR/PREFIX text (see inet.h). */
#include "common/inet.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

static const char *family_name(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

int xo_inet_parse(void *addr_r, int family, const char *s, xo_err *err)
{
    unsigned char a[sizeof(struct in6_addr)];
    if (family != AF_INET && family != AF_INET6)
        return xo_err_set(err, EAFNOSUPPORT, "address family %d", family);
    if (!s || strnlen(s, INET6_ADDRSTRLEN) >= INET6_ADDRSTRLEN ||
        inet_pton(family, s, a) != 1)
        return xo_err_set(err, EINVAL, "\"%.*s\" is not an %s address",
                          INET6_ADDRSTRLEN, s ? s : "", family_name(family));
    if (addr_r)
        memcpy(addr_r, a,
               family == AF_INET ? sizeof(struct in_addr)
                                 : sizeof(struct in6_addr));
    return 0;
}

bool xo_inet_valid(int family, const char *s)
{
    return xo_inet_parse(NULL, family, s, NULL) == 0;
}

int xo_inet_parse_cidrn(void *addr_r, unsigned *prefix_r, int family,
                        const char *s, size_t len, unsigned min_prefix,
                        xo_err *err)
{
    const char *fam = family_name(family);
    unsigned max = family == AF_INET6 ? 128 : 32;
    if (len > XO_INET_CIDR_MAX)
        return xo_err_set(err, EINVAL,
                          "\"%.*s...\" is longer than an %s address/prefix",
                          XO_INET_CIDR_MAX, s, fam);
    if (memchr(s, '\0', len))
        return xo_err_set(err, EINVAL, "\"%s\" holds a NUL", s);
    const char *slash = memchr(s, '/', len);
    if (!slash)
        return xo_err_set(err, EINVAL, "\"%.*s\" has no /PREFIX", (int)len, s);
    char addr[XO_INET_CIDR_MAX + 1];
    size_t alen = (size_t)(slash - s), plen_len = len - alen - 1;
    memcpy(addr, s, alen);
    addr[alen] = '\0';
    if (xo_inet_parse(addr_r, family, addr, NULL) < 0)
        return xo_err_set(err, EINVAL, "\"%.*s\": \"%s\" is not an %s address",
                          (int)len, s, addr, fam);
    unsigned plen = 0;
    bool digits =
        plen_len > 0 && plen_len <= 3 && !(slash[1] == '0' && plen_len > 1);
    for (size_t i = 1; digits && i <= plen_len; i++) {
        if (slash[i] < '0' || slash[i] > '9')
            digits = false;
        else
            plen = plen * 10 + (unsigned)(slash[i] - '0');
    }
    if (!digits || plen < min_prefix || plen > max)
        return xo_err_set(
            err, EINVAL,
            "\"%.*s\": prefix \"%.*s\" is not a number from %u to %u", (int)len,
            s, (int)plen_len, slash + 1, min_prefix, max);
    if (prefix_r)
        *prefix_r = plen;
    return 0;
}

int xo_inet_parse_cidr(void *addr_r, unsigned *prefix_r, int family,
                       const char *s, unsigned min_prefix, xo_err *err)
{
    if (!s)
        return xo_err_set(err, EINVAL, "no %s address/prefix",
                          family_name(family));
    return xo_inet_parse_cidrn(addr_r, prefix_r, family, s,
                               strnlen(s, XO_INET_CIDR_MAX + 1), min_prefix,
                               err);
}

/* The value of hex digit c, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int xo_mac_parse(unsigned char mac_r[6], const char *s)
{
    unsigned char m[6];
    if (!s || strnlen(s, 18) != 17)
        return -1;
    for (int i = 0; i < 6; i++) {
        int hi = hex_value(s[i * 3]), lo = hex_value(s[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
            return -1;
        m[i] = (unsigned char)(hi << 4 | lo);
    }
    if (mac_r)
        memcpy(mac_r, m, sizeof(m));
    return 0;
}

bool xo_mac_valid_unicast(const char *s)
{
    unsigned char m[6];
    return xo_mac_parse(m, s) == 0 && (m[0] & 1) == 0;
}

bool xo_dns_name_valid(const char *s, size_t max)
{
    size_t n = s ? strnlen(s, max + 1) : 0, label = 0;
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (isalnum((unsigned char)s[i]) || s[i] == '-') {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return label > 0;
}
