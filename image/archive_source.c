/*
 * archive_source.c: image archives as sources (source.h).
 *
 * oci-archive:FILE[:NAME] is an OCI image layout in a tar (what skopeo,
 * buildah and podman write as oci-archive): its oci-layout, index.json
 * and blobs/sha256/<hex> are read from the archive as layout.c reads
 * them from a directory.  docker-archive:FILE[:REF] is what `docker save`
 * and skopeo's docker-archive write; docker_archive.c makes an image
 * manifest of its manifest.json.  Either way every blob is streamed from
 * its entry into the blob store, which checks its digest and size, so an
 * archive is trusted no more than a registry.  The archive is read once
 * for its headers (tarindex.h) and once more per blob fetched, one blob
 * at a time.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_source.h"
#include "common/alloc.h"
#include "layout.h"

static const char *kind_word(const struct archive_source *as)
{
    return as->kind == ARCHIVE_OCI ? "oci-archive" : "docker-archive";
}

static int ensure_index(struct archive_source *as, const struct blob_store *bs,
                        xo_err *err)
{
    if (as->indexed)
        return 0;
    if (as->base.progress) {
        char line[PATH_MAX + 64];
        /* may truncate: a progress line */
        snprintf(line, sizeof(line), "reading %s %s", kind_word(as), as->file);
        as->base.progress(as->base.progress_arg, line);
    }
    if (tar_index_build(&as->ix, as->file, bs->tmpdir, err) < 0) {
        tar_index_dispose(&as->ix);
        return xo_err_wrap(err, "%s", kind_word(as));
    }
    as->indexed = true;
    return 0;
}

/* The entry holding blob d: a docker-archive's own names, else
 * blobs/sha256/<hex> (both kinds: Docker 25's `docker save` writes its
 * blobs there too). */
static int blob_entry(const struct tar_entry **e_r, struct archive_source *as,
                      const struct oci_descriptor *d, xo_err *err)
{
    for (size_t i = 0; i < as->n_blobs; i++)
        if (digest_equal(&as->blobs[i].digest, &d->digest)) {
            *e_r = as->blobs[i].entry;
            return 0;
        }
    char name[96];
    /* cannot truncate: "blobs/sha256/" and 64 hex digits */
    snprintf(name, sizeof(name), "blobs/sha256/%s", digest_hex(&d->digest));
    return tar_index_find(e_r, &as->ix, name, err);
}

static int writer_write(void *arg, const void *buf, size_t len, xo_err *err)
{
    return blob_writer_write(arg, buf, len, err);
}

static int archive_fetch(struct image_source *base, const struct blob_store *bs,
                         const struct oci_descriptor *d, int64_t max,
                         struct blob_tap *tap, xo_err *err)
{
    struct archive_source *as = (struct archive_source *)base;
    if (blobstore_has(bs, &d->digest, d->size))
        return 0;
    const struct tar_entry *e = NULL;
    if (ensure_index(as, bs, err) < 0 || blob_entry(&e, as, d, err) < 0)
        return xo_err_wrap(err, "blob %s", d->digest.str);
    if (d->size >= 0 && e->size != d->size)
        return xo_err_set(
            err, EINVAL,
            "blob %s: %s: \"%s\" has %lld bytes, not the %lld its descriptor says",
            d->digest.str, as->file, e->name, (long long)e->size,
            (long long)d->size);
    if (base->progress) {
        char line[160];
        /* may truncate: a progress line */
        snprintf(line, sizeof(line), "copying %s (%lld bytes)", d->digest.str,
                 (long long)e->size);
        base->progress(base->progress_arg, line);
    }
    struct blob_writer *w = NULL;
    if (blob_writer_begin(&w, bs, &d->digest, e->size, max, 0, err) < 0)
        return -1;
    blob_writer_set_tap(w, tap);
    if (tar_entry_read(&as->ix, e, writer_write, w, err) < 0) {
        blob_writer_abort(w, false);
        return xo_err_wrap(err, "blob %s", d->digest.str);
    }
    if (blob_writer_commit(w, err) < 0)
        return xo_err_wrap(err, "%s: \"%s\"", as->file, e->name);
    return 0;
}

