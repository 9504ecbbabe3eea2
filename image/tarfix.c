/* tarfix.c: the layer's tar headers as Go's archive/tar reads them, before
 * libarchive does (see tarfix.h). */
#include "tarfix.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

#define BLOCK 512
/* Extended headers are held until the entry they describe is read: pax
 * records and GNU long names take a few KiB; bigger ones (a large xattr)
 * make the filter step aside rather than hold without bound. */
#define TARFIX_META_MAX (1 << 20)

struct unpack_tarfix {
    unpack_tarfix_source src;
    void *arg;
    const unsigned char *in; /* the source's block, not yet passed on */
    size_t in_len;
    bool aside;          /* stepped aside for the rest of the stream */
    uint64_t data_left;  /* the current entry's data and padding */
    unsigned char *held; /* extended headers and the header being read */
    size_t held_len, held_cap;
    size_t need;        /* held_len at which the next decision is due */
    size_t unit;        /* offset in held of the header being read */
    bool in_body;       /* reading an extended header's body */
    bool after_zero;    /* the header read follows an all-zero block */
    unsigned char *out; /* headers ready to go, perhaps rewritten */
    size_t out_len, out_cap, out_off;
    char *refusal; /* set: the stream ends in an error here */
};

struct unpack_tarfix *unpack_tarfix_new(unpack_tarfix_source src, void *arg)
{
    struct unpack_tarfix *t = xo_xcalloc(1, sizeof(*t));
    t->src = src;
    t->arg = arg;
    return t;
}

void unpack_tarfix_free(struct unpack_tarfix *t)
{
    if (!t)
        return;
    free(t->held);
    free(t->out);
    free(t->refusal);
    free(t);
}

const char *unpack_tarfix_refusal(const struct unpack_tarfix *t)
{
    return t->refusal;
}

static uint64_t round_block(uint64_t n)
{
    return (n + BLOCK - 1) / BLOCK * BLOCK;
}

static void put(unsigned char **buf, size_t *len, size_t *cap, const void *p,
                size_t n)
{
    if (!n)
        return;
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n)
            c *= 2;
        *buf = xo_xrealloc(*buf, c);
        *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
}

/* What is held goes out as it is; the next header starts afresh. */
static void release_held(struct unpack_tarfix *t)
{
    unsigned char *b = t->out;
    size_t c = t->out_cap;
    t->out = t->held;
    t->out_cap = t->held_cap;
    t->out_len = t->held_len;
    t->out_off = 0;
    t->held = b;
    t->held_cap = c;
    t->held_len = t->need = t->unit = 0;
    t->in_body = false;
}

static void step_aside(struct unpack_tarfix *t)
{
    t->aside = true;
    release_held(t);
}

/* A numeric header field: octal, or GNU base-256 (non-negative only). */
static bool field_num(const unsigned char *f, size_t w, uint64_t *v_r)
{
    uint64_t v = 0;
    if (f[0] & 0x80) {
        if (f[0] & 0x40)
            return false;
        v = f[0] & 0x3f;
        for (size_t i = 1; i < w; i++) {
            if (v >> 56)
                return false;
            v = v << 8 | f[i];
        }
        *v_r = v;
        return true;
    }
    size_t i = 0;
    while (i < w && (f[i] == ' ' || f[i] == '\0'))
        i++;
    for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v >> 60)
            return false;
        v = v << 3 | (uint64_t)(f[i] - '0');
    }
    for (; i < w; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return false;
    *v_r = v;
    return true;
}

static unsigned header_sum(const unsigned char *h)
{
    unsigned sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum;
}

/* A header block: not all zeros, its checksum right. */
static bool header_valid(const unsigned char *h)
{
    uint64_t want;
    if (!field_num(h + 148, 8, &want) || want == 0)
        return false;
    if (header_sum(h) == want)
        return true;
    /* Old tars summed signed chars. */
    long ssum = 0;
    for (int i = 0; i < BLOCK; i++)
        ssum += (i >= 148 && i < 156) ? ' ' : (signed char)h[i];
    return ssum >= 0 && (uint64_t)ssum == want;
}

static void set_checksum(unsigned char *h)
{
    char tmp[16];
    /* cannot truncate: at most 6 octal digits into 16 bytes */
    snprintf(tmp, sizeof(tmp), "%06o", header_sum(h) & 0777777);
    memcpy(h + 148, tmp, 7); /* 6 digits and the NUL */
    h[155] = ' ';
}

/* A size below 8 GiB: an extended header's, or 0. */
static void set_size(unsigned char *h, uint64_t size)
{
    char tmp[16];
    /* cannot truncate: at most 11 octal digits (masked) into 16 bytes */
    snprintf(tmp, sizeof(tmp), "%011llo",
             (unsigned long long)(size & 077777777777ULL));
    memcpy(h + 124, tmp, 12); /* 11 digits and the NUL */
    set_checksum(h);
}

