/*
 * nohyper_net.h: a NOHYPER container on managed networks (oci_network).
 * runc gets a network namespace made here, bind-mounted at <dir>/netns
 * in the container's state dir (as `ip netns add` keeps one), named in the
 * runtime spec's linux.namespaces; each lease (netattach.h) joins it with
 * a veth pair (netback_veth_attach): the container's eth0, eth1... carry
 * the lease's MAC and addresses, the host ends sit on the networks'
 * bridges with a vif's anti-spoof elements, so published ports, DNS and
 * masquerade work as for a domain.
 */
#ifndef XL_OCI_XL_PLUGIN_NOHYPER_NET_H
#define XL_OCI_XL_PLUGIN_NOHYPER_NET_H

#include <stddef.h>

#include "common/error.h"
#include "domcfg/domcfg.h"

/* "<dir>/netns" into buf; -1 with err when it does not fit. */
int nohyper_netns_path(char *buf, size_t len, const char *dir, xo_err *err);

/* Makes the namespace at nohyper_netns_path(dir) and joins it to every
 * managed network of dc (leases already taken); the first network gives
 * the default routes.  Nothing when dc has no managed network.  On
 * failure nothing of it stays. */
int nohyper_net_up(const char *root, const char *dir,
                   const struct domain_config *dc, xo_err *err);

/* Removes the veth pairs of container `name` and its namespace in `dir`;
 * no error for what is not there.  Its leases stay (destroy releases
 * them, netattach_release). */
int nohyper_net_down(const char *root, const char *name, const char *dir,
                     xo_err *err);

#endif
