/*
 * test-image-unpack-paths.c: paths in a layer resolve inside the rootfs
 * with chroot semantics (issue 11 case 1): entry names, parents reached
 * through symlinks (absolute ones start at the rootfs), hardlink targets;
 * the last component is never followed; "/" is 0755; device nodes in /dev
 * are skipped and counted (case 10).  Each test runs with openat2 and with
 * fsat's component walker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "image/unpack.h"
#include "unpack_fixture.h"

static void assert_symlink(struct fx *f, const char *rel, const char *want)
{
    char lt[256] = {0};
    ssize_t n = readlink(rootpath(f, rel), lt, sizeof(lt) - 1);
    assert_int_equal(n, (ssize_t)strlen(want));
    assert_string_equal(lt, want);
}

static void assert_dir(struct fx *f, const char *rel)
{
    struct stat st;
    assert_int_equal(lstat(rootpath(f, rel), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

/* Issue 11 case 1: Debian's var/run -> /run, a later layer writes under
 * /var/run. */
static void test_var_run_absolute_symlink(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '5', .name = "bin/", .mode = 0755});
    tb_add(&l[0], (struct ent){.type = '5', .name = "run/", .mode = 0755});
    tb_add(&l[0], (struct ent){.type = '5', .name = "var/", .mode = 0755});
    tb_add(&l[0], (struct ent){.type = '2', .name = "var/run", .link = "/run"});
    tb_footer(&l[0]);
    tb_add(&l[1],
           (struct ent){.type = '0', .name = "var/run/app.pid", .data = "42"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_content(f, "run/app.pid", "42");
    assert_symlink(f, "var/run", "/run");
}

/* A dangling absolute symlink on the way: its target directory is made in
 * the rootfs, as containerd's MkdirAll on the resolved path does. */
static void test_dangling_symlink_parent_created(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '5', .name = "var/"});
    tb_add(&t,
           (struct ent){.type = '2', .name = "var/lock", .link = "/run/lock"});
    tb_add(&t, (struct ent){.type = '0', .name = "var/lock/x", .data = "x"});
    /* A relative target climbing past the root stops at the root. */
    tb_add(&t, (struct ent){.type = '2',
                            .name = "a/b/up",
                            .link = "../../../../../etc"});
    tb_add(&t, (struct ent){.type = '0', .name = "a/b/up/f", .data = "f"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    assert_content(f, "run/lock/x", "x");
    assert_content(f, "etc/f", "f");
    assert_symlink(f, "var/lock", "/run/lock");
}

/* Names with ".." stop at the root; absolute names are in the rootfs. */
static void test_names_resolve_in_root(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    char abs[160];
    snprintf(abs, sizeof(abs), "%s/pwned", f->outside);
    tb_add(&t, (struct ent){.type = '0', .name = "../canary", .data = "in"});
    tb_add(&t,
           (struct ent){.type = '0', .name = "a/../../outside/p", .data = "p"});
    tb_add(&t, (struct ent){.type = '0', .name = abs, .data = "abs"});
    tb_add(&t, (struct ent){.type = '0', .name = "/etc/hostname", .data = "h"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    assert_content(f, "canary", "in");
    assert_content(f, "outside/p", "p");
    assert_content(f, abs + 1, "abs");
    assert_content(f, "etc/hostname", "h");
}

/* Symlinks pointing out of the rootfs (absolute host paths, "..", chains)
 * resolve inside it: the writes land under the rootfs, never outside. */
static void test_symlinks_out_land_inside(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '2', .name = "evil", .link = f->outside});
    tb_add(&t, (struct ent){.type = '0', .name = "evil/pwned", .data = "1"});
    tb_add(&t, (struct ent){.type = '2', .name = "rel", .link = "../outside"});
    tb_add(&t, (struct ent){.type = '0', .name = "rel/pwned", .data = "2"});
    tb_add(&t, (struct ent){.type = '2', .name = "b2", .link = "../../"});
    tb_add(&t, (struct ent){.type = '2', .name = "a2", .link = "b2/outside"});
    tb_add(&t, (struct ent){.type = '5', .name = "a2/sub"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    char in[200];
    snprintf(in, sizeof(in), "%s/pwned", f->outside + 1);
    assert_content(f, in, "1");
    assert_content(f, "outside/pwned", "2");
    assert_dir(f, "outside/sub");
}

static void test_symlink_loop_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '2', .name = "a", .link = "b"});
    tb_add(&t, (struct ent){.type = '2', .name = "b", .link = "/a"});
    tb_add(&t, (struct ent){.type = '0', .name = "a/x", .data = "x"});
    tb_footer(&t);
    expect_refused(f, &t, "cannot open parent \"a\"");
}

