/* signature.c: cosign signature and policy checks (see signature.h). */
#include "signature.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "verifier/cosign.h"

int signature_policy_key(char **key_r, const char *policy_file,
                         const char *name, xo_err *err)
{
    *key_r = NULL;
    json_object *o = NULL, *arr = NULL;
    if (xo_json_parse_file(&o, policy_file, POLICY_FILE_MAX, err) < 0)
        return xo_err_wrap(err, "policy");
    int rc = 0;
    size_t best = 0;
    const char *key = NULL;
    if (!json_object_is_type(o, json_type_object))
        rc = xo_err_set(err, EINVAL, "%s: must be a JSON object", policy_file);
    else
        rc = xo_json_get_array(&arr, o, "signatures", false, policy_file, err);
    for (size_t i = 0; rc > 0 && i < json_object_array_length(arr); i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        const char *prefix = NULL, *k = NULL;
        if (!json_object_is_type(e, json_type_object)) {
            rc =
                xo_err_set(err, EINVAL, "%s: signatures[%zu] must be an object",
                           policy_file, i);
            break;
        }
        if (xo_json_get_string(&prefix, e, "prefix", true, policy_file, err) <
                0 ||
            xo_json_get_string(&k, e, "verify_key", true, policy_file, err) <
                0) {
            rc = -1;
            break;
        }
        size_t n = strlen(prefix);
        if (!strncmp(name, prefix, n) && (n >= best || !key)) {
            best = n;
            key = k;
        }
    }
    if (rc >= 0 && key)
        *key_r = xo_xstrdup(key);
    json_object_put(o);
    return rc < 0 ? -1 : 0;
}

/* One signature layer: descriptor + annotation, fetched and verified. */
static int check_layer(struct image_source *src, const struct blob_store *bs,
                       json_object *l, const struct cosign_key *key,
                       const struct digest *signed_digest, const char *where,
                       xo_err *err)
{
    const char *mt = NULL, *dg = NULL, *sig = NULL;
    json_object *size = NULL, *ann = NULL;
    struct oci_descriptor d = {0};
    char *payload = NULL;
    size_t len = 0;
    if (!json_object_is_type(l, json_type_object))
        return xo_err_set(err, EINVAL, "%s: layer must be an object", where);
    if (xo_json_get_string(&mt, l, "mediaType", true, where, err) < 0 ||
        xo_json_get_string(&dg, l, "digest", true, where, err) < 0 ||
        xo_json_get_object(&ann, l, "annotations", true, where, err) < 0 ||
        xo_json_get_string(&sig, ann, COSIGN_SIG_ANNOTATION, true, where, err) <
            0)
        return -1;
    if (strcmp(mt, COSIGN_SIG_MEDIA_TYPE) != 0)
        return xo_err_set(
            err, EINVAL,
            "%s: layer is a \"%.80s\", not a simple signing payload", where,
            mt);
    if (!json_object_object_get_ex(l, "size", &size) ||
        !json_object_is_type(size, json_type_int) ||
        json_object_get_int64(size) < 0 ||
        json_object_get_int64(size) > COSIGN_PAYLOAD_MAX)
        return xo_err_set(err, EINVAL,
                          "%s: payload size missing or above %d bytes", where,
                          COSIGN_PAYLOAD_MAX);
    if (digest_parse(&d.digest, dg, err) < 0)
        return xo_err_wrap(err, "%s", where);
    d.size = json_object_get_int64(size);
    d.media_type = (char *)mt; /* borrowed; not disposed */
    int rc = src->ops->fetch(src, bs, &d, COSIGN_PAYLOAD_MAX, NULL, err);
    if (rc == 0)
        rc = blobstore_read(&payload, &len, bs, &d.digest, COSIGN_PAYLOAD_MAX,
                            err);
    if (rc == 0)
        rc = cosign_verify(key, payload, len, sig, signed_digest, err);
    free(payload);
    return rc;
}

int signature_check(struct image_source *src, const struct blob_store *bs,
                    const struct digest *signed_digest, const char *key_path,
                    xo_err *err)
{
    char tag[DIGEST_HEX_LEN + 16];
    if (xo_path_fmt(tag, sizeof(tag), err, "sha256-%s.sig",
                    digest_hex(signed_digest)) < 0)
        return -1;
    struct cosign_key *key = NULL;
    struct oci_descriptor top = {0};
    char *buf = NULL;
    size_t len = 0;
    json_object *o = NULL, *layers = NULL;
    int rc = -1;
    if (cosign_key_load(&key, key_path, err) < 0)
        goto out;
    if (src->ops->resolve_tag(src, bs, tag, &top, err) < 0) {
        if (err->errnum == ENOENT)
            xo_err_set(err, ENOENT, "image %s is not signed (no %s tag)",
                       signed_digest->str, tag);
        goto out;
    }
    if (blobstore_read(&buf, &len, bs, &top.digest, MANIFEST_MAX_BYTES, err) <
            0 ||
        xo_json_parse(&o, buf, len, MANIFEST_MAX_BYTES, tag, err) < 0)
        goto out;
    if (!json_object_is_type(o, json_type_object) ||
        xo_json_get_array(&layers, o, "layers", true, tag, err) < 0) {
        if (!err->msg)
            xo_err_set(err, EINVAL, "%s: not a signature manifest", tag);
        goto out;
    }
    size_t n = json_object_array_length(layers);
    if (n == 0 || n > SIGNATURE_MAX_LAYERS) {
        xo_err_set(err, EINVAL, "%s: %zu signatures (1 to %d expected)", tag, n,
                   SIGNATURE_MAX_LAYERS);
        goto out;
    }
    /* Any one good signature will do; report the last failure if none. */
    for (size_t i = 0; i < n; i++) {
        xo_err_clear(err);
        if (check_layer(src, bs, json_object_array_get_idx(layers, i), key,
                        signed_digest, tag, err) == 0) {
            rc = 0;
            break;
        }
    }
out:
    if (rc < 0)
        xo_err_wrap(err, "signature check of %s", signed_digest->str);
    json_object_put(o);
    free(buf);
    manifest_descriptor_dispose(&top);
    cosign_key_free(key);
    return rc;
}
