/*
 * test-image-unpack-whiteout.c: whiteouts hide lower layers only, wherever
 * they stand in the tarball (issue 11 cases 2 and 3), through symlinked
 * parents with chroot semantics, and never reach outside the rootfs.  Each
 * test runs with openat2 and with fsat's component walker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "image/unpack.h"
#include "unpack_fixture.h"

/* The names in a directory of the rootfs, sorted, joined by spaces. */
static const char *listing(struct fx *f, const char *rel)
{
    static char out[512];
    struct dirent **v;
    int n = scandir(rootpath(f, rel), &v, NULL, alphasort);
    assert_true(n >= 0);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(v[i]->d_name, ".") && strcmp(v[i]->d_name, "..")) {
            if (out[0])
                strcat(out, " ");
            strcat(out, v[i]->d_name);
        }
        free(v[i]);
    }
    free(v);
    return out;
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

/* Issue 11 case 2: an opaque marker after the layer's own entries. */
static void test_opaque_after_own_entries(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '0', .name = "a/old", .data = "o"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "a/sub/oldx", .data = "o"});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '5', .name = "a/"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "a/new", .data = "n"});
    tb_add(&l[1], (struct ent){.type = '5', .name = "a/sub/"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "a/sub/x", .data = "x"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "a/.wh..wh..opq"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_string_equal(listing(f, "a"), "new sub");
    assert_string_equal(listing(f, "a/sub"), "x");
}

/* Issue 11 case 3: a whiteout after what its own layer put there. */
static void test_whiteout_keeps_own_layer(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0],
           (struct ent){.type = '0', .name = "foo/bar/old", .data = "o"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "foo/keep", .data = "k"});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '5', .name = "foo/bar/"});
    tb_add(&l[1],
           (struct ent){.type = '0', .name = "foo/bar/data", .data = "d"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "foo/.wh.bar"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_string_equal(listing(f, "foo"), "bar keep");
    assert_string_equal(listing(f, "foo/bar"), "data");
}

/* The same when the layer names no directories, only the file: the
 * directories leading to it stay, their lower content goes.  A file the
 * layer wrote and then whites out in the same layer stays too. */
static void test_whiteout_keeps_implicit_parents(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0],
           (struct ent){.type = '0', .name = "foo/bar/old", .data = "o"});
    tb_add(&l[0],
           (struct ent){.type = '0', .name = "foo/bar/deep/o2", .data = "o"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "g/f", .data = "old"});
    tb_footer(&l[0]);
    tb_add(&l[1],
           (struct ent){.type = '0', .name = "foo/bar/deep/new", .data = "n"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "foo/.wh.bar"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "g/f", .data = "new"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "g/.wh.f"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_string_equal(listing(f, "foo/bar"), "deep");
    assert_string_equal(listing(f, "foo/bar/deep"), "new");
    assert_content(f, "g/f", "new");
}

/* A hardlink the layer makes to a lower file does not protect the lower
 * name from the layer's whiteout: the name goes, the link stays. */
static void test_whiteout_hardlinked_lower_file(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '0', .name = "d/lower", .data = "L"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "o/lower2", .data = "M"});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '1', .name = "keep", .link = "d/lower"});
    tb_add(&l[1],
           (struct ent){.type = '1', .name = "o/own", .link = "o/lower2"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "d/.wh.lower"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "o/.wh..wh..opq"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_string_equal(listing(f, "d"), "");
    assert_content(f, "keep", "L");
    assert_string_equal(listing(f, "o"), "own");
    assert_content(f, "o/own", "M");
}

/* What the layer wrote through a symlinked parent (var/run/new is
 * /run/new) is its own under the real name too: ".wh.run" keeps it. */
static void test_whiteout_keeps_own_through_symlink(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '0', .name = "run/old", .data = "o"});
    tb_add(&l[0], (struct ent){.type = '2', .name = "var/run", .link = "/run"});
    tb_footer(&l[0]);
    tb_add(&l[1],
           (struct ent){.type = '0', .name = "var/run/new", .data = "n"});
    tb_add(&l[1], (struct ent){.type = '0', .name = ".wh.run"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_string_equal(listing(f, "run"), "new");
}

/* A whiteout's parent resolves in the rootfs like any entry's. */
static void test_whiteout_through_symlink(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0],
           (struct ent){.type = '0', .name = "run/app.pid", .data = "1"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "run/lock/l", .data = "1"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "run/keep", .data = "1"});
    tb_add(&l[0], (struct ent){.type = '2', .name = "var/run", .link = "/run"});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '0', .name = "var/run/.wh.app.pid"});
    tb_add(&l[1],
           (struct ent){.type = '0', .name = "var/run/lock/.wh..wh..opq"});
    tb_add(&l[1],
           (struct ent){.type = '0', .name = "var/run/lock/n", .data = "n"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_string_equal(listing(f, "run"), "keep lock");
    assert_string_equal(listing(f, "run/lock"), "n");
    struct stat st;
    assert_int_equal(lstat(rootpath(f, "var/run"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
}

static void test_whiteout_names_refused_or_inside(void **state)
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
    /* Through a symlink to the host's directory: resolved in the rootfs,
     * where nothing of that name exists; the canary stays (teardown). */
    struct tarbuf t3 = {0};
    tb_add(&t3, (struct ent){.type = '2', .name = "up", .link = f->base});
    tb_add(&t3, (struct ent){.type = '0', .name = "up/.wh.canary"});
    tb_add(&t3, (struct ent){.type = '0', .name = "../.wh.canary"});
    tb_add(&t3, (struct ent){.type = '0', .name = "up/.wh..wh..opq"});
    tb_footer(&t3);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t3, &err), 0);
}

/* An opaque whiteout whose directory is a file, or a symlink to one, in
 * a lower layer or its own: nothing to hide, as for a plain whiteout
 * (umoci and moby pass over it; it was refused as "Not a directory"). */
static void test_opaque_in_non_directory(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '0', .name = "t", .data = "t"});
    tb_add(&l[0], (struct ent){.type = '2', .name = "ln", .link = "/t"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "file", .data = "f"});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '0', .name = "ln/.wh..wh..opq"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "file/.wh..wh..opq"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "file/sub/.wh..wh..opq"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "own", .data = "o"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "own/.wh..wh..opq"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_content(f, "t", "t");
    char link[8] = {0};
    assert_int_equal(readlink(rootpath(f, "ln"), link, sizeof(link) - 1), 2);
    assert_string_equal(link, "/t");
    assert_content(f, "file", "f");
    assert_content(f, "own", "o");
}

