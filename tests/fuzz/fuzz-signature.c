/*
 * fuzz-signature.c: libFuzzer target for what image/signature.c reads:
 * the admin's signature policy (signature_policy_key(): policy.json or
 * --policy FILE) and a registry's cosign signature image
 * (signature_check(): the "sha256-<hex>.sig" manifest, its layers'
 * descriptors and signature annotations, then each payload through
 * cosign_verify()).  The first input byte picks:
 *   even  the rest is the policy file, asked for a few names; a key
 *         returned is one of the file's verify_key strings, the longest
 *         matching prefix;
 *   odd   the rest is MANIFEST NUL PAYLOAD: a source standing in for the
 *         registry serves MANIFEST for the .sig tag and PAYLOAD for any
 *         layer, stored under the layer's digest and size when they
 *         match the payload, as a registry's blob would be.  The source's
 *         author can compute them, so "sha256:@" in MANIFEST reads as the
 *         payload's digest and "@SIZE@" as its length.
 * The key is fixed (KEY_PEM); the seeds with a good signature were signed
 * with its private half:
 *   -----BEGIN EC PRIVATE KEY-----
 *   MHcCAQEEIG4LJiME++qez3NMyULqdpIk2f66hakDVG1T6WfKIh7WoAoGCCqGSM49
 *   AwEHoUQDQgAE1/G5ClZImKkqN3GqKNWwYyv0lm0VZwwKtJuftcztY912E3BMHu27
 *   RyIeYKiA5zFW+JuCTm73vwMdeYGNrBlcRw==
 *   -----END EC PRIVATE KEY-----
 * (openssl dgst -sha256 -sign KEY PAYLOAD | base64 -w0), a test key and
 * nothing else's.  Every failure says why.  Built without libFuzzer,
 * main() replays corpus files.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "image/blobstore.h"
#include "image/manifest.h"
#include "image/signature.h"
#include "image/source.h"
#include "replay.h"
#include "verifier/digest.h"

#define KEY_PEM                                                                \
    "-----BEGIN PUBLIC KEY-----\n"                                             \
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1/G5ClZImKkqN3GqKNWwYyv0lm0V\n"       \
    "ZwwKtJuftcztY912E3BMHu27RyIeYKiA5zFW+JuCTm73vwMdeYGNrBlcRw==\n"           \
    "-----END PUBLIC KEY-----\n"
/* The image the seeds' payloads sign. */
#define SIGNED                                                                 \
    "sha256:"                                                                  \
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

static char root[] = "/tmp/fuzz-signature.XXXXXX";
static char key[64], policy[64];
static struct blob_store bs;

static void cleanup(void)
{
    char cmd[128];
    blobstore_dispose(&bs);
    /* cannot truncate: root is 27 bytes */
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz-signature: %s failed\n", cmd);
}

static void setup(void)
{
    if (!mkdtemp(root))
        abort();
    snprintf(key, sizeof(key), "%s/key.pem", root);
    snprintf(policy, sizeof(policy), "%s/policy.json", root);
    FILE *f = fopen(key, "w");
    if (!f || fputs(KEY_PEM, f) < 0 || fclose(f) != 0)
        abort();
    xo_err err = XO_ERR_INIT;
    if (blobstore_open(&bs, root, &err) < 0)
        abort();
    atexit(cleanup);
}

struct fake {
    struct image_source base;
    const char *manifest, *payload;
    size_t mlen, plen;
    struct digest mdig;
};

static int fake_resolve_tag(struct image_source *src,
                            const struct blob_store *b, const char *tag,
                            struct oci_descriptor *top_r, xo_err *err)
{
    struct fake *f = (struct fake *)src;
    if (strncmp(tag, "sha256-", 7) != 0)
        __builtin_trap();
    if (!f->mlen)
        return xo_err_set(err, ENOENT, "%s: no such tag", tag);
    if (digest_buffer(&f->mdig, f->manifest, f->mlen, err) < 0 ||
        blobstore_put(b, &f->mdig, f->manifest, f->mlen, err) < 0)
        return -1;
    *top_r = (struct oci_descriptor){0};
    top_r->digest = f->mdig;
    top_r->size = (int64_t)f->mlen;
    return 0;
}

