/*
 * layout.h: the two documents of an OCI image layout (image-spec,
 * image-layout.md), read from a directory (layout.c) or from an
 * oci-archive's tar (archive_source.c): `oci-layout` and `index.json`.
 */
#ifndef XL_OCI_IMAGE_LAYOUT_H
#define XL_OCI_IMAGE_LAYOUT_H

#include <stddef.h>

#include "common/error.h"
#include "manifest.h"

/* Longest oci-layout and index.json read, bytes. */
#define LAYOUT_MARKER_MAX 4096
#define LAYOUT_INDEX_MAX (4 << 20)

/*
 * Checks the text of an `oci-layout` file (`what` names it): a JSON
 * object whose imageLayoutVersion is "1.0.0".  EINVAL otherwise.
 */
int layout_marker_check(const char *buf, size_t len, const char *what,
                        xo_err *err);

/*
 * The entry of an index.json text (`what` names it) tagged `tag` (its
 * org.opencontainers.image.ref.name; NULL: the only entry, else
 * "latest") into *d_r (dispose with manifest_descriptor_dispose()).  It
 * must name an image manifest or an index by its mediaType.
 */
int layout_index_entry(struct oci_descriptor *d_r, const char *buf, size_t len,
                       const char *tag, const char *what, xo_err *err);

/* Wraps a failed fetch of that entry naming index.json and the tag. */
void layout_note_entry(xo_err *err, const char *index, const char *tag);

#endif
