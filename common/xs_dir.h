/*
 * xs_dir.h: DomainStatus's second store, for hosts without Xen (NOHYPER):
 * the xenstore calls xl-oci makes, kept as a tree of files under a
 * directory.  A node is a directory, a value a file; "/tool/xl-oci/web/
 * state" is <dir>/tool/xl-oci/web/state.  One status interface, two
 * stores: common/xs_client.c sends its calls here when it was opened
 * with xo_xs_open_dir().
 *
 * Results follow libxenstore (xs_client.h): malloc'd values with a NUL
 * after them, one-block vectors, NULL or false with errno.  Writes are
 * atomic (a temporary file renamed over the value).  Paths must be
 * absolute with no empty, "." or ".." component (EINVAL).  Permissions
 * are the directory's own (0700, root's); there are no watches (ENOSYS).
 * A transaction is an exclusive flock on <dir>/.lock (xo_xsdir_lock),
 * which xs_client.c holds from its start to its end and around every
 * removal made outside one.
 */
#ifndef XL_OCI_COMMON_XS_DIR_H
#define XL_OCI_COMMON_XS_DIR_H

#include <stdbool.h>

/* Values larger than this are refused (xenstore's own limit, XENSTORE_
 * PAYLOAD_MAX, is 4096). */
#define XS_DIR_VALUE_MAX 4096

void *xo_xsdir_read(const char *dir, const char *path, unsigned *len);
bool xo_xsdir_write(const char *dir, const char *path, const void *data,
                    unsigned len);
bool xo_xsdir_mkdir(const char *dir, const char *path);
/* Removes the node and everything below it (ENOENT when absent). */
bool xo_xsdir_rm(const char *dir, const char *path);
/* Takes the store's lock, blocking (the directory is made when it is
 * missing); the fd to close to release it, or -1 with errno. */
int xo_xsdir_lock(const char *dir);
/* Children of a node, sorted, with a NULL after the last. */
char **xo_xsdir_directory(const char *dir, const char *path, unsigned *num);

#endif
