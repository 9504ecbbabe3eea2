/*
 * test-image-unpack.c: layer application, including a hostile layer corpus.
 * Layers are written byte by byte with a tiny ustar writer so a test can
 * say exactly what a hostile tarball holds (names with "..", sizes that
 * lie, missing footers).  Every test keeps a canary file and an empty
 * directory next to the target rootfs and checks they are untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

#include "image/unpack.h"

/* ---- a minimal ustar writer ---- */

struct tarbuf {
    unsigned char *p;
    size_t len, cap;
};

static void tb_put(struct tarbuf *t, const void *d, size_t n)
{
    if (t->len + n > t->cap) {
        t->cap = (t->len + n) * 2 + 4096;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->len, d, n);
    t->len += n;
}

static void tb_pad(struct tarbuf *t)
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
    unsigned long long size; /* declared size; 0: strlen(data) */
};

/* An octal field of width w (w-1 digits and a NUL). */
static void oct(unsigned char *dst, int w, unsigned long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%0*llo", w - 1, v);
    memcpy(dst, tmp + n - (w - 1), (size_t)w - 1);
    dst[w - 1] = 0;
}

static void tb_header(struct tarbuf *t, const struct ent *e)
{
    unsigned char h[512] = {0};
    unsigned long long size =
        e->size ? e->size : (e->data ? strlen(e->data) : 0);
    snprintf((char *)h, 100, "%s", e->name);
    oct(h + 100, 8, e->mode ? e->mode : 0644);
    oct(h + 108, 8, e->uid);
    oct(h + 116, 8, e->gid);
    oct(h + 124, 12, size);
    oct(h + 136, 12, 1700000000);
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
static void tb_add(struct tarbuf *t, struct ent e)
{
    tb_header(t, &e);
    if (e.data && e.type == '0') {
        tb_put(t, e.data, strlen(e.data));
        tb_pad(t);
    }
}

static void tb_footer(struct tarbuf *t)
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

static int setup(void **state)
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

static void check_canary(struct fx *f)
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

static int teardown(void **state)
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

static void write_layer(struct fx *f, const struct tarbuf *t)
{
    FILE *fp = fopen(f->layer, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(t->p, 1, t->len, fp), t->len);
    fclose(fp);
}

/* Gzips the tarball with libarchive's raw format. */
static void write_layer_gz(struct fx *f, const struct tarbuf *t)
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
static void write_layer_zstd(struct fx *f, const struct tarbuf *t)
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
static int unpack_layers(struct fx *f, struct tarbuf *layers, int n,
                         const struct unpack_opts *o, bool gz, xo_err *err)
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

static int unpack_one(struct fx *f, struct tarbuf *t, xo_err *err)
{
    return unpack_layers(f, t, 1, NULL, false, err);
}

static void expect_refused(struct fx *f, struct tarbuf *t, const char *why)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, t, &err), -1);
    if (!strstr(xo_err_msg(&err), why))
        fail_msg("error \"%s\" does not say \"%s\"", xo_err_msg(&err), why);
    xo_err_clear(&err);
}

static char *rootpath(struct fx *f, const char *rel)
{
    static char buf[256];
    snprintf(buf, sizeof(buf), "%s/%s", f->root, rel);
    return buf;
}

