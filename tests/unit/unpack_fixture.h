/*
 * unpack_fixture.h: the shared fixture of the layer unpack tests.  Layers
 * are written byte by byte with a tiny ustar writer so a test can say
 * exactly what a hostile tarball holds (names with "..", sizes that lie,
 * missing footers).  Every test keeps a canary file and an empty directory
 * next to the target rootfs and checks they are untouched.  Included by
 * test-image-unpack*.c only, after cmocka and image/unpack.h.
 */
#ifndef XL_OCI_TESTS_UNPACK_FIXTURE_H
#define XL_OCI_TESTS_UNPACK_FIXTURE_H

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "image/fsat.h"

/* ---- a minimal ustar writer ---- */

struct tarbuf {
    unsigned char *p;
    size_t len, cap;
};

static inline void tb_put(struct tarbuf *t, const void *d, size_t n)
{
    if (t->len + n > t->cap) {
        t->cap = (t->len + n) * 2 + 4096;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->len, d, n);
    t->len += n;
}

static inline void tb_pad(struct tarbuf *t)
{
    static const unsigned char zero[512];
    if (t->len % 512)
        tb_put(t, zero, 512 - t->len % 512);
}

struct ent {
    char type; /* '0' file, '5' dir, '2' symlink, '1' hardlink,
                             '3' char, '6' fifo */
    const char *name;
    const char *link; /* symlink/hardlink target */
    const char *data; /* file content */
    unsigned mode;
    unsigned uid, gid;
    unsigned long long size;  /* declared size; 0: strlen(data) */
    unsigned long long mtime; /* seconds; 0: 1700000000 */
};

/* An octal field of width w (w-1 digits and a NUL). */
static inline void oct(unsigned char *dst, int w, unsigned long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%0*llo", w - 1, v);
    memcpy(dst, tmp + n - (w - 1), (size_t)w - 1);
    dst[w - 1] = 0;
}

static inline void tb_header(struct tarbuf *t, const struct ent *e)
{
    unsigned char h[512] = {0};
    unsigned long long size =
        e->size ? e->size : (e->data ? strlen(e->data) : 0);
    snprintf((char *)h, 100, "%s", e->name);
    oct(h + 100, 8, e->mode ? e->mode : 0644);
    oct(h + 108, 8, e->uid);
    oct(h + 116, 8, e->gid);
    oct(h + 124, 12, size);
    oct(h + 136, 12, e->mtime ? e->mtime : 1700000000);
    h[156] = (unsigned char)e->type;
    if (e->link)
        snprintf((char *)h + 157, 100, "%s", e->link);
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    if (e->type == '3') {
        oct(h + 329, 8, 1);
        oct(h + 337, 8, 3);
    }
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    oct(h + 148, 7, sum);
    tb_put(t, h, 512);
}

/* Adds an entry with its data and padding. */
static inline void tb_add(struct tarbuf *t, struct ent e)
{
    tb_header(t, &e);
    if (e.data && e.type == '0') {
        tb_put(t, e.data, strlen(e.data));
        tb_pad(t);
    }
}

/* An extended header for the entry that follows: type 'x' (pax records)
 * or 'L' (a GNU long name), its body and padding. */
static inline void tb_meta(struct tarbuf *t, char type, const char *body,
                           size_t len)
{
    tb_header(t, &(struct ent){
                     .type = type, .name = "././@meta", .size = len ? len : 1});
    tb_put(t, len ? body : "", len ? len : 1);
    tb_pad(t);
}

static inline void tb_footer(struct tarbuf *t)
{
    static const unsigned char zero[1024];
    tb_put(t, zero, sizeof(zero));
}

/* ---- fixture: base/{canary,outside/,root/} ---- */

struct fx {
    char base[64];
    char root[96];
    char outside[96];
    char canary[96];
    char layer[96];
};

static inline int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    strcpy(f->base, "/tmp/test-unpack.XXXXXX");
    if (!mkdtemp(f->base))
        return -1;
    snprintf(f->root, sizeof(f->root), "%s/root", f->base);
    snprintf(f->outside, sizeof(f->outside), "%s/outside", f->base);
    snprintf(f->canary, sizeof(f->canary), "%s/canary", f->base);
    snprintf(f->layer, sizeof(f->layer), "%s/layer.tar", f->base);
    mkdir(f->root, 0755);
    mkdir(f->outside, 0755);
    FILE *fp = fopen(f->canary, "w");
    fputs("canary", fp);
    fclose(fp);
    *state = f;
    return 0;
}

