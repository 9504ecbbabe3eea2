/*
 * common/abi/start_gate.h: the start gate, how dom0 holds a booted
 * domain's entrypoint until the OCI `start` (xl-oci-runc, runc.h), as
 * runc's init waits on its exec fifo.  One definition for both sides:
 * xl-plugin/start_gate.c writes it in dom0, loader/xen-tools/startgate.c
 * reads it in the guest.
 *
 * `xl-oci-runc create` writes START_GATE_KEY, relative to the domain's
 * home /local/domain/<domid>, as "closed" before it unpauses the domain;
 * `start` rewrites it as "open".  The home is dom0's (the guest may read
 * it, never write it), so only dom0 opens the gate.  The loader reads the
 * key once its root and volumes are mounted: no key means no gate (plain
 * `xl-oci create`, a restart), "open" goes on, "closed" reads it again
 * (every 10 to 100 ms) until the value is "open".  Anything else, a value
 * longer than START_GATE_VALUE_MAX or a key removed while waiting, is a
 * failure the loader reports; it never runs the entrypoint on it.  The
 * late network (boot_spec.h) is written before the gate opens, so a
 * guest reads it after the gate.
 *
 * Plain C, no includes of ours: host and guest code include it alike.
 */
#ifndef XL_OCI_COMMON_ABI_START_GATE_H
#define XL_OCI_COMMON_ABI_START_GATE_H

#include <stddef.h>

/* Relative to /local/domain/<domid>/. */
#define START_GATE_KEY "xl-oci/start"
/* Bytes of a value, without a NUL (none is written). */
#define START_GATE_VALUE_MAX 16

enum start_gate {
    START_GATE_CLOSED, /* "closed": the entrypoint waits */
    START_GATE_OPEN,   /* "open": start ran, the entrypoint may run */
};

/* The wire value of a state; NULL for no state. */
const char *start_gate_to_string(enum start_gate g);

/* Parses the `len` bytes at `value` (not NUL-terminated, as xenstore
 * returns them): 0 and *g_r set, or -1 for anything but a wire value. */
int start_gate_from_string(const char *value, size_t len, enum start_gate *g_r);

#endif
