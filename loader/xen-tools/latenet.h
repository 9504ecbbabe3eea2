/*
 * latenet.h: the late network of a boot spec with late-network
 * (common/abi/boot_spec.h, version 4): read from the xenstore key
 * BOOT_SPEC_LATE_NETWORK_KEY of this domain, which the toolstack wrote
 * before it opened the start gate (start_gate.h), or in the host test mode from a file, and merged
 * into the spec (bs_merge_late_network checks every byte of it).
 */
#ifndef XL_OCI_LOADER_LATENET_H
#define XL_OCI_LOADER_LATENET_H

#include "common/error.h"
#include "loader/xen-tools/bootspec.h"

/* `file` NULL: from xenstore; else that file (host test mode).  Errors
 * name the key or file; a missing key is an error (dom0 always writes
 * one). */
int bs_load_late_network(struct boot_spec *spec, const char *file, xo_err *err);

#endif
