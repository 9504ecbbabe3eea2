/*
 * whiteout.h: OCI whiteouts (image-spec layer.md) for the layer unpacker.
 *
 * A whiteout hides what lower layers hold, never what its own layer adds,
 * wherever it stands in the tarball: ".wh.NAME" removes NAME and
 * ".wh..wh..opq" empties its directory of lower content, as if every
 * whiteout of a layer were applied before its other entries.  In one pass
 * over the layer that means: keep what the layer has already made (the
 * identities in `made`) and the directories leading to it, remove the rest.
 * Later entries of the layer are applied after the removal, as they would
 * be anyway.  The one difference from applying whiteouts first: a hardlink
 * the layer made to a lower file keeps that file under its lower name
 * (applied first, the hardlink would have had no target).
 */
#ifndef XL_OCI_IMAGE_WHITEOUT_H
#define XL_OCI_IMAGE_WHITEOUT_H

#include "common/error.h"
#include "inoset.h"

/*
 * Applies the whiteout named `base` (it starts with WHITEOUT_PREFIX) in
 * directory `parent` (normalised, "" for the root) of the tree at rootfd,
 * with chroot semantics for the parent (fsat.h).  The parent of an opaque
 * marker is created when missing and counts as made by the layer.  `what`
 * and `raw` (the layer, the entry as written) name it in errors.
 */
int whiteout_apply(int rootfd, const char *parent, const char *base,
                   struct inoset *made, const char *what, const char *raw,
                   xo_err *err);

#endif
