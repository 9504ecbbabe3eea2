/*
 * layout.c: an OCI image layout directory as a source (see source.h).
 * index.json is read with a size cap and the tag is looked up in its
 * ref.name annotations; blobs are streamed from blobs/sha256/<hex> into
 * the store, which hashes them on the way, so a tampered layout is caught
 * exactly like a hostile registry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "layout.h"
#include "source.h"

/* Longest oci-layout and index.json read, bytes. */
#define LAYOUT_MARKER_MAX 4096
#define LAYOUT_INDEX_MAX (4 << 20)

struct layout_source {
    struct image_source base;
    char *dir;
    char *tag;
};

/*
 * Opens a file of the layout for reading: only a regular file (a FIFO
 * planted as a blob or index.json would block the pull, holding the
 * store's lock, for ever; a device would never end), opened O_NONBLOCK
 * so that the open itself cannot block.  -1 with err naming `what`.
 */
static int open_regular(const char *path, const char *what, xo_err *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "%s: cannot open %s", what, path);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        fcntl(fd, F_SETFL, 0) < 0) {
        close(fd);
        return xo_err_set(err, EINVAL, "%s: %s is not a regular file", what,
                          path);
    }
    return fd;
}

/* A JSON file of the layout (at most max bytes): its text into *buf_r
 * (with buf_r), parsed into *o_r (with o_r). */
static int read_json(json_object **o_r, char **buf_r, size_t *len_r,
                     const char *path, size_t max, xo_err *err)
{
    int fd = open_regular(path, "OCI image layout", err);
    if (fd < 0)
        return -1;
    char *buf = NULL;
    size_t len = 0;
    int rc = xo_read_fd(&buf, &len, fd, path, max, err);
    close(fd);
    if (rc == 0 && o_r && xo_json_parse(o_r, buf, len, max, path, err) < 0)
        rc = -1;
    if (rc == 0 && buf_r) {
        *buf_r = buf;
        *len_r = len;
    } else {
        free(buf);
    }
    return rc;
}

static int marker_check(const char *buf, size_t len, const char *what,
                        xo_err *err)
{
    json_object *o = NULL;
    const char *v = NULL;
    int rc = xo_json_parse(&o, buf, len, LAYOUT_MARKER_MAX, what, err);
    if (rc == 0 && !json_object_is_type(o, json_type_object))
        rc = xo_err_set(err, EINVAL, "%s: must be a JSON object", what);
    if (rc == 0)
        rc = xo_json_get_string(&v, o, "imageLayoutVersion", true, what, err);
    if (rc >= 0 && strcmp(v, "1.0.0") != 0)
        rc = xo_err_set(err, EINVAL,
                        "%s: unsupported imageLayoutVersion \"%s\"", what, v);
    json_object_put(o);
    return rc < 0 ? -1 : 0;
}

static int index_entry(struct oci_descriptor *d_r, const char *buf, size_t len,
                       const char *tag, const char *what, xo_err *err)
{
    struct oci_index ix = {0};
    const struct oci_descriptor *d = NULL;
    int rc = -1;
    if (manifest_index_parse(&ix, buf, len, what, err) < 0 ||
        manifest_index_find_tag(&d, &ix, tag, MANIFEST_PULL_OS,
                                MANIFEST_PULL_ARCH, what, err) < 0)
        goto out;
    if (!d->media_type) {
        xo_err_set(err, EINVAL, "%s: the entry of \"%s\" has no \"mediaType\"",
                   what, tag ? tag : "latest");
        goto out;
    }
    if (manifest_media_kind(d->media_type) == OCI_KIND_UNKNOWN) {
        xo_err_set(err, EINVAL, "%s: \"%s\" names a \"%s\", not an image", what,
                   tag ? tag : "latest", d->media_type);
        goto out;
    }
    manifest_descriptor_copy(d_r, d);
    rc = 0;
out:
    manifest_index_dispose(&ix);
    return rc;
}

static void note_entry(xo_err *err, const char *index, const char *tag)
{
    manifest_note_cap(err);
    /* The size and digest are index.json's word (helper-64). */
    xo_err_wrap(err, "%s: the entry %s%s%s", index, tag ? "tagged \"" : "",
                tag ? tag : "(the only one)", tag ? "\"" : "");
}

