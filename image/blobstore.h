/*
 * blobstore.h: the content-addressed blob store, <root>/blobs/sha256/<hex>.
 *
 * A blob reaches its final name only through a blob_writer: every byte is
 * hashed as it is written (no second pass), the size is bounded by what
 * the manifest declared (one byte more fails at once), and the temporary
 * file is renamed into place only when the digest matches.  A mismatch or a
 * short stream stores nothing.  Two writers of the same blob never corrupt
 * each other: each writes its own temporary file, and rename() of equal
 * content is idempotent.
 *
 * Partial downloads are kept as <root>/tmp/<hex>.partial (locked with
 * flock while in use) so an interrupted transfer can resume; the bytes
 * already there are re-hashed when the writer opens them.
 */
#ifndef XL_OCI_IMAGE_BLOBSTORE_H
#define XL_OCI_IMAGE_BLOBSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "verifier/digest.h"

struct blob_store {
    char *root;    /* the state root */
    char *blobdir; /* <root>/blobs/sha256 */
    char *tmpdir;  /* <root>/tmp (same file system, for rename) */
};

/* Creates the directories if needed.  Dispose with blobstore_dispose(). */
int blobstore_open(struct blob_store *bs, const char *root, xo_err *err);
void blobstore_dispose(struct blob_store *bs);

/* <blobdir>/<hex>, owned by the caller; never NULL (common/alloc.h). */
char *blobstore_path(const struct blob_store *bs, const struct digest *d);

/* True when the blob is stored (and has `size` bytes, if size >= 0). */
bool blobstore_has(const struct blob_store *bs, const struct digest *d,
                   int64_t size);

/*
 * Reads a stored blob of at most `max` bytes into memory and checks its
 * digest again (used for manifests and configs, which are small and which
 * everything else trusts).
 */
int blobstore_read(char **buf_r, size_t *len_r, const struct blob_store *bs,
                   const struct digest *d, size_t max, xo_err *err);

/* Opens a stored blob read-only. */
int blobstore_open_blob(int *fd_r, const struct blob_store *bs,
                        const struct digest *d, xo_err *err);

/* Removes a blob (absent is not an error). */
int blobstore_remove(const struct blob_store *bs, const struct digest *d,
                     xo_err *err);

struct blob_writer;

enum blob_writer_flags {
    /* Keep and resume <hex>.partial rather than a private temporary. */
    BLOB_WRITER_RESUME = 1,
};

/*
 * Starts writing the blob `expected`, which must have exactly `size`
 * bytes (size < 0: unknown, then at most `max` bytes).
 */
int blob_writer_begin(struct blob_writer **w_r, const struct blob_store *bs,
                      const struct digest *expected, int64_t size, int64_t max,
                      unsigned flags, xo_err *err);

/* Bytes already held (non-zero only when resuming a partial file). */
uint64_t blob_writer_offset(const struct blob_writer *w);

struct blob_tap;

/*
 * Lets `tap` (blobtap.h; NULL: none) follow the bytes this writer hashes
 * and writes from now on, and tells it whether they matched.  A writer
 * that resumed a partial file cannot be followed; the tap says so.
 */
void blob_writer_set_tap(struct blob_writer *w, struct blob_tap *tap);
/* Whether the pull this download belongs to stopped (its tap was
 * cancelled: another layer failed, or the unpack did). */
bool blob_writer_cancelled(const struct blob_writer *w);

/*
 * Drops the bytes held so far and starts the blob again from byte 0 (a
 * server that ignored a Range request sends the whole blob).
 */
int blob_writer_reset(struct blob_writer *w, xo_err *err);

/* Hashes and writes; fails as soon as the declared size is exceeded. */
int blob_writer_write(struct blob_writer *w, const void *buf, size_t len,
                      xo_err *err);

/*
 * Checks size and digest, fsyncs and renames into place; frees w either
 * way.  On failure nothing is stored and the partial file is removed.
 */
int blob_writer_commit(struct blob_writer *w, xo_err *err);

/*
 * Abandons the write; frees w.  With `keep_partial`, a resumable partial
 * file stays for the next attempt.
 */
void blob_writer_abort(struct blob_writer *w, bool keep_partial);

/*
 * Bytes a download of `d` holds so far in its resumable partial file
 * (<hex>.partial), 0 when there is none: for progress displays, which
 * read it while another thread writes.
 */
int64_t blobstore_partial_size(const struct blob_store *bs,
                               const struct digest *d);

/* Streams all of `fd` into the store as `expected` (size as above),
 * followed by `tap` (NULL: none). */
int blobstore_import_fd(const struct blob_store *bs, int fd,
                        const struct digest *expected, int64_t size,
                        int64_t max, const char *what, struct blob_tap *tap,
                        xo_err *err);

/* Stores an in-memory buffer whose digest the caller already computed. */
int blobstore_put(const struct blob_store *bs, const struct digest *expected,
                  const void *buf, size_t len, xo_err *err);

#endif
