/*
 * layerpath.h: the names inside a layer tarball, made safe.
 *
 * A layer names its entries with relative paths.  Before anything touches
 * the file system a name is normalised ("./a//b/" -> "a/b") and refused if
 * it is absolute, contains "..", is too long or too deep.  Whether a parent
 * directory is reached through a symlink that leaves the rootfs is checked
 * later, by the kernel (openat2 RESOLVE_BENEATH), in unpack.c.
 */
#ifndef XL_OCI_IMAGE_LAYERPATH_H
#define XL_OCI_IMAGE_LAYERPATH_H

#include <limits.h>

#include "error.h"

/* Deeper paths are refused; it also bounds recursion when removing. */
#define LAYERPATH_MAX_DEPTH 256
#define LAYERPATH_MAX_LEN (PATH_MAX - 1)

/* The OCI whiteout prefix and the opaque-directory marker. */
#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

/*
 * Normalises `name` into `out` (LAYERPATH_MAX_LEN + 1 bytes).  The root
 * itself ("." or "./") normalises to "".  Fails naming the entry.
 */
int layerpath_normalize(char *out, const char *name, xo_err *err);

/*
 * Splits a normalised, non-empty path in place: *parent_r is "" for a
 * top-level name (then the rootfs itself), *base_r the last component.
 * `buf` is modified (the last '/' becomes NUL).
 */
void layerpath_split(char *buf, const char **parent_r, const char **base_r);

#endif
