/*
 * docker_archive.c: the image of a docker-archive (archive_source.h).
 *
 * `docker save` and skopeo's docker-archive write a tar whose
 * manifest.json is a JSON array with one object per image:
 *
 *   [{"Config": "<hex>.json", "RepoTags": ["name:tag", ...],
 *     "Layers": ["<id>/layer.tar", ...]}]
 *
 * (moby's image/tarexport; Docker 25 and later name the files
 * blobs/sha256/<hex> and add an OCI layout beside it; containerd's export
 * writes the same with its layers compressed).  An uncompressed layer's
 * digest is its diff_id in the config; a compressed one and the config,
 * whose digests are written nowhere, are hashed here.  The
 * image manifest made of that is stored like any other, and the pull
 * goes on as from a registry: every layer is checked against its
 * diff_id when it is stored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_source.h"
#include "common/alloc.h"
#include "common/json.h"
#include "common/json_build.h"
#include "config_rootfs.h"
#include "ref.h"

#define DOCKER_MANIFEST_MAX (4 << 20)
/* Images of one archive named in a message that lists them. */
#define DOCKER_LIST_SHOWN 8

/* The images and their tags, for a message: "@0 a = b, @1 (untagged)". */
static char *list_images(json_object *arr)
{
    size_t n = json_object_array_length(arr);
    char *out = xo_xstrdup("");
    for (size_t i = 0; i < n && i < DOCKER_LIST_SHOWN; i++) {
        json_object *tags = NULL;
        json_object *item = json_object_array_get_idx(arr, i);
        char *names = xo_xstrdup("");
        if (json_object_object_get_ex(item, "RepoTags", &tags) &&
            json_object_is_type(tags, json_type_array))
            for (size_t j = 0;
                 j < json_object_array_length(tags) && j < DOCKER_LIST_SHOWN;
                 j++) {
                json_object *t = json_object_array_get_idx(tags, j);
                if (!json_object_is_type(t, json_type_string))
                    continue;
                char *next =
                    xo_xasprintf("%s%s%.128s", names, *names ? " = " : "",
                                 json_object_get_string(t));
                free(names);
                names = next;
            }
        char *next = xo_xasprintf("%s%s@%zu %s", out, i ? ", " : "", i,
                                  *names ? names : "(untagged)");
        free(names);
        free(out);
        out = next;
    }
    if (n > DOCKER_LIST_SHOWN) {
        char *next = xo_xasprintf("%s, ...", out);
        free(out);
        out = next;
    }
    return out;
}

/* The object of manifest.json that `sel` names (NULL: the only one; "@N":
 * the Nth, from 0, as skopeo reads it; else a RepoTags entry). */
static int pick_image(json_object **item_r, json_object *arr, const char *sel,
                      const char *where, xo_err *err)
{
    size_t n = json_object_array_length(arr);
    if (n == 0)
        return xo_err_set(err, EINVAL, "%s: no image in it", where);
    if (!sel) {
        if (n == 1) {
            *item_r = json_object_array_get_idx(arr, 0);
            return 0;
        }
        char *list = list_images(arr);
        xo_err_set(
            err, EINVAL,
            "%s: %zu images (%s): name one, as docker-archive:FILE:NAME:TAG or docker-archive:FILE:@INDEX",
            where, n, list);
        free(list);
        return -1;
    }
    if (sel[0] == '@') {
        char *end = NULL;
        errno = 0;
        unsigned long long i = strtoull(sel + 1, &end, 10);
        if (!sel[1] || *end || errno || sel[1] == '-' || sel[1] == '+' ||
            i >= n)
            return xo_err_set(err, EINVAL,
                              "%s: no image %s (it holds %zu, from @0)", where,
                              sel, n);
        *item_r = json_object_array_get_idx(arr, (size_t)i);
        return 0;
    }
    json_object *found = NULL;
    for (size_t i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(arr, i), *tags = NULL;
        if (!json_object_is_type(item, json_type_object) ||
            !json_object_object_get_ex(item, "RepoTags", &tags) ||
            !json_object_is_type(tags, json_type_array))
            continue;
        for (size_t j = 0; j < json_object_array_length(tags); j++) {
            json_object *t = json_object_array_get_idx(tags, j);
            if (!json_object_is_type(t, json_type_string) ||
                !image_ref_same_name(json_object_get_string(t), sel))
                continue;
            if (found && found != item) {
                char *list = list_images(arr);
                xo_err_set(
                    err, EINVAL,
                    "%s: more than one image is tagged \"%s\" (it holds %s): name one as docker-archive:FILE:@INDEX",
                    where, sel, list);
                free(list);
                return -1;
            }
            found = item;
        }
    }
    if (!found) {
        char *list = list_images(arr);
        xo_err_set(err, ENOENT, "%s: no image tagged \"%s\" (it holds %s)",
                   where, sel, list);
        free(list);
        return -1;
    }
    *item_r = found;
    return 0;
}

