/*
 * source.h: where blobs come from.  A source knows how to find the
 * top-level document a reference names and how to fetch a blob by
 * descriptor; the blob store verifies everything it is given, so a source
 * never needs to be trusted.  Implementations: layout.c (OCI image layout
 * directory), archive_source.c (oci-archive and docker-archive tar
 * files) and registry.c (OCI distribution API).
 */
#ifndef XL_OCI_IMAGE_SOURCE_H
#define XL_OCI_IMAGE_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "blobstore.h"
#include "common/error.h"
#include "manifest.h"

struct image_source;
struct blob_tap;

struct image_source_ops {
    /*
     * Stores the document the reference names (an image manifest or an
     * index) and describes it in *top_r (media type, digest, size).
     */
    int (*resolve)(struct image_source *src, const struct blob_store *bs,
                   struct oci_descriptor *top_r, xo_err *err);
    /*
     * Like resolve, for another tag of the same repository or layout (the
     * cosign signature tag); a missing tag fails with errno ENOENT.
     */
    int (*resolve_tag)(struct image_source *src, const struct blob_store *bs,
                       const char *tag, struct oci_descriptor *top_r,
                       xo_err *err);
    /*
     * Stores the blob `d` (verified), at most `max` bytes (-1: d->size).
     * `tap` (blobtap.h; NULL: none) follows the bytes as they are
     * written; fetch may return without using it (the blob was stored).
     */
    int (*fetch)(struct image_source *src, const struct blob_store *bs,
                 const struct oci_descriptor *d, int64_t max,
                 struct blob_tap *tap, xo_err *err);
    void (*free)(struct image_source *src);
};

struct image_source {
    const struct image_source_ops *ops;
    bool parallel; /* fetch() may run in several threads at once */
    void (*progress)(void *arg, const char *line);
    void *progress_arg;
};

/* oci:DIR[:TAG] */
int layout_source_new(struct image_source **src_r, const char *dir,
                      const char *tag, xo_err *err);

/* oci-archive:FILE[:NAME] and docker-archive:FILE[:REF|@N] (ref.h,
 * archive_source.c); the file is read when the source is resolved. */
int oci_archive_source_new(struct image_source **src_r, const char *file,
                           const char *name, xo_err *err);
int docker_archive_source_new(struct image_source **src_r, const char *file,
                              const char *ref, xo_err *err);

struct image_pull_opts;

/* docker://HOST/REPO[:TAG|@DIGEST] (ref.h); opts for transport and auth. */
int registry_source_new(struct image_source **src_r, const char *host,
                        const char *repo, const char *tag,
                        const struct digest *pinned,
                        const struct image_pull_opts *opts, xo_err *err);

#endif
