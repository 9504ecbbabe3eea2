/* blobstore.c: verify-while-streaming blob store (see blobstore.h). */
#include "blobstore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "image/blobtap.h"
#include "common/fault.h"
#include "common/pathfmt.h"

#define BLOB_COPY_CHUNK (256 * 1024)

struct blob_writer {
    const struct blob_store *bs;
    struct digest expected;
    int64_t size; /* declared size, or -1 */
    int64_t max;  /* cap when size is unknown */
    int fd;
    char *tmp;       /* temporary file name */
    bool resumable;  /* tmp is <hex>.partial */
    uint64_t offset; /* bytes present when begun */
    struct digest_hasher *h;
    struct blob_tap *tap; /* a reader following the bytes, or NULL */
    bool verified;        /* the digest matched (commit) */
};

int blobstore_open(struct blob_store *bs, const char *root, xo_err *err)
{
    memset(bs, 0, sizeof(*bs));
    bs->root = xo_xstrdup(root);
    bs->blobdir = xo_path_join(root, "blobs/sha256");
    bs->tmpdir = xo_path_join(root, "tmp");
    if (xo_mkdir_p(bs->blobdir, 0755, err) < 0 ||
        xo_mkdir_p(bs->tmpdir, 0700, err) < 0) {
        blobstore_dispose(bs);
        return xo_err_wrap(err, "opening blob store in %s", root);
    }
    return 0;
}

void blobstore_dispose(struct blob_store *bs)
{
    free(bs->root);
    free(bs->blobdir);
    free(bs->tmpdir);
    memset(bs, 0, sizeof(*bs));
}

char *blobstore_path(const struct blob_store *bs, const struct digest *d)
{
    return xo_path_join(bs->blobdir, digest_hex(d));
}

bool blobstore_has(const struct blob_store *bs, const struct digest *d,
                   int64_t size)
{
    char *p = blobstore_path(bs, d);
    struct stat st;
    bool ok = lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
              (size < 0 || st.st_size == size);
    free(p);
    return ok;
}

int blobstore_open_blob(int *fd_r, const struct blob_store *bs,
                        const struct digest *d, xo_err *err)
{
    char *p = blobstore_path(bs, d);
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int rc =
            errno == ENOENT
                ? xo_err_set(err, ENOENT, "blob %s is not in the store", d->str)
                : xo_err_sys(err, "cannot open blob %s", p);
        free(p);
        return rc;
    }
    free(p);
    *fd_r = fd;
    return 0;
}

int blobstore_read(char **buf_r, size_t *len_r, const struct blob_store *bs,
                   const struct digest *d, size_t max, xo_err *err)
{
    char *p = blobstore_path(bs, d);
    char *buf = NULL;
    size_t len = 0;
    int rc = xo_read_file(&buf, &len, p, max, err);
    free(p);
    if (rc < 0)
        return xo_err_wrap(err, "reading blob %s", d->str);
    struct digest got;
    if (digest_buffer(&got, buf, len, err) < 0 ||
        digest_check(d, &got, "stored blob", err) < 0) {
        free(buf);
        return -1;
    }
    *buf_r = buf;
    if (len_r)
        *len_r = len;
    return 0;
}

int blobstore_remove(const struct blob_store *bs, const struct digest *d,
                     xo_err *err)
{
    char *p = blobstore_path(bs, d);
    int rc = 0;
    if (unlink(p) < 0 && errno != ENOENT)
        rc = xo_err_sys(err, "cannot remove blob %s", p);
    free(p);
    return rc;
}

static void writer_free(struct blob_writer *w)
{
    if (!w)
        return;
    if (w->tap && !w->verified)
        blob_tap_detach(w->tap);
    if (w->fd >= 0)
        close(w->fd); /* also drops the flock */
    digest_hasher_free(w->h);
    free(w->tmp);
    free(w);
}

/* Re-hashes the bytes already in a partial file so the digest stays one
 * stream; a partial longer than the declared size is discarded. */