/* The config entry: stored under the digest of its bytes. */
static int store_config(struct archive_blob *b, int64_t *size_r, char **buf_r,
                        size_t *len_r, struct archive_source *as,
                        const struct blob_store *bs, const char *name,
                        xo_err *err)
{
    if (tar_index_find(&b->entry, &as->ix, name, err) < 0 ||
        tar_entry_slurp(buf_r, len_r, &as->ix, b->entry, CONFIG_MAX_BYTES,
                        err) < 0)
        return -1;
    if (digest_buffer(&b->digest, *buf_r, *len_r, err) < 0 ||
        blobstore_put(bs, &b->digest, *buf_r, *len_r, err) < 0) {
        free(*buf_r);
        *buf_r = NULL;
        return -1;
    }
    *size_r = (int64_t)*len_r;
    return 0;
}

/* The first bytes of an entry, to tell a compressed layer. */
struct peek {
    unsigned char b[4];
    size_t n;
};

static int peek_add(void *arg, const void *buf, size_t len, xo_err *err)
{
    (void)err;
    struct peek *p = arg;
    size_t take = sizeof(p->b) - p->n < len ? sizeof(p->b) - p->n : len;
    memcpy(p->b + p->n, buf, take);
    p->n += take;
    return p->n == sizeof(p->b) ? 1 : 0;
}

static int hash_add(void *arg, const void *buf, size_t len, xo_err *err)
{
    return digest_hasher_update(arg, buf, len, err);
}

/*
 * A layer's digest and media type.  Docker writes uncompressed tars,
 * whose digest is their diff_id; containerd's `ctr image export` and
 * nerdctl save write the blobs as pulled (gzip, zstd) beside the same
 * manifest.json, and docker load takes both.  A compressed one is hashed
 * here (one more read of it); its content is still held to the diff_id
 * when it is unpacked (volume.c).
 */
static int layer_digest(struct archive_blob *b, const char **media_r,
                        const struct digest *diff_id,
                        const struct archive_source *as, xo_err *err)
{
    static const unsigned char gz[] = {0x1f, 0x8b};
    static const unsigned char zst[] = {0x28, 0xb5, 0x2f, 0xfd};
    struct peek p = {.n = 0};
    if (tar_entry_read(&as->ix, b->entry, peek_add, &p, err) < 0)
        return -1;
    bool is_gz = p.n >= sizeof(gz) && !memcmp(p.b, gz, sizeof(gz));
    bool is_zst = p.n >= sizeof(zst) && !memcmp(p.b, zst, sizeof(zst));
    if (!is_gz && !is_zst) {
        b->digest = *diff_id;
        *media_r = "application/vnd.oci.image.layer.v1.tar";
        return 0;
    }
    *media_r = is_gz ? "application/vnd.oci.image.layer.v1.tar+gzip"
                     : "application/vnd.oci.image.layer.v1.tar+zstd";
    struct digest_hasher *h = NULL;
    int rc = digest_hasher_new(&h, err);
    if (rc == 0)
        rc = tar_entry_read(&as->ix, b->entry, hash_add, h, err);
    if (rc == 0)
        rc = digest_hasher_final(h, &b->digest, err);
    digest_hasher_free(h);
    return rc;
}

static json_object *descriptor(const char *media_type, const struct digest *d,
                               int64_t size)
{
    json_object *o = xo_jobj();
    xo_jset(o, "mediaType", xo_jstr(media_type));
    xo_jset(o, "digest", xo_jstr(d->str));
    xo_jset(o, "size", xo_jint64(size));
    return o;
}

