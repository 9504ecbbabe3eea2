/*
 * test-image-gunzip-ahead.c: the layer inflated on a thread of its own
 * (image/gunzip_ahead.h) gives exactly what gunzip_read() gives: the same
 * bytes over many blocks, the same errors after the bytes before them,
 * answers that stay after the end, and a reader that stops early frees
 * the thread (also while it waits on a full ring or a slow source).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "gzip_fixture.h"
#include "image/gunzip.h"
#include "image/gunzip_ahead.h"

/* A source serving `len` bytes of `data` at most `step` at a time,
 * sleeping `delay_us` before each read, or failing with EIO once
 * `fail_at` bytes were served (when non-zero). */
struct src {
    const unsigned char *data;
    size_t len, at, step, fail_at;
    long delay_us;
};

static ssize_t src_read(void *arg, void *buf, size_t cap, xo_err *err)
{
    struct src *s = arg;
    if (s->delay_us) {
        struct timespec ts = {0, s->delay_us * 1000};
        nanosleep(&ts, NULL);
    }
    if (s->fail_at && s->at >= s->fail_at)
        return xo_err_set(err, EIO, "source broke at %zu", s->at);
    size_t n = s->len - s->at;
    if (n > cap)
        n = cap;
    if (s->step && n > s->step)
        n = s->step;
    if (s->fail_at && s->at + n > s->fail_at)
        n = s->fail_at - s->at;
    memcpy(buf, s->data + s->at, n);
    s->at += n;
    return (ssize_t)n;
}

/* Everything the decoder gives, and its last answer (0 or -1, err). */
struct drained {
    unsigned char *out;
    size_t n;
    ssize_t last;
};

static struct drained drain_ahead(struct src *s, xo_err *err)
{
    struct unpack_reader r = {src_read, s};
    struct gunzip_ahead *a = gunzip_ahead_new(&r, err);
    assert_non_null(a);
    struct drained d = {malloc(1), 0, 0};
    for (;;) {
        const void *buf = NULL;
        ssize_t k = gunzip_ahead_read(a, &buf, err);
        if (k <= 0) {
            d.last = k;
            /* The end, or the error, stays the answer. */
            xo_err again = XO_ERR_INIT;
            const void *b2 = NULL;
            assert_int_equal(gunzip_ahead_read(a, &b2, &again), k);
            if (k < 0)
                assert_int_equal(again.errnum, err->errnum);
            xo_err_clear(&again);
            break;
        }
        assert_true((size_t)k <= GUNZIP_AHEAD_BLOCK);
        d.out = realloc(d.out, d.n + (size_t)k);
        memcpy(d.out + d.n, buf, (size_t)k);
        d.n += (size_t)k;
    }
    gunzip_ahead_free(a);
    return d;
}

/* The same through gunzip_read(), for comparison. */
static struct drained drain_plain(struct src *s, xo_err *err)
{
    struct unpack_reader r = {src_read, s};
    struct gunzip *g = gunzip_new(&r, err);
    assert_non_null(g);
    struct drained d = {malloc(1), 0, 0};
    unsigned char buf[65536];
    for (;;) {
        ssize_t k = gunzip_read(g, buf, sizeof(buf), err);
        if (k <= 0) {
            d.last = k;
            break;
        }
        d.out = realloc(d.out, d.n + (size_t)k);
        memcpy(d.out + d.n, buf, (size_t)k);
        d.n += (size_t)k;
    }
    gunzip_free(g);
    return d;
}

static void test_many_blocks_same_bytes(void **state)
{
    (void)state;
    /* Many times the ring (GUNZIP_AHEAD_SLOTS blocks) and not a multiple
     * of a block. */
    size_t len = GUNZIP_AHEAD_SLOTS * GUNZIP_AHEAD_BLOCK * 5 + 12345, zlen;
    unsigned char *data = sample(len), *z = gz(data, len, &zlen);
    const size_t steps[] = {0, 1000, 7};
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        struct src s = {z, zlen, 0, steps[i], 0, 0};
        xo_err err = XO_ERR_INIT;
        struct drained d = drain_ahead(&s, &err);
        assert_int_equal(d.last, 0);
        assert_int_equal(d.n, len);
        assert_memory_equal(d.out, data, len);
        free(d.out);
    }
    free(z);
    free(data);
}

