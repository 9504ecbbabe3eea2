/*
 * archive_source.h: what the two image archive sources share
 * (archive_source.c: oci-archive and the fetch of both; docker_archive.c:
 * docker-archive's manifest.json).  Internal to image/.
 */
#ifndef XL_OCI_IMAGE_ARCHIVE_SOURCE_H
#define XL_OCI_IMAGE_ARCHIVE_SOURCE_H

#include <stdbool.h>

#include "source.h"
#include "tarindex.h"

enum archive_kind { ARCHIVE_OCI, ARCHIVE_DOCKER };

/* A blob a docker-archive holds under a name of its own. */
struct archive_blob {
    struct digest digest;
    const struct tar_entry *entry; /* borrowed from the index */
};

struct archive_source {
    struct image_source base;
    enum archive_kind kind;
    char *file; /* the archive, as the reference names it */
    char *sel;  /* oci: the image's ref.name; docker: REF or @N; or NULL */
    bool indexed;
    struct tar_index ix;
    struct archive_blob *blobs; /* docker: config, then each layer */
    size_t n_blobs;
};

/*
 * docker-archive's resolve: picks the image of manifest.json that
 * as->sel names, stores its config (digest computed here) and an OCI
 * image manifest made from it (config by that digest; each layer an
 * uncompressed tar named by the config's rootfs.diff_ids, as Docker
 * writes them, or a gzip or zstd one by its own hash, as containerd's
 * export writes them), fills as->blobs, and describes the manifest in
 * *top_r.
 * Errors name the archive, the entry and the field.
 */
int docker_archive_resolve(struct archive_source *as,
                           const struct blob_store *bs,
                           struct oci_descriptor *top_r, xo_err *err);

#endif
