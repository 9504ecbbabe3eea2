/*
 * nohyper_dns.h: the DNS forwarder of a NOHYPER container on several
 * managed networks.  In a domain the loader runs it (loader/xen-tools/
 * dnsfwd.h, boot spec network/dns-forward); a NOHYPER container has no
 * loader, so its monitor runs the same forwarder in the container's
 * network namespace (nohyper_net.h) for as long as the monitor runs,
 * from the servers create recorded in the state dir.  The container's
 * resolv.conf names only the forwarder (domcfg_dns_forward).
 */
#ifndef XL_OCI_XL_PLUGIN_NOHYPER_DNS_H
#define XL_OCI_XL_PLUGIN_NOHYPER_DNS_H

#include <sys/types.h>

#include "common/error.h"
#include "domcfg/domcfg.h"

/* In the state dir: the servers the forwarder asks, a line each (at most
 * DNSFWD_MAX_SERVERS): an IPv4 or IPv6 address, then, for a managed
 * network's server, a space and the domain it holds (the network's name,
 * as the boot spec's dns-domains).  Written by create, read by the
 * monitor; absent when the container needs no forwarder. */
#define NOHYPER_DNS_FILE "dns-forward"

/* Writes NOHYPER_DNS_FILE in dir when domcfg_dns_forward(dc), removes it
 * otherwise.  -1 with err. */
int nohyper_dns_record(const char *dir, const struct domain_config *dc,
                       xo_err *err);

/*
 * The monitor's part: when dir has NOHYPER_DNS_FILE, starts the forwarder
 * in <dir>/netns (dnsfwd_spawn: bound when this returns, killed when the
 * caller dies).  Returns a pidfd for nohyper_dns_stop, 0 when the
 * container needs none, -1 with err (the file malformed, the namespace
 * or the bind refused).
 */
int nohyper_dns_start(const char *dir, xo_err *err);

/* Kills and reaps the forwarder of a nohyper_dns_start pidfd (> 0);
 * nothing for 0. */
void nohyper_dns_stop(int pidfd);

#endif
