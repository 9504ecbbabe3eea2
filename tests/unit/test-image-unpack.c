/*
 * test-image-unpack.c: layer application: well-formed layers, limits and
 * refusals (the fixture and tar writer are in unpack_fixture.h; paths and
 * devices in test-image-unpack-paths.c, whiteouts in
 * test-image-unpack-whiteout.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "image/unpack.h"
#include "unpack_fixture.h"

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

/* Directories the unpack made itself get a time of the image, not of the
 * pull, even when the image's times are in the future (mkfs.erofs clamps
 * only times after its build time, so those of the pull would stay). */
static void test_made_directories_get_the_build_time(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    const unsigned long long future = 4102444800ULL; /* 2100-01-01 */
    tb_add(&t,
           (struct ent){
               .type = '5', .name = "./a/", .mode = 0755, .mtime = 1600000000});
    tb_add(&t, (struct ent){.type = '0',
                            .name = "./a/b/c/f",
                            .data = "x",
                            .mode = 0644,
                            .mtime = future});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    struct stat st;
    const char *made[] = {".", "a/b", "a/b/c"};
    for (size_t i = 0; i < sizeof(made) / sizeof(*made); i++) {
        assert_int_equal(lstat(rootpath(f, made[i]), &st), 0);
        assert_int_equal(st.st_mtime, (time_t)(future + 1));
    }
    assert_int_equal(lstat(rootpath(f, "a"), &st), 0);
    assert_int_equal(st.st_mtime, 1600000000);
    assert_int_equal(lstat(rootpath(f, "a/b/c/f"), &st), 0);
    assert_int_equal(st.st_mtime, (time_t)future);
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

/* ---- limits and garbage ---- */

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
        T(test_made_directories_get_the_build_time),
        T(test_gzip_layer),
        T(test_zstd_layer),
        T(test_replace_symlink_with_file),
        T(test_footerless_layer),
        T(test_truncated_data_refused),
        T(test_huge_declared_size_refused),
        T(test_entry_limit),
        T(test_garbage_refused),
    };
    return RUN_BOTH_RESOLVERS(tests);
}
