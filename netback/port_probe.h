/*
 * port_probe.h: is a host port a container would publish already taken by
 * a service of this host?  Published ports are DNAT rules (nft.h): a rule
 * for a port a host service listens on takes that service's traffic
 * without a word, where Docker's bind fails.  So create asks first.
 */
#ifndef XL_OCI_NETBACK_PORT_PROBE_H
#define XL_OCI_NETBACK_PORT_PROBE_H

#include <stdbool.h>

#include "common/error.h"
#include "common/port_spec.h"

enum nb_port_probe {
    NB_PORT_FREE,
    NB_PORT_IN_USE,    /* a host service holds it */
    NB_PORT_NOT_LOCAL, /* its host IP is no address of this host */
};

/*
 * Tries to bind the host side of `p` in the caller's network namespace
 * (its host IP, or every address of both families when it names none;
 * TCP with SO_REUSEADDR, so a connection still in TIME_WAIT does not
 * count) and lets the socket go at once.  *r_out is NB_PORT_IN_USE when
 * the bind fails with EADDRINUSE, NB_PORT_NOT_LOCAL when it fails with
 * EADDRNOTAVAIL and no interface has the address (getifaddrs(3): an IPv6
 * address still in duplicate address detection is there and counts as
 * local), else NB_PORT_FREE (also for a family the host lacks).  -1 with
 * `err` when no socket can be made for another reason.
 */
int nb_port_probe(const struct xo_port_spec *p, enum nb_port_probe *r_out,
                  xo_err *err);

#endif
