/*
 * layer_feed.h: a pull's layer downloads, run in background threads
 * while the root volume builder unpacks (volume.c), and the one place
 * that decides, layer by layer, whether the unpacker follows a download
 * as it arrives (blobtap.h) or waits for the verified blob in the store.
 *
 * Layers are downloaded in manifest order, up to LAYER_FEED_PARALLEL at
 * once when the source allows it, each distinct digest once; the
 * unpacker applies them in manifest order.  Whatever it followed is
 * trusted only once the download's digest matched (blob_tap_end); when it
 * did not, the error is the download's own and names the digest
 * (docs/decisions.md, "Unpacking while downloading").
 */
#ifndef XL_OCI_IMAGE_LAYER_FEED_H
#define XL_OCI_IMAGE_LAYER_FEED_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "image/blobstore.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/source.h"
#include "image/unpack.h"

#define LAYER_FEED_PARALLEL 4

/*
 * The errno of layer_feed_unpack() when a download it followed started
 * again (a dropped connection resumed, a server that ignored a Range
 * request): the layer's bytes were fine but are not the bytes whose
 * digest was checked.  The caller throws away everything it unpacked
 * and unpacks again with follow = false.
 */
#define LAYER_FEED_RESTART ERESTART

struct layer_feed;

/*
 * Starts downloading the layers of `m` from `src` into `bs`; `bytes`
 * and `arg` (may be NULL) get the byte counts (pull_meter.h).  src, bs
 * and m are borrowed until layer_feed_free().  Cannot fail (allocation:
 * common/alloc.h); the downloads' own failures are reported as each
 * layer is read.  With no thread to spare, downloads everything before
 * it returns.
 */
void layer_feed_start(struct layer_feed **f_r, struct image_source *src,
                      const struct blob_store *bs, const struct oci_manifest *m,
                      void (*bytes)(void *, const struct image_pull_bytes *),
                      void *arg);

/*
 * Applies layer i (0-based, in manifest order) to ctx: with `follow`,
 * from its download as the bytes arrive when that download began at byte
 * 0, else from the store once the blob is verified there.  Fails with the
 * download's own error when the layer could not be fetched or did not
 * match its digest, with LAYER_FEED_RESTART as above, or with the
 * unpacker's error.
 */
int layer_feed_unpack(struct layer_feed *f, size_t i, struct unpack_ctx *ctx,
                      bool follow, const char *what, xo_err *err);

/*
 * Waits for every download: 0 when each layer is verified and stored,
 * else the first failure.  May be called again (same answer).
 */
int layer_feed_wait(struct layer_feed *f, xo_err *err);

/*
 * Stops the downloads: none starts any more, those under way fail at
 * their next write (their partial files go).  What they fail with is not
 * a failure of the feed: layer_feed_wait() reports only those before.
 */
void layer_feed_cancel(struct layer_feed *f);

/* Cancels, waits for the downloads, frees (NULL: no-op). */
void layer_feed_free(struct layer_feed *f);

#endif
