/* manifest.c: strict OCI manifest/index/descriptor parsing (see manifest.h). */
#include "manifest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"
#include "common/platform.h"
#include "image/ref.h"

/* Appends one more item, ", "-separated, to the bounded list buf of cap
 * bytes at *o; past cap - 40 bytes it adds nothing (a message's list). */
static void list_add(char *buf, size_t cap, size_t *o, const char *fmt, ...)
{
    if (*o >= cap - 40)
        return;
    if (*o) {
        memcpy(buf + *o, ", ", 3);
        *o += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    /* may truncate: a message; *o past the end stops the list */
    int r = vsnprintf(buf + *o, cap - *o, fmt, ap);
    va_end(ap);
    if (r > 0)
        *o += (size_t)r;
}

/* Media types are short; anything longer is garbage. */
#define MEDIA_TYPE_MAX 255
/* A digest of another algorithm is kept in an index entry up to this
 * length (sha512 in hex is 135 bytes). */
#define OTHER_DIGEST_MAX 255

enum oci_kind manifest_media_kind(const char *mt)
{
    if (!mt)
        return OCI_KIND_UNKNOWN;
    if (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST))
        return OCI_KIND_INDEX;
    if (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_DOCKER_MANIFEST))
        return OCI_KIND_MANIFEST;
    return OCI_KIND_UNKNOWN;
}

bool manifest_layer_media_ok(const char *mt)
{
    /* The image spec's, and Docker's as containerd and containers/image
     * read them: an uncompressed Docker layer is what containers/image
     * (buildah, skopeo) writes with compression off, a zstd one what
     * BuildKit pushes under Docker media types.  The compression is sniffed from the bytes
     * anyway (image/unpack.c); the type only says it is a layer. */
    static const char *const ok[] = {
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.diff.tar.zstd",
        "application/vnd.docker.image.rootfs.foreign.diff.tar",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!strcmp(mt, ok[i]))
            return true;
    return false;
}

void manifest_descriptor_dispose(struct oci_descriptor *d)
{
    free(d->media_type);
    free(d->os);
    free(d->arch);
    free(d->variant);
    free(d->ref_name);
    free(d->image_name);
    free(d->other_digest);
    memset(d, 0, sizeof(*d));
}

static char *dup_opt(const char *src)
{
    return src ? xo_xstrdup(src) : NULL;
}

void manifest_descriptor_copy(struct oci_descriptor *dst,
                              const struct oci_descriptor *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->digest = src->digest;
    dst->size = src->size;
    dst->media_type = dup_opt(src->media_type);
    dst->os = dup_opt(src->os);
    dst->arch = dup_opt(src->arch);
    dst->variant = dup_opt(src->variant);
    dst->ref_name = dup_opt(src->ref_name);
    dst->image_name = dup_opt(src->image_name);
    dst->other_digest = dup_opt(src->other_digest);
    dst->describes_other = src->describes_other;
}

void manifest_index_dispose(struct oci_index *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        manifest_descriptor_dispose(&ix->manifests[i]);
    free(ix->manifests);
    memset(ix, 0, sizeof(*ix));
}

void manifest_dispose(struct oci_manifest *m)
{
    free(m->media_type);
    manifest_descriptor_dispose(&m->config);
    for (size_t i = 0; i < m->n_layers; i++)
        manifest_descriptor_dispose(&m->layers[i]);
    free(m->layers);
    memset(m, 0, sizeof(*m));
}

/* A string of at most `max` bytes (0: only the document's own cap). */
static int get_opt_str_max(char **dst, json_object *o, const char *key,
                           size_t max, const char *where, xo_err *err)
{
    const char *s = NULL;
    *dst = NULL;
    int r = xo_json_get_string(&s, o, key, false, where, err);
    if (r <= 0)
        return r;
    if (max && strlen(s) > max)
        return xo_err_set(err, EINVAL, "%s: \"%s\" is too long", where, key);
    *dst = xo_xstrdup(s);
    return 0;
}

static int get_opt_str(char **dst, json_object *o, const char *key,
                       const char *where, xo_err *err)
{
    return get_opt_str_max(dst, o, key, MEDIA_TYPE_MAX, where, err);
}

/* A digest the image spec allows (its grammar: algorithm components
 * joined by [+._-], a colon, then [a-zA-Z0-9=_-]) but of an algorithm
 * other than sha256. */
