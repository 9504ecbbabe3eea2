/*
 * nl.h: one netlink conversation over libmnl, shared by link.c (the
 * caller's own network namespace), netns.c (a socket opened inside a
 * container's namespace) and conntrack.c (ctnetlink).  Every request asks for the kernel's ACK, so a
 * failure is reported with errno and the kernel's own words (the extended
 * ACK message, NLMSGERR_ATTR_MSG of linux/netlink.h, when it sends one).
 */
#ifndef XL_OCI_NETBACK_NL_H
#define XL_OCI_NETBACK_NL_H

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Requests are small; a dump reply is read in chunks of at most this. */
#define NB_NL_BUF 8192

/* A bound NETLINK_ROUTE socket of the calling thread's network namespace
 * (close-on-exec, extended ACKs asked for), or NULL with *err opened by
 * `what`. */
struct mnl_socket *nb_nl_open(const char *what, xo_err *err);

/* The same for netlink bus `bus` (NETLINK_ROUTE, NETLINK_NETFILTER). */
struct mnl_socket *nb_nl_open_bus(int bus, const char *what, xo_err *err);

/*
 * Sends the request `nlh` (NLM_F_ACK is added, the sequence number set) and
 * reads until its ACK, the end of its dump or its error; `cb` (may be NULL)
 * sees every message of a reply or dump.  On failure err->errnum is the
 * kernel's errno and the message reads "WHAT: STRERROR (KERNEL'S WORDS)".
 * A dump (NLM_F_DUMP) is read whole before `cb` sees any of it (at most
 * 64 MiB: ENOBUFS), and asked again when the kernel flags it interrupted
 * by a change (NLM_F_DUMP_INTR; EINTR after 5 tries): `cb` sees one
 * consistent answer, never part of an interrupted one.
 */
int nb_nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
               void *data, const char *what, xo_err *err);

/* ---- requests on links, addresses, routes (nl_link.c) ---- */

/* A link request (struct ifinfomsg for `index`, 0: none) in buf[NB_NL_BUF];
 * NLM_F_REQUEST plus `flags`. */
struct nlmsghdr *nb_nl_link_msg(char *buf, uint16_t type, uint16_t flags,
                                unsigned index);

/* ifindex of `name` in the namespace of `nl`; ENODEV when there is none. */
int nb_nl_link_lookup(struct mnl_socket *nl, const char *name,
                      unsigned *index_r, xo_err *err);

/* Sets `mtu` (0: unchanged) and brings device `index` up. */
int nb_nl_link_up(struct mnl_socket *nl, unsigned index, unsigned mtu,
                  xo_err *err);

/* Adds addr/prefix (`len` 4 for AF_INET, 16 for AF_INET6, network byte
 * order) to device `index`, replacing the same address; `flags` are
 * IFA_F_* (IFA_F_NODAD for an IPv6 address usable at once), 0 for none. */
int nb_nl_addr_add(struct mnl_socket *nl, unsigned index, int family,
                   const void *addr, size_t len, unsigned prefix,
                   uint32_t flags, xo_err *err);

/* The default route of `family` via `gateway` (4 or 16 bytes) out of
 * device `index`, in the main table, replacing one that is there. */
int nb_nl_route_default(struct mnl_socket *nl, unsigned index, int family,
                        const void *gateway, size_t len, xo_err *err);

#endif
