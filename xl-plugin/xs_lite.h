/*
 * xs_lite.h: a thread-free xenstore client for xl-oci-monitor, providing
 * the subset of libxenstore's API (xenstore.h) that the monitor and the
 * code it shares with xl-oci (status.c) call, under the same names.
 *
 * Why: the monitor is linked statically to stay small, and Debian's
 * static libxenstore.a is built without its reader thread; without it a
 * watch event that arrives while a request waits for its reply makes the
 * request fail (EINVAL) and leaves the reply unread, so watches and
 * requests cannot be mixed.  This client reads replies and events from
 * the one connection itself, queueing events for xs_read_watch().
 *
 * Differences from libxenstore: xs_fileno() is the connection itself, and
 * events may already be queued when it is not readable; poll with a zero
 * timeout while xs_lite_pending() is non-zero.  Only XBT_NULL is
 * supported.  At most XS_LITE_QUEUE_MAX events are queued; past that new
 * ones are dropped and xs_lite_lost() says so (the caller re-reads all).
 */
#ifndef XL_OCI_XL_PLUGIN_XS_LITE_H
#define XL_OCI_XL_PLUGIN_XS_LITE_H

#include <stdbool.h>
#include <xenstore.h>

#define XS_LITE_QUEUE_MAX 256

/* Events queued, to be returned by xs_read_watch() without blocking. */
unsigned xs_lite_pending(struct xs_handle *h);
/* True once if events were dropped since the last call. */
bool xs_lite_lost(struct xs_handle *h);

#endif
