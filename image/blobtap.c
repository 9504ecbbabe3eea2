/* blobtap.c: following a blob while it is written (see blobtap.h). */
#include "image/blobtap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void blob_tap_init(struct blob_tap *t)
{
    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, NULL);
    t->state = BLOB_TAP_WAITING;
    t->fd = -1;
    t->written = -1;
}

void blob_tap_dispose(struct blob_tap *t)
{
    if (t->fd >= 0)
        close(t->fd);
    xo_err_clear(&t->fetch_err);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    memset(t, 0, sizeof(*t));
    t->fd = -1;
}

static void drop_fd(struct blob_tap *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    t->avail = 0;
}

/* The current pass ends without a match.  A reader that already took
 * bytes (or was promised them) cannot be given another pass: it has to
 * start over from the store, and the descriptor stays open until
 * blob_tap_dispose() (the reader may be in pread on it).  Without a
 * reader, the next writer may be followed from its byte 0. */
static void end_pass(struct blob_tap *t)
{
    if (t->reading) {
        t->state = BLOB_TAP_BROKEN;
    } else {
        drop_fd(t);
        t->state = BLOB_TAP_WAITING;
    }
}

/* `path` opened for reading, checked to be the file open as fd; -1 when
 * it cannot be (then the blob is read from the store instead). */
static int open_same(const char *path, int fd)
{
    int own = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat a, b;
    if (own >= 0 && (fstat(own, &a) < 0 || fstat(fd, &b) < 0 ||
                     a.st_dev != b.st_dev || a.st_ino != b.st_ino)) {
        close(own);
        own = -1;
    }
    return own;
}

