/*
 * addr.h: address arithmetic for netback: IPv4 subnets in host byte order,
 * IPv6 /64 prefixes, deterministic MACs, and the names netback accepts.
 * Pure functions (no I/O), unit tested in tests/unit/test-netback-addr.c.
 */
#ifndef XL_OCI_NETBACK_ADDR_H
#define XL_OCI_NETBACK_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

/* An IPv4 subnet: `addr` is the network address (host bits zero), host
 * byte order; 0 <= prefix <= 32. */
struct nb_cidr4 {
    uint32_t addr;
    unsigned prefix;
};

/* Strict dotted quad ("10.0.0.1"); 0 on success, -1 otherwise. */
int nb_parse_ipv4(uint32_t *addr_r, const char *s);
void nb_format_ipv4(char out[INET_ADDRSTRLEN], uint32_t addr);

/*
 * "A.B.C.D/N" with min_prefix <= N <= max_prefix and no host bits set.
 * `what` names the key or option ("--subnet") for the message.
 */
int nb_parse_cidr4(struct nb_cidr4 *c_r, const char *s, unsigned min_prefix,
                   unsigned max_prefix, const char *what, xo_err *err);
void nb_format_cidr4(char out[INET_ADDRSTRLEN + 3], const struct nb_cidr4 *c);

uint32_t nb_cidr4_mask(unsigned prefix);
uint32_t nb_cidr4_broadcast(const struct nb_cidr4 *c);
bool nb_cidr4_contains(const struct nb_cidr4 *c, uint32_t addr);
bool nb_cidr4_overlap(const struct nb_cidr4 *a, const struct nb_cidr4 *b);
/*
 * The special-purpose block (RFC 6890) `c` overlaps that no network of
 * containers may use: "this network" 0/8, loopback 127/8, link-local
 * 169.254/16, multicast 224/4, reserved and broadcast 240/4.  Its
 * "ADDR/LEN (what)" text, or NULL when `c` overlaps none.
 */
const char *nb_cidr4_special(const struct nb_cidr4 *c);
/* True for an address usable by a host: inside, not network/broadcast. */
bool nb_cidr4_is_host(const struct nb_cidr4 *c, uint32_t addr);

/* "PREFIX::/64" with the low 64 bits zero; `what` as above. */
int nb_parse_prefix6(struct in6_addr *prefix_r, const char *s, const char *what,
                     xo_err *err);
/* The address PREFIX::HOST (host in the low 32 bits). */
void nb_ipv6_host(struct in6_addr *out, const struct in6_addr *prefix,
                  uint32_t host);
/* fe80::/64 with the EUI-64 interface identifier of `mac`, the link-local
 * address a Linux guest gives itself by default (addr_gen_mode 0). */
void nb_ipv6_link_local(struct in6_addr *out, const uint8_t mac[6]);
/* True if `addr` lies in the /64 `prefix`. */
bool nb_prefix6_contains(const struct in6_addr *prefix,
                         const struct in6_addr *addr);

/*
 * The MAC of `container` on `network`: Xen's OUI 00:16:3e, then 23 bits of
 * SHA-256("network/container/attempt"); a caller bumps `attempt` only when
 * the result collides with another lease on the network.  Fails only
 * when libcrypto cannot be opened (digest_sha256_bin()).
 */
int nb_mac_derive(uint8_t mac[6], const char *container, const char *network,
                  unsigned attempt, xo_err *err);
void nb_format_mac(char out[18], const uint8_t mac[6]);

/* Network names: [a-z0-9][a-z0-9-]*, at most NETBACK_NAME_MAX, no trailing
 * '-' (a DNS label); not "lock", the name of the store's lock file. */
bool nb_valid_network_name(const char *s);
/* Container names as domcfg accepts them: [A-Za-z0-9][A-Za-z0-9_.-]*. */
bool nb_valid_container_name(const char *s);
/* Interface names the kernel takes: 1..15 bytes, no '/', ':' or space. */
bool nb_valid_ifname(const char *s);
/* "xloci-<name>" when it fits 15 bytes, else "xloci-" + 8 hex of its
 * SHA-256; fails only when libcrypto cannot be opened for that hash. */
int nb_default_bridge(char out[16], const char *network, xo_err *err);

#endif
