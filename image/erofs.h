/*
 * erofs.h: building the read-only rootfs image with mkfs.erofs.
 * erofs-utils 1.5 (Debian 12) builds only from a directory (no --tar), so
 * the layers are unpacked first.  lz4 halves the image for ~30% more build
 * time than no compression (lab/images.md); lz4hc is 5x slower.
 */
#ifndef XL_OCI_IMAGE_EROFS_H
#define XL_OCI_IMAGE_EROFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"

/* The program run; XL_OCI_MKFS_EROFS in the environment overrides it. */
#define EROFS_MKFS "mkfs.erofs"

/*
 * The compressed physical cluster (mkfs.erofs -C), bytes.  The default,
 * one 4 KiB block, makes mkfs.erofs write every compressed block with a
 * pwrite of its own: 8,500 of them for the py image, about a fifth of the
 * build on a virtual machine where system calls are dear.  64 KiB takes
 * 40-60 ms (20-25 %) off the build of the real images and makes them 6 %
 * smaller (BENCHMARKS.md); a read decompresses up to 64 KiB of a large
 * file (squashfs's default block is 128 KiB), small files are their own
 * clusters as before.  Big clusters need Linux 5.13 to mount (the loader
 * and Debian 12 run 6.1).
 */
#define EROFS_PCLUSTER "65536"

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and its NUL. */
#define EROFS_UUID_BUF 37

/*
 * What makes two builds of the same tree byte-identical: mkfs.erofs
 * otherwise writes a random UUID and the current time into the
 * superblock.  `uuid` is given as -U; `epoch` (seconds, >= 0) as
 * SOURCE_DATE_EPOCH, which erofs-utils 1.5 takes as the build time and
 * as a clamp: files newer than it get it as their mtime (older ones keep
 * theirs, in extended inodes).  EROFS_EPOCH_NONE gives mkfs.erofs no
 * SOURCE_DATE_EPOCH at all: the build time is the current time and no
 * file's mtime is clamped, for a tree whose newest time is not known
 * (a bundle's rootfs may hold files dated in the future).
 */
#define EROFS_EPOCH_NONE (-1LL)
struct erofs_params {
    char uuid[EROFS_UUID_BUF];
    long long epoch; /* or EROFS_EPOCH_NONE */
    /* The tree holds no extended attributes (the unpack set none): -x-1
     * spares mkfs.erofs a listxattr per file, ~7 % of its build of the
     * web image, for the same image byte for byte. */
    bool no_xattrs;
};

/* A mkfs.erofs run (erofs_start .. erofs_wait or erofs_abort). */
struct erofs_job {
    pid_t pid; /* -1 once reaped */
    int diag;  /* its stdout and stderr, or -1 */
    int guard; /* its scratch_guard.h slot, or -1 */
    const char *prog;
    const char *image; /* borrowed */
};

/*
 * Starts building `image` from the tree at `dir` with `p`; the caller may
 * do other work meanwhile, then must call erofs_wait() or erofs_abort().
 * `image` must stay valid until then.
 */
int erofs_start(struct erofs_job *j, const char *image, const char *dir,
                const struct erofs_params *p, xo_err *err);

/*
 * Waits for the build and starts writing the image back to disk without
 * waiting: the caller fsyncs it (after hashing it, so the two overlap).
 * On failure the image is removed and the error carries the tail of
 * mkfs.erofs's own diagnostics.
 */
int erofs_wait(struct erofs_job *j, xo_err *err);

/* erofs_start and erofs_wait in one, then the image fsynced: for a
 * caller with nothing to do meanwhile (bundle_rootfs.c). */
int erofs_build(const char *image, const char *dir,
                const struct erofs_params *p, xo_err *err);

/* Kills and reaps a build the caller no longer wants. */
void erofs_abort(struct erofs_job *j);

#endif
