/* cosign.c: ECDSA P-256 verification of cosign payloads (see cosign.h). */
#include "cosign.h"

#include <errno.h>
#include <openssl/core_names.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "verifier/crypto_lib.h"

struct cosign_key {
    EVP_PKEY *pkey;
    char *path;
};

void cosign_key_free(struct cosign_key *k)
{
    if (!k)
        return;
    /* A key exists only once libcrypto is loaded. */
    crypto_lib.pkey_free(k->pkey);
    free(k->path);
    free(k);
}

int cosign_key_load(struct cosign_key **key_r, const char *path, xo_err *err)
{
    char *pem = NULL;
    size_t len = 0;
    if (crypto_lib_load(err) < 0)
        return xo_err_wrap(err, "verify key %s", path);
    if (xo_read_file(&pem, &len, path, COSIGN_KEY_MAX, err) < 0)
        return xo_err_wrap(err, "verify key");
    BIO *bio = crypto_lib.bio_new_mem_buf(pem, (int)len);
    EVP_PKEY *pkey =
        bio ? crypto_lib.pem_read_bio_pubkey(bio, NULL, NULL, NULL) : NULL;
    crypto_lib.bio_free(bio);
    free(pem);
    if (!pkey)
        return xo_err_set(err, EINVAL, "verify key %s: not a PEM public key",
                          path);
    char group[64] = "";
    size_t glen = 0;
    if (!crypto_lib.pkey_is_a(pkey, "EC") ||
        !crypto_lib.pkey_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                               group, sizeof(group), &glen) ||
        strcmp(group, "prime256v1") != 0) {
        crypto_lib.pkey_free(pkey);
        return xo_err_set(err, EINVAL,
                          "verify key %s: only ECDSA P-256 keys are supported",
                          path);
    }
    struct cosign_key *k = xo_xcalloc(1, sizeof(*k));
    k->path = xo_xstrdup(path);
    k->pkey = pkey;
    *key_r = k;
    return 0;
}

static int check_signature(const struct cosign_key *k, const char *payload,
                           size_t len, const char *sig_b64, xo_err *err)
{
    size_t n = strnlen(sig_b64, COSIGN_SIG_B64_MAX + 1);
    if (n == 0 || n > COSIGN_SIG_B64_MAX || n % 4)
        return xo_err_set(err, EINVAL,
                          "signature is not base64 of a DER ECDSA signature");
    unsigned char sig[COSIGN_SIG_B64_MAX];
    /* A key (cosign_key_load) means libcrypto is loaded. */
    int slen =
        crypto_lib.decode_block(sig, (const unsigned char *)sig_b64, (int)n);
    if (slen <= 0)
        return xo_err_set(err, EINVAL, "signature is not valid base64");
    if (sig_b64[n - 1] == '=')
        slen--;
    if (n >= 2 && sig_b64[n - 2] == '=')
        slen--;
    EVP_MD_CTX *ctx = crypto_lib.md_ctx_new();
    int ok = ctx &&
             crypto_lib.digest_verify_init(ctx, NULL, crypto_lib.sha256(), NULL,
                                           k->pkey) == 1 &&
             crypto_lib.digest_verify(ctx, sig, (size_t)slen,
                                      (const unsigned char *)payload, len) == 1;
    crypto_lib.md_ctx_free(ctx);
    if (!ok)
        return xo_err_set(err, EBADMSG, "signature does not verify with key %s",
                          k->path);
    return 0;
}

static int check_payload(const char *payload, size_t len,
                         const struct digest *signed_digest, xo_err *err)
{
    json_object *o = NULL, *crit = NULL, *img = NULL;
    const char *type = NULL, *dg = NULL;
    const char *where = "signature payload";
    if (xo_json_parse(&o, payload, len, COSIGN_PAYLOAD_MAX, where, err) < 0)
        return -1;
    int rc = -1;
    if (!json_object_is_type(o, json_type_object)) {
        xo_err_set(err, EINVAL, "%s: must be a JSON object", where);
        goto out;
    }
    if (xo_json_get_object(&crit, o, "critical", true, where, err) < 0 ||
        xo_json_get_string(&type, crit, "type", true, where, err) < 0 ||
        xo_json_get_object(&img, crit, "image", true, where, err) < 0 ||
        xo_json_get_string(&dg, img, "docker-manifest-digest", true, where,
                           err) < 0)
        goto out;
    if (strcmp(type, COSIGN_PAYLOAD_TYPE) != 0) {
        xo_err_set(err, EINVAL,
                   "%s: type \"%s\" is not a cosign image signature", where,
                   type);
        goto out;
    }
    if (strcmp(dg, signed_digest->str) != 0) {
        xo_err_set(err, EBADMSG, "%s: signs %.80s, not %s", where, dg,
                   signed_digest->str);
        goto out;
    }
    rc = 0;
out:
    json_object_put(o);
    return rc;
}

int cosign_verify(const struct cosign_key *key, const char *payload, size_t len,
                  const char *sig_b64, const struct digest *signed_digest,
                  xo_err *err)
{
    /* The signature first: never interpret unauthenticated JSON further
     * than needed to say why it was refused. */
    if (check_signature(key, payload, len, sig_b64, err) < 0)
        return -1;
    return check_payload(payload, len, signed_digest, err);
}
