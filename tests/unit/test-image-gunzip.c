/*
 * test-image-gunzip.c: the ISA-L gzip decoder of image layers
 * (image/gunzip.h), against streams made by zlib: whole and in small
 * pieces, several members, trailing bytes, pass-through of what is not
 * gzip, and every kind of bad stream refused with EBADMSG.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzip_fixture.h"
#include "image/gunzip.h"

/* A source serving `len` bytes of `data` at most `step` at a time, or
 * failing with EIO once `fail_at` bytes were served (when non-zero). */
struct src {
    const unsigned char *data;
    size_t len, at, step, fail_at;
};

static ssize_t src_read(void *arg, void *buf, size_t cap, xo_err *err)
{
    struct src *s = arg;
    if (s->fail_at && s->at >= s->fail_at)
        return xo_err_set(err, EIO, "source broke");
    size_t n = s->len - s->at;
    if (n > cap)
        n = cap;
    if (s->step && n > s->step)
        n = s->step;
    memcpy(buf, s->data + s->at, n);
    s->at += n;
    return (ssize_t)n;
}

/* Reads everything with reads of at most `cap` bytes: the byte count, or
 * -1 with err set. */
static ssize_t drain(struct src *s, size_t cap, unsigned char **out_r,
                     xo_err *err)
{
    struct unpack_reader r = {src_read, s};
    struct gunzip *g = gunzip_new(&r, err);
    assert_non_null(g);
    size_t n = 0, room = 1 << 20;
    unsigned char *out = malloc(room);
    for (;;) {
        if (room - n < cap) {
            room *= 2;
            out = realloc(out, room);
        }
        ssize_t k = gunzip_read(g, out + n, cap, err);
        if (k < 0) {
            gunzip_free(g);
            free(out);
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    gunzip_free(g);
    *out_r = out;
    return (ssize_t)n;
}

static void test_whole_and_in_pieces(void **state)
{
    (void)state;
    size_t len = 3 << 20, zlen;
    unsigned char *data = sample(len), *z = gz(data, len, &zlen), *out;
    /* source piece size, read size */
    const size_t shapes[][2] = {
        {0, 128 * 1024}, {7, 1000}, {65536, 7}, {1, 4096}};
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        struct src s = {z, zlen, 0, shapes[i][0], 0};
        xo_err err = XO_ERR_INIT;
        size_t cap = shapes[i][1];
        ssize_t n = drain(&s, cap, &out, &err);
        assert_int_equal(n, (ssize_t)len);
        assert_memory_equal(out, data, len);
        free(out);
    }
    free(z);
    free(data);
}

static void test_members_and_trailing_bytes(void **state)
{
    (void)state;
    size_t la = 100000, lb = 5000, za, zb;
    unsigned char *a = sample(la), *b = sample(lb);
    unsigned char *ga = gz(a, la, &za), *gb = gz(b, lb, &zb);
    unsigned char *cat = malloc(za + zb + 1024), *out;
    memcpy(cat, ga, za);
    memcpy(cat + za, gb, zb);
    /* Zero padding after the last member, as some writers leave. */
    memset(cat + za + zb, 0, 1024);
    struct src s = {cat, za + zb + 1024, 0, 333, 0};
    xo_err err = XO_ERR_INIT;
    ssize_t n = drain(&s, 4096, &out, &err);
    assert_int_equal(n, (ssize_t)(la + lb));
    assert_memory_equal(out, a, la);
    assert_memory_equal(out + la, b, lb);
    free(out);
    free(cat);
    free(ga);
    free(gb);
    free(a);
    free(b);
}

static void test_not_gzip_passes_through(void **state)
{
    (void)state;
    const char *inputs[] = {"", "x", "plain tar bytes \x1f",
                            "\x28\xb5\x2f\xfd"};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct src s = {(const unsigned char *)inputs[i], strlen(inputs[i]), 0,
                        1, 0};
        xo_err err = XO_ERR_INIT;
        unsigned char *out;
        ssize_t n = drain(&s, 3, &out, &err);
        assert_int_equal(n, (ssize_t)strlen(inputs[i]));
        assert_memory_equal(out, inputs[i], (size_t)n);
        free(out);
    }
}

/* Every bad stream: EBADMSG saying why, with the compressed offset. */
static void expect_bad(const unsigned char *z, size_t zlen, const char *why)
{
    struct src s = {z, zlen, 0, 0, 0};
    xo_err err = XO_ERR_INIT;
    unsigned char *out;
    assert_int_equal(drain(&s, 65536, &out, &err), -1);
    assert_int_equal(err.errnum, EBADMSG);
    if (!strstr(xo_err_msg(&err), why) ||
        !strstr(xo_err_msg(&err), "gzip data at compressed byte"))
        fail_msg("error \"%s\" does not say \"%s\"", xo_err_msg(&err), why);
    xo_err_clear(&err);
}

static void test_bad_streams(void **state)
{
    (void)state;
    size_t len = 200000, zlen;
    unsigned char *data = sample(len), *z = gz(data, len, &zlen);
    unsigned char *c = malloc(zlen);

    memcpy(c, z, zlen); /* the CRC-32 in the trailer */
    c[zlen - 6] ^= 0x55;
    expect_bad(c, zlen, "CRC-32");
    memcpy(c, z, zlen); /* the length in the trailer */
    c[zlen - 2] ^= 0x01;
    expect_bad(c, zlen, "CRC-32 or length");
    expect_bad(z, zlen / 2, "ends inside a gzip member"); /* cut short */
    expect_bad(z, 10, "ends inside a gzip member");       /* header only */
    memcpy(c, z, zlen); /* not deflate (method 9) */
    c[2] = 9;
    expect_bad(c, zlen, "not deflate");
    memcpy(c, z, zlen); /* a reserved block type (BTYPE 11) first */
    c[10] = 0x07;
    expect_bad(c, zlen, "invalid");
    free(c);
    free(z);
    free(data);
}

static void test_source_error_kept(void **state)
{
    (void)state;
    size_t len = 300000, zlen;
    unsigned char *data = sample(len), *z = gz(data, len, &zlen), *out;
    struct src s = {z, zlen, 0, 1000, 5000};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(drain(&s, 65536, &out, &err), -1);
    assert_int_equal(err.errnum, EIO);
    assert_string_equal(xo_err_msg(&err), "source broke");
    xo_err_clear(&err);
    free(z);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_and_in_pieces),
        cmocka_unit_test(test_members_and_trailing_bytes),
        cmocka_unit_test(test_not_gzip_passes_through),
        cmocka_unit_test(test_bad_streams),
        cmocka_unit_test(test_source_error_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
