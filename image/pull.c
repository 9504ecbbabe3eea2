/*
 * pull.c: image_pull() and image_resolve_root_volume(): reference ->
 * source -> verified blobs -> root volume -> name.  Manifest, signature
 * and config are verified before any layer is downloaded; the layers
 * download in the background (layer_feed.h) while the root volume is
 * built, and nothing is published before every layer is in the store
 * under its checked digest.  A layer may be unpacked while it downloads
 * only when the image has no trust anchor beyond its source (neither
 * pinned by digest nor signed): docs/decisions.md, "Unpacking while
 * downloading".
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "image/config_rootfs.h"
#include "image/layer_feed.h"
#include "image.h"
#include "common/alloc.h"
#include "common/platform.h"
#include "common/fileio.h"
#include "common/json.h"
#include "lock.h"
#include "manifest.h"
#include "ref.h"
#include "refstore.h"
#include "signature.h"
#include "source.h"
#include "unpack_lib.h"
#include "volume.h"
#include "image/volume_record.h"
#include "common/fault.h"

void image_info_dispose(struct image_info *info)
{
    free(info->name);
    free(info->volume_dir);
    memset(info, 0, sizeof(*info));
}

static int open_source(struct image_source **src_r, const struct image_ref *r,
                       const struct image_pull_opts *o, xo_err *err)
{
    int rc;
    if (r->kind == IMAGE_REF_LAYOUT)
        rc = layout_source_new(src_r, r->dir, r->tag, err);
    else if (r->kind == IMAGE_REF_OCI_ARCHIVE)
        rc = oci_archive_source_new(src_r, r->dir, r->tag, err);
    else if (r->kind == IMAGE_REF_DOCKER_ARCHIVE)
        rc = docker_archive_source_new(src_r, r->dir, r->tag, err);
    else
        rc = registry_source_new(src_r, r->host, r->repo, r->tag,
                                 r->has_digest ? &r->digest : NULL, o, err);
    if (rc == 0 && o) {
        (*src_r)->progress = o->progress;
        (*src_r)->progress_arg = o->progress_arg;
    }
    return rc;
}

/* The image config must at least be a JSON object; domcfg reads the rest. */
/* A JSON object; one for another platform is pulled, as docker pull
 * does, with a warning (a manifest named directly, no index to pick
 * from): create refuses to run it. */
static int check_config(const char *buf, size_t len, const struct digest *d,
                        const struct image_pull_opts *opts, xo_err *err)
{
    json_object *o = NULL, *v;
    if (xo_json_parse(&o, buf, len, CONFIG_MAX_BYTES, d->str, err) < 0)
        return xo_err_wrap(err, "image config");
    int rc = 0;
    if (!json_object_is_type(o, json_type_object)) {
        rc = xo_err_set(err, EINVAL, "image config %s: must be a JSON object",
                        d->str);
        goto out;
    }
    const char *os = json_object_object_get_ex(o, "os", &v) &&
                             json_object_is_type(v, json_type_string)
                         ? json_object_get_string(v)
                         : "?";
    const char *arch = json_object_object_get_ex(o, "architecture", &v) &&
                               json_object_is_type(v, json_type_string)
                           ? json_object_get_string(v)
                           : "?";
    if (!xo_platform_matches(os, arch, MANIFEST_PULL_OS, MANIFEST_PULL_ARCH)) {
        char plat[80];
        /* may truncate: the image's words in a warning */
        snprintf(plat, sizeof(plat), "%.32s/%.32s", os, arch);
        xo_text_printable(plat); /* the image's words, to a terminal */
        image_progress(
            opts ? opts->warn : NULL, opts ? opts->progress_arg : NULL,
            "the image is for %s, not %s/%s: it is pulled, but create refuses to run it",
            plat, MANIFEST_PULL_OS, MANIFEST_PULL_ARCH);
    }
out:
    json_object_put(o);
    return rc;
}

struct pulled {
    struct oci_descriptor top;
    bool has_index;
    struct digest manifest_digest;
    char *manifest_buf;
    size_t manifest_len;
    struct oci_manifest manifest;
    char *config_buf;
    size_t config_len;
};

static void pulled_dispose(struct pulled *p)
{
    manifest_descriptor_dispose(&p->top);
    free(p->manifest_buf);
    manifest_dispose(&p->manifest);
    free(p->config_buf);
    memset(p, 0, sizeof(*p));
}

