/* gunzip.c: gzip layers inflated with ISA-L (see gunzip.h). */
#include "gunzip.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "gunzip_lib.h"

#define GUNZIP_IN_BLOCK (128 * 1024)

enum gunzip_mode { GZ_SNIFF, GZ_PASS, GZ_INFLATE, GZ_DONE };

struct gunzip {
    const struct unpack_reader *src;
    enum gunzip_mode mode;
    bool src_eof;
    unsigned long long in_total; /* bytes read from src */
    unsigned char *in;           /* GUNZIP_IN_BLOCK bytes */
    struct inflate_state st;     /* ~70 KiB: why the struct is on the heap */
};

struct gunzip *gunzip_new(const struct unpack_reader *src, xo_err *err)
{
    if (gunzip_isal_load(err) < 0)
        return NULL;
    struct gunzip *g = xo_xcalloc(1, sizeof(*g));
    g->src = src;
    g->in = xo_xmalloc(GUNZIP_IN_BLOCK);
    gunzip_isal.inflate_init(&g->st);
    g->st.crc_flag = ISAL_GZIP;
    g->st.next_in = g->in;
    g->st.avail_in = 0;
    return g;
}

void gunzip_free(struct gunzip *g)
{
    if (!g)
        return;
    free(g->in);
    free(g);
}

unsigned long long gunzip_bytes_in(const struct gunzip *g)
{
    return g->in_total;
}

/* Tops the input up (moving what is left to the front) until it holds at
 * least `want` bytes or the source ended.  0, or -1 with the source's
 * error. */
static int fill(struct gunzip *g, size_t want, xo_err *err)
{
    if (g->st.avail_in && g->st.next_in != g->in)
        memmove(g->in, g->st.next_in, g->st.avail_in);
    g->st.next_in = g->in;
    while (!g->src_eof && g->st.avail_in < want) {
        ssize_t n = g->src->read(g->src->arg, g->in + g->st.avail_in,
                                 GUNZIP_IN_BLOCK - g->st.avail_in, err);
        if (n < 0)
            return -1;
        if (n == 0)
            g->src_eof = true;
        g->st.avail_in += (uint32_t)n;
        g->in_total += (unsigned long long)n;
    }
    return 0;
}

static bool gzip_magic(const struct gunzip *g)
{
    return g->st.avail_in >= 2 && g->st.next_in[0] == 0x1f &&
           g->st.next_in[1] == 0x8b;
}

static const char *isal_error(int r)
{
    switch (r) {
    case ISAL_INVALID_BLOCK:
        return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
        return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
        return "invalid back reference";
    case ISAL_INVALID_WRAPPER:
        return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
        return "compression method is not deflate";
    case ISAL_INCORRECT_CHECKSUM:
        return "CRC-32 or length does not match the data";
    case ISAL_NEED_DICT:
        return "stream needs a preset dictionary";
    default:
        return "cannot be inflated";
    }
}

static ssize_t bad(struct gunzip *g, const char *why, xo_err *err)
{
    unsigned long long at = g->in_total - g->st.avail_in;
    return xo_err_set(err, EBADMSG, "gzip data at compressed byte %llu: %s", at,
                      why);
}

/* Passes the source's bytes through, the sniffed ones first. */
static ssize_t pass(struct gunzip *g, void *buf, size_t cap, xo_err *err)
{
    if (g->st.avail_in) {
        size_t n = g->st.avail_in < cap ? g->st.avail_in : cap;
        memcpy(buf, g->st.next_in, n);
        g->st.next_in += n;
        g->st.avail_in -= (uint32_t)n;
        return (ssize_t)n;
    }
    if (g->src_eof)
        return 0;
    ssize_t n = g->src->read(g->src->arg, buf, cap, err);
    if (n > 0)
        g->in_total += (unsigned long long)n;
    return n;
}

/* At the end of a member: another one follows, or the stream is over
 * (trailing bytes that do not start a member are left, as libarchive
 * does).  0, or -1 with the source's error. */
static int next_member(struct gunzip *g, xo_err *err)
{
    if (fill(g, 2, err) < 0)
        return -1;
    if (!gzip_magic(g)) {
        g->mode = GZ_DONE;
        return 0;
    }
    gunzip_isal.inflate_reset(&g->st);
    g->st.crc_flag = ISAL_GZIP;
    return 0;
}

ssize_t gunzip_read(struct gunzip *g, void *buf, size_t cap, xo_err *err)
{
    if (g->mode == GZ_SNIFF) {
        if (fill(g, 2, err) < 0)
            return -1;
        g->mode = gzip_magic(g) ? GZ_INFLATE : GZ_PASS;
    }
    if (g->mode == GZ_PASS)
        return pass(g, buf, cap, err);
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    while (g->mode == GZ_INFLATE) {
        if (g->st.avail_in == 0 && fill(g, 1, err) < 0)
            return -1;
        uint32_t in_before = g->st.avail_in;
        g->st.next_out = buf;
        g->st.avail_out = (uint32_t)cap;
        int r = gunzip_isal.inflate(&g->st);
        if (r < 0 || r == ISAL_NEED_DICT)
            return bad(g, isal_error(r), err);
        size_t out = cap - g->st.avail_out;
        if (g->st.block_state == ISAL_BLOCK_FINISH) {
            if (next_member(g, err) < 0)
                return -1;
        } else if (out == 0 && g->st.avail_in == in_before) {
            /* No progress: it needs more input than it was given. */
            if (g->src_eof)
                return bad(g, "the data ends inside a gzip member", err);
            if (g->st.avail_in >= GUNZIP_IN_BLOCK)
                return bad(g, "no progress over a whole input block", err);
            if (fill(g, g->st.avail_in + 1, err) < 0)
                return -1;
        }
        if (out)
            return (ssize_t)out;
    }
    return 0;
}
