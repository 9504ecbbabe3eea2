/*
 * runc_network.h: the network of an xl-oci-runc container, set up by
 * `start` from the container's network namespace (runc_network.c).
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_NETWORK_H
#define XL_OCI_XL_PLUGIN_RUNC_NETWORK_H

#include <stdint.h>

#include "common/error.h"
#include "runc.h"
#include "xen.h"

/*
 * For a container with a network namespace (s->late_network): joins the
 * namespace's interface to a new vif of domain `domid` (paused, not yet
 * booted) and writes the guest's late network into xenstore; nothing for
 * others.  Errors name the namespace, the device or the xenstore path.
 */
int runc_network_start(struct xen_handles *h, const struct runc_state *s,
                       uint32_t domid, xo_err *err);

#endif
