/*
 * digest.h: content digests of OCI blobs.
 *
 * Only "sha256:" followed by exactly 64 lowercase hex digits is accepted;
 * that is the one algorithm every OCI registry and layout must support, and
 * a strict grammar means a digest can be used as a file name under the blob
 * store without any further escaping.  Hashing is streaming (OpenSSL EVP):
 * callers feed bytes as they arrive and never make a second pass.
 * libcrypto is opened on first use (verifier/crypto_lib.h): a hasher's
 * creation and digest_sha256_bin() fail with ELIBACC or ELIBBAD when it
 * cannot be.
 */
#ifndef XL_OCI_VERIFIER_DIGEST_H
#define XL_OCI_VERIFIER_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define DIGEST_ALGO "sha256"
#define DIGEST_BIN_LEN 32
#define DIGEST_HEX_LEN 64
/* "sha256:" plus the hex digits, without the NUL. */
#define DIGEST_STR_LEN (sizeof(DIGEST_ALGO) + DIGEST_HEX_LEN)

struct digest {
    char str[DIGEST_STR_LEN + 1]; /* "sha256:<hex>", NUL-terminated */
};

/* The 64 hex digits of a parsed digest (points into d->str). */
static inline const char *digest_hex(const struct digest *d)
{
    return d->str + sizeof(DIGEST_ALGO);
}

/*
 * Parses "sha256:<64 lowercase hex>".  Any other algorithm, length,
 * upper-case digit or stray byte is refused with a message quoting (a
 * bounded prefix of) the input.
 */
int digest_parse(struct digest *out_r, const char *s, xo_err *err);

/* Parses a bare 64-digit lowercase hex string (a blob file name). */
int digest_from_hex(struct digest *out_r, const char *hex, xo_err *err);

bool digest_equal(const struct digest *a, const struct digest *b);

/*
 * Fails with "WHAT: digest mismatch: expected sha256:.., got sha256:.."
 * unless the two are equal.
 */
int digest_check(const struct digest *expected, const struct digest *actual,
                 const char *what, xo_err *err);

/* Streaming hasher. */
struct digest_hasher;

int digest_hasher_new(struct digest_hasher **h_r, xo_err *err);
int digest_hasher_update(struct digest_hasher *h, const void *buf, size_t len,
                         xo_err *err);
/* Bytes fed so far. */
uint64_t digest_hasher_size(const struct digest_hasher *h);
/* Finishes the hash; the hasher cannot be updated afterwards. */
int digest_hasher_final(struct digest_hasher *h, struct digest *out_r,
                        xo_err *err);
void digest_hasher_free(struct digest_hasher *h);

/* One-shot digest of a buffer. */
int digest_buffer(struct digest *out_r, const void *buf, size_t len,
                  xo_err *err);

/*
 * The raw SHA-256 of `len` bytes at `buf` into `out` (DIGEST_BIN_LEN
 * bytes), for names and addresses derived from text (MACs, bridge names).
 * Errors: libcrypto cannot be opened (ELIBACC, ELIBBAD), OpenSSL fails
 * (EIO).
 */
int digest_sha256_bin(unsigned char out[DIGEST_BIN_LEN], const void *buf,
                      size_t len, xo_err *err);

/*
 * Digest of everything readable from `fd` (read until EOF); `what` names
 * the file in errors.  *size_r (optional) receives the byte count.
 */
int digest_fd(struct digest *out_r, uint64_t *size_r, int fd, const char *what,
              xo_err *err);

#endif