static int writer_load_partial(struct blob_writer *w, xo_err *err)
{
    struct stat st;
    if (fstat(w->fd, &st) < 0)
        return xo_err_sys(err, "cannot stat %s", w->tmp);
    if (st.st_size == 0)
        return 0;
    if ((w->size >= 0 && st.st_size > w->size) ||
        (w->size < 0 && st.st_size > w->max)) {
        if (ftruncate(w->fd, 0) < 0)
            return xo_err_sys(err, "cannot truncate %s", w->tmp);
        return 0;
    }
    uint64_t n = 0;
    if (lseek(w->fd, 0, SEEK_SET) < 0)
        return xo_err_sys(err, "cannot seek %s", w->tmp);
    char *buf = xo_xmalloc(BLOB_COPY_CHUNK);
    int rc = 0;
    while (n < (uint64_t)st.st_size) {
        ssize_t r = read(w->fd, buf, BLOB_COPY_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = xo_err_sys(err, "cannot read %s", w->tmp);
            break;
        }
        if (r == 0)
            break;
        if ((rc = digest_hasher_update(w->h, buf, (size_t)r, err)) < 0)
            break;
        n += (uint64_t)r;
    }
    free(buf);
    if (rc < 0)
        return rc;
    w->offset = n;
    if (lseek(w->fd, (off_t)n, SEEK_SET) < 0 || ftruncate(w->fd, (off_t)n) < 0)
        return xo_err_sys(err, "cannot seek %s", w->tmp);
    return 0;
}

/* Opens <hex>.partial, unless another writer holds it: then a private
 * temporary file, so concurrent pulls never share one. */
