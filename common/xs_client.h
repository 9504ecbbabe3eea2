/*
 * xs_client.h: a wrapper over xenstore for the code that xl-oci and
 * xl-oci-monitor share (xl-plugin/status.c, the monitor, the commands).
 * It is a wrapper, not a client: the calls are libxenstore's (xenstore.h)
 * with our own prefix, and with only what we use (one transaction at a
 * time, only in xs_client.c; no open flags).  Two implementations, one
 * linked into each program:
 *
 *   common/xs_client.c  forwards to libxenstore; in libxloci.a, linked
 *                       into xl-oci and the unit tests;
 *   common/xs_lite.c    our own thread-free client over xenstored's wire
 *                       protocol, linked into the static xl-oci-monitor
 *                       only (that file says why the monitor cannot use a
 *                       static libxenstore).
 *
 * Our names are not libxenstore's so that the two can never be mistaken
 * for one another, at link time or by a reader.  Programs that share no
 * code with the monitor (hotplug/vif-xl-oci, the guest's init) call
 * libxenstore itself.
 *
 * xs_client.c can also keep the same nodes as files (xo_xs_open_dir, for
 * hosts without Xen: NOHYPER's DomainStatus).
 *
 * Results follow libxenstore: values and vectors are malloc'd (a vector is
 * one block: free() it once), values NUL-terminated, NULL or false with
 * errno on failure (ENOENT for a missing node).
 */
#ifndef XL_OCI_COMMON_XS_CLIENT_H
#define XL_OCI_COMMON_XS_CLIENT_H

#include <stdbool.h>
/* struct xs_permissions, XS_PERM_*, XS_WATCH_PATH/TOKEN (xs_wire.h). */
#include <xenstore_lib.h>

/* A connection to xenstored (opaque; each implementation has its own). */
struct xo_xs;

/* Connects as libxenstore does: $XENSTORED_PATH, xenstored's socket, else
 * the xenbus device.  NULL with errno. */
struct xo_xs *xo_xs_open(void);
void xo_xs_close(struct xo_xs *xs);

/* The file store of a host without Xen (common/xs_dir.h) at `dir`; opening
 * makes nothing (a missing store reads as empty, writes make the
 * directories they need); only in xs_client.c (the monitor never needs
 * it).  Watches fail with ENOSYS there.  NULL with errno (ENOTDIR: `dir`
 * is a file). */
struct xo_xs *xo_xs_open_dir(const char *dir);
/* True for a store opened by xo_xs_open_dir(). */
bool xo_xs_is_dir(const struct xo_xs *xs);

/* Value of `path` (*len its length, without the NUL added after it). */
void *xo_xs_read(struct xo_xs *xs, const char *path, unsigned *len);
bool xo_xs_write(struct xo_xs *xs, const char *path, const void *data,
                 unsigned len);
bool xo_xs_mkdir(struct xo_xs *xs, const char *path);
bool xo_xs_rm(struct xo_xs *xs, const char *path);
bool xo_xs_set_permissions(struct xo_xs *xs, const char *path,
                           struct xs_permissions *perms, unsigned num);
/*
 * A transaction around the calls made on `xs` until its end: false with
 * errno when it cannot begin.  xenstore's is libxenstore's; the file
 * store's holds the store's lock (xo_xsdir_lock), which a removal made
 * outside a transaction takes too, so that no destroy comes between a
 * transaction's reads and its writes.  One at a time per handle; only in
 * xs_client.c (the monitor, which a destroy stops before it removes a
 * DomainStatus, never needs one).
 */
bool xo_xs_transaction_start(struct xo_xs *xs);
/* Ends it: commits its writes, or with `abort` drops them (the file
 * store's were made at once: abort only a transaction that wrote
 * nothing).  False with EAGAIN when xenstore refused the commit because
 * another writer came in between: start again. */
bool xo_xs_transaction_end(struct xo_xs *xs, bool abort);
/* Children of `path`: *num names.  Use *num: libxenstore puts no NULL
 * after them (xs_lite does). */
char **xo_xs_directory(struct xo_xs *xs, const char *path, unsigned *num);

bool xo_xs_watch(struct xo_xs *xs, const char *path, const char *token);
bool xo_xs_unwatch(struct xo_xs *xs, const char *path, const char *token);
/* The fd to poll for watch events. */
int xo_xs_fileno(struct xo_xs *xs);
/* Events already read off the connection, which xo_xs_read_watch() returns
 * without blocking while the fd may not be readable: poll with a zero
 * timeout while this is non-zero.  Always 0 with libxenstore, whose fd is
 * readable whenever an event waits. */
unsigned xo_xs_pending(struct xo_xs *xs);
/* True once if events were dropped since the last call (the caller must
 * re-read what it watches).  Never with libxenstore, which drops none. */
bool xo_xs_lost(struct xo_xs *xs);
/* The next event, blocking: [XS_WATCH_PATH] and [XS_WATCH_TOKEN]. */
char **xo_xs_read_watch(struct xo_xs *xs, unsigned *num);

#endif
