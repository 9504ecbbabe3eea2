/*
 * netback_internal.h: what netback's own files share beyond netback.h:
 * the variants of public calls for a caller that already holds the store
 * lock (flock is per open file, so taking it twice would deadlock).
 */
#ifndef XL_OCI_NETBACK_NETBACK_INTERNAL_H
#define XL_OCI_NETBACK_NETBACK_INTERNAL_H

#include <stddef.h>

#include "netback/netback.h"

int nb_network_create_locked(const char *root,
                             const struct netback_network_spec *spec,
                             struct netback_network *net_r, xo_err *err);
int nb_ensure_default_locked(const char *root, struct netback_network *net_r,
                             xo_err *err);

/* The spec the default network would be made with now (subnet written
 * into `subnet`), or an error saying which subnet to set. */
int nb_default_spec(const char *root, struct netback_network_spec *spec,
                    char *subnet, size_t len, xo_err *err);

/*
 * When any of our nftables tables is missing (an admin's `nft flush
 * ruleset`, nftables.service reloading), rebuilds them all from the state
 * on disk, as `network up` does; nothing when they are all there.
 */
int nb_nft_heal_locked(const char *root, xo_err *err);

/* Deletes our nftables tables once no network is left. */
int nb_nft_drop_if_unused(const char *root, xo_err *err);

#endif
