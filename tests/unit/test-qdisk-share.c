/*
 * test-qdisk-share.c: the sharing rule for files QEMU serves
 * (xl-plugin/qdisk_share.h), over xenstore as the file store holds it:
 * a file another running domain's qdisk backend writes is refused to a
 * new disk either way, one it reads is refused only to a writer, and
 * other files, read-only pairs, raw disks and backends of domains that
 * are gone pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/xs_client.h"
#include "xl-plugin/qdisk_share.h"

static char dir[64], img[96], other[96], alias[96];
static struct xo_xs *xs;

static void put(const char *path, const char *v)
{
    assert_true(xo_xs_write(xs, path, v, (unsigned)strlen(v)));
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/xo-qdisk.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(img, sizeof(img), "%s/upper.qcow2", dir);
    snprintf(other, sizeof(other), "%s/other.qcow2", dir);
    snprintf(alias, sizeof(alias), "%s/alias.qcow2", dir);
    FILE *f = fopen(img, "w");
    FILE *g = fopen(other, "w");
    if (!f || !g)
        return -1;
    fclose(f);
    fclose(g);
    /* Another name for the same inode: the rule is by device and inode. */
    if (link(img, alias) < 0)
        return -1;
    char store[96];
    snprintf(store, sizeof(store), "%s/xs", dir);
    xs = xo_xs_open_dir(store);
    return xs ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    xo_xs_close(xs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Checks one disk of `path` (qcow2 unless raw), writable or not. */
static int check(const char *path, bool rw, bool raw, xo_err *err)
{
    libxl_device_disk disk;
    memset(&disk, 0, sizeof(disk));
    disk.pdev_path = (char *)path;
    disk.format = raw ? LIBXL_DISK_FORMAT_RAW : LIBXL_DISK_FORMAT_QCOW2;
    disk.readwrite = rw;
    libxl_domain_config d;
    memset(&d, 0, sizeof(d));
    d.disks = &disk;
    d.num_disks = 1;
    return xen_qdisk_check_sharing(xs, &d, err);
}

static void test_rule(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    /* Nothing served yet. */
    assert_int_equal(check(img, true, false, &err), 0);
    /* Domain 5 ("web") writes the image through QEMU. */
    char params[160];
    snprintf(params, sizeof(params), "qcow2:%s", img);
    put("/local/domain/0/backend/qdisk/5/51712/params", params);
    put("/local/domain/0/backend/qdisk/5/51712/mode", "w");
    put("/local/domain/5/name", "web");
    assert_int_equal(check(alias, true, false, &err), -1);
    assert_int_equal(err.errnum, EBUSY);
    if (!strstr(xo_err_msg(&err), "is in use by domain web (domid 5)"))
        fail_msg("%s", xo_err_msg(&err));
    xo_err_clear(&err);
    assert_int_equal(check(img, false, false, &err),
                     -1); /* read beside a writer */
    xo_err_clear(&err);
    assert_int_equal(check(other, true, false, &err), 0);
    assert_int_equal(check(img, true, true, &err), 0); /* raw: loopdev.h's */
    /* Read-only there: a reader may join, a writer not. */
    put("/local/domain/0/backend/qdisk/5/51712/mode", "r");
    assert_int_equal(check(img, false, false, &err), 0);
    assert_int_equal(check(img, true, false, &err), -1);
    xo_err_clear(&err);
    /* No mode key: taken for a writer (libxl always writes one). */
    assert_true(xo_xs_rm(xs, "/local/domain/0/backend/qdisk/5/51712/mode"));
    assert_int_equal(check(img, false, false, &err), -1);
    xo_err_clear(&err);
    /* The domain gone, its backend left behind: serves no one. */
    assert_true(xo_xs_rm(xs, "/local/domain/5"));
    assert_int_equal(check(img, true, false, &err), 0);
    /* Hostile or broken params are passed over. */
    put("/local/domain/6/name", "odd");
    put("/local/domain/0/backend/qdisk/6/51712/params", "qcow2:relative");
    put("/local/domain/0/backend/qdisk/6/51728/params", "");
    assert_int_equal(check(img, true, false, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rule, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
