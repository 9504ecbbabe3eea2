/*
 * gzip_fixture.h: gzip streams for the decoder tests (test-image-gunzip,
 * test-image-gunzip-ahead): zlib's gzip (RFC 1952) of a buffer, and a
 * sample that compresses but not trivially.  Include after <cmocka.h>.
 */
#ifndef XL_OCI_TESTS_GZIP_FIXTURE_H
#define XL_OCI_TESTS_GZIP_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

/* gzip (RFC 1952) of data by zlib; *len_r its size. */
static unsigned char *gz(const unsigned char *data, size_t len, size_t *len_r)
{
    z_stream z = {0};
    assert_int_equal(
        deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, len) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *len_r = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* Compressible but not trivial: text with a counter, then noise. */
static unsigned char *sample(size_t len)
{
    unsigned char *p = malloc(len);
    uint32_t x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = i < len / 2
                   ? (unsigned char)("tar entry "[i % 10] + (i / 4096) % 3)
                   : (unsigned char)(x >> 16);
    }
    return p;
}

#endif