/* Indexes followed at most, from the top document to its manifest. */
#define PULL_INDEX_DEPTH 4

/* Top document -> (index -> ...) manifest, each stored and parsed. */
static int fetch_manifest(struct image_source *src, const struct blob_store *bs,
                          struct pulled *p, xo_err *err)
{
    if (src->ops->resolve(src, bs, &p->top, err) < 0)
        return -1;
    char *buf = NULL;
    size_t len = 0;
    enum oci_kind kind;
    if (blobstore_read(&buf, &len, bs, &p->top.digest, MANIFEST_MAX_BYTES,
                       err) < 0)
        return -1;
    if (manifest_doc_kind(&kind, buf, len, p->top.media_type, p->top.digest.str,
                          err) < 0) {
        free(buf);
        return -1;
    }
    struct oci_descriptor md;
    manifest_descriptor_copy(&md, &p->top);
    /* An index may list indexes (image spec); a few levels are plenty. */
    for (int depth = 0; kind == OCI_KIND_INDEX; depth++) {
        struct oci_index ix = {0};
        const struct oci_descriptor *pick = NULL;
        int rc =
            depth < PULL_INDEX_DEPTH
                ? manifest_index_parse(&ix, buf, len, md.digest.str, err)
                : xo_err_set(err, ELOOP, "%s: indexes nested more than %d deep",
                             md.digest.str, PULL_INDEX_DEPTH);
        free(buf);
        buf = NULL;
        if (rc == 0)
            rc = manifest_index_pick(&pick, &ix, MANIFEST_PULL_OS,
                                     MANIFEST_PULL_ARCH, md.digest.str, err);
        if (rc == 0) {
            /* Its size and digest are the index's word: a blob that is
             * not what they say names the index too (helper-64). */
            char *index = xo_xstrdup(md.digest.str);
            manifest_descriptor_dispose(&md);
            manifest_descriptor_copy(&md, pick);
            rc = src->ops->fetch(src, bs, &md, MANIFEST_MAX_BYTES, NULL, err);
            if (rc < 0) {
                manifest_note_cap(err);
                xo_err_wrap(err, "the manifest for %s/%s that index %s names",
                            MANIFEST_PULL_OS, MANIFEST_PULL_ARCH, index);
            }
            free(index);
        }
        manifest_index_dispose(&ix);
        if (rc == 0)
            rc = blobstore_read(&buf, &len, bs, &md.digest, MANIFEST_MAX_BYTES,
                                err);
        if (rc == 0)
            rc = manifest_doc_kind(&kind, buf, len, md.media_type,
                                   md.digest.str, err);
        if (rc < 0) {
            free(buf);
            manifest_descriptor_dispose(&md);
            return -1;
        }
        p->has_index = true;
    }
    p->manifest_digest = md.digest;
    manifest_descriptor_dispose(&md);
    p->manifest_buf = buf;
    p->manifest_len = len;
    return manifest_parse(&p->manifest, buf, len, p->manifest_digest.str, err);
}

/* Once the manifest is known (and trusted): the layers start
 * downloading, and the config is fetched meanwhile when the source takes
 * fetches from several threads at once (else first). */
static int fetch_content(struct image_source *src, const struct blob_store *bs,
                         struct pulled *p, const struct image_pull_opts *o,
                         struct layer_feed **feed_r, xo_err *err)
{
    image_progress(o ? o->progress : NULL, o ? o->progress_arg : NULL,
                   "image %s: %zu layer%s", p->manifest_digest.str,
                   p->manifest.n_layers, p->manifest.n_layers == 1 ? "" : "s");
    if (src->parallel)
        layer_feed_start(feed_r, src, bs, &p->manifest, o ? o->bytes : NULL,
                         o ? o->progress_arg : NULL);
    const struct oci_descriptor *c = &p->manifest.config;
    if (src->ops->fetch(src, bs, c, CONFIG_MAX_BYTES, NULL, err) < 0 ||
        blobstore_read(&p->config_buf, &p->config_len, bs, &c->digest,
                       CONFIG_MAX_BYTES, err) < 0 ||
        check_config(p->config_buf, p->config_len, &c->digest, o, err) < 0)
        return -1;
    /* Its diff_ids before any layer is fetched: one per layer. */
    struct digest *ids = NULL;
    char where[128];
    /* cannot truncate: a digest in 128 bytes */
    snprintf(where, sizeof(where), "image config %s", c->digest.str);
    if (config_rootfs_diff_ids(&ids, p->config_buf, p->config_len,
                               p->manifest.n_layers, where, err) < 0)
        return -1;
    free(ids);
    if (!src->parallel)
        layer_feed_start(feed_r, src, bs, &p->manifest, o ? o->bytes : NULL,
                         o ? o->progress_arg : NULL);
    return 0;
}