static void assert_content(struct fx *f, const char *rel, const char *want)
{
    char buf[256] = {0};
    FILE *fp = fopen(rootpath(f, rel), "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    assert_int_equal(n, strlen(want));
    assert_string_equal(buf, want);
}

/* ---- well-formed layers ---- */

static void test_basic_tree(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '5', .name = "./", .mode = 0755});
    tb_add(&t, (struct ent){.type = '5', .name = "./bin/", .mode = 0755});
    tb_add(&t, (struct ent){.type = '0',
                            .name = "./bin/busybox",
                            .data = "#!busybox",
                            .mode = 0755});
    tb_add(&t, (struct ent){.type = '2',
                            .name = "./bin/sh",
                            .link = "busybox",
                            .mode = 0777});
    tb_add(&t, (struct ent){.type = '0',
                            .name = "./home/user/f",
                            .data = "secret",
                            .mode = 04750,
                            .uid = 1234,
                            .gid = 5678});
    tb_add(&t, (struct ent){.type = '1',
                            .name = "./home/user/g",
                            .link = "./home/user/f"});
    tb_add(&t, (struct ent){.type = '5', .name = "./tmp", .mode = 01777});
    tb_add(&t, (struct ent){.type = '6', .name = "./fifo", .mode = 0600});
    tb_add(&t,
           (struct ent){.type = '2', .name = "./abs", .link = "/etc/passwd"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);

    assert_content(f, "bin/busybox", "#!busybox");
    char lt[64] = {0};
    assert_int_equal(readlink(rootpath(f, "bin/sh"), lt, sizeof(lt)), 7);
    assert_string_equal(lt, "busybox");
    struct stat st, st2;
    assert_int_equal(lstat(rootpath(f, "home/user/f"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 04750);
    if (geteuid() == 0) {
        assert_int_equal(st.st_uid, 1234);
        assert_int_equal(st.st_gid, 5678);
    }
    assert_int_equal(st.st_mtime, 1700000000);
    assert_int_equal(lstat(rootpath(f, "home/user/g"), &st2), 0);
    assert_int_equal(st.st_ino, st2.st_ino);
    assert_int_equal(st2.st_nlink, 2);
    assert_int_equal(lstat(rootpath(f, "tmp"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 01777);
    assert_int_equal(st.st_mtime, 1700000000);
    assert_int_equal(lstat(rootpath(f, "fifo"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(lstat(rootpath(f, "abs"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* Parents missing from the tarball are created. */
    assert_int_equal(lstat(rootpath(f, "home"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

static void test_gzip_layer(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "hello", .data = "hi there"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, &t, 1, NULL, true, &err), 0);
    assert_content(f, "hello", "hi there");
}

static void test_zstd_layer(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "z", .data = "zstd data"});
    tb_footer(&t);
    write_layer_zstd(f, &t);
    free(t.p);
    struct unpack_ctx *c = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_begin(&c, f->root, NULL, &err), 0);
    int fd = open(f->layer, O_RDONLY);
    assert_int_equal(unpack_layer(c, fd, "layer", &err), 0);
    close(fd);
    unpack_free(c);
    assert_content(f, "z", "zstd data");
}

static void test_whiteouts(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '0', .name = "a/x", .data = "x"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "a/y", .data = "y"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "b/deep/z", .data = "z"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "c/old", .data = "old"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "d/old", .data = "old"});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '0', .name = "a/.wh.x"});
    tb_add(&l[1], (struct ent){.type = '0', .name = ".wh.b"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "c/new", .data = "new"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "c/.wh..wh..opq"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "d/.wh..wh..opq"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "d/new", .data = "new"});
    tb_add(&l[1], (struct ent){.type = '0', .name = ".wh.never-existed"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_int_equal(access(rootpath(f, "a/x"), F_OK), -1);
    assert_content(f, "a/y", "y");
    assert_int_equal(access(rootpath(f, "b"), F_OK), -1);
    assert_int_equal(access(rootpath(f, "c/old"), F_OK), -1);
    assert_content(f, "c/new", "new");
    assert_int_equal(access(rootpath(f, "d/old"), F_OK), -1);
    assert_content(f, "d/new", "new");
    assert_int_equal(access(rootpath(f, "c/.wh..wh..opq"), F_OK), -1);
    assert_int_equal(access(rootpath(f, "a/.wh.x"), F_OK), -1);
}

/* A later layer replaces a symlink (even one pointing outside) with a file:
 * the file is created in place, the symlink's target is not written. */
static void test_replace_symlink_with_file(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '2', .name = "f", .link = f->canary});
    tb_add(&l[0], (struct ent){.type = '5', .name = "d"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "d/inner", .data = "i"});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '0', .name = "f", .data = "replaced"});
    tb_add(&l[1], (struct ent){.type = '2', .name = "d", .link = "/"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_content(f, "f", "replaced");
    struct stat st;
    assert_int_equal(lstat(rootpath(f, "d"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
}

/* umoci insert 0.4.7: no padding after the last file, no footer. */
static void test_footerless_layer(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '5', .name = "/", .mode = 0755});
    tb_add(&t, (struct ent){.type = '5', .name = "etc"});
    tb_add(&t, (struct ent){.type = '0', .name = "etc/first", .data = "one"});
    struct ent last = {
        .type = '0', .name = "etc/last", .data = "the last file, unpadded"};
    tb_header(&t, &last);
    tb_put(&t, last.data, strlen(last.data));
    xo_err err = XO_ERR_INIT;
    struct tarbuf copy = {0};
    tb_put(&copy, t.p, t.len);
    assert_int_equal(unpack_one(f, &t, &err), 0);
    assert_content(f, "etc/last", "the last file, unpadded");
    /* The same through gzip. */
    assert_int_equal(unpack_layers(f, &copy, 1, NULL, true, &err), 0);
    assert_content(f, "etc/first", "one");
}

static void test_truncated_data_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    struct ent e = {.type = '0', .name = "big", .data = "0123456789"};
    tb_header(&t, &e);
    tb_put(&t, "01234", 5); /* half the data, then the stream ends */
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "\"big\""));
    xo_err_clear(&err);
}

/* ---- the hostile corpus ---- */

static void test_dotdot_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "../canary", .data = "pwned"});
    tb_footer(&t);
    expect_refused(f, &t, "\"..\" would land outside the rootfs");
    struct tarbuf t2 = {0};
    tb_add(&t2, (struct ent){
                    .type = '0', .name = "a/../../outside/pwned", .data = "x"});
    tb_footer(&t2);
    expect_refused(f, &t2, "outside the rootfs");
}

static void test_absolute_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    char name[128];
    snprintf(name, sizeof(name), "%s/pwned", f->outside);
    tb_add(&t, (struct ent){.type = '0', .name = name, .data = "pwned"});
    tb_footer(&t);
    expect_refused(f, &t, "absolute path");
}