static bool other_algorithm(const char *s)
{
    size_t alen = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789+._-");
    if (alen == 0 || s[alen] != ':' || strlen(s) > OTHER_DIGEST_MAX ||
        (alen == strlen(DIGEST_ALGO) && !memcmp(s, DIGEST_ALGO, alen)))
        return false;
    if (strchr("+._-", s[0]) || strchr("+._-", s[alen - 1]))
        return false;
    static const char encoded[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=_-";
    const char *enc = s + alen + 1;
    size_t elen = strspn(enc, encoded);
    return elen > 0 && enc[elen] == '\0';
}

/* `in_index`: an entry of an index, which may carry a digest of another
 * algorithm (kept in other_digest, refused only if it is the one taken);
 * a manifest's config and layers must be sha256. */
static int descriptor_parse(struct oci_descriptor *d, json_object *o,
                            bool in_index, const char *where, xo_err *err)
{
    memset(d, 0, sizeof(*d));
    if (!json_object_is_type(o, json_type_object))
        return xo_err_set(err, EINVAL, "%s: must be an object", where);
    const char *dg = NULL;
    json_object *size = NULL, *plat = NULL, *ann = NULL;
    int rc = -1;
    if (get_opt_str(&d->media_type, o, "mediaType", where, err) < 0)
        goto out;
    /* An index entry's is needed only if it is the one taken (entries
     * another tool added need not stop ours: manifest_index_pick). */
    if (!d->media_type && !in_index) {
        xo_err_set(err, EINVAL, "%s: \"mediaType\" is missing", where);
        goto out;
    }
    if (xo_json_get_string(&dg, o, "digest", true, where, err) < 0)
        goto out;
    if (in_index && other_algorithm(dg)) {
        d->other_digest = xo_xstrdup(dg);
    } else if (digest_parse(&d->digest, dg, err) < 0) {
        xo_err_wrap(err, "%s", where);
        goto out;
    }
    if (!json_object_object_get_ex(o, "size", &size) || !size) {
        xo_err_set(err, EINVAL, "%s: \"size\" is missing", where);
        goto out;
    }
    if (!json_object_is_type(size, json_type_int) ||
        json_object_get_int64(size) < 0) {
        xo_err_set(err, EINVAL, "%s: \"size\" must be a non-negative integer",
                   where);
        goto out;
    }
    d->size = json_object_get_int64(size);
    if (xo_json_get_object(&plat, o, "platform", false, where, err) < 0)
        goto out;
    if (plat && (get_opt_str(&d->os, plat, "os", where, err) < 0 ||
                 get_opt_str(&d->arch, plat, "architecture", where, err) < 0 ||
                 get_opt_str(&d->variant, plat, "variant", where, err) < 0))
        goto out;
    if (xo_json_get_object(&ann, o, "annotations", false, where, err) < 0)
        goto out;
    /* A layout's ref.name may be a whole reference, of any length; the
     * document's own size bounds it. */
    if (ann && (get_opt_str_max(&d->ref_name, ann, ANNOTATION_REF_NAME, 0,
                                where, err) < 0 ||
                get_opt_str_max(&d->image_name, ann, ANNOTATION_IMAGE_NAME, 0,
                                where, err) < 0))
        goto out;
    d->describes_other =
        ann && json_object_object_get_ex(ann, ANNOTATION_DOCKER_REF_TYPE, NULL);
    rc = 0;
out:
    if (rc < 0)
        manifest_descriptor_dispose(d);
    return rc;
}

static int check_schema(json_object *o, const char *where, xo_err *err)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, "schemaVersion", &v) || !v)
        return xo_err_set(err, EINVAL, "%s: \"schemaVersion\" is missing",
                          where);
    if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) == 1)
        return xo_err_set(
            err, ENOTSUP,
            "%s: a Docker schema 1 manifest, which is not supported (push the image again with a current tool)",
            where);
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) != 2)
        return xo_err_set(err, EINVAL, "%s: \"schemaVersion\" must be 2",
                          where);
    return 0;
}

static int parse_doc(json_object **o_r, const char *buf, size_t len,
                     const char *where, xo_err *err)
{
    if (xo_json_parse(o_r, buf, len, MANIFEST_MAX_BYTES, where, err) < 0)
        return -1;
    if (!json_object_is_type(*o_r, json_type_object)) {
        json_object_put(*o_r);
        return xo_err_set(err, EINVAL, "%s: must be a JSON object", where);
    }
    return 0;
}

