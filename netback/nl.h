/*
 * nl.h: one rtnetlink conversation over libmnl, shared by link.c (the
 * caller's own network namespace) and netns.c (a socket opened inside a
 * container's namespace).  Every request asks for the kernel's ACK, so a
 * failure is reported with errno and the kernel's own words (the extended
 * ACK message, NLMSGERR_ATTR_MSG of linux/netlink.h, when it sends one).
 */
#ifndef XL_OCI_NETBACK_NL_H
#define XL_OCI_NETBACK_NL_H

#include <libmnl/libmnl.h>

#include "common/error.h"

/* Requests are small; a dump reply is read in chunks of at most this. */
#define NB_NL_BUF 8192

/* A bound NETLINK_ROUTE socket of the calling thread's network namespace
 * (close-on-exec, extended ACKs asked for), or NULL with *err opened by
 * `what`. */
struct mnl_socket *nb_nl_open(const char *what, xo_err *err);

/*
 * Sends the request `nlh` (NLM_F_ACK is added, the sequence number set) and
 * reads until its ACK, the end of its dump or its error; `cb` (may be NULL)
 * sees every message of a reply or dump.  On failure err->errnum is the
 * kernel's errno and the message reads "WHAT: STRERROR (KERNEL'S WORDS)".
 */
int nb_nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
               void *data, const char *what, xo_err *err);

#endif
