/* test-verifier.c: digest grammar and streaming sha256 (verifier/digest.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "verifier/cosign.h"
#include "verifier/digest.h"

#define EMPTY_SHA                                                              \
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_SHA                                                                \
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MILLION_A_SHA                                                          \
    "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void test_parse_valid(void **state)
{
    (void)state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_parse(&d, ABC_SHA, &err), 0);
    assert_string_equal(d.str, ABC_SHA);
    assert_string_equal(digest_hex(&d), ABC_SHA + 7);
    assert_int_equal(digest_from_hex(&d, ABC_SHA + 7, &err), 0);
    assert_string_equal(d.str, ABC_SHA);
}

static void expect_bad(const char *s, const char *why)
{
    struct digest d;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_parse(&d, s, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), why));
    assert_non_null(strstr(xo_err_msg(&err), "invalid digest"));
    xo_err_clear(&err);
}

static void test_parse_invalid(void **state)
{
    (void)state;
    expect_bad("", "ALGORITHM:HEX");
    expect_bad("ba7816bf", "ALGORITHM:HEX");
    expect_bad("sha512:ba7816bf", "only sha256");
    expect_bad("sha25:ba7816bf", "only sha256");
    expect_bad("SHA256:" ABC_SHA,
               "the algorithm is written in lowercase: sha256");
    expect_bad("sha256:", "exactly 64");
    expect_bad("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
               "61f20015a",
               "exactly 64");
    expect_bad(ABC_SHA "0", "exactly 64");
    expect_bad("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF"
               "61F20015AD",
               "lowercase");
    /* 64 bytes, but a path: must never become a blob file name. */
    expect_bad("sha256:../../../etc/passwd/ba7816bf8f01cfea414140de5dae2223b0"
               "0361a39617",
               "lowercase");
    expect_bad("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
               "61f20015a\n",
               "lowercase");
}

static void test_long_input_quoted_bounded(void **state)
{
    (void)state;
    char big[4096];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    struct digest d;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_parse(&d, big, &err), -1);
    assert_true(strlen(xo_err_msg(&err)) < 200);
    xo_err_clear(&err);
}

static void test_known_vectors(void **state)
{
    (void)state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_buffer(&d, "", 0, &err), 0);
    assert_string_equal(d.str, EMPTY_SHA);
    assert_int_equal(digest_buffer(&d, "abc", 3, &err), 0);
    assert_string_equal(d.str, ABC_SHA);
}

/* A million 'a' fed in uneven chunks equals the FIPS 180-2 vector. */
static void test_streaming_chunks(void **state)
{
    (void)state;
    static char buf[1000000];
    memset(buf, 'a', sizeof(buf));
    struct digest_hasher *h = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_hasher_new(&h, &err), 0);
    size_t off = 0, step = 1;
    while (off < sizeof(buf)) {
        size_t n = step < sizeof(buf) - off ? step : sizeof(buf) - off;
        assert_int_equal(digest_hasher_update(h, buf + off, n, &err), 0);
        off += n;
        step = step * 3 + 1;
    }
    assert_int_equal(digest_hasher_size(h), sizeof(buf));
    struct digest d;
    assert_int_equal(digest_hasher_final(h, &d, &err), 0);
    assert_string_equal(d.str, MILLION_A_SHA);
    /* The hasher is finished: no more updates, no second final. */
    assert_int_equal(digest_hasher_update(h, "x", 1, &err), -1);
    xo_err_clear(&err);
    assert_int_equal(digest_hasher_final(h, &d, &err), -1);
    xo_err_clear(&err);
    digest_hasher_free(h);
}

static void test_check_mismatch_names_both(void **state)
{
    (void)state;
    struct digest a, b;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_parse(&a, ABC_SHA, &err), 0);
    assert_int_equal(digest_parse(&b, EMPTY_SHA, &err), 0);
    assert_int_equal(digest_check(&a, &a, "blob", &err), 0);
    assert_int_equal(digest_check(&a, &b, "layer 2", &err), -1);
    const char *m = xo_err_msg(&err);
    assert_non_null(strstr(m, "layer 2: digest mismatch"));
    assert_non_null(strstr(m, "expected " ABC_SHA));
    assert_non_null(strstr(m, "got " EMPTY_SHA));
    xo_err_clear(&err);
}