/* The image manifest of config and layers, stored; described in *top_r. */
static int store_manifest(struct oci_descriptor *top_r,
                          const struct archive_source *as,
                          const char *const *media, const struct blob_store *bs,
                          int64_t config_size, xo_err *err)
{
    json_object *m = xo_jobj(), *layers = xo_jarr();
    xo_jset(m, "schemaVersion", xo_jint(2));
    xo_jset(m, "mediaType", xo_jstr(MT_OCI_MANIFEST));
    xo_jset(m, "config",
            descriptor(MT_OCI_CONFIG, &as->blobs[0].digest, config_size));
    for (size_t i = 1; i < as->n_blobs; i++)
        xo_jpush(layers, descriptor(media[i - 1], &as->blobs[i].digest,
                                    as->blobs[i].entry->size));
    xo_jset(m, "layers", layers);
    char *text = xo_json_to_string(m);
    json_object_put(m);
    size_t len = strlen(text);
    struct digest d;
    int rc = digest_buffer(&d, text, len, err);
    if (rc == 0)
        rc = blobstore_put(bs, &d, text, len, err);
    free(text);
    if (rc < 0)
        return -1;
    memset(top_r, 0, sizeof(*top_r));
    top_r->media_type = xo_xstrdup(MT_OCI_MANIFEST);
    top_r->digest = d;
    top_r->size = (int64_t)len;
    return 0;
}

int docker_archive_resolve(struct archive_source *as,
                           const struct blob_store *bs,
                           struct oci_descriptor *top_r, xo_err *err)
{
    char *where = xo_xasprintf("%s:manifest.json", as->file);
    char *buf = NULL, *config = NULL, *cwhere = NULL;
    size_t len = 0, config_len = 0;
    json_object *arr = NULL, *item = NULL, *layers = NULL;
    const char *config_name = NULL;
    struct digest *ids = NULL;
    const char **media = NULL;
    int64_t config_size = 0;
    int rc = -1;
    const struct tar_entry *e = NULL;
    if (tar_index_find(&e, &as->ix, "manifest.json", err) < 0 ||
        tar_entry_slurp(&buf, &len, &as->ix, e, DOCKER_MANIFEST_MAX, err) < 0) {
        xo_err_wrap(err, "%s is not a docker-archive (docker save's format)",
                    as->file);
        goto out;
    }
    if (xo_json_parse(&arr, buf, len, DOCKER_MANIFEST_MAX, where, err) < 0)
        goto out;
    if (!json_object_is_type(arr, json_type_array)) {
        xo_err_set(err, EINVAL, "%s: must be a JSON array", where);
        goto out;
    }
    if (pick_image(&item, arr, as->sel, where, err) < 0)
        goto out;
    if (!json_object_is_type(item, json_type_object)) {
        xo_err_set(err, EINVAL, "%s: an image must be a JSON object", where);
        goto out;
    }
    if (xo_json_get_string(&config_name, item, "Config", true, where, err) <
            0 ||
        xo_json_get_array(&layers, item, "Layers", true, where, err) < 0)
        goto out;
    size_t n = json_object_array_length(layers);
    if (n > MANIFEST_MAX_LAYERS) {
        xo_err_set(err, E2BIG, "%s: %zu layers; at most %d", where, n,
                   MANIFEST_MAX_LAYERS);
        goto out;
    }
    as->blobs = xo_xcalloc(n + 1, sizeof(*as->blobs));
    media = xo_xcalloc(n + 1, sizeof(*media));
    as->n_blobs = 1;
    if (store_config(&as->blobs[0], &config_size, &config, &config_len, as, bs,
                     config_name, err) < 0) {
        xo_err_wrap(err, "%s: its Config", where);
        goto out;
    }
    cwhere = xo_xasprintf("%s:%s (image config %s)", as->file, config_name,
                          as->blobs[0].digest.str);
    if (config_rootfs_diff_ids(&ids, config, config_len, n, cwhere, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        json_object *l = json_object_array_get_idx(layers, i);
        const char *name = NULL;
        char field[32];
        /* cannot truncate: "Layers[" and a size_t */
        snprintf(field, sizeof(field), "Layers[%zu]", i);
        if (!json_object_is_type(l, json_type_string)) {
            xo_err_set(err, EINVAL, "%s: \"%s\" must be a string", where,
                       field);
            goto out;
        }
        if (xo_json_string(&name, l, field, where, err) < 0)
            goto out;
        struct archive_blob *b = &as->blobs[as->n_blobs];
        if (tar_index_find(&b->entry, &as->ix, name, err) < 0) {
            xo_err_wrap(err, "%s: %s", where, field);
            goto out;
        }
        if (layer_digest(b, &media[i], &ids[i], as, err) < 0) {
            xo_err_wrap(err, "%s: %s", where, field);
            goto out;
        }
        as->n_blobs++;
    }
    rc = store_manifest(top_r, as, media, bs, config_size, err);
out:
    if (rc < 0) {
        free(as->blobs);
        as->blobs = NULL;
        as->n_blobs = 0;
    }
    free(ids);
    free(media);
    json_object_put(arr);
    free(config);
    free(cwhere);
    free(buf);
    free(where);
    return rc;
}
