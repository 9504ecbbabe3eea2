/*
 * conntrack.h: forgetting the kernel's connection-tracking entries of UDP
 * flows to published host ports.  A UDP flow has no end the kernel sees:
 * a client that kept sending from one port keeps the entry its first
 * datagram made, and with it the NAT decided then.  A flow begun before
 * a port was published (no DNAT) or while it went to another container
 * (DNAT to an old address) would never meet the new rules; Docker and
 * CNI's portmap delete such entries when they change a mapping, and so
 * does publishing here (netback_publish, netback_release).
 *
 * Over ctnetlink (linux/netfilter/nfnetlink_conntrack.h: the kernel's
 * nf_conntrack_netlink, loaded on first use) with libmnl, in the calling
 * thread's network namespace.
 */
#ifndef XL_OCI_NETBACK_CONNTRACK_H
#define XL_OCI_NETBACK_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "netback/netback.h"

/* Bytes of an entry's CTA_TUPLE_ORIG kept for its delete (an IPv6 tuple
 * with ports and zone is about 100). */
#define NB_CT_TUPLE_MAX 256

/*
 * Deletes every conntrack entry, IPv4 and IPv6, whose original direction
 * is UDP to one of `ports` (host ports, 1..65535) on any address: one
 * dump of the table, then a delete per entry (one already gone is not an
 * error).  Errors name ctnetlink and carry the kernel's errno and words.
 */
int nb_conntrack_forget_udp(const unsigned *ports, size_t n_ports, xo_err *err);

/* The same for the UDP host ports published by leases `a` and `b` (either
 * may be NULL); nothing is asked of the kernel when they have none. */
int nb_conntrack_forget_leases_udp(const struct netback_lease *a,
                                   const struct netback_lease *b, xo_err *err);

#endif
