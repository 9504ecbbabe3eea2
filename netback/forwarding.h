/*
 * forwarding.h: dom0 routes for its nat networks.
 *
 * Linux forwards an IPv4 packet only when its *input* device forwards, and
 * a container's replies come back on whatever device reaches the peer
 * (an uplink, a VPN, a device made after the network); it forwards IPv6
 * only when net.ipv6.conf.all.forwarding is on.  So a nat network needs
 * forwarding on host-wide, as Docker and libvirt turn it on.  When dom0 was
 * not forwarding before, we also add a guard to table inet xl_oci
 * (nft_rules.c: nb_nft_guard4/6): forwarded packets that neither come from
 * nor go to one of our bridges are dropped, so dom0 routes for its
 * containers and nothing else (Docker 28 sets FORWARD's policy to drop in
 * the same case).  The guard's counter is also the record that we turned
 * forwarding on: deleting our tables turns it off again.
 *
 * For IPv6, all.forwarding makes the kernel ignore router advertisements
 * on interfaces with accept_ra=1; those are set to 2 first (accept them
 * even when forwarding) so dom0 keeps its SLAAC addresses and routes.
 */
#ifndef XL_OCI_NETBACK_FORWARDING_H
#define XL_OCI_NETBACK_FORWARDING_H

#include <stdbool.h>

#include "common/error.h"

#define NB_GUARD4 1u /* bit: guard4 exists, we turned IPv4 forwarding on */
#define NB_GUARD6 2u /* bit: guard6 exists, we turned IPv6 forwarding on */

/*
 * Makes dom0 forward IPv4 (and IPv6 when `ipv6`), adding the guard first
 * when forwarding was off.  Needs our nft tables (nb_nft_heal_locked).  Errors:
 * a sysctl that cannot be read or written, an nftables failure.
 */
int nb_forwarding_on(bool ipv6, xo_err *err);

/* Turns forwarding off for each guard bit in `guards` (what our deleted
 * tables recorded). */
int nb_forwarding_off(unsigned guards, xo_err *err);

#endif