static inline void check_canary(struct fx *f)
{
    char buf[32] = {0};
    FILE *fp = fopen(f->canary, "r");
    assert_non_null(fp);
    assert_int_equal(fread(buf, 1, sizeof(buf), fp), 6);
    fclose(fp);
    assert_string_equal(buf, "canary");
    struct stat st;
    assert_int_equal(stat(f->canary, &st), 0);
    assert_int_equal(st.st_nlink, 1);
    /* Nothing new next to the rootfs, nothing inside "outside". */
    int n = 0;
    DIR *d = opendir(f->base);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    assert_int_equal(n, access(f->layer, F_OK) == 0 ? 4 : 3);
    d = opendir(f->outside);
    n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    assert_int_equal(n, 0);
}

static inline int teardown(void **state)
{
    struct fx *f = *state;
    check_canary(f);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->base);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static inline void write_layer(struct fx *f, const struct tarbuf *t)
{
    FILE *fp = fopen(f->layer, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(t->p, 1, t->len, fp), t->len);
    fclose(fp);
}

/* Gzips the tarball with libarchive's raw format. */
static inline void write_layer_gz(struct fx *f, const struct tarbuf *t)
{
    struct archive *a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_raw(a);
    assert_int_equal(archive_write_open_filename(a, f->layer), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, t->p, t->len), (ssize_t)t->len);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
}

/* Compresses the tarball with zstd (libarchive's raw format). */
static inline void write_layer_zstd(struct fx *f, const struct tarbuf *t)
{
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_add_filter_zstd(a), ARCHIVE_OK);
    archive_write_set_format_raw(a);
    assert_int_equal(archive_write_open_filename(a, f->layer), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, t->p, t->len), (ssize_t)t->len);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
}

/* Unpacks the layers in order; returns the result, err kept for checks. */
static inline int unpack_layers(struct fx *f, struct tarbuf *layers, int n,
                                const struct unpack_opts *o, bool gz,
                                xo_err *err)
{
    struct unpack_ctx *c = NULL;
    assert_int_equal(unpack_begin(&c, f->root, o, err), 0);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (gz)
            write_layer_gz(f, &layers[i]);
        else
            write_layer(f, &layers[i]);
        int fd = open(f->layer, O_RDONLY);
        assert_true(fd >= 0);
        rc = unpack_layer(c, fd, "layer", err);
        close(fd);
    }
    if (rc == 0)
        rc = unpack_finish(c, err);
    unpack_free(c);
    for (int i = 0; i < n; i++)
        free(layers[i].p);
    return rc;
}

static inline int unpack_one(struct fx *f, struct tarbuf *t, xo_err *err)
{
    return unpack_layers(f, t, 1, NULL, false, err);
}

static inline void expect_refused(struct fx *f, struct tarbuf *t,
                                  const char *why)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, t, &err), -1);
    if (!strstr(xo_err_msg(&err), why))
        fail_msg("error \"%s\" does not say \"%s\"", xo_err_msg(&err), why);
    xo_err_clear(&err);
}

static inline char *rootpath(struct fx *f, const char *rel)
{
    static char buf[512];
    snprintf(buf, sizeof(buf), "%s/%s", f->root, rel);
    return buf;
}

static inline void assert_content(struct fx *f, const char *rel,
                                  const char *want)
{
    char buf[256] = {0};
    FILE *fp = fopen(rootpath(f, rel), "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    assert_int_equal(n, strlen(want));
    assert_string_equal(buf, want);
}

/* Runs the tests with openat2, then again with fsat's component walker,
 * as on a kernel without openat2: both must give the same tree. */
#define RUN_BOTH_RESOLVERS(tests)                                              \
    (cmocka_run_group_tests_name("openat2", tests, NULL, NULL) |               \
     (fsat_set_use_openat2(false),                                             \
      cmocka_run_group_tests_name("walker", tests, NULL, NULL)))

#endif
