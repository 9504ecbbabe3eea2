/*
 * test-image-unpack-tarfix.c: layer headers read as Go's archive/tar
 * (moby, containerd, umoci) reads them (image/tarfix.h): a size declared
 * on an entry that has no data is ignored, and a regular file named with
 * a trailing slash is a file.  Each test runs with openat2 and with
 * fsat's component walker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "image/unpack.h"
#include "unpack_fixture.h"

static void assert_type(struct fx *f, const char *rel, mode_t type)
{
    struct stat st;
    assert_int_equal(lstat(rootpath(f, rel), &st), 0);
    assert_int_equal(st.st_mode & S_IFMT, type);
}

/* A pax "size" of 10 GB on a symlink, a hardlink, a directory and a
 * fifo, and a header size on a directory: none has data, the entries
 * after them are read (libarchive skipped the size: "Truncated input"). */
static void test_header_only_sizes_ignored(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    static const char big[] = "20 size=10000000000\n";
    tb_add(&t, (struct ent){.type = '0', .name = "t", .data = "t"});
    tb_meta(&t, 'x', big, strlen(big));
    tb_add(&t, (struct ent){.type = '2', .name = "s", .link = "t"});
    tb_meta(&t, 'x', big, strlen(big));
    tb_add(&t, (struct ent){.type = '1', .name = "h", .link = "t"});
    tb_meta(&t, 'x', big, strlen(big));
    tb_add(&t, (struct ent){.type = '5', .name = "d", .mode = 0755});
    tb_meta(&t, 'x', big, strlen(big));
    tb_add(&t, (struct ent){.type = '6', .name = "p"});
    static const char small[] = "9 size=4\n";
    tb_meta(&t, 'x', small, strlen(small));
    tb_add(&t, (struct ent){.type = '5', .name = "e", .mode = 0755});
    tb_add(&t, (struct ent){.type = '5',
                            .name = "g",
                            .mode = 0755,
                            .size = 077777777777ULL});
    tb_add(&t, (struct ent){.type = '0', .name = "d/after", .data = "a"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    assert_type(f, "s", S_IFLNK);
    assert_content(f, "h", "t");
    assert_type(f, "d", S_IFDIR);
    assert_type(f, "p", S_IFIFO);
    assert_type(f, "e", S_IFDIR);
    assert_type(f, "g", S_IFDIR);
    assert_content(f, "d/after", "a");
}

/* A regular file whose name ends in '/' (in the header, a pax path or a
 * GNU long name) is that file, its data its content; libarchive made a
 * directory of it and read the data as headers. */
static void test_file_named_with_slash(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "f/", .data = "one"});
    static const char path[] = "15 path=dir/p/\n";
    tb_meta(&t, 'x', path, strlen(path));
    tb_add(&t, (struct ent){.type = '0', .name = "ignored", .data = "two"});
    char longname[160];
    snprintf(longname, sizeof(longname), "dir/%0120d//", 0);
    tb_meta(&t, 'L', longname, strlen(longname) + 1);
    tb_add(&t, (struct ent){.type = '0', .name = "cut", .data = "three"});
    tb_add(&t, (struct ent){.type = '0', .name = "z", .data = "z"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    assert_content(f, "f", "one");
    assert_content(f, "dir/p", "two");
    longname[strlen(longname) - 2] = '\0';
    assert_content(f, longname, "three");
    assert_content(f, "z", "z");
}

/* Data after a directory's header (Go refuses it too) is read as a
 * header that cannot be: the error names the entry's place in the layer
 * and libarchive's reason. */
static void test_damaged_header_named(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "a", .data = "a"});
    tb_add(&t, (struct ent){.type = '5', .name = "d", .size = 4});
    tb_put(&t, "data", 4);
    tb_pad(&t);
    tb_add(&t, (struct ent){.type = '0', .name = "b", .data = "b"});
    tb_footer(&t);
    expect_refused(f, &t, "entry 3 has no name that can be read (Damaged");
}

