/*
 * xs_client.c: the xenstore wrapper (common/xs_client.h) forwarding to
 * libxenstore, for xl-oci and the unit tests.  Every call is made in
 * the handle's transaction, XBT_NULL outside one.
 */
#include "common/xs_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/alloc.h"
#include "common/xs_dir.h"

/* Either a libxenstore handle or, for hosts without Xen, the directory
 * of the file store (xs_dir.h). */
struct xo_xs {
    struct xs_handle *h;
    char *dir;
    xs_transaction_t t; /* XBT_NULL outside a transaction */
    int lock;           /* the file store's lock during one, else -1 */
};

struct xo_xs *xo_xs_open_dir(const char *dir)
{
    /* Nothing is made here: a read-only command (`list` with a mistyped
     * --root) must leave no tree behind; writes make what they need.  A
     * path that exists must be a directory. */
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            return NULL;
        }
    } else if (errno != ENOENT) {
        return NULL;
    }
    struct xo_xs *xs = xo_xcalloc(1, sizeof(*xs));
    xs->dir = xo_xstrdup(dir);
    xs->lock = -1;
    return xs;
}

bool xo_xs_is_dir(const struct xo_xs *xs)
{
    return xs->dir != NULL;
}

struct xo_xs *xo_xs_open(void)
{
    struct xo_xs *xs = xo_xcalloc(1, sizeof(*xs));
    xs->lock = -1;
    xs->h = xs_open(0);
    if (!xs->h) {
        int e = errno;
        free(xs);
        errno = e;
        return NULL;
    }
    return xs;
}

void xo_xs_close(struct xo_xs *xs)
{
    if (!xs)
        return;
    if (xs->h)
        xs_close(xs->h);
    if (xs->lock >= 0)
        close(xs->lock);
    free(xs->dir);
    free(xs);
}

void *xo_xs_read(struct xo_xs *xs, const char *path, unsigned *len)
{
    return xs->dir ? xo_xsdir_read(xs->dir, path, len)
                   : xs_read(xs->h, xs->t, path, len);
}

bool xo_xs_write(struct xo_xs *xs, const char *path, const void *data,
                 unsigned len)
{
    return xs->dir ? xo_xsdir_write(xs->dir, path, data, len)
                   : xs_write(xs->h, xs->t, path, data, len);
}

bool xo_xs_mkdir(struct xo_xs *xs, const char *path)
{
    return xs->dir ? xo_xsdir_mkdir(xs->dir, path)
                   : xs_mkdir(xs->h, xs->t, path);
}

bool xo_xs_rm(struct xo_xs *xs, const char *path)
{
    if (!xs->dir)
        return xs_rm(xs->h, xs->t, path);
    /* Outside a transaction under the store's lock too: a destroy's
     * removal never comes between a transaction's check and its writes,
     * which would make the removed node again. */
    int lock = xs->lock < 0 ? xo_xsdir_lock(xs->dir) : -1;
    if (xs->lock < 0 && lock < 0)
        return false;
    bool ok = xo_xsdir_rm(xs->dir, path);
    int e = errno;
    if (lock >= 0)
        close(lock);
    errno = e;
    return ok;
}

bool xo_xs_transaction_start(struct xo_xs *xs)
{
    if (xs->dir) {
        xs->lock = xo_xsdir_lock(xs->dir);
        return xs->lock >= 0;
    }
    xs->t = xs_transaction_start(xs->h);
    return xs->t != XBT_NULL;
}

bool xo_xs_transaction_end(struct xo_xs *xs, bool abort)
{
    if (xs->dir) {
        close(xs->lock);
        xs->lock = -1;
        return true;
    }
    xs_transaction_t t = xs->t;
    xs->t = XBT_NULL;
    return xs_transaction_end(xs->h, t, abort);
}

bool xo_xs_set_permissions(struct xo_xs *xs, const char *path,
                           struct xs_permissions *perms, unsigned num)
{
    /* The file store's directory is root's, 0700. */
    return xs->dir ? true : xs_set_permissions(xs->h, xs->t, path, perms, num);
}

char **xo_xs_directory(struct xo_xs *xs, const char *path, unsigned *num)
{
    return xs->dir ? xo_xsdir_directory(xs->dir, path, num)
                   : xs_directory(xs->h, xs->t, path, num);
}

bool xo_xs_watch(struct xo_xs *xs, const char *path, const char *token)
{
    if (xs->dir) {
        errno = ENOSYS;
        return false;
    }
    return xs_watch(xs->h, path, token);
}

bool xo_xs_unwatch(struct xo_xs *xs, const char *path, const char *token)
{
    if (xs->dir) {
        errno = ENOSYS;
        return false;
    }
    return xs_unwatch(xs->h, path, token);
}

int xo_xs_fileno(struct xo_xs *xs)
{
    return xs->dir ? -1 : xs_fileno(xs->h);
}

/* libxenstore's reader thread queues events and keeps its fd readable
 * while any waits, so polling the fd is enough. */
unsigned xo_xs_pending(struct xo_xs *xs)
{
    (void)xs;
    return 0;
}

/* libxenstore's event queue is unbounded: nothing is dropped. */
bool xo_xs_lost(struct xo_xs *xs)
{
    (void)xs;
    return false;
}

char **xo_xs_read_watch(struct xo_xs *xs, unsigned *num)
{
    if (xs->dir) {
        errno = ENOSYS;
        return NULL;
    }
    return xs_read_watch(xs->h, num);
}
