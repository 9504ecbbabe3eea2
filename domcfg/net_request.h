/*
 * net_request.h: managed networks in app.cfg (oci_network, oci_ports) and
 * the way the command layer hands domcfg what netback resolved.
 *
 * The flow: domcfg_from_app_cfg() parses oci_network into vifs that carry
 * only their network's name (and a static ip= if asked), placed after the
 * vif= lines, and oci_ports into dc->ports.  The command layer asks netback
 * for each (domcfg_network_count() of them, in order) and calls
 * domcfg_attach_network(); rendering refuses a vif left unattached.
 */
#ifndef XL_OCI_DOMCFG_NET_REQUEST_H
#define XL_OCI_DOMCFG_NET_REQUEST_H

#include <stddef.h>

#include "common/error.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domain_config.h"

/*
 * What one managed vif gets, as the command layer found it (netback's
 * attachment).  Strings are borrowed; NULL or "" means absent.
 */
struct dc_net_attachment {
    const char *network;  /* must be the name the request gave */
    const char *bridge;   /* the network's bridge (libxl's nic bridge) */
    const char *mac;      /* "xx:xx:xx:xx:xx:xx", kept across restarts */
    const char *script;   /* hotplug script path for libxl, NULL: default */
    const char *ipv4;     /* "A.B.C.D", required */
    unsigned prefix4;     /* 1..32 */
    const char *gateway4; /* default route, absent on isolated networks */
    const char *ipv6;     /* optional */
    unsigned prefix6;     /* 1..128 when ipv6 is set */
    const char *gateway6; /* optional, needs ipv6 */
    unsigned mtu;         /* 0: the kernel's default */
    const char *dns[DC_MAX_DNS]; /* IPv4 or IPv6 servers */
    size_t n_dns;
    const char *search; /* resolv.conf search domain, optional */
};

/* How many oci_network vifs dc has (each needs an attachment). */
size_t domcfg_network_count(const struct domain_config *dc);

/* Whether the container's name servers are asked through a DNS forwarder
 * at BOOT_SPEC_DNS_FORWARD_ADDR (loader/xen-tools/dnsfwd.h): two attached
 * networks or more gave name servers, or one did and oci_dns names more
 * (Docker's embedded DNS with --dns: the network's names still resolve,
 * where a resolver would stop at the oci_dns server's NXDOMAIN).  A late
 * network's servers come from CNI's resolv.conf instead.  Its resolv.conf
 * then names only the forwarder. */
bool domcfg_dns_forward(const struct domain_config *dc);

/*
 * Fills the index-th oci_network vif (0-based, in app.cfg order) from `a`:
 * bridge, MAC, script and MTU for libxl; addresses, gateways, DNS servers
 * and search domain for the boot spec.  DNS servers and search domains of
 * all networks are merged (duplicates once) into dc->dns / dc->search.
 * Errors (nothing of the vif changed): no such entry, already attached, a
 * field that is malformed, for another network, or a different address
 * than the ip= asked for; for the first entry (where oci_ports are
 * published), an oci_ports entry with an IPv6 host address when `a` has
 * no IPv6 ("app.cfg:LINE: oci_ports: ..." as parsing errors read).
 */
int domcfg_attach_network(struct domain_config *dc, size_t index,
                          const struct dc_net_attachment *a, xo_err *err);

/* Parsing, called by domcfg_from_app_cfg() after the vif= lines. */
int net_request_parse_networks(struct domain_config *dc,
                               const struct app_cfg *ac, xo_err *err);
int net_request_parse_ports(struct domain_config *dc, const struct app_cfg *ac,
                            xo_err *err);

/* Fails naming the first oci_network vif not attached yet. */
int net_request_check_attached(const struct domain_config *dc, xo_err *err);

#endif