int manifest_doc_kind(enum oci_kind *kind_r, const char *buf, size_t len,
                      const char *hint, const char *where, xo_err *err)
{
    json_object *o = NULL;
    if (parse_doc(&o, buf, len, where, err) < 0)
        return -1;
    const char *mt = NULL;
    int rc = xo_json_get_string(&mt, o, "mediaType", false, where, err);
    enum oci_kind kind = OCI_KIND_UNKNOWN;
    if (rc == 1) {
        kind = manifest_media_kind(mt);
        if (kind == OCI_KIND_UNKNOWN)
            rc = xo_err_set(err, EINVAL, "%s: unsupported media type \"%s\"",
                            where, mt);
        else if (hint && manifest_media_kind(hint) != OCI_KIND_UNKNOWN &&
                 manifest_media_kind(hint) != kind)
            rc = xo_err_set(err, EINVAL,
                            "%s: is a \"%s\" but was referred to as a \"%s\"",
                            where, mt, hint);
    } else if (rc == 0) {
        kind = manifest_media_kind(hint);
        /* The referrer's type (a registry's Content-Type, a descriptor)
         * against what the document holds: named, not taken for a
         * missing field (helper-64: "manifests" is missing). */
        bool has_manifests = json_object_object_get_ex(o, "manifests", NULL);
        bool has_layers = json_object_object_get_ex(o, "layers", NULL);
        if ((kind == OCI_KIND_INDEX && has_layers && !has_manifests) ||
            (kind == OCI_KIND_MANIFEST && has_manifests && !has_layers))
            rc = xo_err_set(
                err, EINVAL,
                "%s: was referred to as a \"%s\" (its Content-Type or descriptor), but it holds %s and no mediaType of its own",
                where, hint, has_layers ? "layers" : "manifests");
        else if (kind == OCI_KIND_UNKNOWN)
            kind = has_manifests ? OCI_KIND_INDEX
                   : has_layers  ? OCI_KIND_MANIFEST
                                 : OCI_KIND_UNKNOWN;
        /* Schema 1 (fsLayers, no config) is long deprecated and has no
         * image config to read; say so rather than "neither". */
        if (kind == OCI_KIND_UNKNOWN &&
            json_object_object_get_ex(o, "fsLayers", NULL))
            rc = xo_err_set(
                err, ENOTSUP,
                "%s: a Docker schema 1 manifest, which is not supported (push the image again with a current tool)",
                where);
        else if (kind == OCI_KIND_UNKNOWN)
            rc =
                xo_err_set(err, EINVAL,
                           "%s: neither an image manifest nor an index", where);
    }
    json_object_put(o);
    if (rc < 0)
        return -1;
    *kind_r = kind;
    return 0;
}

int manifest_index_parse(struct oci_index *ix_r, const char *buf, size_t len,
                         const char *where, xo_err *err)
{
    json_object *o = NULL, *arr = NULL;
    struct oci_index ix = {0};
    if (parse_doc(&o, buf, len, where, err) < 0)
        return -1;
    int rc = check_schema(o, where, err);
    if (rc == 0)
        rc = xo_json_get_array(&arr, o, "manifests", true, where, err);
    if (rc < 0)
        goto out;
    size_t n = json_object_array_length(arr);
    if (n > INDEX_MAX_ENTRIES) {
        rc = xo_err_set(err, E2BIG, "%s: %zu manifests, at most %d allowed",
                        where, n, INDEX_MAX_ENTRIES);
        goto out;
    }
    ix.manifests = xo_xcalloc(n, sizeof(*ix.manifests));
    for (size_t i = 0; i < n; i++) {
        /* Errors name the file, then the entry: "index.json: manifests[3]:
         * ..." */
        char *w = xo_xasprintf("%s: manifests[%zu]", where, i);
        int r = descriptor_parse(
            &ix.manifests[i], json_object_array_get_idx(arr, i), true, w, err);
        free(w);
        if (r < 0) {
            rc = -1;
            goto out;
        }
        ix.n++;
    }
    rc = 0;
out:
    json_object_put(o);
    if (rc < 0)
        manifest_index_dispose(&ix);
    else
        *ix_r = ix;
    return rc < 0 ? -1 : 0;
}