/* layout_read_fn of an oci-archive: NAME at the archive's top. */
static int archive_read(void *arg, const char *name, size_t max, char **buf_r,
                        size_t *len_r, xo_err *err)
{
    struct archive_source *as = arg;
    const struct tar_entry *e = NULL;
    if (tar_index_find(&e, &as->ix, name, err) < 0)
        return -1;
    return tar_entry_slurp(buf_r, len_r, &as->ix, e, max, err);
}

static int oci_resolve_tag(struct archive_source *as,
                           const struct blob_store *bs, const char *tag,
                           struct oci_descriptor *top_r, xo_err *err)
{
    return layout_resolve_top(top_r, &as->base, bs, tag, as->file, ':',
                              "an OCI image layout archive", archive_read, as,
                              err);
}

static int archive_resolve_tag(struct image_source *base,
                               const struct blob_store *bs, const char *tag,
                               struct oci_descriptor *top_r, xo_err *err)
{
    struct archive_source *as = (struct archive_source *)base;
    if (ensure_index(as, bs, err) < 0)
        return -1;
    /* A docker-archive has images, not tags of a repository: no cosign
     * signature can be found beside one. */
    if (as->kind == ARCHIVE_DOCKER)
        return xo_err_set(err, ENOENT, "%s: a docker-archive has no tag \"%s\"",
                          as->file, tag);
    return oci_resolve_tag(as, bs, tag, top_r, err);
}

/* An archive of the other kind, named by the wrong prefix, says which
 * prefix reads it (helper-106: a docker-archive: of an OCI archive said
 * only that it was none). */
static int hint_other_kind(struct archive_source *as, xo_err *err)
{
    bool docker = as->kind == ARCHIVE_DOCKER;
    const struct tar_entry *e = NULL;
    xo_err ignore = XO_ERR_INIT;
    bool own =
        tar_index_find(&e, &as->ix, docker ? "manifest.json" : "oci-layout",
                       &ignore) == 0;
    xo_err_clear(&ignore);
    bool other = !own && tar_index_find(&e, &as->ix,
                                        docker ? "oci-layout" : "manifest.json",
                                        &ignore) == 0;
    xo_err_clear(&ignore);
    if (!other)
        return -1;
    char *msg = xo_xstrdup(xo_err_msg(err));
    xo_err_set(err, err->errnum, "%s (it is %s: pull %s:%s)", msg,
               docker ? "an OCI image layout archive"
                      : "a docker-archive (docker save's format)",
               docker ? "oci-archive" : "docker-archive", as->file);
    free(msg);
    return -1;
}

static int archive_resolve(struct image_source *base,
                           const struct blob_store *bs,
                           struct oci_descriptor *top_r, xo_err *err)
{
    struct archive_source *as = (struct archive_source *)base;
    if (ensure_index(as, bs, err) < 0)
        return -1;
    int rc = as->kind == ARCHIVE_DOCKER
                 ? docker_archive_resolve(as, bs, top_r, err)
                 : oci_resolve_tag(as, bs, as->sel, top_r, err);
    return rc < 0 ? hint_other_kind(as, err) : rc;
}

static void archive_free(struct image_source *base)
{
    struct archive_source *as = (struct archive_source *)base;
    if (as->ix.path)
        tar_index_dispose(&as->ix);
    free(as->blobs);
    free(as->file);
    free(as->sel);
    free(as);
}

static const struct image_source_ops archive_ops = {
    .resolve = archive_resolve,
    .resolve_tag = archive_resolve_tag,
    .fetch = archive_fetch,
    .free = archive_free,
};

static struct image_source *archive_new(enum archive_kind kind,
                                        const char *file, const char *sel)
{
    struct archive_source *as = xo_xcalloc(1, sizeof(*as));
    as->base.ops = &archive_ops;
    as->kind = kind;
    as->file = xo_xstrdup(file);
    as->sel = sel ? xo_xstrdup(sel) : NULL;
    return &as->base;
}

int oci_archive_source_new(struct image_source **src_r, const char *file,
                           const char *name, xo_err *err)
{
    (void)err; /* nothing here fails but allocation (alloc.h) */
    *src_r = archive_new(ARCHIVE_OCI, file, name);
    return 0;
}

int docker_archive_source_new(struct image_source **src_r, const char *file,
                              const char *ref, xo_err *err)
{
    (void)err; /* nothing here fails but allocation (alloc.h) */
    *src_r = archive_new(ARCHIVE_DOCKER, file, ref);
    return 0;
}