static void test_digest_fd(void **state)
{
    (void)state;
    char path[] = "/tmp/test-verifier.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, "abc", 3), 3);
    lseek(fd, 0, SEEK_SET);
    struct digest d;
    uint64_t size = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_fd(&d, &size, fd, "f", &err), 0);
    assert_string_equal(d.str, ABC_SHA);
    assert_int_equal(size, 3);
    close(fd);
    /* A closed fd is a read error naming the file. */
    assert_int_equal(digest_fd(&d, &size, fd, "the-file", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "the-file"));
    xo_err_clear(&err);
}

/* ---- cosign ---- */

static EVP_PKEY *gen_key(const char *pub_path)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(k);
    FILE *f = fopen(pub_path, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PUBKEY(f, k), 1);
    fclose(f);
    return k;
}

static char *sign_b64(EVP_PKEY *k, const char *payload)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char sig[256];
    size_t len = sizeof(sig);
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_DigestSign(ctx, sig, &len,
                                    (const unsigned char *)payload,
                                    strlen(payload)),
                     1);
    EVP_MD_CTX_free(ctx);
    char *b64 = malloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)b64, sig, (int)len);
    return b64;
}

static char *payload_for(const char *digest)
{
    char *p = NULL;
    assert_true(
        asprintf(&p,
                 "{\"critical\":{\"identity\":{\"docker-reference\""
                 ":\"x\"},\"image\":{\"docker-manifest-digest\":\"%s\"},"
                 "\"type\":\"cosign container image signature\"},"
                 "\"optional\":null}",
                 digest) > 0);
    return p;
}

static void test_cosign(void **state)
{
    (void)state;
    char pub[] = "/tmp/test-cosign-pub.XXXXXX",
         pub2[] = "/tmp/test-cosign-pub2.XXXXXX";
    close(mkstemp(pub));
    close(mkstemp(pub2));
    EVP_PKEY *k = gen_key(pub), *k2 = gen_key(pub2);
    struct digest d, other;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_parse(&d, ABC_SHA, &err), 0);
    assert_int_equal(digest_parse(&other, EMPTY_SHA, &err), 0);
    struct cosign_key *key = NULL;
    assert_int_equal(cosign_key_load(&key, pub, &err), 0);

    char *payload = payload_for(ABC_SHA);
    char *sig = sign_b64(k, payload);
    assert_int_equal(
        cosign_verify(key, payload, strlen(payload), sig, &d, &err), 0);
    /* Signed, but for another image. */
    assert_int_equal(
        cosign_verify(key, payload, strlen(payload), sig, &other, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "signs " ABC_SHA ", not"));
    xo_err_clear(&err);
    /* Another key's signature. */
    char *sig2 = sign_b64(k2, payload);
    assert_int_equal(
        cosign_verify(key, payload, strlen(payload), sig2, &d, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "does not verify with key"));
    xo_err_clear(&err);
    /* Payload changed after signing. */
    payload[strlen(payload) - 2] = 'X';
    assert_int_equal(
        cosign_verify(key, payload, strlen(payload), sig, &d, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "does not verify"));
    xo_err_clear(&err);
    /* Garbage signature. */
    assert_int_equal(
        cosign_verify(key, payload, strlen(payload), "!!!!", &d, &err), -1);
    xo_err_clear(&err);
    /* A non-P-256 key file is refused. */
    FILE *f = fopen(pub2, "w");
    fputs("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n",
          f);
    fclose(f);
    struct cosign_key *bad = NULL;
    assert_int_equal(cosign_key_load(&bad, pub2, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), pub2));
    xo_err_clear(&err);

    cosign_key_free(key);
    free(payload);
    free(sig);
    free(sig2);
    EVP_PKEY_free(k);
    EVP_PKEY_free(k2);
    unlink(pub);
    unlink(pub2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_long_input_quoted_bounded),
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_streaming_chunks),
        cmocka_unit_test(test_check_mismatch_names_both),
        cmocka_unit_test(test_digest_fd),
        cmocka_unit_test(test_cosign),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