int manifest_parse(struct oci_manifest *m_r, const char *buf, size_t len,
                   const char *where, xo_err *err)
{
    json_object *o = NULL, *cfg = NULL, *arr = NULL;
    struct oci_manifest m = {0};
    if (parse_doc(&o, buf, len, where, err) < 0)
        return -1;
    int rc = check_schema(o, where, err);
    if (rc == 0)
        rc = get_opt_str(&m.media_type, o, "mediaType", where, err);
    if (rc >= 0)
        rc = xo_json_get_object(&cfg, o, "config", true, where, err);
    if (rc >= 0)
        rc = xo_json_get_array(&arr, o, "layers", true, where, err);
    if (rc < 0)
        goto out;
    if (descriptor_parse(&m.config, cfg, false, where, err) < 0) {
        rc = xo_err_wrap(err, "config");
        goto out;
    }
    if (strcmp(m.config.media_type, MT_OCI_CONFIG) &&
        strcmp(m.config.media_type, MT_DOCKER_CONFIG)) {
        rc = xo_err_set(err, EINVAL,
                        "%s: config has media type \"%s\", not an image config",
                        where, m.config.media_type);
        goto out;
    }
    size_t n = json_object_array_length(arr);
    if (n > MANIFEST_MAX_LAYERS) {
        rc = xo_err_set(err, E2BIG, "%s: %zu layers, at most %d allowed", where,
                        n, MANIFEST_MAX_LAYERS);
        goto out;
    }
    m.layers = xo_xcalloc(n, sizeof(*m.layers));
    for (size_t i = 0; i < n; i++) {
        if (descriptor_parse(&m.layers[i], json_object_array_get_idx(arr, i),
                             false, where, err) < 0) {
            rc = xo_err_wrap(err, "layers[%zu]", i);
            goto out;
        }
        m.n_layers++;
        if (!manifest_layer_media_ok(m.layers[i].media_type)) {
            rc = xo_err_set(
                err, EINVAL,
                "%s: layer %zu (%s) has unsupported media type \"%s\"", where,
                i, m.layers[i].digest.str, m.layers[i].media_type);
            goto out;
        }
    }
    rc = 0;
out:
    json_object_put(o);
    if (rc < 0)
        manifest_dispose(&m);
    else
        *m_r = m;
    return rc < 0 ? -1 : 0;
}

/* How much an index entry for the wanted platform is preferred (0: not
 * taken): a manifest for the platform, amd64's by the highest variant
 * level the CPU runs; a manifest of an unknown variant; an index for the
 * platform (an index may list indexes); an entry with no platform, which
 * the spec allows (its config then says). */
static int entry_score(const struct oci_descriptor *d, enum oci_kind k,
                       bool plat, bool amd64, int cpu_level)
{
    if (!plat)
        return 10;
    if (k == OCI_KIND_INDEX)
        return 20;
    if (!amd64)
        return d->variant ? 50 : 100;
    int level = xo_amd64_variant_level(d->variant);
    if (level == 0)
        return 50;
    return level <= cpu_level ? 100 + level : 0;
}

int manifest_index_pick_level(const struct oci_descriptor **d_r,
                              const struct oci_index *ix, const char *os,
                              const char *arch, int cpu_level,
                              const char *where, xo_err *err)
{
    const struct oci_descriptor *best = NULL, *other = NULL;
    size_t untyped = SIZE_MAX;
    int best_score = 0, too_new = 0;
    bool amd64 = xo_platform_matches("linux", arch, "linux", "amd64");
    for (size_t i = 0; i < ix->n; i++) {
        const struct oci_descriptor *d = &ix->manifests[i];
        enum oci_kind k = manifest_media_kind(d->media_type);
        /* Half a platform (an os without an architecture) is a platform
         * too, and not ours unless both match. */
        bool plat = d->os || d->arch;
        if (d->describes_other ||
            (plat && !xo_platform_matches(d->os, d->arch, os, arch)))
            continue;
        if (!d->media_type) {
            if (untyped == SIZE_MAX)
                untyped = i;
            continue;
        }
        if (k != OCI_KIND_MANIFEST && k != OCI_KIND_INDEX)
            continue;
        if (d->other_digest) {
            if (!other)
                other = d;
            continue;
        }
        int score = entry_score(d, k, plat, amd64, cpu_level);
        if (score == 0 && xo_amd64_variant_level(d->variant) > too_new)
            too_new = xo_amd64_variant_level(d->variant);
        if (score > best_score) {
            best = d;
            best_score = score;
        }
    }
    if (best) {
        *d_r = best;
        return 0;
    }
    if (other)
        return xo_err_set(
            err, ENOTSUP,
            "%s: the image for %s/%s has digest \"%s\": only %s is supported",
            where, os, arch, other->other_digest, DIGEST_ALGO);
    if (untyped != SIZE_MAX)
        return xo_err_set(
            err, EINVAL,
            "%s: manifests[%zu], the entry for %s/%s, has no \"mediaType\"",
            where, untyped, os, arch);
    if (too_new)
        return xo_err_set(
            err, ENOENT,
            "%s: no image for %s/%s that this CPU runs: the index has %s/%s/v%d, which needs x86-64-v%d, and this CPU is x86-64-v%d",
            where, os, arch, os, arch, too_new, too_new, cpu_level);
    /* Say what there is, bounded. */
    char have[256] = "";
    size_t o = 0;
    for (size_t i = 0; i < ix->n; i++) {
        const struct oci_descriptor *d = &ix->manifests[i];
        list_add(have, sizeof(have), &o, "%.16s/%.16s", d->os ? d->os : "?",
                 d->arch ? d->arch : "?");
    }
    return xo_err_set(err, ENOENT, "%s: no image for %s/%s (has: %s)", where,
                      os, arch, o ? have : "nothing");
}

