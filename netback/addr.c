/* addr.c: address arithmetic and names for netback (see addr.h). */
#include "netback/addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/inet.h"
#include "netback/netback.h"
#include "verifier/digest.h"

int nb_parse_ipv4(uint32_t *addr_r, const char *s)
{
    struct in_addr a;
    if (xo_inet_parse(&a, AF_INET, s, NULL) < 0)
        return -1;
    *addr_r = ntohl(a.s_addr);
    return 0;
}

void nb_format_ipv4(char out[INET_ADDRSTRLEN], uint32_t addr)
{
    struct in_addr a = {.s_addr = htonl(addr)};
    inet_ntop(AF_INET, &a, out, INET_ADDRSTRLEN);
}

uint32_t nb_cidr4_mask(unsigned prefix)
{
    return prefix == 0 ? 0 : (uint32_t)(0xffffffffu << (32 - prefix));
}

int nb_parse_cidr4(struct nb_cidr4 *c_r, const char *s, unsigned min_prefix,
                   unsigned max_prefix, const char *what, xo_err *err)
{
    /* The grammar every side shares (common/inet.h); the message is
     * netback's own, naming the option. */
    struct in_addr a;
    unsigned prefix;
    if (!s || xo_inet_parse_cidr(&a, &prefix, AF_INET, s, 0, NULL) < 0)
        return xo_err_set(err, EINVAL,
                          "%s \"%s\" is not an IPv4 subnet (A.B.C.D/N)", what,
                          s ? s : "");
    uint32_t addr = ntohl(a.s_addr);
    if (prefix < min_prefix || prefix > max_prefix)
        return xo_err_set(err, EINVAL,
                          "%s \"%s\": the prefix length must be %u to %u", what,
                          s, min_prefix, max_prefix);
    uint32_t mask = nb_cidr4_mask(prefix);
    if (addr & ~mask) {
        char net[INET_ADDRSTRLEN];
        nb_format_ipv4(net, addr & mask);
        return xo_err_set(err, EINVAL,
                          "%s \"%s\" has host bits set (the subnet is %s/%u)",
                          what, s, net, prefix);
    }
    c_r->addr = addr;
    c_r->prefix = prefix;
    return 0;
}

void nb_format_cidr4(char out[INET_ADDRSTRLEN + 3], const struct nb_cidr4 *c)
{
    char a[INET_ADDRSTRLEN];
    nb_format_ipv4(a, c->addr);
    /* cannot truncate: 15 bytes, '/', at most 2 digits and the NUL */
    snprintf(out, INET_ADDRSTRLEN + 3, "%s/%u", a, c->prefix);
}

uint32_t nb_cidr4_broadcast(const struct nb_cidr4 *c)
{
    return c->addr | ~nb_cidr4_mask(c->prefix);
}

bool nb_cidr4_contains(const struct nb_cidr4 *c, uint32_t addr)
{
    return (addr & nb_cidr4_mask(c->prefix)) == c->addr;
}

bool nb_cidr4_overlap(const struct nb_cidr4 *a, const struct nb_cidr4 *b)
{
    unsigned p = a->prefix < b->prefix ? a->prefix : b->prefix;
    uint32_t m = nb_cidr4_mask(p);
    return (a->addr & m) == (b->addr & m);
}

bool nb_cidr4_is_host(const struct nb_cidr4 *c, uint32_t addr)
{
    return nb_cidr4_contains(c, addr) && addr != c->addr &&
           addr != nb_cidr4_broadcast(c);
}

int nb_parse_prefix6(struct in6_addr *prefix_r, const char *s, const char *what,
                     xo_err *err)
{
    struct in6_addr a;
    unsigned plen;
    if (!s || xo_inet_parse_cidr(&a, &plen, AF_INET6, s, 0, NULL) < 0)
        return xo_err_set(err, EINVAL,
                          "%s \"%s\" is not an IPv6 prefix (PREFIX::/64)", what,
                          s ? s : "");
    if (plen != 64)
        return xo_err_set(
            err, EINVAL, "%s \"%s\": only /64 prefixes are supported", what, s);
    for (int i = 8; i < 16; i++)
        if (a.s6_addr[i])
            return xo_err_set(err, EINVAL, "%s \"%s\" has host bits set", what,
                              s);
    if (a.s6_addr[0] == 0xff ||
        (a.s6_addr[0] == 0xfe && (a.s6_addr[1] & 0xc0) == 0x80))
        return xo_err_set(err, EINVAL,
                          "%s \"%s\" is a multicast or link-local prefix", what,
                          s);
    *prefix_r = a;
    return 0;
}

