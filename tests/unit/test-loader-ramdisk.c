/*
 * test-loader-ramdisk.c: per-domain ramdisk assembly (loader/ramdisk.c,
 * loader/cpio.c): the loader initramfs is kept byte for byte, the boot
 * spec archive follows at an aligned offset, errors name the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "loader/loader.h"

static char dir[] = "/tmp/xl-oci-test-ramdisk.XXXXXX";
static char initramfs[128], out[128];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(initramfs, sizeof(initramfs), "%s/initramfs", dir);
    snprintf(out, sizeof(out), "%s/ramdisk", dir);
    /* 1001 bytes: not aligned, so the padding is exercised. */
    char buf[1001];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)(i * 7 + 1);
    FILE *f = fopen(initramfs, "w");
    fwrite(buf, 1, sizeof(buf), f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(initramfs);
    unlink(out);
    rmdir(dir);
    return 0;
}

static size_t hexfield(const char *h, int idx)
{
    char f[9];
    memcpy(f, h + 6 + idx * 8, 8);
    f[8] = '\0';
    return strtoul(f, NULL, 16);
}

static void test_build(void **state)
{
    (void)state;
    static const char spec[] = "\xd0\x0d\xfe\xed fake blob";
    xo_err err = XO_ERR_INIT;
    assert_int_equal(
        loader_ramdisk_build(initramfs, spec, sizeof(spec), out, &err), 0);
    char *got, *orig;
    size_t len, olen;
    assert_int_equal(xo_read_file(&got, &len, out, 1 << 20, &err), 0);
    assert_int_equal(xo_read_file(&orig, &olen, initramfs, 1 << 20, &err), 0);
    assert_memory_equal(got, orig, olen);
    assert_int_equal(len % 512, 0);
    for (size_t i = olen; i < 1024; i++)
        assert_int_equal(got[i], 0);

    /* First entry: the directory; second: the blob, mode 0400. */
    const char *h = got + 1024;
    assert_memory_equal(h, "070701", 6);
    assert_int_equal(hexfield(h, 1), 040755);
    size_t nl = hexfield(h, 11);
    assert_string_equal(h + 110, "xl-oci");
    h += (110 + nl + 3) & ~(size_t)3;
    assert_memory_equal(h, "070701", 6);
    assert_int_equal(hexfield(h, 1), 0100400);
    assert_int_equal(hexfield(h, 6), sizeof(spec));
    nl = hexfield(h, 11);
    assert_string_equal(h + 110, BOOT_SPEC_INITRAMFS_PATH);
    const char *data = h + ((110 + nl + 3) & ~(size_t)3);
    assert_memory_equal(data, spec, sizeof(spec));
    assert_non_null(memmem(data, len - (size_t)(data - got), "TRAILER!!!", 10));

    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(got);
    free(orig);
}

static int count_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_errors(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    unlink(out);
    assert_int_equal(
        loader_ramdisk_build("/nonexistent/initramfs", "x", 1, out, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "/nonexistent/initramfs"));
    xo_err_clear(&err);
    assert_int_equal(count_files(), 1); /* no temp file left behind */

    static char big[BOOT_SPEC_MAX_BLOB + 1];
    assert_int_equal(
        loader_ramdisk_build(initramfs, big, sizeof(big), out, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "limit"));
    xo_err_clear(&err);

    assert_int_equal(loader_ramdisk_build(initramfs, "x", 1,
                                          "/nonexistent/dir/ramdisk", &err),
                     -1);
    assert_non_null(strstr(xo_err_msg(&err), "/nonexistent/dir/ramdisk"));
    xo_err_clear(&err);
}

/* A restart makes the ramdisk again from the saved boot spec and the
 * initramfs beside the loader's kernel: the same bytes create made. */
static void test_rebuild(void **state)
{
    (void)state;
    static const char spec[] = "\xd0\x0d\xfe\xed saved blob";
    char kernel[160], saved[160], again[160];
    snprintf(kernel, sizeof(kernel), "%s/kernel", dir);
    snprintf(saved, sizeof(saved), "%s/boot-spec.dtb", dir);
    snprintf(again, sizeof(again), "%s/ramdisk-again", dir);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(
        xo_write_file_atomic(saved, spec, sizeof(spec) - 1, 0600, &err), 0);
    assert_int_equal(
        loader_ramdisk_build(initramfs, spec, sizeof(spec) - 1, out, &err), 0);
    assert_int_equal(loader_ramdisk_rebuild(kernel, saved, again, &err), 0);
    char *a, *b;
    size_t alen, blen;
    assert_int_equal(xo_read_file(&a, &alen, out, 1 << 20, &err), 0);
    assert_int_equal(xo_read_file(&b, &blen, again, 1 << 20, &err), 0);
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
    free(a);
    free(b);
    unlink(again);

    /* Not DIR/kernel: no loader to take the initramfs from. */
    assert_int_equal(loader_ramdisk_rebuild(saved, saved, again, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "not a loader kernel"));
    xo_err_clear(&err);
    /* No saved boot spec: the error names it, nothing is written. */
    unlink(saved);
    assert_int_equal(loader_ramdisk_rebuild(kernel, saved, again, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), saved));
    xo_err_clear(&err);
    assert_int_equal(access(again, F_OK), -1);
}

static void test_locate(void **state)
{
    (void)state;
    struct loader_files f;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(loader_locate(&f, dir, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "kernel"));
    assert_non_null(strstr(xo_err_msg(&err), "make loader"));
    assert_null(f.kernel);
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_rebuild),
        cmocka_unit_test(test_locate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