static int writer_open_partial(struct blob_writer *w, xo_err *err)
{
    char name[DIGEST_HEX_LEN + 16];
    if (xo_path_fmt(name, sizeof(name), err, "%s.partial",
                    digest_hex(&w->expected)) < 0)
        return -1;
    w->tmp = xo_path_join(w->bs->tmpdir, name);
    w->fd = open(w->tmp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (w->fd < 0)
        return xo_err_sys(err, "cannot open %s", w->tmp);
    if (flock(w->fd, LOCK_EX | LOCK_NB) == 0) {
        w->resumable = true;
        return writer_load_partial(w, err);
    }
    close(w->fd);
    w->fd = -1;
    free(w->tmp);
    w->tmp = NULL;
    return 1;
}

int64_t blobstore_partial_size(const struct blob_store *bs,
                               const struct digest *d)
{
    char name[DIGEST_HEX_LEN + 16];
    /* A digest's hex is DIGEST_HEX_LEN bytes: this cannot fail. */
    if (xo_path_fmt(name, sizeof(name), NULL, "%s.partial", digest_hex(d)) < 0)
        return 0;
    char *path = xo_path_join(bs->tmpdir, name);
    struct stat st;
    int64_t n = stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
    free(path);
    return n;
}

static int writer_open_private(struct blob_writer *w, xo_err *err)
{
    char name[DIGEST_HEX_LEN + 16];
    if (xo_path_fmt(name, sizeof(name), err, "%s.XXXXXX",
                    digest_hex(&w->expected)) < 0)
        return -1;
    w->tmp = xo_path_join(w->bs->tmpdir, name);
    w->fd = mkostemp(w->tmp, O_CLOEXEC);
    if (w->fd < 0)
        return xo_err_sys(err, "cannot create a temporary file in %s",
                          w->bs->tmpdir);
    return 0;
}

int blob_writer_begin(struct blob_writer **w_r, const struct blob_store *bs,
                      const struct digest *expected, int64_t size, int64_t max,
                      unsigned flags, xo_err *err)
{
    if (size >= 0 && max >= 0 && size > max)
        return xo_err_set(
            err, EFBIG,
            "blob %s: declared size %lld is above the limit of %lld bytes",
            expected->str, (long long)size, (long long)max);
    struct blob_writer *w = xo_xcalloc(1, sizeof(*w));
    w->bs = bs;
    w->expected = *expected;
    w->size = size;
    w->max = max;
    w->fd = -1;
    int rc = digest_hasher_new(&w->h, err);
    if (rc == 0 && (flags & BLOB_WRITER_RESUME))
        rc = writer_open_partial(w, err);
    else if (rc == 0)
        rc = 1;
    if (rc == 1)
        rc = writer_open_private(w, err);
    if (rc < 0) {
        if (w->tmp && !w->resumable)
            unlink(w->tmp);
        writer_free(w);
        return xo_err_wrap(err, "blob %s", expected->str);
    }
    *w_r = w;
    return 0;
}

uint64_t blob_writer_offset(const struct blob_writer *w)
{
    return w->offset;
}

bool blob_writer_cancelled(const struct blob_writer *w)
{
    return w->tap && blob_tap_cancelled(w->tap);
}

void blob_writer_set_tap(struct blob_writer *w, struct blob_tap *tap)
{
    w->tap = tap;
    if (tap)
        blob_tap_attach(tap, w->tmp, w->fd, w->offset);
}

int blob_writer_reset(struct blob_writer *w, xo_err *err)
{
    if (w->tap)
        blob_tap_restart(w->tap); /* before the bytes a reader follows go */
    digest_hasher_free(w->h);
    w->h = NULL;
    w->offset = 0;
    if (digest_hasher_new(&w->h, err) < 0)
        return xo_err_wrap(err, "blob %s", w->expected.str);
    if (ftruncate(w->fd, 0) < 0 || lseek(w->fd, 0, SEEK_SET) < 0)
        return xo_err_sys(err, "blob %s: cannot truncate %s", w->expected.str,
                          w->tmp);
    return 0;
}

int blob_writer_write(struct blob_writer *w, const void *buf, size_t len,
                      xo_err *err)
{
    uint64_t have = digest_hasher_size(w->h);
    int64_t limit = w->size >= 0 ? w->size : w->max;
    if (w->tap && blob_tap_cancelled(w->tap))
        return xo_err_set(err, ECANCELED, "blob %s: the pull stopped",
                          w->expected.str);
    if (limit >= 0 && (uint64_t)limit - have < len)
        return xo_err_set(
            err, EFBIG, "blob %s: more than the %s %lld bytes", w->expected.str,
            w->size >= 0 ? "declared" : "allowed", (long long)limit);
    if (digest_hasher_update(w->h, buf, len, err) < 0)
        return xo_err_wrap(err, "blob %s", w->expected.str);
    if (xo_write_all(w->fd, buf, len) < 0)
        return xo_err_sys(err, "blob %s: cannot write %s", w->expected.str,
                          w->tmp);
    if (w->tap)
        blob_tap_advance(w->tap, len);
    XO_FAULT_POINT("pull.blob-write");
    return 0;
}

void blob_writer_abort(struct blob_writer *w, bool keep_partial)
{
    if (!w)
        return;
    if (!(keep_partial && w->resumable))
        unlink(w->tmp);
    writer_free(w);
}

int blob_writer_commit(struct blob_writer *w, xo_err *err)
{
    struct digest got;
    uint64_t have = digest_hasher_size(w->h);
    int rc = 0;
    char *final = NULL;
    if (w->size >= 0 && have != (uint64_t)w->size) {
        rc = xo_err_set(err, EIO, "blob %s: short: %llu of %lld bytes",
                        w->expected.str, (unsigned long long)have,
                        (long long)w->size);
        goto out;
    }
    if ((rc = digest_hasher_final(w->h, &got, err)) < 0 ||
        (rc = digest_check(&w->expected, &got, "blob", err)) < 0)
        goto out;
    /* A reader following the bytes may trust them from here on; the
     * fsync and rename below only make the store's copy durable. */
    w->verified = true;
    if (w->tap)
        blob_tap_verified(w->tap);
    if (fchmod(w->fd, 0444) < 0 || fsync(w->fd) < 0) {
        rc =
            xo_err_sys(err, "blob %s: cannot sync %s", w->expected.str, w->tmp);
        goto out;
    }
    final = blobstore_path(w->bs, &w->expected);
    XO_FAULT_POINT("pull.blob-before-rename");
    if (rename(w->tmp, final) < 0) {
        rc = xo_err_sys(err, "blob %s: cannot rename %s to %s", w->expected.str,
                        w->tmp, final);
        goto out;
    }
    XO_FAULT_POINT("pull.blob-after-rename");
    free(w->tmp);
    w->tmp = NULL;
out:
    if (w->tmp)
        unlink(w->tmp);
    free(final);
    writer_free(w);
    return rc;
}

int blobstore_import_fd(const struct blob_store *bs, int fd,
                        const struct digest *expected, int64_t size,
                        int64_t max, const char *what, struct blob_tap *tap,
                        xo_err *err)
{
    struct blob_writer *w = NULL;
    if (blob_writer_begin(&w, bs, expected, size, max, 0, err) < 0)
        return xo_err_wrap(err, "%s", what);
    blob_writer_set_tap(w, tap);
    char *buf = xo_xmalloc(BLOB_COPY_CHUNK);
    int rc = 0;
    for (;;) {
        ssize_t r = read(fd, buf, BLOB_COPY_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = xo_err_sys(err, "cannot read %s", what);
            break;
        }
        if (r == 0)
            break;
        if ((rc = blob_writer_write(w, buf, (size_t)r, err)) < 0)
            break;
    }
    free(buf);
    if (rc < 0) {
        blob_writer_abort(w, false);
        return xo_err_wrap(err, "%s", what);
    }
    if (blob_writer_commit(w, err) < 0)
        return xo_err_wrap(err, "%s", what);
    return 0;
}

int blobstore_put(const struct blob_store *bs, const struct digest *expected,
                  const void *buf, size_t len, xo_err *err)
{
    struct blob_writer *w = NULL;
    if (blob_writer_begin(&w, bs, expected, (int64_t)len, -1, 0, err) < 0)
        return -1;
    if (blob_writer_write(w, buf, len, err) < 0) {
        blob_writer_abort(w, false);
        return -1;
    }
    return blob_writer_commit(w, err);
}
