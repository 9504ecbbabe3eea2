/*
 * fuzz-gunzip.c: libFuzzer target for image/gunzip.c, the ISA-L decoder
 * every gzip layer from a registry goes through.  The first input byte
 * picks the sizes the source serves and the reads ask for (the decoder's
 * refill and no-progress logic depend on them); the rest is the layer.
 * At most 8 MiB of output per input, so a small bomb does not stall the
 * run; what comes out must be within the buffers it was read into.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/gunzip.h"
#include "replay.h"

struct src {
    const uint8_t *p;
    size_t len, at, step;
};

static ssize_t src_read(void *arg, void *buf, size_t cap, xo_err *err)
{
    (void)err;
    struct src *s = arg;
    size_t n = s->len - s->at;
    if (n > cap)
        n = cap;
    if (n > s->step)
        n = s->step;
    memcpy(buf, s->p + s->at, n);
    s->at += n;
    return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const size_t steps[] = {1, 7, 512, 65536, 1 << 20};
    static const size_t caps[] = {1, 100, 4096, 131072};
    struct src s = {data + 1, size - 1, 0, steps[data[0] % 5]};
    size_t cap = caps[(data[0] / 5) % 4];
    struct unpack_reader r = {src_read, &s};
    xo_err err = XO_ERR_INIT;
    struct gunzip *g = gunzip_new(&r, &err);
    if (!g) {
        xo_err_clear(&err);
        return 0;
    }
    uint8_t *buf = malloc(cap);
    size_t total = 0;
    for (;;) {
        ssize_t n = gunzip_read(g, buf, cap, &err);
        if (n < 0 || n == 0)
            break;
        if ((size_t)n > cap)
            __builtin_trap();
        total += (size_t)n;
        if (total > (8u << 20))
            break;
    }
    xo_err_clear(&err);
    free(buf);
    gunzip_free(g);
    return 0;
}
