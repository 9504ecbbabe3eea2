/*
 * netcfg.h: the network part of the boot spec.  Interfaces are found by
 * MAC (their names are the kernel's business), configured with the classic
 * ioctls (IPv4 address, prefix, default route); the container gets
 * /etc/hostname, /etc/hosts and /etc/resolv.conf written into its
 * (writable) root.
 */
#ifndef XL_OCI_LOADER_NETCFG_H
#define XL_OCI_LOADER_NETCFG_H

#include "bootspec.h"
#include "error.h"

/*
 * Sets the hostname, brings lo up and configures every interface, waiting
 * up to `wait_ms` for each to appear.
 */
int net_setup(const struct boot_spec *spec, unsigned wait_ms, xo_err *err);

/* Writes the /etc files into the root open as `rootfd`, when the spec has
 * a network node. */
int net_write_files(const struct boot_spec *spec, int rootfd, xo_err *err);

#endif
