/*
 * port_choose.h: host ports chosen for published ports that name none
 * ("80", "127.0.0.1::80") or name a range to choose from ("8000-8010:80"),
 * as Docker's port allocator chooses them: the lowest free port of the
 * range, where the range without one is the kernel's ephemeral range.
 */
#ifndef XL_OCI_NETBACK_PORT_CHOOSE_H
#define XL_OCI_NETBACK_PORT_CHOOSE_H

#include <stddef.h>

#include "common/error.h"
#include "common/port_spec.h"

/*
 * Gives every port of ports[0..n) still to choose (host_port 0) a host
 * port: the lowest of its range (host_first..host_last, or
 * net.ipv4.ip_local_port_range of the caller's network namespace, read
 * from /proc; 32768-60999, the kernel's default, when unreadable) that
 * clashes (xo_port_spec_clash) with no port of taken[0..n_taken) nor with
 * another of `ports`, and that no host service holds (nb_port_probe).
 * Ports already chosen are left as they are.  Errors: EADDRINUSE naming
 * the entry when its range has no free port, nb_port_probe's; `ports`
 * may then hold some ports chosen (callers choose in a copy).
 */
int nb_ports_choose(struct xo_port_spec *ports, size_t n,
                    const struct xo_port_spec *taken, size_t n_taken,
                    xo_err *err);

/* The ephemeral range of the caller's network namespace into *lo_r and
 * *hi_r (the kernel's default when /proc cannot say). */
void nb_ephemeral_range(unsigned *lo_r, unsigned *hi_r);

#endif
