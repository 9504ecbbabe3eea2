/*
 * unpack.h: applying OCI layers (tar, gzip or zstd) to a rootfs directory.
 *
 * Every layer is hostile.  Paths resolve with chroot semantics, as
 * containerd and umoci do: entry names are normalised lexically ("/etc/x"
 * is "etc/x", ".." stops at the root; layerpath.h) and every parent is
 * resolved inside the rootfs as if it were "/" (fsat.h: openat2
 * RESOLVE_IN_ROOT), so a Debian "var/run -> /run" makes "var/run/x" land
 * in /run and no symlink ever carries a write outside.  The last component
 * of an entry is never followed: what is there is removed and the new
 * object created with O_EXCL | O_NOFOLLOW.  Hardlink targets resolve the
 * same way.  Whiteouts hide only lower layers, wherever they stand in the
 * tarball (whiteout.h).  Device nodes inside /dev are skipped and counted
 * (the loader and runc mount their own /dev); elsewhere they are refused
 * unless allowed.  Entry count and total size are bounded over the whole
 * image.  Any refusal fails the unpack with a message naming the layer and
 * entry; the caller discards the half-built tree.  The rootfs itself is
 * made 0755 root:root before the first layer; a "./" entry sets it.
 *
 * Layers from `umoci insert` 0.4.7 end without the tar end-of-archive
 * blocks and without the last entry's padding; a layer that ends cleanly
 * after its last complete entry is accepted.
 */
#ifndef XL_OCI_IMAGE_UNPACK_H
#define XL_OCI_IMAGE_UNPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "verifier/digest.h"

#define UNPACK_DEFAULT_MAX_ENTRIES 1000000ULL
#define UNPACK_DEFAULT_MAX_BYTES (64ULL << 30)

struct unpack_opts {
    uint64_t max_entries; /* over all layers; 0: the default */
    uint64_t max_bytes;   /* sum of regular file sizes; 0: the default */
    bool allow_devices;   /* create char/block nodes, even in /dev */
};

struct unpack_ctx;

/* Starts unpacking into the existing, empty directory `dir`; opens
 * libarchive on first use (unpack_lib.h; its error when that fails). */
int unpack_begin(struct unpack_ctx **ctx_r, const char *dir,
                 const struct unpack_opts *opts, xo_err *err);

/* Applies one layer read from `fd`; `what` names it in errors. */
int unpack_layer(struct unpack_ctx *ctx, int fd, const char *what, xo_err *err);

/*
 * Where unpack_layer_from() reads a layer: read() puts up to `cap` bytes
 * into buf and returns the count, 0 at the end, -1 with err set (that
 * error, not the tar reader's, is then reported).
 */
struct unpack_reader {
    ssize_t (*read)(void *arg, void *buf, size_t cap, xo_err *err);
    void *arg;
};

/* Like unpack_layer(), the bytes from `r` (a download, blobtap.h). */
int unpack_layer_from(struct unpack_ctx *ctx, const struct unpack_reader *r,
                      const char *what, xo_err *err);

/*
 * After the last layer: gives every directory its time, last (creating
 * children changes them).  A directory a layer names gets the entry's
 * mtime; one the unpack made itself (a missing parent, the root without
 * a "./" entry, what the caller made since) gets unpack_build_time(), so
 * that the tree is a function of the layers alone.
 */
int unpack_finish(struct unpack_ctx *ctx, xo_err *err);

void unpack_free(struct unpack_ctx *ctx);

/* Counters, for progress and tests. */
uint64_t unpack_entries(const struct unpack_ctx *ctx);
uint64_t unpack_bytes(const struct unpack_ctx *ctx);
/* Extended attributes set (a layer's entry may carry several; one set
 * again by a later layer counts again).  0: the tree has none. */
uint64_t unpack_xattrs(const struct unpack_ctx *ctx);

/* The next unpack_layer or unpack_layer_from checks that the layer's
 * uncompressed tar (every byte, after gzip or zstd) hashes to `d`, the
 * image config's rootfs.diff_ids entry for it; EBADMSG naming both
 * digests otherwise.  Without a call, no check (a bundle's layers). */
void unpack_expect_diff_id(struct unpack_ctx *ctx, const struct digest *d);

/* Xattrs of the layers not kept (layer_xattr.h), with the first one's
 * name and entry (valid until unpack_free). */
uint64_t unpack_dropped_xattrs(const struct unpack_ctx *ctx,
                               const char **name_r, const char **entry_r);
/* Device nodes skipped because they were in /dev. */
uint64_t unpack_skipped_devices(const struct unpack_ctx *ctx);

/* One second after the latest mtime of any entry applied so far
 * (seconds since the epoch, >= 1): a time derived from the image alone,
 * for reproducible builds (volume.c). */
int64_t unpack_build_time(const struct unpack_ctx *ctx);

#endif