/* The last component of an entry is replaced, never written through. */
static void test_last_component_not_followed(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '0', .name = "real/keep", .data = "k"});
    tb_add(&l[0], (struct ent){.type = '2', .name = "dlink", .link = "/real"});
    tb_add(&l[0],
           (struct ent){.type = '2', .name = "flink", .link = "/real/keep"});
    tb_add(&l[0],
           (struct ent){.type = '2', .name = "hlink", .link = "/real/keep"});
    tb_add(&l[0], (struct ent){.type = '2', .name = "out", .link = f->canary});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '5', .name = "dlink/", .mode = 0750});
    tb_add(&l[1], (struct ent){.type = '0', .name = "flink", .data = "new"});
    tb_add(&l[1], (struct ent){.type = '0', .name = "t", .data = "t"});
    tb_add(&l[1], (struct ent){.type = '1', .name = "hlink", .link = "t"});
    tb_add(&l[1],
           (struct ent){.type = '2', .name = "out", .link = "elsewhere"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    struct stat st;
    assert_dir(f, "dlink");
    assert_int_equal(lstat(rootpath(f, "dlink"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0750);
    assert_int_equal(access(rootpath(f, "dlink/keep"), F_OK), -1);
    assert_content(f, "real/keep", "k");
    assert_content(f, "flink", "new");
    assert_int_equal(lstat(rootpath(f, "hlink"), &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_nlink, 2);
    assert_symlink(f, "out", "elsewhere");
}

/* Hardlink targets resolve in the rootfs; a symlink target is linked
 * itself; a target that would be outside is looked for inside. */
static void test_hardlink_targets_in_root(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "etc/f", .data = "data"});
    tb_add(&t, (struct ent){.type = '1', .name = "hl1", .link = "/etc/f"});
    tb_add(&t, (struct ent){.type = '1', .name = "hl2", .link = "../../etc/f"});
    tb_add(&t, (struct ent){.type = '2', .name = "var/run", .link = "/etc"});
    tb_add(&t, (struct ent){.type = '1', .name = "hl3", .link = "var/run/f"});
    tb_add(&t, (struct ent){.type = '2', .name = "sl", .link = "/etc/f"});
    tb_add(&t, (struct ent){.type = '1', .name = "hl4", .link = "sl"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    struct stat st;
    assert_int_equal(lstat(rootpath(f, "etc/f"), &st), 0);
    assert_int_equal(st.st_nlink, 4);
    assert_content(f, "hl3", "data");
    assert_symlink(f, "hl4", "/etc/f");

    /* The host's canary, named through a symlink to the host's directory,
     * is looked for inside the rootfs, where it does not exist. */
    struct tarbuf t2 = {0};
    tb_add(&t2, (struct ent){.type = '2', .name = "up", .link = f->base});
    tb_add(&t2, (struct ent){.type = '1', .name = "x", .link = "up/canary"});
    tb_footer(&t2);
    expect_refused(f, &t2, "hardlink \"x\": target \"up/canary\"");
    struct tarbuf t3 = {0};
    tb_add(&t3, (struct ent){.type = '1', .name = "y", .link = f->canary});
    tb_footer(&t3);
    expect_refused(f, &t3, "hardlink \"y\": target");
}

/* Issue 11 case 4: "/" is 0755 root:root unless a "./" entry says so. */
static void test_root_mode(void **state)
{
    struct fx *f = *state;
    assert_int_equal(chmod(f->root, 0700), 0);
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '0', .name = "etc/x", .data = "x"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_one(f, &t, &err), 0);
    struct stat st;
    assert_int_equal(stat(f->root, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);
    if (geteuid() == 0) {
        assert_int_equal(st.st_uid, 0);
        assert_int_equal(st.st_gid, 0);
    }
    struct tarbuf t2 = {0};
    tb_add(&t2, (struct ent){.type = '5', .name = "./", .mode = 0750});
    tb_footer(&t2);
    assert_int_equal(unpack_one(f, &t2, &err), 0);
    assert_int_equal(stat(f->root, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0750);
}

/* Unpacks one layer and returns the count of skipped device nodes. */
static uint64_t unpack_count_skipped(struct fx *f, struct tarbuf *t,
                                     const struct unpack_opts *o, int *rc_r,
                                     xo_err *err)
{
    write_layer(f, t);
    free(t->p);
    struct unpack_ctx *c = NULL;
    assert_int_equal(unpack_begin(&c, f->root, o, err), 0);
    int fd = open(f->layer, O_RDONLY);
    assert_true(fd >= 0);
    *rc_r = unpack_layer(c, fd, "layer", err);
    close(fd);
    uint64_t n = unpack_skipped_devices(c);
    unpack_free(c);
    return n;
}

/* Issue 11 case 10: nodes in /dev (mmdebstrap trees) are skipped and
 * counted, wherever the entry's name reaches /dev from. */
static void test_devices_in_dev_skipped(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '5', .name = "dev/"});
    tb_add(&t, (struct ent){.type = '3', .name = "dev/null", .mode = 0666});
    tb_add(&t, (struct ent){.type = '3', .name = "./dev/console"});
    tb_add(&t, (struct ent){.type = '3', .name = "dev/pts/ptmx"});
    tb_add(&t, (struct ent){.type = '2', .name = "d", .link = "/dev"});
    tb_add(&t, (struct ent){.type = '3', .name = "d/zero"});
    tb_add(&t, (struct ent){.type = '6', .name = "dev/initctl"});
    /* A hardlink to a skipped node is skipped with it. */
    tb_add(&t,
           (struct ent){.type = '1', .name = "dev/null2", .link = "dev/null"});
    tb_footer(&t);
    xo_err err = XO_ERR_INIT;
    int rc;
    assert_int_equal(unpack_count_skipped(f, &t, NULL, &rc, &err), 5);
    assert_int_equal(rc, 0);
    assert_int_equal(access(rootpath(f, "dev/null"), F_OK), -1);
    assert_int_equal(access(rootpath(f, "dev/console"), F_OK), -1);
    assert_int_equal(access(rootpath(f, "dev/zero"), F_OK), -1);
    struct stat st;
    assert_int_equal(lstat(rootpath(f, "dev/initctl"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
}

/* A skipped node still replaces what an earlier entry or layer left at
 * its name, as the node would have: the tree is umoci's less the node
 * (a lower layer's file, or directory tree, at dev/null stayed). */
static void test_skipped_device_replaces(void **state)
{
    struct fx *f = *state;
    struct tarbuf l[2] = {{0}, {0}};
    tb_add(&l[0], (struct ent){.type = '5', .name = "dev/"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "dev/null", .data = "f"});
    tb_add(&l[0], (struct ent){.type = '5', .name = "dev/tty/"});
    tb_add(&l[0], (struct ent){.type = '0', .name = "dev/tty/x", .data = "x"});
    tb_footer(&l[0]);
    tb_add(&l[1], (struct ent){.type = '3', .name = "dev/null"});
    tb_add(&l[1], (struct ent){.type = '3', .name = "dev/tty"});
    tb_footer(&l[1]);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(unpack_layers(f, l, 2, NULL, false, &err), 0);
    assert_int_equal(access(rootpath(f, "dev/null"), F_OK), -1);
    assert_int_equal(access(rootpath(f, "dev/tty"), F_OK), -1);
    assert_int_equal(access(rootpath(f, "dev"), F_OK), 0);
}

static void test_devices_elsewhere_refused(void **state)
{
    struct fx *f = *state;
    struct tarbuf t = {0};
    tb_add(&t, (struct ent){.type = '3', .name = "lib/null", .mode = 0666});
    tb_footer(&t);
    expect_refused(f, &t,
                   "device node refused (allow it with --allow-devices)");
    /* "dev" that is a symlink out of /dev's place: the node would be in
     * /data, so it is refused. */
    struct tarbuf t2 = {0};
    tb_add(&t2, (struct ent){.type = '5', .name = "data/"});
    tb_add(&t2, (struct ent){.type = '2', .name = "xdev", .link = "/data"});
    tb_add(&t2, (struct ent){.type = '3', .name = "xdev/null"});
    tb_footer(&t2);
    expect_refused(f, &t2, "\"xdev/null\": device node refused");
    if (geteuid() != 0)
        return;
    struct tarbuf t3 = {0};
    tb_add(&t3, (struct ent){.type = '3', .name = "dev/null", .mode = 0666});
    tb_add(&t3, (struct ent){.type = '3', .name = "lib/null", .mode = 0666});
    tb_footer(&t3);
    struct unpack_opts o = {.allow_devices = true};
    xo_err err = XO_ERR_INIT;
    int rc;
    assert_int_equal(unpack_count_skipped(f, &t3, &o, &rc, &err), 0);
    assert_int_equal(rc, 0);
    struct stat st;
    assert_int_equal(lstat(rootpath(f, "dev/null"), &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(major(st.st_rdev), 1);
    assert_int_equal(minor(st.st_rdev), 3);
    assert_int_equal(lstat(rootpath(f, "lib/null"), &st), 0);
    assert_true(S_ISCHR(st.st_mode));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_var_run_absolute_symlink),
        T(test_dangling_symlink_parent_created),
        T(test_names_resolve_in_root),
        T(test_symlinks_out_land_inside),
        T(test_symlink_loop_refused),
        T(test_last_component_not_followed),
        T(test_hardlink_targets_in_root),
        T(test_root_mode),
        T(test_devices_in_dev_skipped),
        T(test_skipped_device_replaces),
        T(test_devices_elsewhere_refused),
    };
    return RUN_BOTH_RESOLVERS(tests);
}