/* A NUL byte in a pax path, linkpath, uname or gname, or in any key, or
 * an empty key: refused as Go refuses the header, naming the record and
 * what comes before the NUL (libarchive cut "etc/passwd\0.txt" to
 * "etc/passwd" and wrote that file).  A NUL in another record's value (an
 * xattr's bytes) is fine. */
static void test_pax_nul_refused(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *rec;
        size_t len;
        const char *want;
    } cases[] = {
        {"24 path=etc/passwd\0.txt\n", 24,
         "a pax \"path\" record with a NUL byte after \"etc/passwd\""},
        {"18 linkpath=a\0bcd\n", 18,
         "a pax \"linkpath\" record with a NUL byte after \"a\""},
        {"13 uname=r\0t\n", 13, "a pax \"uname\" record with a NUL byte"},
        {"13 gname=\0xy\n", 13, "a pax \"gname\" record with a NUL byte"},
        {"12 k\0ey=val\n", 12, "a pax record with a NUL byte in its key"},
        {"7 =val\n", 7, "a pax record with an empty key"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct tarbuf t = {0};
        tb_add(&t, (struct ent){.type = '0', .name = "a", .data = "a"});
        tb_meta(&t, 'x', cases[i].rec, cases[i].len);
        tb_add(&t,
               (struct ent){.type = '2', .name = "etc/passwd", .link = "a"});
        tb_footer(&t);
        expect_refused(f, &t, cases[i].want);
    }
    struct tarbuf t = {0};
    static const char xattr[] = "25 SCHILY.xattr.user.b=\0\n";
    tb_meta(&t, 'x', xattr, sizeof(xattr) - 1);
    tb_add(&t, (struct ent){.type = '0', .name = "x", .data = "x"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    assert_content(f, "x", "x");
}

/* One all-zero block, then another header: Go refuses the layer, and so
 * do we (libarchive ended it there, dropping "hidden" and every whiteout
 * after it); one zero block at the very end is the end (helper-59). */
static void test_lone_zero_block(void **state)
{
    struct fx *f = *state;
    static const char zero[512];
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "a", .data = "a"});
    tb_put(&t, zero, sizeof(zero));
    tb_add(&t, (struct ent){.type = '0', .name = "hidden", .data = "h"});
    tb_footer(&t);
    expect_refused(f, &t, "an all-zero block followed by another header");
    struct tarbuf e = {0};
    tb_add(&e, (struct ent){.type = '0', .name = "a", .data = "a"});
    tb_put(&e, zero, sizeof(zero));
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &e, &err), 0);
    assert_content(f, "a", "a");
}

/* pax times as Go reads them: "+N" is N, an empty value keeps the
 * header's time (libarchive read both as 0), anything else but a number
 * is refused (libarchive read "1.6e9" as 1) (helper-59). */
static void test_pax_mtime_as_go(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *rec;
        const char *name;
        time_t want;
    } cases[] = {
        {"21 mtime=+1600000000\n", "plus", 1600000000},
        {"9 mtime=\n", "empty", 1700000000},
        {"22 mtime=1600000000.5\n", "frac", 1600000000},
    };
    struct tarbuf t = {0};
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        tb_meta(&t, 'x', cases[i].rec, strlen(cases[i].rec));
        tb_add(&t,
               (struct ent){.type = '0', .name = cases[i].name, .data = "x"});
    }
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct stat st;
        assert_int_equal(lstat(rootpath(f, cases[i].name), &st), 0);
        assert_int_equal(st.st_mtime, cases[i].want);
    }
    static const char *const bad[] = {"15 mtime=1.6e9\n", "12 mtime=+-\n",
                                      "15 atime=12:00\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct tarbuf b = {0};
        tb_meta(&b, 'x', bad[i], strlen(bad[i]));
        tb_add(&b, (struct ent){.type = '0', .name = "x", .data = "x"});
        tb_footer(&b);
        expect_refused(f, &b, "that is no time (Go's archive/tar");
    }
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_header_only_sizes_ignored), T(test_file_named_with_slash),
        T(test_damaged_header_named),      T(test_pax_nul_refused),
        T(test_lone_zero_block),           T(test_pax_mtime_as_go),
    };
    return RUN_BOTH_RESOLVERS(tests);
}
