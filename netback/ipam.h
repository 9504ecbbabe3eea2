/*
 * ipam.h: address management on a loaded network (struct nb_state), in
 * memory only: the caller holds the store lock, then saves.  Pure, so the
 * rules (deterministic MACs, static checks, exhaustion) are unit tested
 * without any file (tests/unit/test-netback-ipam.c).
 */
#ifndef XL_OCI_NETBACK_IPAM_H
#define XL_OCI_NETBACK_IPAM_H

#include "netback/store.h"

/* The lease `container` holds on this network, or NULL. */
struct netback_lease *nb_ipam_find(struct nb_state *st, const char *container);
/* The lease with this MAC, or NULL. */
struct netback_lease *nb_ipam_find_mac(struct nb_state *st, const char *mac);

/*
 * Gives `container` a lease: its existing one (vif_index updated; moved to
 * `static_ip` when that is given and differs), else a new one with a
 * derived MAC unique on the network and `static_ip` or the next free pool
 * address after st->last.  *lease_r points into st->leases.
 * Errors: a static address outside the subnet, equal to the network,
 * broadcast or gateway address, or held by another container; a full pool.
 */
int nb_ipam_assign(struct nb_state *st, const char *container,
                   unsigned vif_index, const char *static_ip,
                   struct netback_lease **lease_r, xo_err *err);

/* Drops the lease of `container`; true if there was one. */
bool nb_ipam_remove(struct nb_state *st, const char *container);

/* What the vif of lease `l` gets (netback.h). */
void nb_ipam_attachment(const struct nb_state *st,
                        const struct netback_lease *l,
                        struct netback_attachment *out);

#endif
