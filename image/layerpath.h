/*
 * layerpath.h: the names inside a layer tarball, made safe.
 *
 * A layer names its entries with paths inside the rootfs.  Before anything
 * touches the file system a name is normalised lexically with chroot
 * semantics, as containerd and umoci do: "./a//b/" -> "a/b", "/etc/x" ->
 * "etc/x", "a/../../b" -> "b" (".." stops at the root).  Too long or too
 * deep names are refused.  Symlinks met while resolving the parent are
 * followed inside the rootfs by fsat.h, never out of it.
 */
#ifndef XL_OCI_IMAGE_LAYERPATH_H
#define XL_OCI_IMAGE_LAYERPATH_H

#include <limits.h>

#include "common/error.h"

/* Deeper paths are refused; it also bounds recursion when removing. */
#define LAYERPATH_MAX_DEPTH 256
#define LAYERPATH_MAX_LEN (PATH_MAX - 1)
/* The longest name a root volume holds: NAME_MAX less one, as mkfs.erofs
 * of erofs-utils 1.5 fails on 255 bytes (unpack.c refuses such an object;
 * a whiteout's name may still be 255 bytes long). */
#define LAYERPATH_MAX_NAME (NAME_MAX - 1)

/* The OCI whiteout prefix and the opaque-directory marker. */
#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

/*
 * Normalises `name` into `out` (LAYERPATH_MAX_LEN + 1 bytes).  The root
 * itself (".", "./", "/", "..") normalises to "".  Fails naming the entry
 * when it is empty, too long, has a component over NAME_MAX (a whiteout's
 * last one over NAME_MAX plus its ".wh." prefix) or is deeper than
 * LAYERPATH_MAX_DEPTH.
 */
int layerpath_normalize(char *out, const char *name, xo_err *err);

/*
 * Splits a normalised, non-empty path in place: *parent_r is "" for a
 * top-level name (then the rootfs itself), *base_r the last component.
 * `buf` is modified (the last '/' becomes NUL).
 */
void layerpath_split(char *buf, const char **parent_r, const char **base_r);

#endif