/* The whiteout of a name of 252 to 254 bytes is itself 256 to 258 bytes
 * long, as moby writes it and umoci reads it: it hides that name (it was
 * refused as "a component is longer than 255 bytes").  A longer one, or
 * a long component that is not a whiteout's last, is still refused. */
static void test_whiteout_of_long_name(void **state)
{
    struct fx *f = *state;
    char name[256], wh[300], path[300];
    memset(name, 'n', 253);
    name[253] = '\0';
    struct tarbuf l[2] = {{0}, {0}};
    tb_meta(&l[0], 'L', name, strlen(name) + 1);
    tb_add(&l[0], (struct ent){.type = '0', .name = "cut", .data = "x"});
    snprintf(path, sizeof(path), "d/%s", name);
    tb_meta(&l[0], 'L', path, strlen(path) + 1);
    tb_add(&l[0], (struct ent){.type = '0', .name = "cut", .data = "y"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "keep", .data = "k"});
    tb_footer(&l[0]);
    snprintf(wh, sizeof(wh), ".wh.%s", name);
    tb_meta(&l[1], 'L', wh, strlen(wh) + 1);
    tb_add(&l[1], (struct ent){.type = '0', .name = "cut"});
    snprintf(wh, sizeof(wh), "./d/.wh.%s/", name);
    tb_meta(&l[1], 'L', wh, strlen(wh) + 1);
    tb_add(&l[1], (struct ent){.type = '0', .name = "cut"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_string_equal(listing(f, "."), "d keep");
    assert_string_equal(listing(f, "d"), "");

    struct tarbuf t = {0};
    memset(name, 'n', 255);
    name[255] = '\0';
    snprintf(wh, sizeof(wh), ".wh.%sn", name);
    tb_meta(&t, 'L', wh, strlen(wh) + 1);
    tb_add(&t, (struct ent){.type = '0', .name = "cut"});
    tb_footer(&t);
    expect_refused(f, &t, "a component is longer than 255 bytes");
    struct tarbuf t2 = {0};
    snprintf(wh, sizeof(wh), ".wh.%s/x", name);
    tb_meta(&t2, 'L', wh, strlen(wh) + 1);
    tb_add(&t2, (struct ent){.type = '0', .name = "cut"});
    tb_footer(&t2);
    expect_refused(f, &t2, "a component is longer than 255 bytes");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_whiteouts),
        T(test_opaque_after_own_entries),
        T(test_whiteout_keeps_own_layer),
        T(test_whiteout_keeps_implicit_parents),
        T(test_whiteout_hardlinked_lower_file),
        T(test_whiteout_keeps_own_through_symlink),
        T(test_whiteout_through_symlink),
        T(test_whiteout_names_refused_or_inside),
        T(test_opaque_in_non_directory),
        T(test_whiteout_of_long_name),
    };
    return RUN_BOTH_RESOLVERS(tests);
}