void blob_tap_attach(struct blob_tap *t, const char *path, int fd,
                     uint64_t offset)
{
    pthread_mutex_lock(&t->lock);
    t->written = (int64_t)offset;
    if (t->state == BLOB_TAP_STREAMING || t->state == BLOB_TAP_VERIFIED)
        end_pass(t); /* a second writer while one is followed: never */
    if (t->state == BLOB_TAP_WAITING) {
        int own = offset == 0 ? open_same(path, fd) : -1;
        if (own >= 0) {
            t->fd = own;
            t->avail = 0;
            t->state = BLOB_TAP_STREAMING;
        } else {
            /* Resuming a partial file: its first bytes were hashed by
             * this writer but never seen by us as they arrived. */
            t->state = BLOB_TAP_NOSTREAM;
        }
    }
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

void blob_tap_advance(struct blob_tap *t, size_t len)
{
    pthread_mutex_lock(&t->lock);
    t->written += (int64_t)len;
    if (t->state == BLOB_TAP_STREAMING) {
        t->avail += len;
        pthread_cond_broadcast(&t->cond);
    }
    pthread_mutex_unlock(&t->lock);
}

void blob_tap_restart(struct blob_tap *t)
{
    pthread_mutex_lock(&t->lock);
    t->written = 0;
    if (t->state == BLOB_TAP_STREAMING) {
        if (t->reading) {
            end_pass(t);
        } else {
            t->avail = 0; /* nobody read the old bytes: follow the new */
        }
        pthread_cond_broadcast(&t->cond);
    }
    pthread_mutex_unlock(&t->lock);
}

void blob_tap_verified(struct blob_tap *t)
{
    pthread_mutex_lock(&t->lock);
    if (t->state == BLOB_TAP_STREAMING) {
        t->state = BLOB_TAP_VERIFIED;
        pthread_cond_broadcast(&t->cond);
    }
    pthread_mutex_unlock(&t->lock);
}

void blob_tap_detach(struct blob_tap *t)
{
    pthread_mutex_lock(&t->lock);
    /* A verified pass stays verified: what failed after the match (fsync,
     * rename) is the fetch's error, not the bytes'. */
    if (t->state == BLOB_TAP_STREAMING) {
        end_pass(t);
        pthread_cond_broadcast(&t->cond);
    }
    pthread_mutex_unlock(&t->lock);
}

int64_t blob_tap_written(struct blob_tap *t)
{
    pthread_mutex_lock(&t->lock);
    int64_t n = t->written;
    pthread_mutex_unlock(&t->lock);
    return n;
}

bool blob_tap_cancelled(struct blob_tap *t)
{
    pthread_mutex_lock(&t->lock);
    bool c = t->cancelled;
    pthread_mutex_unlock(&t->lock);
    return c;
}

void blob_tap_cancel(struct blob_tap *t)
{
    pthread_mutex_lock(&t->lock);
    t->cancelled = true;
    pthread_mutex_unlock(&t->lock);
}

void blob_tap_fetched(struct blob_tap *t, int rc, xo_err *err)
{
    pthread_mutex_lock(&t->lock);
    t->fetched = true;
    t->fetch_rc = rc;
    if (rc < 0 && err) {
        t->fetch_err = *err;
        err->msg = NULL;
        err->errnum = 0;
    }
    /* Every writer ends with verified or detach before its fetch
     * returns; this only guards a source that forgot to. */
    if (t->state == BLOB_TAP_STREAMING)
        end_pass(t);
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

int blob_tap_begin(struct blob_tap *t)
{
    pthread_mutex_lock(&t->lock);
    while (!t->fetched &&
           (t->state == BLOB_TAP_WAITING || t->state == BLOB_TAP_NOSTREAM))
        pthread_cond_wait(&t->cond, &t->lock);
    int follow =
        t->state == BLOB_TAP_STREAMING || t->state == BLOB_TAP_VERIFIED;
    if (follow)
        t->reading = true;
    pthread_mutex_unlock(&t->lock);
    return follow;
}

ssize_t blob_tap_read(struct blob_tap *t, void *buf, size_t cap, xo_err *err)
{
    pthread_mutex_lock(&t->lock);
    while (t->state == BLOB_TAP_STREAMING && t->pos == t->avail)
        pthread_cond_wait(&t->cond, &t->lock);
    if (t->state != BLOB_TAP_STREAMING && t->state != BLOB_TAP_VERIFIED) {
        pthread_mutex_unlock(&t->lock);
        return xo_err_set(err, ECANCELED, "the download stopped");
    }
    if (t->pos == t->avail) { /* verified, all read */
        pthread_mutex_unlock(&t->lock);
        return 0;
    }
    uint64_t off = t->pos;
    size_t n = t->avail - t->pos < cap ? (size_t)(t->avail - t->pos) : cap;
    int fd = t->fd;
    pthread_mutex_unlock(&t->lock);
    /* Outside the lock: once the reader is reading, the descriptor stays
     * open until blob_tap_dispose(), and a pass that ends turns BROKEN,
     * which is checked again below, so bytes read while the writer
     * truncated its file are never handed on. */
    ssize_t r;
    do
        r = pread(fd, buf, n, (off_t)off);
    while (r < 0 && errno == EINTR);
    pthread_mutex_lock(&t->lock);
    bool ok = t->state == BLOB_TAP_STREAMING || t->state == BLOB_TAP_VERIFIED;
    if (ok && r > 0)
        t->pos += (uint64_t)r;
    pthread_mutex_unlock(&t->lock);
    if (!ok)
        return xo_err_set(err, ECANCELED, "the download stopped");
    if (r < 0)
        return xo_err_sys(err, "cannot read the download");
    if (r == 0)
        return xo_err_set(err, EIO,
                          "the download's file is shorter than %llu bytes",
                          (unsigned long long)(off + n));
    return r;
}

int blob_tap_end(struct blob_tap *t)
{
    pthread_mutex_lock(&t->lock);
    while (t->state == BLOB_TAP_STREAMING)
        pthread_cond_wait(&t->cond, &t->lock);
    int rc = t->state == BLOB_TAP_VERIFIED ? 0 : -1;
    pthread_mutex_unlock(&t->lock);
    return rc;
}

int blob_tap_wait_fetched(struct blob_tap *t, xo_err *err)
{
    pthread_mutex_lock(&t->lock);
    while (!t->fetched)
        pthread_cond_wait(&t->cond, &t->lock);
    int rc = t->fetch_rc;
    if (rc < 0)
        xo_err_set(err, t->fetch_err.errnum, "%s", xo_err_msg(&t->fetch_err));
    pthread_mutex_unlock(&t->lock);
    return rc < 0 ? -1 : 0;
}
