/*
 * link.h: the kernel side of a network through rtnetlink (libmnl): the
 * bridge, its addresses, its ports, and the host's routes (read to choose
 * and check subnets).  Also the per-interface sysctls under /proc/sys.
 * Every request waits for the kernel's acknowledgement, so an error names
 * the device and the kernel's reason.
 */
#ifndef XL_OCI_NETBACK_LINK_H
#define XL_OCI_NETBACK_LINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "netback/addr.h"

/* ifindex of `name`, 0 when there is no such device. */
unsigned nb_link_index(const char *name);

/* True if `name` exists and is a bridge (asked by rtnetlink). */
bool nb_link_is_bridge(const char *name);

/* Creates bridge `name` with `mtu` and the fixed MAC `mac` (so it never
 * changes as ports come and go); an existing bridge of that name is
 * reused, any other device of that name is an error. */
int nb_link_bridge_ensure(const char *name, unsigned mtu, const uint8_t mac[6],
                          xo_err *err);

/* Deletes the device `name`; no error if it does not exist. */
int nb_link_delete(const char *name, xo_err *err);

/*
 * Sets `mtu` (0: unchanged), the master (bridge ifindex; 0: unchanged,
 * NB_LINK_NOMASTER: release) and up/down of `name`.
 */
#define NB_LINK_NOMASTER UINT32_MAX
int nb_link_set(const char *name, unsigned mtu, uint32_t master, bool up,
                xo_err *err);

/* Adds addr/prefix to `name` (replacing the same address; IPv6 without
 * duplicate address detection, so it is usable at once). */
int nb_addr4_add(const char *name, uint32_t addr, unsigned prefix, xo_err *err);
int nb_addr6_add(const char *name, const struct in6_addr *addr, unsigned prefix,
                 xo_err *err);

/*
 * Looks for an IPv4 route of the host, in any table, overlapping `c`,
 * other than the ones on device `skip_dev` (NULL: none) and default
 * routes.  Returns 1 with "DST/LEN dev DEV" in `what`, 0 when none.
 */
int nb_route4_overlap(const struct nb_cidr4 *c, const char *skip_dev,
                      char *what, size_t what_len, xo_err *err);

/* Writes `value` to sysctl file `path` (under /proc/sys). */
int nb_sysctl_write(const char *path, const char *value, xo_err *err);

/* Reads the first character of sysctl file `path` into *c ("0", "1"...). */
int nb_sysctl_read1(const char *path, char *c, xo_err *err);

/* /proc/sys/net/<family>/conf/<dev>/<key> into path[size]; ENAMETOOLONG
 * when it does not fit. */
int nb_sysctl_dev_path(char *path, size_t size, const char *family,
                       const char *dev, const char *key, xo_err *err);

/* Writes `value` to /proc/sys/net/<family>/conf/<dev>/<key>. */
int nb_sysctl_dev(const char *family, const char *dev, const char *key,
                  const char *value, xo_err *err);

#endif