int manifest_index_pick(const struct oci_descriptor **d_r,
                        const struct oci_index *ix, const char *os,
                        const char *arch, const char *where, xo_err *err)
{
    return manifest_index_pick_level(d_r, ix, os, arch, xo_cpu_amd64_level(),
                                     where, err);
}

int manifest_note_cap(xo_err *err)
{
    if (err->errnum == EFBIG && err->msg) {
        char *was = xo_xstrdup(err->msg);
        xo_err_set(err, EFBIG, "%s (a manifest or index is read up to %d MiB)",
                   was, MANIFEST_MAX_BYTES >> 20);
        free(was);
    }
    return -1;
}

/* Whether index entry d is the one `tag` names (want: tag, or "latest"
 * without one): its ref.name, or its whole image name (Docker 25's
 * `docker save` writes ref.name "1" and io.containerd.image.name
 * "docker.io/library/app:1" for app:1). */
static bool entry_named(const struct oci_descriptor *d, const char *want,
                        const char *tag)
{
    if (d->ref_name && !strcmp(d->ref_name, want))
        return true;
    return tag && d->image_name && image_ref_same_name(d->image_name, tag);
}

/* An index entry in a message: its whole name, else its ref.name, else
 * its place; and its digest's first 12 hex digits. */
static void entry_add(char *buf, size_t cap, size_t *o,
                      const struct oci_index *ix, size_t i)
{
    const struct oci_descriptor *d = &ix->manifests[i];
    const char *hex = d->other_digest ? d->other_digest : d->digest.str;
    if (d->image_name || d->ref_name)
        list_add(buf, cap, o, "%.128s (%.19s)",
                 d->image_name ? d->image_name : d->ref_name, hex);
    else
        list_add(buf, cap, o, "manifests[%zu] (%.19s)", i, hex);
}

/* Whether pick_level would take entry d as readily as one of `score`. */
static bool ties(const struct oci_descriptor *d, int score, const char *os,
                 const char *arch)
{
    enum oci_kind k = manifest_media_kind(d->media_type);
    bool plat = d->os || d->arch;
    if (d->describes_other || !d->media_type || d->other_digest ||
        (k != OCI_KIND_MANIFEST && k != OCI_KIND_INDEX) ||
        (plat && !xo_platform_matches(d->os, d->arch, os, arch)))
        return false;
    bool amd64 = xo_platform_matches("linux", arch, "linux", "amd64");
    return entry_score(d, k, plat, amd64, xo_cpu_amd64_level()) == score;
}

/* Of several entries tagged alike: the one for the platform, picked as
 * from an index (a multi-platform layout written without an index, as
 * some build tools write one; umoci refuses such a layout, skopeo takes
 * the first entry, which may be another platform's).  Entries of other
 * digests that the platform tells from it by nothing (images of one tag
 * under several names, as `docker save a:1 b:1` writes them; several
 * without a platform) are refused, all named, never one taken silently;
 * entries of one digest (one image saved under two names) are one. */
