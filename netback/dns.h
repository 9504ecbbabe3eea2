/*
 * dns.h: one dnsmasq (Debian's dnsmasq-base) per network, bound to the
 * network's bridge only, answering NAME and NAME.NETWORK for its
 * containers from a hosts file we keep, and forwarding every other query
 * to the host's resolvers (/etc/resolv.conf).  It serves no DHCP: guests
 * get their addresses from the boot spec.
 */
#ifndef XL_OCI_NETBACK_DNS_H
#define XL_OCI_NETBACK_DNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "netback/store.h"

/* The program run: $XL_OCI_DNSMASQ, else /usr/sbin/dnsmasq. */
const char *nb_dns_program(void);

/* Rewrites the network's hosts file from its leases whose vif is attached
 * (atomically). */
int nb_dns_write_hosts(const char *root, const struct nb_state *st,
                       xo_err *err);

/* The pid of the network's running dnsmasq, or 0. */
pid_t nb_dns_pid(const char *root, const char *name);

/* Writes the hosts file, then starts dnsmasq if it is not running, or
 * makes it re-read the hosts file (SIGHUP) if it is. */
int nb_dns_update(const char *root, const struct nb_state *st, xo_err *err);

/* The same where nothing can be undone: a running dnsmasq is told, a
 * stopped one is not started (`network up` does), errors are dropped (the
 * old names are answered until the next update). */
void nb_dns_refresh(const char *root, const struct nb_state *st);

/* Stops the network's dnsmasq (TERM, then KILL after 2 s); no error when
 * none runs. */
int nb_dns_stop(const char *root, const char *name, xo_err *err);

#endif
