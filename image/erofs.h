/*
 * erofs.h: building the read-only rootfs image with mkfs.erofs.
 * erofs-utils 1.5 (Debian 12) builds only from a directory (no --tar), so
 * the layers are unpacked first.  lz4 halves the image for ~30% more build
 * time than no compression (lab/images.md); lz4hc is 5x slower.
 */
#ifndef XL_OCI_IMAGE_EROFS_H
#define XL_OCI_IMAGE_EROFS_H

#include "error.h"

/* The program run; XL_OCI_MKFS_EROFS in the environment overrides it. */
#define EROFS_MKFS "mkfs.erofs"

/*
 * Builds `image` from the tree at `dir` and fsyncs it.  On failure the
 * error carries the tail of mkfs.erofs's own diagnostics.
 */
int erofs_build(const char *image, const char *dir, xo_err *err);

#endif