static int find_tag_platform(const struct oci_descriptor **d_r,
                             const struct oci_index *ix, const char *want,
                             const char *tag, size_t n_tagged, const char *os,
                             const char *arch, const char *where, xo_err *err)
{
    struct oci_index sub = {xo_xcalloc(n_tagged, sizeof(*sub.manifests)), 0};
    size_t *at = xo_xcalloc(n_tagged, sizeof(*at));
    for (size_t i = 0; i < ix->n; i++)
        if (entry_named(&ix->manifests[i], want, tag)) {
            /* A shallow copy: sub owns nothing and is never disposed. */
            at[sub.n] = i;
            sub.manifests[sub.n++] = ix->manifests[i];
        }
    char *w = xo_xasprintf("%s: the %zu entries tagged \"%.64s\"", where,
                           n_tagged, want);
    const struct oci_descriptor *pick = NULL;
    int rc = manifest_index_pick(&pick, &sub, os, arch, w, err);
    if (rc == 0) {
        bool plat = pick->os || pick->arch;
        bool amd64 = xo_platform_matches("linux", arch, "linux", "amd64");
        int score = entry_score(pick, manifest_media_kind(pick->media_type),
                                plat, amd64, xo_cpu_amd64_level());
        char list[512] = "";
        size_t o = 0, n_alike = 0;
        bool by_name = true; /* each has a whole name of its own */
        for (size_t j = 0; j < sub.n; j++) {
            const struct oci_descriptor *c = &sub.manifests[j];
            if (c != pick && (digest_equal(&c->digest, &pick->digest) ||
                              !ties(c, score, os, arch)))
                continue;
            n_alike++;
            entry_add(list, sizeof(list), &o, ix, at[j]);
            by_name = by_name && c->image_name &&
                      (c == pick || !pick->image_name ||
                       strcmp(c->image_name, pick->image_name));
        }
        const char *how =
            by_name ? "name one by its whole name" : "give each its own tag";
        if (n_alike > 1 && !plat)
            rc = xo_err_set(
                err, EINVAL,
                "%s: none is for %s/%s and %zu name no platform, so which one is meant is not known (%s): %s",
                w, os, arch, n_alike, list, how);
        else if (n_alike > 1)
            rc = xo_err_set(
                err, EINVAL,
                "%s: %zu are for %s/%s alike, so which one is meant is not known (%s): %s",
                w, n_alike, os, arch, list, how);
    }
    if (rc == 0)
        *d_r = &ix->manifests[at[pick - sub.manifests]];
    free(w);
    free(at);
    free(sub.manifests);
    return rc;
}

int manifest_index_find_tag(const struct oci_descriptor **d_r,
                            const struct oci_index *ix, const char *tag,
                            const char *os, const char *arch, const char *where,
                            xo_err *err)
{
    const char *want = tag ? tag : "latest";
    const struct oci_descriptor *d = NULL;
    size_t n_tagged = 0;
    if (!tag && ix->n == 1)
        d = &ix->manifests[0];
    for (size_t i = 0; !d && i < ix->n; i++)
        if (entry_named(&ix->manifests[i], want, tag) && n_tagged++ == 0)
            d = &ix->manifests[i];
    for (size_t i = d ? (size_t)(d - ix->manifests) + 1 : ix->n; i < ix->n; i++)
        if (entry_named(&ix->manifests[i], want, tag))
            n_tagged++;
    if (n_tagged > 1 && find_tag_platform(&d, ix, want, tag, n_tagged, os, arch,
                                          where, err) < 0)
        return -1;
    if (!d) {
        /* The tags there are, as `skopeo list-tags` would say them; an
         * entry's whole name where it has one. */
        char have[512] = "";
        size_t o = 0;
        for (size_t i = 0; i < ix->n; i++) {
            const struct oci_descriptor *e = &ix->manifests[i];
            if (e->image_name || e->ref_name)
                list_add(have, sizeof(have), &o, "%.128s",
                         e->image_name ? e->image_name : e->ref_name);
        }
        return xo_err_set(err, ENOENT, "%s: no image tagged \"%s\" (tags: %s)",
                          where, want, o ? have : "none");
    }
    if (d->other_digest)
        return xo_err_set(err, ENOTSUP,
                          "%s: \"%s\" has digest \"%s\": only %s is supported",
                          where, want, d->other_digest, DIGEST_ALGO);
    *d_r = d;
    return 0;
}
