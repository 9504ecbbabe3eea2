/*
 * pull_meter.h: byte counts of a pull's layer downloads for a progress
 * display (image_pull_opts.bytes).  A thread samples, five times a second,
 * each layer's bytes -- the count its blob_tap keeps of what the blob
 * writer put into the store (blob_tap_written: any source, a registry's
 * partial file or an archive's private temporary one), the size of its
 * partial file before a writer began, its full size once stored -- and
 * hands the counts to the callback, so the callback is only ever called
 * from one thread at a time.
 */
#ifndef XL_OCI_IMAGE_PULL_METER_H
#define XL_OCI_IMAGE_PULL_METER_H

#include <pthread.h>
#include <stdbool.h>

#include "image/blobstore.h"
#include "image/blobtap.h"
#include "image/image.h"
#include "image/manifest.h"

#define PULL_METER_INTERVAL_MS 200

struct pull_meter {
    const struct blob_store *bs;
    void (*cb)(void *arg, const struct image_pull_bytes *b);
    void *arg;
    struct image_pull_blob *blobs;
    struct blob_tap **taps; /* each layer's, or NULL */
    size_t n;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool running, stop;
};

/*
 * Starts sampling the layers of `m` when `cb` is set (a no-op otherwise,
 * or when the thread cannot start: progress is never worth failing for).
 * taps[i] (NULL, or taps NULL: none) follows layer i's writer, and must
 * outlive pull_meter_stop().
 */
void pull_meter_start(struct pull_meter *pm, const struct blob_store *bs,
                      const struct oci_manifest *m,
                      struct blob_tap *const *taps,
                      void (*cb)(void *, const struct image_pull_bytes *),
                      void *arg);

/* Stops the thread; with `ok`, reports once more with final set. */
void pull_meter_stop(struct pull_meter *pm, bool ok);

#endif
