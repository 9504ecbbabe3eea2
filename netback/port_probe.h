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

/*
 * Tries to bind the host side of `p` in the caller's network namespace
 * (its host IP, or every address of both families when it names none;
 * TCP with SO_REUSEADDR, so a connection still in TIME_WAIT does not
 * count) and lets the socket go at once.  *in_use_r is true when the bind
 * fails with EADDRINUSE.  A host IP that is no address of this host
 * (EADDRNOTAVAIL) and a family the host lacks are not "in use".  -1 with
 * `err` when no socket can be made for another reason.
 */
int nb_port_in_use(const struct xo_port_spec *p, bool *in_use_r, xo_err *err);

#endif