static void test_not_gzip_and_empty(void **state)
{
    (void)state;
    const char *inputs[] = {"", "x", "plain tar bytes"};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct src s = {
            (const unsigned char *)inputs[i], strlen(inputs[i]), 0, 1, 0, 0};
        xo_err err = XO_ERR_INIT;
        struct drained d = drain_ahead(&s, &err);
        assert_int_equal(d.last, 0);
        assert_int_equal(d.n, strlen(inputs[i]));
        assert_memory_equal(d.out, inputs[i], d.n);
        free(d.out);
    }
}

/* A source that breaks, and a stream that is bad: the same bytes before
 * the error as gunzip_read() gives, then the same error. */
static void test_errors_as_gunzip_read(void **state)
{
    (void)state;
    size_t len = GUNZIP_AHEAD_BLOCK * 7, zlen;
    unsigned char *data = sample(len), *z = gz(data, len, &zlen);
    unsigned char *bad = malloc(zlen);
    memcpy(bad, z, zlen);
    bad[zlen - 6] ^= 0x55; /* the CRC-32 */
    struct {
        const unsigned char *z;
        size_t fail_at;
        int errnum;
    } cases[] = {{z, zlen / 2, EIO}, {z, 1, EIO}, {bad, 0, EBADMSG}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct src s1 = {cases[i].z, zlen, 0, 4096, cases[i].fail_at, 0};
        struct src s2 = s1;
        xo_err e1 = XO_ERR_INIT, e2 = XO_ERR_INIT;
        struct drained a = drain_ahead(&s1, &e1);
        struct drained p = drain_plain(&s2, &e2);
        assert_int_equal(a.last, -1);
        assert_int_equal(p.last, -1);
        assert_int_equal(e1.errnum, cases[i].errnum);
        assert_string_equal(xo_err_msg(&e1), xo_err_msg(&e2));
        assert_int_equal(a.n, p.n);
        assert_memory_equal(a.out, p.out, a.n);
        assert_memory_equal(a.out, data, a.n);
        xo_err_clear(&e1);
        xo_err_clear(&e2);
        free(a.out);
        free(p.out);
    }
    free(bad);
    free(z);
    free(data);
}

/* A reader that stops early: freed with the ring full, and freed while
 * the thread waits on a slow source.  Nothing leaks (ASan), nothing hangs. */
static void test_stop_early(void **state)
{
    (void)state;
    size_t len = GUNZIP_AHEAD_SLOTS * GUNZIP_AHEAD_BLOCK * 4, zlen;
    unsigned char *data = sample(len), *z = gz(data, len, &zlen);
    const long delays[] = {0, 2000};
    for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
        struct src s = {z, zlen, 0, 512, 0, delays[i]};
        struct unpack_reader r = {src_read, &s};
        xo_err err = XO_ERR_INIT;
        struct gunzip_ahead *a = gunzip_ahead_new(&r, &err);
        assert_non_null(a);
        const void *buf;
        ssize_t k = gunzip_ahead_read(a, &buf, &err);
        assert_true(k > 0);
        assert_memory_equal(buf, data, (size_t)k);
        if (!delays[i]) { /* let the ring fill */
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        gunzip_ahead_free(a);
        assert_true(s.at < zlen); /* it stopped before the end */
    }
    gunzip_ahead_free(NULL);
    free(z);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_blocks_same_bytes),
        cmocka_unit_test(test_not_gzip_and_empty),
        cmocka_unit_test(test_errors_as_gunzip_read),
        cmocka_unit_test(test_stop_early),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