const char *nb_cidr4_special(const struct nb_cidr4 *c)
{
    static const struct {
        uint32_t addr;
        unsigned prefix;
        const char *text;
    } blocks[] = {
        {0x00000000u, 8, "0.0.0.0/8 (this network)"},
        {0x7f000000u, 8, "127.0.0.0/8 (loopback)"},
        {0xa9fe0000u, 16, "169.254.0.0/16 (link-local)"},
        {0xe0000000u, 4, "224.0.0.0/4 (multicast)"},
        {0xf0000000u, 4, "240.0.0.0/4 (reserved and broadcast)"},
    };
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
        struct nb_cidr4 b = {blocks[i].addr, blocks[i].prefix};
        if (nb_cidr4_overlap(&b, c))
            return blocks[i].text;
    }
    return NULL;
}

void nb_ipv6_host(struct in6_addr *out, const struct in6_addr *prefix,
                  uint32_t host)
{
    *out = *prefix;
    memset(out->s6_addr + 8, 0, 8);
    out->s6_addr[12] = (uint8_t)(host >> 24);
    out->s6_addr[13] = (uint8_t)(host >> 16);
    out->s6_addr[14] = (uint8_t)(host >> 8);
    out->s6_addr[15] = (uint8_t)host;
}

void nb_ipv6_link_local(struct in6_addr *out, const uint8_t mac[6])
{
    memset(out, 0, sizeof(*out));
    out->s6_addr[0] = 0xfe;
    out->s6_addr[1] = 0x80;
    out->s6_addr[8] = mac[0] ^ 0x02;
    out->s6_addr[9] = mac[1];
    out->s6_addr[10] = mac[2];
    out->s6_addr[11] = 0xff;
    out->s6_addr[12] = 0xfe;
    out->s6_addr[13] = mac[3];
    out->s6_addr[14] = mac[4];
    out->s6_addr[15] = mac[5];
}

bool nb_prefix6_contains(const struct in6_addr *prefix,
                         const struct in6_addr *addr)
{
    return memcmp(prefix->s6_addr, addr->s6_addr, 8) == 0;
}

int nb_mac_derive(uint8_t mac[6], const char *container, const char *network,
                  unsigned attempt, xo_err *err)
{
    unsigned char md[DIGEST_BIN_LEN];
    char seed[NETBACK_NAME_MAX + NETBACK_CONTAINER_MAX + 16];
    /* Callers checked both names' lengths; were one longer, the seed would
     * be its first bytes, never read past the buffer. */
    int n =
        snprintf(seed, sizeof(seed), "%s/%s/%u", network, container, attempt);
    if (n < 0 || (size_t)n >= sizeof(seed))
        n = n < 0 ? 0 : (int)sizeof(seed) - 1;
    if (digest_sha256_bin(md, seed, (size_t)n, err) < 0)
        return -1;
    mac[0] = 0x00;
    mac[1] = 0x16;
    mac[2] = 0x3e;
    /* The top bit clear, as libxl's random MACs keep it (xl leaves the
     * upper half of 00:16:3e:80.. to other Xen tools). */
    mac[3] = md[0] & 0x7f;
    mac[4] = md[1];
    mac[5] = md[2];
    return 0;
}

void nb_format_mac(char out[18], const uint8_t mac[6])
{
    /* cannot truncate: 17 bytes and the NUL */
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
             mac[3], mac[4], mac[5]);
}

bool nb_valid_network_name(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > NETBACK_NAME_MAX || s[0] == '-' || s[n - 1] == '-')
        return false;
    /* <root>/networks/lock is the store's lock file (store.c). */
    if (strcmp(s, "lock") == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
              s[i] == '-'))
            return false;
    return true;
}

bool nb_valid_container_name(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > NETBACK_CONTAINER_MAX || s[0] == '-' || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
            return false;
    return true;
}

bool nb_valid_ifname(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > NETBACK_IFNAME_MAX || strcmp(s, ".") == 0 ||
        strcmp(s, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isgraph((unsigned char)s[i]) || s[i] == '/' || s[i] == ':')
            return false;
    return true;
}

int nb_default_bridge(char out[16], const char *network, xo_err *err)
{
    if (strlen(network) <= NETBACK_IFNAME_MAX - 6) {
        /* cannot truncate: the length was checked just above */
        snprintf(out, 16, "xloci-%s", network);
        return 0;
    }
    unsigned char md[DIGEST_BIN_LEN];
    if (digest_sha256_bin(md, network, strlen(network), err) < 0)
        return -1;
    /* cannot truncate: 14 bytes and the NUL */
    snprintf(out, 16, "xloci-%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
    return 0;
}
