/*
 * test-image-bundle-source.c: image/bundle_source.h without root or
 * mounts: a mountinfo file written here says an overlay of directories
 * made here is mounted on a directory made here.  The key must stay for
 * the same layers, change for a layer recreated at the same path, a
 * reordered chain or an added layer, and never be used for an upper that
 * holds files or an overlay that cannot be keyed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/bundle_source.h"

static char dir[] = "/tmp/test-bundle-source.XXXXXX";
static char path[256];

static const char *p(const char *name)
{
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

static void mk(const char *name)
{
    assert_int_equal(mkdir(p(name), 0755), 0);
}

/* A mountinfo file: an overlay of `lowers` (names, ':'-joined) with
 * upper "up" on "rootfs". */
static void table(const char *lowers, const char *extra_opts)
{
    char lw[1024] = "";
    char copy[256];
    snprintf(copy, sizeof(copy), "%s", lowers);
    for (char *save = NULL, *t = strtok_r(copy, ":", &save); t;
         t = strtok_r(NULL, ":", &save))
        snprintf(lw + strlen(lw), sizeof(lw) - strlen(lw), "%s%s/%s",
                 lw[0] ? ":" : "", dir, t);
    FILE *f = fopen(p("mountinfo"), "w");
    assert_non_null(f);
    fprintf(f, "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
    fprintf(f,
            "40 22 0:38 / %s/rootfs rw - overlay overlay "
            "rw,lowerdir=%s,upperdir=%s/up,workdir=%s/work%s\n",
            dir, lw, dir, dir, extra_opts);
    assert_int_equal(fclose(f), 0);
}

static struct bundle_source probe(void)
{
    struct bundle_source s;
    xo_err err = XO_ERR_INIT;
    char mi[256], rootfs[256];
    snprintf(mi, sizeof(mi), "%s/mountinfo", dir);
    snprintf(rootfs, sizeof(rootfs), "%s/rootfs", dir);
    if (bundle_source_probe(&s, rootfs, mi, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    return s;
}

static void test_keys(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    mk("rootfs");
    mk("up");
    mk("l1");
    mk("l2");
    table("l2:l1", "");
    struct bundle_source a = probe(), b = probe();
    assert_int_equal(a.kind, BUNDLE_SOURCE_OVERLAY);
    assert_string_equal(a.why, "");
    assert_int_equal(a.n_lowers, 2);
    assert_true(digest_equal(&a.key, &b.key)); /* stable */
    bundle_source_dispose(&b);

    table("l1:l2", ""); /* another order, another image */
    b = probe();
    assert_false(digest_equal(&a.key, &b.key));
    bundle_source_dispose(&b);

    table("l2", ""); /* fewer layers */
    b = probe();
    assert_false(digest_equal(&a.key, &b.key));
    bundle_source_dispose(&b);

    /* The same path, a new directory: another key. */
    assert_int_equal(rmdir(p("l1")), 0);
    usleep(10000);
    mk("l1");
    table("l2:l1", "");
    b = probe();
    assert_int_equal(b.kind, BUNDLE_SOURCE_OVERLAY);
    assert_false(digest_equal(&a.key, &b.key));
    bundle_source_dispose(&b);

    /* Files in the upper: a volume of its own, every time. */
    FILE *f = fopen(p("up/x"), "w");
    assert_non_null(f);
    fclose(f);
    b = probe();
    struct bundle_source c = probe();
    assert_int_equal(b.kind, BUNDLE_SOURCE_OVERLAY_UPPER);
    assert_non_null(strstr(b.why, "upper layer holds files"));
    assert_false(digest_equal(&b.key, &c.key));
    bundle_source_dispose(&b);
    bundle_source_dispose(&c);
    unlink(p("up/x"));

    /* A layer that is gone: not keyed, built as a directory. */
    table("l2:nonexistent", "");
    b = probe();
    assert_int_equal(b.kind, BUNDLE_SOURCE_DIRECTORY);
    assert_non_null(strstr(b.why, "cannot stat overlay layer"));
    bundle_source_dispose(&b);

    bundle_source_dispose(&a);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A mountinfo file: an overlay on "rootfs" with `opts`, where every "@"
 * stands for the test directory. */
static void table_raw(const char *opts)
{
    char o[2048] = "";
    for (const char *c = opts; *c; c++)
        if (*c == '@')
            snprintf(o + strlen(o), sizeof(o) - strlen(o), "%s", dir);
        else
            snprintf(o + strlen(o), sizeof(o) - strlen(o), "%c", *c);
    FILE *f = fopen(p("mountinfo"), "w");
    assert_non_null(f);
    fprintf(f, "40 22 0:38 / %s/rootfs rw - overlay overlay rw,%s\n", dir, o);
    assert_int_equal(fclose(f), 0);
}

/* Not keyed, but still known to be an overlay (ghosts are looked for). */
static void assert_unkeyed(const char *why)
{
    struct bundle_source s = probe();
    assert_int_equal(s.kind, BUNDLE_SOURCE_DIRECTORY);
    assert_true(s.overlay);
    assert_null(s.lowers);
    if (!strstr(s.why, why))
        fail_msg("why \"%s\", not \"%s\"", s.why, why);
    bundle_source_dispose(&s);
}

/* containerd's mount of a long chain: lowerdir relative to the snapshots
 * directory (mount_linux.go, compactLowerdirOption), upper and work
 * absolute.  The key is that of the same chain by absolute paths. */
static void test_relative_layers(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/test-bundle-source.XXXXXX");
    assert_non_null(mkdtemp(dir));
    const char *dirs[] = {"rootfs", "sn",      "sn/1",     "sn/1/fs",
                          "sn/2",   "sn/2/fs", "sn/12",    "sn/12/fs",
                          "sn/3",   "sn/3/fs", "sn/3/work"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
        mk(dirs[i]);
    table_raw("lowerdir=@/sn/12/fs:@/sn/2/fs:@/sn/1/fs,upperdir=@/sn/3/fs,"
              "workdir=@/sn/3/work");
    struct bundle_source a = probe();
    assert_int_equal(a.kind, BUNDLE_SOURCE_OVERLAY);
    table_raw(
        "upperdir=@/sn/3/fs,lowerdir=12/fs:2/fs:1/fs,workdir=@/sn/3/work");
    struct bundle_source b = probe();
    assert_int_equal(b.kind, BUNDLE_SOURCE_OVERLAY);
    assert_true(b.overlay);
    assert_true(digest_equal(&a.key, &b.key));
    assert_int_equal(b.n_lowers, 3);
    assert_string_equal(b.lowers[0], a.lowers[0]); /* absolute */
    assert_string_equal(b.lowers[2], a.lowers[2]);
    bundle_source_dispose(&a);
    bundle_source_dispose(&b);

    /* Anything but containerd's layout is not resolved. */
    table_raw(
        "lowerdir=12/fs:@/sn/1/fs,upperdir=@/sn/3/fs,workdir=@/sn/3/work");
    assert_unkeyed("not in containerd's layout");
    table_raw("lowerdir=12/fs:2/fs,workdir=@/sn/3/work");
    assert_unkeyed("not in containerd's layout");
    table_raw("lowerdir=12/fs:2/fs,upperdir=@/sn/3/fs,workdir=@/sn/4/work");
    assert_unkeyed("not in containerd's layout");
    table_raw("lowerdir=12/fs:2/fs,upperdir=@/sn/3/up,workdir=@/sn/3/work");
    assert_unkeyed("not in containerd's layout");
    table_raw("lowerdir=2/fs,upperdir=@/sn/3/fs,workdir=@/sn/3/work");
    assert_unkeyed("not in containerd's layout");
    /* A common prefix with a '/': containerd would have gone deeper. */
    table_raw("lowerdir=2/fs:2/fs,upperdir=@/sn/3/fs,workdir=@/sn/3/work");
    assert_unkeyed("not in containerd's layout");
    table_raw("lowerdir=12/fs:../x/fs,upperdir=@/sn/3/fs,workdir=@/sn/3/work");
    assert_unkeyed("not a containerd snapshot");
    table_raw("lowerdir=12/fs:1/up,upperdir=@/sn/3/fs,workdir=@/sn/3/work");
    assert_unkeyed("not a containerd snapshot");
    table_raw("lowerdir=12/fs:7/fs,upperdir=@/sn/3/fs,workdir=@/sn/3/work");
    assert_unkeyed("cannot stat overlay layer");
    /* A layer that is a file is no snapshot. */
    FILE *f = fopen(p("sn/7"), "w");
    assert_non_null(f);
    fclose(f);
    assert_unkeyed("cannot stat overlay layer");
    unlink(p("sn/7"));
    mk("sn/7");
    f = fopen(p("sn/7/fs"), "w");
    assert_non_null(f);
    fclose(f);
    assert_unkeyed("not a directory beside its upper");

    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_not_overlay(void **state)
{
    (void)state;
    struct bundle_source s;
    xo_err err = XO_ERR_INIT;
    char d[] = "/tmp/test-bundle-plain.XXXXXX";
    assert_non_null(mkdtemp(d));
    assert_int_equal(bundle_source_probe(&s, d, NULL, &err), 0);
    assert_int_equal(s.kind, BUNDLE_SOURCE_DIRECTORY);
    assert_non_null(strstr(s.why, "not a mount"));
    bundle_source_dispose(&s);
    assert_int_equal(rmdir(d), 0);
    assert_int_equal(bundle_source_probe(&s, d, NULL, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), d));
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_relative_layers),
        cmocka_unit_test(test_not_overlay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