static int fake_fetch(struct image_source *src, const struct blob_store *b,
                      const struct oci_descriptor *d, int64_t max,
                      struct blob_tap *tap, xo_err *err)
{
    struct fake *f = (struct fake *)src;
    struct digest got;
    (void)tap;
    if (d->size < 0 || (max >= 0 && d->size > max))
        __builtin_trap(); /* check_layer bounds the size first */
    if (digest_buffer(&got, f->payload, f->plen, err) < 0)
        return -1;
    if (strcmp(got.str, d->digest.str) != 0 || (int64_t)f->plen != d->size)
        return xo_err_set(err, EINVAL, "%s: digest or size mismatch",
                          d->digest.str);
    return blobstore_put(b, &got, f->payload, f->plen, err);
}

static const struct image_source_ops fake_ops = {
    .resolve_tag = fake_resolve_tag,
    .fetch = fake_fetch,
};

/* A copy of s[len] with every `from` replaced by `to` (NUL-terminated). */
static char *replace(const char *s, size_t len, const char *from,
                     const char *to, size_t *len_r)
{
    size_t fl = strlen(from), tl = strlen(to), n = 0;
    char *out = malloc(len * (tl > fl ? tl : fl) / fl + 1);
    if (!out)
        abort();
    for (size_t i = 0; i < len;) {
        if (i + fl <= len && !memcmp(s + i, from, fl)) {
            memcpy(out + n, to, tl);
            n += tl;
            i += fl;
        } else {
            out[n++] = s[i++];
        }
    }
    out[n] = '\0';
    *len_r = n;
    return out;
}

static void check(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t mlen = nul ? (size_t)(nul - data) : size;
    struct fake f = {.base.ops = &fake_ops};
    f.payload = nul ? (const char *)nul + 1 : "";
    f.plen = nul ? size - mlen - 1 : 0;
    struct digest pd, signed_digest;
    xo_err err = XO_ERR_INIT;
    char size_text[24];
    if (digest_buffer(&pd, f.payload, f.plen, &err) < 0 ||
        digest_parse(&signed_digest, SIGNED, &err) < 0)
        abort();
    snprintf(size_text, sizeof(size_text), "%zu", f.plen);
    size_t l1, l2;
    char *m1 = replace((const char *)data, mlen, "sha256:@", pd.str, &l1);
    char *m2 = replace(m1, l1, "@SIZE@", size_text, &l2);
    f.manifest = m2;
    f.mlen = l2;
    int rc = signature_check(&f.base, &bs, &signed_digest, key, &err);
    if (rc < 0 && !err.msg)
        __builtin_trap();
    /* The one way to pass: a payload the key signed, for SIGNED. */
    if (rc == 0 &&
        (!f.plen || !memmem(f.payload, f.plen, SIGNED, strlen(SIGNED))))
        __builtin_trap();
    xo_err_clear(&err);
    if (f.mlen)
        blobstore_remove(&bs, &f.mdig, NULL);
    blobstore_remove(&bs, &pd, NULL);
    free(m1);
    free(m2);
}

static void policy_file(const uint8_t *data, size_t size)
{
    static const char *const names[] = {
        "docker://registry.example/team/app:1",
        "docker://registry.example/other",
        "",
    };
    FILE *f = fopen(policy, "w");
    if (!f)
        abort();
    if (size)
        fwrite(data, 1, size, f);
    fclose(f);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *k = NULL;
        xo_err err = XO_ERR_INIT;
        if (signature_policy_key(&k, policy, names[i], &err) == 0) {
            if (err.msg)
                __builtin_trap();
            /* A key named is one of the file's strings. */
            if (k && (!*k && !memmem(data, size, "\"\"", 2)))
                __builtin_trap();
        } else if (!err.msg || k) {
            __builtin_trap();
        }
        free(k);
        xo_err_clear(&err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    if (size < 1)
        return 0;
    if (data[0] % 2)
        check(data + 1, size - 1);
    else
        policy_file(data + 1, size - 1);
    return 0;
}
