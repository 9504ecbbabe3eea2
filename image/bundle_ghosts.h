/*
 * bundle_ghosts.h: whiteouts an overlay lists but cannot look up.
 *
 * overlayfs filters whiteouts (0/0 character devices) out of a
 * directory's listing only when the directory is merged from more than
 * one layer.  A directory that one layer alone holds (no layer below has
 * a directory there, or it is opaque) is listed straight from that layer,
 * whiteouts included, while a lookup of such a name finds nothing: a
 * "ghost" entry.  containerd's applier writes a whiteout for every
 * ".wh.NAME" of a layer, whatever is below, so a layer that whites out a
 * name in a directory it adds (or in the bottom layer) leaves one in the
 * container's rootfs; mkfs.erofs fails on it ("failed to build shared
 * xattrs: No such file or directory").  The names whiteout nothing, so
 * the image is the tree without them: bundle_rootfs.c builds from a
 * read-only overlay whose top layer holds these directories (with the
 * attributes the rootfs shows for them), which makes each one merged,
 * and a whiteout of each such name, which hides it even where the layer
 * below is the rootfs mount itself (whose listing shows it again).
 */
#ifndef XL_OCI_IMAGE_BUNDLE_GHOSTS_H
#define XL_OCI_IMAGE_BUNDLE_GHOSTS_H

#include <stddef.h>

#include "common/error.h"

struct bundle_ghosts {
    char **dirs; /* relative paths ("" is the root), sorted, unique */
    size_t n;
    char **names; /* the entries themselves, relative paths, sorted */
    size_t n_names;
};

void bundle_ghosts_dispose(struct bundle_ghosts *g);

/* The directories of `tree` (an overlay mount) whose listing names an
 * entry that lstat() does not find; none is an empty set. */
int bundle_ghosts_find(struct bundle_ghosts *g_r, const char *tree,
                       xo_err *err);

/*
 * Creates each directory of `g`, and every parent of one, under `layer`
 * (which exists) with the mode, owner, extended attributes and times
 * `tree` shows for it, and a whiteout (a 0/0 character device) for each
 * entry: a layer put on top of `tree`'s own layers, or of `tree` itself,
 * changes nothing but makes those directories merged and the names gone.
 */
int bundle_ghosts_layer(const struct bundle_ghosts *g, const char *tree,
                        const char *layer, xo_err *err);

#endif