/* The key --verify-key names, else the one the policy asks for;
 * *signed_r says whether a signature was required (and checked). */
static int check_signature(const char *root, const struct image_ref *r,
                           struct image_source *src,
                           const struct blob_store *bs,
                           const struct digest *signed_digest,
                           const struct image_pull_opts *o, bool *signed_r,
                           xo_err *err)
{
    char *key = NULL, *policy = NULL;
    int rc = 0;
    *signed_r = false;
    if (o && o->verify_key) {
        key = xo_xstrdup(o->verify_key);
    } else {
        if (o && o->policy_file)
            policy = xo_xstrdup(o->policy_file);
        else
            policy = xo_path_join(root, IMAGE_POLICY_FILE);
        if ((o && o->policy_file) || access(policy, F_OK) == 0)
            rc = signature_policy_key(&key, policy, r->canonical, err);
        free(policy);
        if (rc < 0 || !key)
            return rc;
    }
    image_progress(o ? o->progress : NULL, o ? o->progress_arg : NULL,
                   "verifying the signature of %s", signed_digest->str);
    *signed_r = true;
    rc = signature_check(src, bs, signed_digest, key, err);
    free(key);
    return rc;
}

static int pull_locked(const char *root, const struct image_ref *r,
                       const struct image_pull_opts *o,
                       struct image_info *info_r, xo_err *err)
{
    struct blob_store bs;
    struct image_source *src = NULL;
    struct pulled p = {0};
    struct layer_feed *feed = NULL;
    bool is_signed = false;
    int rc = -1;
    if (blobstore_open(&bs, root, err) < 0)
        return -1;
    pthread_t preload;
    bool preloading = unpack_preload_start(&preload);
    /* The signature is checked before any layer is downloaded. */
    if (open_source(&src, r, o, err) < 0 ||
        fetch_manifest(src, &bs, &p, err) < 0 ||
        check_signature(root, r, src, &bs, &p.top.digest, o, &is_signed, err) <
            0 ||
        fetch_content(src, &bs, &p, o, &feed, err) < 0)
        goto out;
    struct unpack_opts uo = {0};
    if (o) {
        uo.allow_devices = o->allow_devices;
        uo.max_entries = o->max_entries;
        uo.max_bytes = o->max_bytes;
    }
    struct volume_src vs = {
        .manifest_digest = &p.manifest_digest,
        .manifest = &p.manifest,
        .manifest_buf = p.manifest_buf,
        .manifest_len = p.manifest_len,
        .config_buf = p.config_buf,
        .config_len = p.config_len,
        .feed = feed,
        .follow = !r->has_digest && !is_signed,
    };
    struct volume_report rep = {0};
    if (o) {
        rep.progress = o->progress;
        rep.warn = o->warn;
        rep.arg = o->progress_arg;
    }
    if (preloading) {
        unpack_preload_join(preload);
        preloading = false;
    }
    int built = volume_build(root, &bs, &vs, &uo, &rep, err);
    /* A failed download explains a failed build (the unpacker stopped at
     * that layer); reported as it was before the two overlapped.  A build
     * that failed by itself stops the downloads still under way. */
    if (built < 0)
        layer_feed_cancel(feed);
    xo_err fetch_err = XO_ERR_INIT;
    if (layer_feed_wait(feed, &fetch_err) < 0) {
        xo_err_clear(err);
        *err = fetch_err;
        goto out;
    }
    if (built < 0)
        goto out;
    struct ref_entry e = {
        .name = r->canonical,
        .manifest = p.manifest_digest,
        .has_index = p.has_index,
        .index = p.top.digest,
        .pulled = (int64_t)time(NULL),
    };
    XO_FAULT_POINT("pull.ref-before-write");
    if (refstore_put(root, &e, err) < 0)
        goto out;
    if (info_r) {
        memset(info_r, 0, sizeof(*info_r));
        info_r->name = xo_xstrdup(r->canonical);
        info_r->manifest = p.manifest_digest;
        info_r->has_index = p.has_index;
        info_r->index = p.top.digest;
        info_r->volume_dir = volume_path(root, &p.manifest_digest);
        info_r->rootfs_size = -1;
        info_r->pulled = e.pulled;
    }
    rc = 0;
out:
    if (preloading)
        unpack_preload_join(preload);
    layer_feed_free(feed);
    pulled_dispose(&p);
    if (src)
        src->ops->free(src);
    blobstore_dispose(&bs);
    return rc;
}