static void test_symlink_write_through_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '2', .name = "evil", .link = f->outside});
    tb_add(&t,
           (struct ent){.type = '0', .name = "evil/pwned", .data = "pwned"});
    tb_footer(&t);
    expect_refused(f, &t, "symlink that leaves the rootfs");

    struct tarbuf t2 = {0};
    tb_add(&t2, (struct ent){.type = '2', .name = "rel", .link = "../outside"});
    tb_add(&t2,
           (struct ent){.type = '0', .name = "rel/pwned", .data = "pwned"});
    tb_footer(&t2);
    expect_refused(f, &t2, "symlink that leaves the rootfs");

    /* Chains: a -> b, b -> ../.. */
    struct tarbuf t3 = {0};
    tb_add(&t3, (struct ent){.type = '2', .name = "b2", .link = "../../"});
    tb_add(&t3, (struct ent){.type = '2', .name = "a2", .link = "b2/outside"});
    tb_add(&t3, (struct ent){.type = '5', .name = "a2/sub"});
    tb_footer(&t3);
    expect_refused(f, &t3, "symlink that leaves the rootfs");
}

static void test_hardlink_outside_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '1', .name = "hl", .link = "../canary"});
    tb_footer(&t);
    expect_refused(f, &t, "outside the rootfs");

    struct tarbuf t2 = {0};
    tb_add(&t2, (struct ent){.type = '1', .name = "hl", .link = f->canary});
    tb_footer(&t2);
    expect_refused(f, &t2, "absolute path");

    struct tarbuf t3 = {0};
    tb_add(&t3, (struct ent){.type = '2', .name = "up", .link = f->base});
    tb_add(&t3, (struct ent){.type = '1', .name = "hl", .link = "up/canary"});
    tb_footer(&t3);
    expect_refused(f, &t3, "outside the rootfs through a symlink");
}

static void test_whiteout_dotdot_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "a/.wh..."});
    tb_footer(&t);
    expect_refused(f, &t, "whiteout");
    struct tarbuf t2 = {0};
    tb_add(&t2, (struct ent){.type = '0', .name = ".wh.."});
    tb_footer(&t2);
    expect_refused(f, &t2, "whiteout");
    /* A whiteout reached through a symlink out of the rootfs. */
    struct tarbuf t3 = {0};
    tb_add(&t3, (struct ent){.type = '2', .name = "up", .link = f->base});
    tb_add(&t3, (struct ent){.type = '0', .name = "up/.wh.canary"});
    tb_footer(&t3);
    expect_refused(f, &t3, "symlink that leaves the rootfs");
}

static void test_device_node(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '3', .name = "dev/null", .mode = 0666});
    tb_footer(&t);
    expect_refused(f, &t, "device node refused");
    if (geteuid() != 0)
        return;
    struct tarbuf t2 = {0};
    tb_add(&t2, (struct ent){.type = '3', .name = "dev/null", .mode = 0666});
    tb_footer(&t2);
    struct unpack_opts o = {.allow_devices = true};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, &t2, 1, &o, false, &err), 0);
    struct stat st;
    assert_int_equal(lstat(rootpath(f, "dev/null"), &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(major(st.st_rdev), 1);
    assert_int_equal(minor(st.st_rdev), 3);
}

static void test_huge_declared_size_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    /* 8 GiB - 1 declared, a few bytes present. */
    struct ent e = {.type = '0', .name = "huge", .size = 077777777777ULL};
    tb_header(&t, &e);
    tb_put(&t, "xxxx", 4);
    struct unpack_opts o = {.max_bytes = 1 << 20};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, &t, 1, &o, false, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "\"huge\" declares 8589934591"));
    assert_non_null(strstr(xo_err_msg(&err), "limit of 1048576"));
    xo_err_clear(&err);
    assert_int_equal(access(rootpath(f, "huge"), F_OK), -1);
}

static void test_entry_limit(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    char name[32];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        tb_add(&t, (struct ent){.type = '0', .name = name, .data = "x"});
    }
    tb_footer(&t);
    struct unpack_opts o = {.max_entries = 10};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, &t, 1, &o, false, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "more than 10 entries"));
    xo_err_clear(&err);
}

static void test_garbage_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_put(&t, "this is not a tarball at all, just some text\n", 45);
    expect_refused(f, &t, "layer");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_basic_tree),
        T(test_gzip_layer),
        T(test_zstd_layer),
        T(test_whiteouts),
        T(test_replace_symlink_with_file),
        T(test_footerless_layer),
        T(test_truncated_data_refused),
        T(test_dotdot_refused),
        T(test_absolute_refused),
        T(test_symlink_write_through_refused),
        T(test_hardlink_outside_refused),
        T(test_whiteout_dotdot_refused),
        T(test_device_node),
        T(test_huge_declared_size_refused),
        T(test_entry_limit),
        T(test_garbage_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
