/*
 * xen_gate.h: dom0's side of the start gate (common/abi/start_gate.h),
 * by which xl-oci-runc boots a domain at `create` and lets its entrypoint
 * run at `start`, as runc's `start` releases an init that `create` left
 * waiting on its exec fifo.
 */
#ifndef XL_OCI_XL_PLUGIN_XEN_GATE_H
#define XL_OCI_XL_PLUGIN_XEN_GATE_H

#include <stdint.h>

#include "common/abi/start_gate.h"
#include "common/error.h"
#include "common/xs_client.h"

/* Writes START_GATE_KEY of domain `domid` as `g`: a child of the
 * domain's home, so dom0 owns it and the guest may only read it.  -1
 * with err naming the path when xenstore refuses. */
int xen_gate_write(struct xo_xs *xs, uint32_t domid, enum start_gate g,
                   xo_err *err);

#endif
