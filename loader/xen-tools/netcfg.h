/*
 * netcfg.h: the network part of the boot spec.  Interfaces are found by
 * MAC (their names are the kernel's business) and configured with the
 * classic ioctls, which need no netlink library in the static init: MTU,
 * IPv4 address and prefix, IPv6 address and prefix (duplicate address
 * detection off, like `ip addr add ... nodad`), the IPv4 and IPv6 default
 * routes.  The addresses then on each interface are reported to dom0
 * (report_net).  The container gets /etc/hostname, /etc/hosts and
 * /etc/resolv.conf (nameservers, search domains) written into its
 * writable root.
 */
#ifndef XL_OCI_LOADER_NETCFG_H
#define XL_OCI_LOADER_NETCFG_H

#include "common/error.h"
#include "loader/xen-tools/bootspec.h"

/*
 * Sets the hostname, brings lo up and configures every interface, waiting
 * up to `wait_ms` for each to appear; then reports each one's addresses.
 */
int netcfg_setup(const struct boot_spec *spec, unsigned wait_ms, xo_err *err);

/* Writes the /etc files into the root open as `rootfd`, when the spec has
 * a network node. */
int netcfg_write_files(const struct boot_spec *spec, int rootfd, xo_err *err);

#endif