static int layout_fetch(struct image_source *base, const struct blob_store *bs,
                        const struct oci_descriptor *d, int64_t max,
                        struct blob_tap *tap, xo_err *err)
{
    struct layout_source *ls = (struct layout_source *)base;
    if (blobstore_has(bs, &d->digest, d->size))
        return 0;
    char *path =
        xo_xasprintf("%s/blobs/sha256/%s", ls->dir, digest_hex(&d->digest));
    int rc = 0;
    char what[128];
    /* cannot truncate: "blob " and a digest of at most 71 bytes */
    snprintf(what, sizeof(what), "blob %s", d->digest.str);
    int fd = open_regular(path, what, err);
    if (fd < 0) {
        rc = -1;
    } else {
        if (base->progress) {
            char line[160];
            /* may truncate: a progress line */
            snprintf(line, sizeof(line), "copying %s (%lld bytes)",
                     d->digest.str, (long long)d->size);
            base->progress(base->progress_arg, line);
        }
        rc = blobstore_import_fd(bs, fd, &d->digest, d->size, max, path, tap,
                                 err);
        close(fd);
    }
    free(path);
    return rc;
}

int layout_resolve_top(struct oci_descriptor *top_r, struct image_source *src,
                       const struct blob_store *bs, const char *tag,
                       const char *where, char sep, const char *what,
                       layout_read_fn reader, void *arg, xo_err *err)
{
    char *marker = xo_xasprintf("%s%coci-layout", where, sep);
    char *index = xo_xasprintf("%s%cindex.json", where, sep);
    char *buf = NULL;
    size_t len = 0;
    struct oci_descriptor d = {0};
    int rc = -1;
    if (reader(arg, "oci-layout", LAYOUT_MARKER_MAX, &buf, &len, err) < 0 ||
        marker_check(buf, len, marker, err) < 0) {
        xo_err_wrap(err, "%s is not %s", where, what);
        goto out;
    }
    free(buf);
    buf = NULL;
    if (reader(arg, "index.json", LAYOUT_INDEX_MAX, &buf, &len, err) < 0 ||
        index_entry(&d, buf, len, tag, index, err) < 0)
        goto out;
    if (src->ops->fetch(src, bs, &d, MANIFEST_MAX_BYTES, NULL, err) < 0) {
        note_entry(err, index, tag);
        goto out;
    }
    *top_r = d;
    memset(&d, 0, sizeof(d));
    rc = 0;
out:
    manifest_descriptor_dispose(&d);
    free(buf);
    free(index);
    free(marker);
    return rc;
}

/* layout_read_fn of a directory: NAME in it, a regular file. */
static int dir_read(void *arg, const char *name, size_t max, char **buf_r,
                    size_t *len_r, xo_err *err)
{
    struct layout_source *ls = arg;
    char *path = xo_xasprintf("%s/%s", ls->dir, name);
    int rc = read_json(NULL, buf_r, len_r, path, max, err);
    free(path);
    return rc;
}

static int layout_resolve_tag(struct image_source *base,
                              const struct blob_store *bs, const char *tag,
                              struct oci_descriptor *top_r, xo_err *err)
{
    struct layout_source *ls = (struct layout_source *)base;
    return layout_resolve_top(top_r, base, bs, tag, ls->dir, '/',
                              "an OCI image layout", dir_read, ls, err);
}

static int layout_resolve(struct image_source *base,
                          const struct blob_store *bs,
                          struct oci_descriptor *top_r, xo_err *err)
{
    struct layout_source *ls = (struct layout_source *)base;
    return layout_resolve_tag(base, bs, ls->tag, top_r, err);
}

static void layout_free(struct image_source *base)
{
    struct layout_source *ls = (struct layout_source *)base;
    free(ls->dir);
    free(ls->tag);
    free(ls);
}

static const struct image_source_ops layout_ops = {
    .resolve = layout_resolve,
    .resolve_tag = layout_resolve_tag,
    .fetch = layout_fetch,
    .free = layout_free,
};

int layout_source_new(struct image_source **src_r, const char *dir,
                      const char *tag, xo_err *err)
{
    (void)err; /* nothing here fails but allocation (alloc.h) */
    struct layout_source *ls = xo_xcalloc(1, sizeof(*ls));
    ls->base.ops = &layout_ops;
    ls->dir = xo_xstrdup(dir);
    ls->tag = tag ? xo_xstrdup(tag) : NULL;
    *src_r = &ls->base;
    return 0;
}
