/*
 * netattach.h: the command layer's link between domcfg's managed network
 * requests (oci_network, oci_ports) and netback's leases.  domcfg stays
 * pure (it only parses and renders); netback owns leases; this file asks
 * one for what the other needs.
 */
#ifndef XL_OCI_XL_PLUGIN_NETATTACH_H
#define XL_OCI_XL_PLUGIN_NETATTACH_H

#include "common/error.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domain_config.h"

/*
 * For every oci_network vif of `dc` (in app.cfg order), leases an address
 * and MAC on its network from netback (under state root `root`, the
 * "default" network made on first use) and attaches the result to the vif
 * (domcfg_attach_network); then publishes dc's oci_ports on the first
 * managed network.  `flags` is 0 or NETBACK_ATTACH_DRY_RUN (create -N:
 * computes the same answers, reserves and changes nothing).
 *
 * On failure of a real attach, the caller releases what was leased with
 * netattach_release(); the error names the key's file and line in `ac`
 * (NULL: a spec not from an app.cfg, none) and the entry at fault.
 */
int netattach_resolve(struct domain_config *dc, const struct app_cfg *ac,
                      const char *root, unsigned flags, xo_err *err);

/*
 * The same attachments again for a container that keeps its leases (a
 * NOHYPER container's start and autostart, whose dc comes from its saved
 * app.cfg): each lease as it is (netback_attach of a lease held returns
 * it), its gateway, DNS and search domain on the vif, so the namespace
 * made again gets the default route and the DNS servers create gave it.
 * The ports stay as the lease holds them: nothing is published again.
 */
int netattach_again(struct domain_config *dc, const struct app_cfg *ac,
                    const char *root, xo_err *err);

/* Releases every lease and published port of container `name` (destroy,
 * a create that failed).  Succeeds when there is none; *released_r (may
 * be NULL) counts the leases released. */
int netattach_release(const char *root, const char *name, unsigned *released_r,
                      xo_err *err);

#endif
