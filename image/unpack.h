/*
 * unpack.h: applying OCI layers (tar, gzip or zstd) to a rootfs directory.
 *
 * Every layer is hostile.  Entry names are normalised and refused when
 * absolute or containing ".." (layerpath.h); every parent directory is
 * opened with openat2(RESOLVE_BENEATH), so a symlink planted by an earlier
 * entry can never carry a write outside the rootfs; files are created with
 * O_EXCL | O_NOFOLLOW after removing what was there; hardlink targets are
 * resolved the same way.  Whiteouts (".wh.NAME", opaque ".wh..wh..opq")
 * remove lower-layer content.  Entry count and total size are bounded over
 * the whole image.  Any refusal fails the unpack with a message naming the
 * layer and entry; the caller discards the half-built tree.
 *
 * Layers from `umoci insert` 0.4.7 end without the tar end-of-archive
 * blocks and without the last entry's padding; a layer that ends cleanly
 * after its last complete entry is accepted.
 */
#ifndef XL_OCI_IMAGE_UNPACK_H
#define XL_OCI_IMAGE_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define UNPACK_DEFAULT_MAX_ENTRIES 1000000ULL
#define UNPACK_DEFAULT_MAX_BYTES (64ULL << 30)

struct unpack_opts {
    uint64_t max_entries; /* over all layers; 0: the default */
    uint64_t max_bytes;   /* sum of regular file sizes; 0: the default */
    bool allow_devices;   /* create char/block nodes instead of refusing */
};

struct unpack_ctx;

/* Starts unpacking into the existing, empty directory `dir`. */
int unpack_begin(struct unpack_ctx **ctx_r, const char *dir,
                 const struct unpack_opts *opts, xo_err *err);

/* Applies one layer read from `fd`; `what` names it in errors. */
int unpack_layer(struct unpack_ctx *ctx, int fd, const char *what, xo_err *err);

/* Sets directory times last (creating children changes them). */
int unpack_finish(struct unpack_ctx *ctx, xo_err *err);

void unpack_free(struct unpack_ctx *ctx);

/* Counters, for progress and tests. */
uint64_t unpack_entries(const struct unpack_ctx *ctx);
uint64_t unpack_bytes(const struct unpack_ctx *ctx);

/* The latest mtime (seconds since the epoch, >= 0) of any entry applied
 * so far: a time derived from the image alone, for reproducible builds
 * (volume.c). */
int64_t unpack_newest_mtime(const struct unpack_ctx *ctx);

#endif