/* One pax record at body[off..]: its length, key and value; false when
 * the body is not a sequence of records. */
struct pax_rec {
    size_t len;
    const char *key, *val;
    size_t klen, vlen;
};

static bool pax_next(const unsigned char *body, size_t blen, size_t off,
                     struct pax_rec *r)
{
    size_t len = 0, i = off;
    while (i < blen && body[i] >= '0' && body[i] <= '9' && len < blen)
        len = len * 10 + (size_t)(body[i++] - '0');
    if (i == off || i >= blen || body[i] != ' ' || len <= i - off + 1 ||
        len > blen - off || body[off + len - 1] != '\n')
        return false;
    const char *k = (const char *)body + i + 1;
    const char *end = (const char *)body + off + len - 1;
    const char *eq = memchr(k, '=', (size_t)(end - k));
    if (!eq)
        return false;
    r->len = len;
    r->key = k;
    r->klen = (size_t)(eq - k);
    r->val = eq + 1;
    r->vlen = (size_t)(end - eq - 1);
    return true;
}

/* A record Go's archive/tar refuses (validPAXRecord): its reason, or
 * NULL.  The names are C strings to every reader after it. */
static char *pax_refusal(const struct pax_rec *r)
{
    static const char *const names[] = {"path", "linkpath", "uname", "gname"};
    if (r->klen == 0 || memchr(r->key, '\0', r->klen))
        return xo_xasprintf("a pax record with %s key",
                            r->klen ? "a NUL byte in its" : "an empty");
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (r->klen == strlen(names[i]) && !memcmp(r->key, names[i], r->klen) &&
            memchr(r->val, '\0', r->vlen))
            return xo_xasprintf(
                "a pax \"%s\" record with a NUL byte after \"%.*s\" (Go's archive/tar, which docker and containerd read layers with, refuses it)",
                names[i], (int)strnlen(r->val, 200), r->val);
    return NULL;
}

static bool key_is(const struct pax_rec *r, const char *k)
{
    return r->klen == strlen(k) && !memcmp(r->key, k, r->klen);
}

/* A pax time as Go's parsePAXTime takes it: strconv.ParseInt's optional
 * sign and 1 to 19 digits, then optionally '.' and digits only. */
