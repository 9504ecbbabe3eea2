/*
 * blobtap.h: one reader following a blob while a blob_writer writes it,
 * and told whether those bytes matched their digest.
 *
 * A pull unpacks a layer while the layer downloads (layer_feed.h).  The
 * reader reads the writer's temporary file through a descriptor of its
 * own (pread), up to the bytes the writer has hashed and written so far:
 * the download never waits for the unpack and no byte is copied through
 * memory on the way.
 *
 * The promise: when blob_tap_read() has returned 0 (end of stream) or the
 * reader stops early, and blob_tap_end() then returns 0, every byte the
 * reader was given is a prefix of ONE hashing pass of ONE writer that
 * began at byte 0 of the blob, and that pass matched the expected digest.
 * Anything else ends the stream with an error: the writer restarted from
 * byte 0 or resumed a partial file, it was abandoned, or the digest did
 * not match.  The reader must then throw away everything it made from
 * the bytes (docs/decisions.md, "Unpacking while downloading").
 *
 * Writer side (blobstore.c; a writer has at most one tap):
 *   blob_tap_attach   a writer begins at byte `offset` of the blob
 *   blob_tap_advance  `len` more bytes are hashed and in the file
 *   blob_tap_restart  the writer drops its bytes and begins again at 0
 *   blob_tap_verified the digest matched (before fsync and rename)
 *   blob_tap_detach   the writer ends without a match (abort, failure)
 * Fetcher side: blob_tap_fetched() once the fetch has returned, stored or
 * failed, also when no writer ran because the blob was already stored.
 * The pull may call blob_tap_cancel(): the writer then fails its next
 * write (the download stops) instead of finishing a blob nobody needs.
 * Reader side: blob_tap_begin(), blob_tap_read(), blob_tap_end(), and
 * blob_tap_wait_fetched() for the fetch's outcome.
 * All of them may run in different threads.
 */
#ifndef XL_OCI_IMAGE_BLOBTAP_H
#define XL_OCI_IMAGE_BLOBTAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

enum blob_tap_state {
    BLOB_TAP_WAITING,   /* no writer follows yet */
    BLOB_TAP_STREAMING, /* a writer that began at byte 0 is writing */
    BLOB_TAP_VERIFIED,  /* that writer's bytes matched the digest */
    BLOB_TAP_NOSTREAM,  /* cannot be followed: read the stored blob */
    BLOB_TAP_BROKEN,    /* the followed stream ended without a match */
};

struct blob_tap {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    enum blob_tap_state state;
    bool reading;    /* the reader took the stream (blob_tap_begin) */
    int fd;          /* the file being written (opened by us), or -1 */
    uint64_t avail;  /* bytes of the current pass hashed and written */
    uint64_t pos;    /* bytes handed to the reader */
    int64_t written; /* bytes the latest writer holds, -1: none began */
    bool cancelled;  /* the pull gave up: stop writing */
    bool fetched;    /* the fetch has returned */
    int fetch_rc;
    xo_err fetch_err; /* its error, when fetch_rc < 0 */
};

void blob_tap_init(struct blob_tap *t);
void blob_tap_dispose(struct blob_tap *t);

/* Writer side.  `path` names the writer's file, open as `fd`; the tap
 * opens it anew (a duplicate of fd would share the writer's flock and
 * keep the next writer from resuming the partial file).  A writer
 * beginning anywhere but at byte 0 cannot be followed. */
void blob_tap_attach(struct blob_tap *t, const char *path, int fd,
                     uint64_t offset);
void blob_tap_advance(struct blob_tap *t, size_t len);
void blob_tap_restart(struct blob_tap *t);
void blob_tap_verified(struct blob_tap *t);
void blob_tap_detach(struct blob_tap *t);
/* The bytes the latest writer holds in its file (a resumed partial's
 * included; 0 again after a restart), whether or not they can be
 * followed: a pull's byte meter (pull_meter.h).  -1 before any writer
 * began, or when the fetch needed none. */
int64_t blob_tap_written(struct blob_tap *t);
/* True once blob_tap_cancel() was called: the writer stops. */
bool blob_tap_cancelled(struct blob_tap *t);
void blob_tap_cancel(struct blob_tap *t);

/* Fetcher side: the outcome of the fetch; takes over *err's message. */
void blob_tap_fetched(struct blob_tap *t, int rc, xo_err *err);

/*
 * Waits until the blob can be followed (1: read it with blob_tap_read)
 * or the fetch returned without a followable stream (0: wait for the
 * fetch's outcome and read the stored blob).
 */
int blob_tap_begin(struct blob_tap *t);

/*
 * Up to `cap` bytes of the stream into buf: the count, 0 at the end of a
 * verified stream, -1 when the stream broke (err: errno ECANCELED).
 */
ssize_t blob_tap_read(struct blob_tap *t, void *buf, size_t cap, xo_err *err);

/* Waits until the followed stream is decided: 0 when its digest
 * matched, -1 otherwise (then see blob_tap_wait_fetched). */
int blob_tap_end(struct blob_tap *t);

/* Waits for the fetch's outcome: its rc, and a copy of its error. */
int blob_tap_wait_fetched(struct blob_tap *t, xo_err *err);

#endif
