/* digest.c: digest grammar and streaming sha256 (see digest.h). */
#include "digest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/alloc.h"
#include "verifier/crypto_lib.h"

/* Read size for digest_fd(); large enough for SHA-NI to run at full speed. */
#define DIGEST_READ_CHUNK (256 * 1024)

/* How much of a refused input is quoted back in an error. */
#define DIGEST_QUOTE_MAX 80

struct digest_hasher {
    EVP_MD_CTX *ctx;
    uint64_t size;
    bool done;
};

static bool is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int bad_digest(xo_err *err, const char *s, const char *why)
{
    return xo_err_set(err, EINVAL, "invalid digest \"%.*s%s\": %s",
                      DIGEST_QUOTE_MAX, s,
                      strlen(s) > DIGEST_QUOTE_MAX ? "..." : "", why);
}

int digest_from_hex(struct digest *out_r, const char *hex, xo_err *err)
{
    size_t n = strnlen(hex, DIGEST_HEX_LEN + 1);
    if (n != DIGEST_HEX_LEN)
        return bad_digest(err, hex, "sha256 needs exactly 64 hex digits");
    for (size_t i = 0; i < n; i++)
        if (!is_lower_hex(hex[i]))
            return bad_digest(err, hex, "only lowercase hex digits allowed");
    /* cannot truncate: str holds "sha256:" and 64 digits */
    snprintf(out_r->str, sizeof(out_r->str), "%s:%s", DIGEST_ALGO, hex);
    return 0;
}

int digest_parse(struct digest *out_r, const char *s, xo_err *err)
{
    const char *colon = strchr(s, ':');
    if (!colon)
        return bad_digest(err, s, "expected ALGORITHM:HEX");
    size_t alen = (size_t)(colon - s);
    if (alen == strlen(DIGEST_ALGO) && !strncasecmp(s, DIGEST_ALGO, alen) &&
        memcmp(s, DIGEST_ALGO, alen) != 0)
        return bad_digest(err, s,
                          "the algorithm is written in lowercase: sha256");
    if (alen != strlen(DIGEST_ALGO) || memcmp(s, DIGEST_ALGO, alen) != 0)
        return bad_digest(err, s, "only sha256 is supported");
    return digest_from_hex(out_r, colon + 1, err);
}

bool digest_equal(const struct digest *a, const struct digest *b)
{
    return strcmp(a->str, b->str) == 0;
}

int digest_check(const struct digest *expected, const struct digest *actual,
                 const char *what, xo_err *err)
{
    if (digest_equal(expected, actual))
        return 0;
    return xo_err_set(err, EBADMSG, "%s: digest mismatch: expected %s, got %s",
                      what, expected->str, actual->str);
}

int digest_hasher_new(struct digest_hasher **h_r, xo_err *err)
{
    if (crypto_lib_load(err) < 0)
        return -1;
    struct digest_hasher *h = xo_xcalloc(1, sizeof(*h));
    h->ctx = crypto_lib.md_ctx_new();
    if (!h->ctx ||
        crypto_lib.digest_init_ex(h->ctx, crypto_lib.sha256(), NULL) != 1) {
        digest_hasher_free(h);
        return xo_err_set(err, EIO, "sha256: cannot initialise OpenSSL digest");
    }
    *h_r = h;
    return 0;
}

int digest_hasher_update(struct digest_hasher *h, const void *buf, size_t len,
                         xo_err *err)
{
    if (h->done)
        return xo_err_set(err, EINVAL, "sha256: update after final");
    if (len == 0)
        return 0;
    if (crypto_lib.digest_update(h->ctx, buf, len) != 1)
        return xo_err_set(err, EIO, "sha256: OpenSSL digest update failed");
    h->size += len;
    return 0;
}

uint64_t digest_hasher_size(const struct digest_hasher *h)
{
    return h->size;
}

int digest_hasher_final(struct digest_hasher *h, struct digest *out_r,
                        xo_err *err)
{
    unsigned char bin[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (h->done)
        return xo_err_set(err, EINVAL, "sha256: final called twice");
    h->done = true;
    if (crypto_lib.digest_final_ex(h->ctx, bin, &n) != 1 || n != DIGEST_BIN_LEN)
        return xo_err_set(err, EIO, "sha256: OpenSSL digest final failed");
    static const char hexd[] = "0123456789abcdef";
    char *p = out_r->str;
    memcpy(p, DIGEST_ALGO ":", sizeof(DIGEST_ALGO));
    p += sizeof(DIGEST_ALGO);
    for (unsigned int i = 0; i < n; i++) {
        *p++ = hexd[bin[i] >> 4];
        *p++ = hexd[bin[i] & 15];
    }
    *p = '\0';
    return 0;
}

void digest_hasher_free(struct digest_hasher *h)
{
    if (!h)
        return;
    /* A hasher exists only once libcrypto is loaded. */
    crypto_lib.md_ctx_free(h->ctx);
    free(h);
}

int digest_buffer(struct digest *out_r, const void *buf, size_t len,
                  xo_err *err)
{
    struct digest_hasher *h = NULL;
    if (digest_hasher_new(&h, err) < 0)
        return -1;
    int rc = digest_hasher_update(h, buf, len, err);
    if (rc == 0)
        rc = digest_hasher_final(h, out_r, err);
    digest_hasher_free(h);
    return rc;
}

int digest_sha256_bin(unsigned char out[DIGEST_BIN_LEN], const void *buf,
                      size_t len, xo_err *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (crypto_lib_load(err) < 0)
        return -1;
    if (crypto_lib.digest(buf, len, md, &n, crypto_lib.sha256(), NULL) != 1 ||
        n != DIGEST_BIN_LEN)
        return xo_err_set(err, EIO, "sha256: OpenSSL digest failed");
    memcpy(out, md, DIGEST_BIN_LEN);
    return 0;
}

int digest_fd(struct digest *out_r, uint64_t *size_r, int fd, const char *what,
              xo_err *err)
{
    struct digest_hasher *h = NULL;
    int rc = -1;
    char *buf = xo_xmalloc(DIGEST_READ_CHUNK);
    if (digest_hasher_new(&h, err) < 0)
        goto out;
    for (;;) {
        ssize_t r = read(fd, buf, DIGEST_READ_CHUNK);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            xo_err_sys(err, "cannot read %s", what);
            goto out;
        }
        if (r == 0)
            break;
        if (digest_hasher_update(h, buf, (size_t)r, err) < 0)
            goto out;
    }
    if (size_r)
        *size_r = digest_hasher_size(h);
    rc = digest_hasher_final(h, out_r, err);
out:
    digest_hasher_free(h);
    free(buf);
    return rc;
}
