/*
 * dataplane.h: brings one network's kernel state up or down as a whole:
 * bridge (fixed MAC, MTU, addresses, up), its sysctls, its nft elements,
 * its dnsmasq.  Both directions are idempotent, so `network up` and a
 * failed create can call them whatever state they find.
 */
#ifndef XL_OCI_NETBACK_DATAPLANE_H
#define XL_OCI_NETBACK_DATAPLANE_H

#include "netback/store.h"

/* Bridge, addresses, sysctls; then nft elements unless `nft` is false
 * (network up rebuilds the tables itself); then dnsmasq. */
int nb_dataplane_up(const char *root, const struct nb_state *st, bool nft,
                    xo_err *err);

/* dnsmasq, nft elements, bridge: everything up made, in reverse. */
int nb_dataplane_down(const char *root, const struct nb_state *st, xo_err *err);

#endif
