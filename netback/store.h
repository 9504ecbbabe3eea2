/*
 * store.h: netback's state on disk, the one owner of its layout
 * (netback.h lists the files).  A network is loaded whole into a
 * `struct nb_state` (settings, binary forms of its addresses, leases),
 * changed in memory, and saved back atomically under the store lock.
 */
#ifndef XL_OCI_NETBACK_STORE_H
#define XL_OCI_NETBACK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "netback/addr.h"
#include "netback/netback.h"

/* Bounds on what a state file may hold (it is read back at every attach). */
#define NB_NETWORK_JSON_MAX (16 * 1024)
#define NB_LEASES_JSON_MAX (8 * 1024 * 1024)
#define NB_NETWORKS_MAX 256

struct nb_state {
    struct netback_network net;
    struct nb_cidr4 subnet;
    uint32_t gw4;
    struct in6_addr prefix6, gw6; /* when net.has_ipv6 */
    struct netback_lease *leases;
    size_t n_leases;
    uint32_t last; /* host-local style: the pool scan starts after it */
};

void nb_state_dispose(struct nb_state *st);

/* "<root>/networks" or "<root>/networks/<name>[/<file>]" into buf; -1
 * (err set) when it does not fit. */
int nb_store_path(char *buf, size_t len, const char *root, const char *name,
                  const char *file, xo_err *err);

/* Takes the store-wide exclusive lock (creating <root>/networks). */
int nb_store_lock(int *fd_r, const char *root, xo_err *err);

bool nb_store_exists(const char *root, const char *name);

/* Loads network.json and leases.json of `name`; fails naming the file
 * and key when either is malformed, "no network NAME" when absent. */
int nb_store_load(struct nb_state *st, const char *root, const char *name,
                  xo_err *err);

/* Fills the binary fields of st from st->net, checking every field. */
int nb_state_derive(struct nb_state *st, xo_err *err);

/* Creates the network's directory with network.json and an empty
 * leases.json, all at once (a temporary directory renamed into place);
 * fails if the network exists. */
int nb_store_create(const char *root, const struct nb_state *st, xo_err *err);

/* Rewrites leases.json atomically. */
int nb_store_save_leases(const char *root, const struct nb_state *st,
                         xo_err *err);

/* Removes the network's directory and everything in it. */
int nb_store_remove(const char *root, const char *name, xo_err *err);

/* Sorted names of all networks (directories with a network.json). */
int nb_store_list(char ***names_r, size_t *n_r, const char *root, xo_err *err);

#endif
