/*
 * layout.h: how an OCI image layout (image-spec, image-layout.md) names
 * its images: `oci-layout` and `index.json`, read from a directory
 * (layout.c) or from an oci-archive's tar (archive_source.c).
 */
#ifndef XL_OCI_IMAGE_LAYOUT_H
#define XL_OCI_IMAGE_LAYOUT_H

#include <stddef.h>

#include "common/error.h"
#include "manifest.h"

struct image_source;
struct blob_store;

/* Reads the layout's file NAME ("oci-layout", "index.json"), at most max
 * bytes, into *buf_r (free()) and *len_r; errors name it. */
typedef int (*layout_read_fn)(void *arg, const char *name, size_t max,
                              char **buf_r, size_t *len_r, xo_err *err);

/*
 * The resolve of a layout source: checks `oci-layout` (imageLayoutVersion
 * "1.0.0"), finds the entry of `index.json` tagged `tag` (its
 * org.opencontainers.image.ref.name; NULL: the only entry, else
 * "latest"), which must name an image manifest or an index, fetches it
 * through src into bs, and describes it in *top_r.  `where` and `sep`
 * name the files in messages (WHERE SEP index.json: "DIR/index.json",
 * "FILE:index.json"); `what` is what a layout without its marker is not
 * ("an OCI image layout").
 */
int layout_resolve_top(struct oci_descriptor *top_r, struct image_source *src,
                       const struct blob_store *bs, const char *tag,
                       const char *where, char sep, const char *what,
                       layout_read_fn reader, void *arg, xo_err *err);

#endif
