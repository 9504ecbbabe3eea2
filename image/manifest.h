/*
 * manifest.h: OCI / Docker schema2 manifests, indexes (manifest lists) and
 * descriptors, parsed strictly from bytes whose digest was already checked.
 * Unknown fields are ignored; wrong types, unknown media types and counts
 * above the caps are errors naming the document's digest.
 */
#ifndef XL_OCI_IMAGE_MANIFEST_H
#define XL_OCI_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "domcfg/image_config.h"
#include "verifier/digest.h"

/* Size caps on the small documents everything else trusts. */
#define MANIFEST_MAX_BYTES (4 << 20)
#define CONFIG_MAX_BYTES IMAGE_CONFIG_MAX_BYTES
#define INDEX_MAX_ENTRIES 1024
#define MANIFEST_MAX_LAYERS 512

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_LIST                                                         \
    "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST                                                     \
    "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* The annotation naming a tag in an OCI layout's index.json. */
#define ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
/* containerd's (and Docker 25's `docker save`'s) whole image name of an
 * index entry ("docker.io/library/app:1"), beside a ref.name of its tag
 * alone ("1"). */
#define ANNOTATION_IMAGE_NAME "io.containerd.image.name"
/* BuildKit's mark of an index entry that describes another entry (an
 * attestation manifest), not an image of its own. */
#define ANNOTATION_DOCKER_REF_TYPE "vnd.docker.reference.type"

struct oci_descriptor {
    char *media_type;
    struct digest digest;
    int64_t size;
    char *os, *arch, *variant; /* platform; NULL when absent */
    char *ref_name;            /* ANNOTATION_REF_NAME; NULL when absent */
    char *image_name;          /* ANNOTATION_IMAGE_NAME; NULL when absent */
    /* An index entry's digest of another algorithm than sha256, which the
     * spec allows: the entry is kept (so the rest of the index stays
     * usable) but cannot be fetched; `digest` is then empty. */
    char *other_digest;
    bool describes_other; /* has ANNOTATION_DOCKER_REF_TYPE */
};

/* When err holds an EFBIG (a fetch stopped at MANIFEST_MAX_BYTES), says
 * that the limit is the one on manifests and indexes.  Returns -1. */
int manifest_note_cap(xo_err *err);

/* The platform pull takes from an index (the only one the loader runs). */
#define MANIFEST_PULL_OS "linux"
#define MANIFEST_PULL_ARCH "amd64"

struct oci_index {
    struct oci_descriptor *manifests;
    size_t n;
};

struct oci_manifest {
    char *media_type; /* of the document itself */
    struct oci_descriptor config;
    struct oci_descriptor *layers;
    size_t n_layers;
};

enum oci_kind { OCI_KIND_UNKNOWN, OCI_KIND_INDEX, OCI_KIND_MANIFEST };

enum oci_kind manifest_media_kind(const char *media_type);
bool manifest_layer_media_ok(const char *media_type);

void manifest_descriptor_dispose(struct oci_descriptor *d);
void manifest_descriptor_copy(struct oci_descriptor *dst,
                              const struct oci_descriptor *src);
void manifest_index_dispose(struct oci_index *ix);
void manifest_dispose(struct oci_manifest *m);

/*
 * Which kind of document `buf` is: its own mediaType when present (which
 * must then agree with `hint`, the media type it was fetched as), else
 * `hint`, else its shape.
 */
int manifest_doc_kind(enum oci_kind *kind_r, const char *buf, size_t len,
                      const char *hint, const char *where, xo_err *err);

int manifest_index_parse(struct oci_index *ix_r, const char *buf, size_t len,
                         const char *where, xo_err *err);
int manifest_parse(struct oci_manifest *m_r, const char *buf, size_t len,
                   const char *where, xo_err *err);

/* The entry for os/arch (e.g. linux/amd64; names compared as
 * common/platform.h says): for amd64 the manifest of the highest variant
 * (x86-64-v1 to v4; none is v1) this CPU runs, a variant it cannot run
 * never; then a manifest of an unknown variant, then an index for the
 * platform, then an entry without a platform.  Entries that describe
 * others (attestations) are never taken.  The error lists what there is,
 * names the variant the CPU is short of, the entry for the platform
 * without a mediaType, or the digest of an entry that would do but has
 * another algorithm. */
int manifest_index_pick(const struct oci_descriptor **d_r,
                        const struct oci_index *ix, const char *os,
                        const char *arch, const char *where, xo_err *err);
/* The same, for a CPU of amd64 level cpu_level (1 to 4). */
int manifest_index_pick_level(const struct oci_descriptor **d_r,
                              const struct oci_index *ix, const char *os,
                              const char *arch, int cpu_level,
                              const char *where, xo_err *err);

/* The entry tagged `tag` in an OCI layout index: its ref.name is `tag`
 * (ANNOTATION_REF_NAME), or its ANNOTATION_IMAGE_NAME names the same
 * image (image_ref_same_name: "app:1" is docker.io/library/app:1); tag
 * NULL: the only entry, or "latest".  Of several such entries, the one
 * for os/arch as manifest_index_pick takes it; when others of another
 * digest would be taken as readily (the same platform, or none), which
 * one is meant is not known: an error naming them all.  One whose digest
 * has another algorithm is an error naming it. */
int manifest_index_find_tag(const struct oci_descriptor **d_r,
                            const struct oci_index *ix, const char *tag,
                            const char *os, const char *arch, const char *where,
                            xo_err *err);

#endif