static bool pax_time_valid(const char *v, size_t n)
{
    size_t i = n && (v[0] == '+' || v[0] == '-'), d = 0;
    for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
        d++;
    if (d == 0 || d > 19)
        return false;
    if (i < n && v[i++] != '.')
        return false;
    for (; i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return false;
    return true;
}

static void put_record(unsigned char **b, size_t *len, size_t *cap,
                       const char *key, const char *val, size_t vlen)
{
    size_t rest = 1 + strlen(key) + 1 + vlen + 1; /* " key=val\n" */
    size_t n = rest + 1;
    for (;;) {
        char d[24];
        /* cannot truncate: a size_t has at most 20 decimal digits */
        size_t want = rest + (size_t)snprintf(d, sizeof(d), "%zu", n);
        if (want == n)
            break;
        n = want;
    }
    char head[48];
    /* cannot truncate: 20 digits and a key of at most 5 bytes ("mtime") */
    int hl = snprintf(head, sizeof(head), "%zu %s=", n, key);
    put(b, len, cap, head, (size_t)hl);
    put(b, len, cap, val, vlen);
    put(b, len, cap, "\n", 1);
}

/* An extended header of the entry: its header, its body. */
struct meta {
    unsigned char *h;
    unsigned char *body;
    size_t blen;
};

/* Writes an extended header with a new body to out. */
static void put_meta(struct unpack_tarfix *t, const unsigned char *h,
                     const unsigned char *body, size_t blen)
{
    static const unsigned char zero[BLOCK];
    unsigned char nh[BLOCK];
    memcpy(nh, h, BLOCK);
    set_size(nh, blen);
    put(&t->out, &t->out_len, &t->out_cap, nh, BLOCK);
    put(&t->out, &t->out_len, &t->out_cap, body, blen);
    put(&t->out, &t->out_len, &t->out_cap, zero, round_block(blen) - blen);
}

static bool ends_in_slash(const char *s, size_t n)
{
    if (!n || s[n - 1] != '/')
        return false;
    while (n && s[n - 1] == '/')
        n--;
    return n > 0; /* "/" alone stays as it is */
}

/*
 * The entry header at held+unit is complete, its extended headers before
 * it: rewrites what Go's archive/tar reads otherwise, and lets it all go
 * with the entry's data to follow.
 */
static void fix_entry(struct unpack_tarfix *t, char type, uint64_t hsize)
{
    struct meta pax = {0}, longname = {0};
    for (size_t off = 0; off < t->unit;) {
        unsigned char *mh = t->held + off;
        uint64_t ms;
        (void)field_num(mh + 124, 12, &ms); /* checked when read */
        struct meta *m = mh[156] == 'x'   ? &pax
                         : mh[156] == 'L' ? &longname
                                          : NULL;
        if (m) {
            if (m->h) /* two of a kind for one entry: leave it be */
                return step_aside(t);
            *m = (struct meta){mh, mh + BLOCK, (size_t)ms};
        }
        off += BLOCK + round_block(ms);
    }
    /* The pax records that matter here. */
    struct pax_rec r, size_rec = {0}, path_rec = {0}, mtime_rec = {0};
    for (size_t off = 0; pax.h && off < pax.blen; off += r.len) {
        if (!pax_next(pax.body, pax.blen, off, &r))
            return step_aside(t);
        if ((t->refusal = pax_refusal(&r)))
            return;
        if (key_is(&r, "size"))
            size_rec = r;
        else if (key_is(&r, "path"))
            path_rec = r;
        /* Times as Go reads them: an empty value keeps the header's,
         * anything but a number refuses the header. */
        bool time =
            key_is(&r, "mtime") || key_is(&r, "atime") || key_is(&r, "ctime");
        if (time && r.vlen && !pax_time_valid(r.val, r.vlen)) {
            t->refusal = xo_xasprintf(
                "a pax \"%.*s\" record \"%.*s\" that is no time (Go's archive/tar, which docker and containerd read layers with, refuses it)",
                (int)r.klen, r.key, (int)(r.vlen > 40 ? 40 : r.vlen), r.val);
            return;
        }
        if (key_is(&r, "mtime"))
            mtime_rec = r;
    }
    /* libarchive reads an empty mtime, or one with a '+', as 0: the first
     * goes (the header's time stands), the second loses its '+'. */
    bool fix_mtime =
        mtime_rec.key && (mtime_rec.vlen == 0 || mtime_rec.val[0] == '+');
    uint64_t size = hsize;
    if (size_rec.key) {
        size = 0;
        for (size_t i = 0; i < size_rec.vlen; i++) {
            char c = size_rec.val[i];
            if (c < '0' || c > '9' || size > UINT64_MAX / 10 - 9)
                return step_aside(t);
            size = size * 10 + (uint64_t)(c - '0');
        }
    }
    unsigned char *h = t->held + t->unit;
    /* Whether the name ends in '/', as libarchive will read the name: pax
     * path, GNU long name, or the header's name field (its end is the
     * name's end). */
    bool slash;
    if (path_rec.key)
        slash = ends_in_slash(path_rec.val, path_rec.vlen);
    else if (longname.h)
        slash =
            ends_in_slash((const char *)longname.body,
                          strnlen((const char *)longname.body, longname.blen));
    else
        slash = ends_in_slash((const char *)h, strnlen((const char *)h, 100));
    /* Go makes an old-style '\0' file named with a slash a directory. */
    bool header_only =
        (type != '\0' && strchr("123456", type)) || (type == '\0' && slash);
    bool drop_size = header_only && size_rec.key && size != 0;
    bool zero_header = header_only && hsize != 0;
    bool strip = slash && (type == '0' || type == '7');
    bool strip_pax = strip && path_rec.key;
    bool strip_long = strip && !path_rec.key && longname.h;
    bool strip_name = strip && !path_rec.key && !longname.h;
    t->data_left = header_only ? 0 : round_block(size);
    if (!drop_size && !zero_header && !strip_pax && !strip_long &&
        !strip_name && !fix_mtime)
        return release_held(t);

    t->out_len = t->out_off = 0;
    unsigned char *nb = NULL;
    size_t nlen = 0, ncap = 0;
    for (size_t off = 0; off < t->unit;) {
        unsigned char *mh = t->held + off;
        uint64_t ms;
        (void)field_num(mh + 124, 12, &ms);
        size_t ulen = BLOCK + (size_t)round_block(ms);
        if (mh == pax.h && (drop_size || strip_pax || fix_mtime)) {
            nlen = 0;
            for (size_t o = 0; o < pax.blen; o += r.len) {
                (void)pax_next(pax.body, pax.blen, o, &r);
                if (drop_size && key_is(&r, "size"))
                    continue;
                if (fix_mtime && r.val == mtime_rec.val) {
                    if (r.vlen)
                        put_record(&nb, &nlen, &ncap, "mtime", r.val + 1,
                                   r.vlen - 1);
                    continue;
                }
                if (strip_pax && r.val == path_rec.val) {
                    size_t vl = r.vlen;
                    while (r.val[vl - 1] == '/')
                        vl--;
                    put_record(&nb, &nlen, &ncap, "path", r.val, vl);
                    continue;
                }
                put(&nb, &nlen, &ncap, pax.body + o, r.len);
            }
            put_meta(t, mh, nb, nlen);
        } else if (mh == longname.h && strip_long) {
            size_t n = strnlen((const char *)longname.body, longname.blen);
            while (longname.body[n - 1] == '/')
                n--;
            nlen = 0;
            put(&nb, &nlen, &ncap, longname.body, n);
            put(&nb, &nlen, &ncap, "", 1);
            put_meta(t, mh, nb, nlen);
        } else {
            put(&t->out, &t->out_len, &t->out_cap, mh, ulen);
        }
        off += ulen;
    }
    free(nb);
    if (strip_name)
        for (size_t n = strnlen((const char *)h, 100); n && h[n - 1] == '/';)
            h[--n] = '\0';
    if (zero_header)
        set_size(h, 0);
    else
        set_checksum(h);
    put(&t->out, &t->out_len, &t->out_cap, h, BLOCK);
    t->held_len = t->need = t->unit = 0;
}

static bool all_zero(const unsigned char *b)
{
    for (size_t i = 0; i < BLOCK; i++)
        if (b[i])
            return false;
    return true;
}

/* held has reached `need`: an extended header's body or a header. */
static void decide(struct unpack_tarfix *t)
{
    if (t->in_body) {
        t->in_body = false;
        t->unit = t->held_len;
        t->need = t->held_len + BLOCK;
        return;
    }
    unsigned char *h = t->held + t->unit;
    /* An all-zero block where a header is due ends the archive only when
     * the next block is all zeros too (or the stream ends): Go's reader
     * refuses one followed by anything else, where libarchive would end
     * the layer there and drop every entry after it. */
    if (t->after_zero) {
        t->after_zero = false;
        if (all_zero(h))
            return step_aside(t); /* the end blocks */
        t->refusal = xo_xstrdup(
            "an all-zero block followed by another header: Go's archive/tar, which docker and containerd read layers with, refuses it (invalid tar header), where libarchive would end the layer there and drop what follows");
        return;
    }
    if (all_zero(h)) {
        t->after_zero = true;
        t->unit = t->held_len;
        t->need = t->held_len + BLOCK;
        return;
    }
    uint64_t size;
    if (!header_valid(h) || !field_num(h + 124, 12, &size))
        return step_aside(t); /* the end blocks, or what libarchive judges */
    char type = (char)h[156];
    if (type == 'x' || type == 'L' || type == 'K') {
        if (size > TARFIX_META_MAX || t->held_len > TARFIX_META_MAX)
            return step_aside(t);
        /* Its body, then the next header. */
        t->in_body = size > 0;
        t->need = t->held_len + (size_t)round_block(size);
        if (!t->in_body) {
            t->unit = t->held_len;
            t->need = t->held_len + BLOCK;
        }
        return;
    }
    if (type == 'g' && t->unit == 0) {
        release_held(t);
        t->data_left = round_block(size);
        return;
    }
    if (type != '\0' && !strchr("01234567", type))
        return step_aside(t); /* sparse, dumpdir, volume, ... */
    fix_entry(t, type, size);
}

ssize_t unpack_tarfix_read(struct unpack_tarfix *t, const void **buf)
{
    for (;;) {
        if (t->refusal)
            return -1;
        if (t->out_off < t->out_len) {
            *buf = t->out + t->out_off;
            size_t n = t->out_len - t->out_off;
            t->out_off = t->out_len;
            return (ssize_t)n;
        }
        if (!t->in_len) {
            const void *b;
            ssize_t n = t->src(t->arg, &b);
            if (n < 0)
                return -1;
            if (n == 0) {
                if (!t->held_len)
                    return 0;
                step_aside(t); /* a truncated header: libarchive says so */
                continue;
            }
            t->in = b;
            t->in_len = (size_t)n;
        }
        if (t->aside || t->data_left) {
            size_t n = t->in_len;
            if (!t->aside && t->data_left < n)
                n = (size_t)t->data_left;
            if (!t->aside)
                t->data_left -= n;
            *buf = t->in;
            t->in += n;
            t->in_len -= n;
            return (ssize_t)n;
        }
        if (!t->need)
            t->need = BLOCK;
        size_t n = t->need - t->held_len;
        if (n > t->in_len)
            n = t->in_len;
        put(&t->held, &t->held_len, &t->held_cap, t->in, n);
        t->in += n;
        t->in_len -= n;
        if (t->held_len == t->need)
            decide(t);
    }
}
