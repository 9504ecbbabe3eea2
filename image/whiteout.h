/*
 * whiteout.h: OCI whiteouts (image-spec layer.md) for the layer unpacker.
 *
 * A whiteout hides what lower layers hold, never what its own layer adds,
 * wherever it stands in the tarball: ".wh.NAME" removes NAME and
 * ".wh..wh..opq" empties its directory of lower content, as if every
 * whiteout of a layer were applied before its other entries.  In one pass
 * over the layer that means: keep what the layer has already made (the
 * names in `made`, recorded by whiteout_made_add() as the identity of
 * their directory and their name, so that symlinked parents cannot hide
 * them and a hardlink to a lower file does not protect the lower name)
 * and the directories leading to it; remove the rest.  Later entries of
 * the layer are applied after the removal, as they would be anyway.
 */
#ifndef XL_OCI_IMAGE_WHITEOUT_H
#define XL_OCI_IMAGE_WHITEOUT_H

#include "common/error.h"
#include "strset.h"

/*
 * Applies the whiteout named `base` (it starts with WHITEOUT_PREFIX) in
 * directory `parent` (normalised, "" for the root) of the tree at rootfd,
 * with chroot semantics for the parent (fsat.h).  The parent of an opaque
 * marker is created when missing.  `what` and `raw` (the layer, the entry
 * as written) name it in errors.
 */
int whiteout_apply(int rootfd, const char *parent, const char *base,
                   struct strset *made, const char *what, const char *raw,
                   xo_err *err);

/* Records that the current layer made `name` in directory dfd; -1 with
 * errno set on failure. */
int whiteout_made_add(struct strset *made, int dfd, const char *name);

#endif
