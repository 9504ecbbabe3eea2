/*
 * inet.h: the one grammar of IP addresses and ADDR/PREFIX text in xl-oci,
 * shared by app.cfg's checks (domcfg), the boot spec reader and the
 * interface setup in the guest (loader/xen-tools), the guest report's
 * validator in dom0 (xl-plugin) and netback, so that what one side writes
 * the other reads.
 *
 * Addresses are inet_pton()'s grammar: a dotted quad of four decimal
 * numbers for AF_INET, RFC 4291 text for AF_INET6.  A prefix length is
 * decimal digits without a sign or leading zero, within min..32 (AF_INET)
 * or min..128 (AF_INET6).  Messages name the value at fault.
 *
 * Also the link-layer and name grammars both sides check: MAC address
 * text and DNS names (search domains, a network's DNS domain).
 */
#ifndef XL_OCI_COMMON_INET_H
#define XL_OCI_COMMON_INET_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* Longest ADDR/PREFIX text: an IPv6 address of 45 bytes, '/', 3 digits. */
#define XO_INET_CIDR_MAX 49

/*
 * Parses address text `s` of `family` (AF_INET or AF_INET6) into addr_r
 * (a struct in_addr or in6_addr, network byte order; may be NULL).
 * Errors (EINVAL): "\"S\" is not an IPv4 address" (or IPv6).
 */
int xo_inet_parse(void *addr_r, int family, const char *s, xo_err *err);

/* True when xo_inet_parse() takes `s`. */
bool xo_inet_valid(int family, const char *s);

/*
 * Parses "ADDR/PREFIX" from the `len` bytes at `s` (no NUL needed): the
 * address into addr_r as xo_inet_parse() does (may be NULL), the prefix
 * length into *prefix_r (may be NULL), min_prefix <= prefix <= 32/128.
 * Errors (EINVAL) name the whole value and what is wrong with it: no
 * "/PREFIX", an address that is not one, a prefix that is not a number or
 * not in range, a value over XO_INET_CIDR_MAX bytes.
 */
int xo_inet_parse_cidrn(void *addr_r, unsigned *prefix_r, int family,
                        const char *s, size_t len, unsigned min_prefix,
                        xo_err *err);
int xo_inet_parse_cidr(void *addr_r, unsigned *prefix_r, int family,
                       const char *s, unsigned min_prefix, xo_err *err);

/*
 * Parses MAC address text "xx:xx:xx:xx:xx:xx" (exactly 17 bytes: six
 * pairs of hex digits of either case, separated by ':', as xl's vif
 * `mac=` and ip(8) write it) into mac_r (6 bytes; may be NULL).
 * Returns 0, or -1 for anything else.
 */
int xo_mac_parse(unsigned char mac_r[6], const char *s);

/* True when xo_mac_parse() takes `s` and the address is no multicast one
 * (the first byte's low bit), which cannot be a NIC's. */
bool xo_mac_valid_unicast(const char *s);

/*
 * True when `s` is a DNS name as resolv.conf's `search` and dnsmasq's
 * `domain` take it: labels of [A-Za-z0-9-], each 1 to 63 bytes (RFC 1035,
 * 2.3.4), joined by single dots, no trailing dot, 1 to `max` bytes in all.
 */
bool xo_dns_name_valid(const char *s, size_t max);

#endif