int image_pull(const char *root, const char *ref,
               const struct image_pull_opts *o, struct image_info *info_r,
               xo_err *err)
{
    struct image_ref r;
    if (image_ref_parse(&r, ref, err) < 0)
        return -1;
    if (r.kind == IMAGE_REF_DIGEST) {
        image_ref_dispose(&r);
        return xo_err_set(
            err, EINVAL,
            "cannot pull \"%s\": a bare digest names no source (use docker://HOST/REPO@%s)",
            ref, ref);
    }
    int lock = -1;
    int rc = image_store_lock_for_pull(&lock, root, err);
    if (rc == 0) {
        rc = pull_locked(root, &r, o, info_r, err);
        close(lock);
    }
    if (rc < 0)
        xo_err_wrap(err, "pulling %s", r.canonical);
    image_ref_dispose(&r);
    return rc;
}

/*
 * A root volume create is about to use, held to its record by size (a
 * stat: create must stay fast): 1 when it matches; 0 when it does not and
 * `may_pull`, so the pull rebuilds it (image_pull checks it in full);
 * else -1 with `err` naming the volume and what to run.
 */
static int intact(const char *root, const struct digest *manifest,
                  bool may_pull, xo_err *err)
{
    char *dir = volume_path(root, manifest);
    int ok = volume_record_check(dir, false, err);
    if (ok == 0 && may_pull) {
        xo_err_clear(err);
    } else if (ok == 0) {
        xo_err_wrap(
            err,
            "root volume %s is damaged (pull the image again to rebuild it)",
            dir);
        ok = -1;
    }
    free(dir);
    return ok;
}

int image_find_root_volume(const char *root, const char *ref,
                           bool damage_is_error, char **dir_r, xo_err *err)
{
    struct image_ref r;
    if (image_ref_parse(&r, ref, err) < 0)
        return -1;
    int rc = 1;
    struct digest d;
    if (r.kind == IMAGE_REF_DIGEST) {
        d = r.digest;
        if (!volume_exists(root, &d))
            rc = xo_err_set(err, ENOENT, "image %s is not in the store %s",
                            d.str, root);
        else if (intact(root, &d, false, err) <
                 0) /* a digest names no source */
            rc = -1;
    } else {
        struct ref_entry e;
        int found = refstore_get(root, r.canonical, &e, err);
        if (found == REFSTORE_DAMAGED && damage_is_error) {
            found = -1;
        } else if (found == REFSTORE_DAMAGED) {
            xo_err_clear(err); /* a pull writes the record anew */
            found = 0;
        }
        int ok = found == 1 && volume_exists(root, &e.manifest)
                     ? intact(root, &e.manifest, !damage_is_error, err)
                     : 0;
        if (ok > 0)
            d = e.manifest;
        else
            rc = ok < 0 || found < 0 ? -1 : 0;
        if (found == 1)
            refstore_entry_dispose(&e);
    }
    if (rc == 1)
        *dir_r = volume_path(root, &d);
    image_ref_dispose(&r);
    return rc;
}

int image_resolve_root_volume(const char *root, const char *ref, bool may_pull,
                              char **dir_r, xo_err *err)
{
    int found = image_find_root_volume(root, ref, !may_pull, dir_r, err);
    if (found != 0)
        return found < 0 ? -1 : 0;
    if (!may_pull)
        return xo_err_set(
            err, ENOENT,
            "image %s is not in the store %s, and a dry run pulls nothing (xl-oci pull %s)",
            ref, root, ref);
    struct image_info info;
    if (image_pull(root, ref, NULL, &info, err) < 0)
        return -1;
    *dir_r = volume_path(root, &info.manifest);
    image_info_dispose(&info);
    return 0;
}
