/*
 * nft.h: xl-oci's own nftables tables, through libnftables' JSON API (one
 * atomic transaction per call).  The tables (rules in nft.c):
 *   bridge xl_oci      per-vif anti-spoofing at the bridge's prerouting
 *                      hook: source MAC, IPv4, ARP sender, IPv6, ND target;
 *                      named counter "spoofed" counts the drops.  Needs no
 *                      br_netfilter and holds whatever FORWARD's policy is.
 *   inet xl_oci        no forwarding off isolated bridges nor between two
 *                      networks; no 127/8 from a bridge (route_localnet);
 *                      the forwarding guards (forwarding.h)
 *   ip xl_oci_nat      masquerade of nat subnets; DNAT of published ports
 *                      (prerouting, and output for dom0 itself); hairpin
 *   ip6 xl_oci_nat     the same for IPv6: masquerade of nat prefixes,
 *                      DNAT of published ports (not from ::1), hairpin
 * Containers and networks change only set and map elements; the rules are
 * written once, when the tables are made (or rebuilt by `network up`).
 */
#ifndef XL_OCI_NETBACK_NFT_H
#define XL_OCI_NETBACK_NFT_H

#include <stdbool.h>

#include "common/error.h"
#include "netback/store.h"

/* True when all our tables exist, in this xl-oci's layout (one
 * libnftables call); netback_internal.h's nb_nft_heal_locked() rebuilds
 * them from the state when not. */
bool nb_nft_present(void);

/* Deletes our tables and everything in them (no error when absent), and
 * turns off the forwarding their guards say we turned on (forwarding.h). */
int nb_nft_delete(xo_err *err);

/* Which forwarding guards (NB_GUARD4/NB_GUARD6 bits) our tables hold. */
unsigned nb_nft_guards(void);

/* Adds forwarding guard `bit` to table inet xl_oci unless present. */
int nb_nft_guard_add(unsigned bit, xo_err *err);

/*
 * Replaces our tables with fresh ones holding the
 * elements of every network in `nets` (bridges, subnets, and each lease's
 * published ports and, when attached, its vif's anti-spoof elements) and
 * the forwarding guards the old ones held: one transaction, then a
 * second for the ND target check (nft_rules.h), whose absence in between
 * leaves only advertisements' targets unchecked.
 */
int nb_nft_rebuild(const struct nb_state *nets, size_t n, xo_err *err);

/* Adds or deletes a network's elements (bridge, subnets). */
int nb_nft_network(const struct nb_state *st, bool add, xo_err *err);

/* Adds or deletes the anti-spoof elements of lease `l` on device `vif`,
 * and the DNAT elements of its published ports: a port forwards only to a
 * container whose vif is attached, so one halted is refused at once
 * rather than left to neighbour resolution of an address nobody holds.
 * Adding also probes our other tables and the newest object of their
 * layout (nft_rules.h, nb_nft_probes) in the same transaction, so it
 * fails, adding nothing, when any is missing or of an older layout: the
 * caller then heals (nb_nft_heal_locked) instead of listing every table
 * before each vif. */
int nb_nft_vif(const struct nb_state *st, const struct netback_lease *l,
               const char *vif, bool add, xo_err *err);

/* Adds or deletes the DNAT elements of lease `l`'s published ports;
 * adding probes the layout as nb_nft_vif() does. */
int nb_nft_ports(const struct netback_lease *l, bool add, xo_err *err);

#endif
