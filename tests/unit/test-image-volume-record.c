/* test-image-volume-record.c: a root volume's record (volume.json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/volume_record.h"

#define HEX_A "0546461fd59d1a81204c74f8f345cc4f6e4f9528ca48679f9b991719bb29d8df"
#define HEX_B "dff6d2e0b4d5fd65d3dc425add5df77d39e647ffa8e2ea42c0d4fa2c57a1963c"

static int setup(void **state)
{
    char *dir = strdup("/tmp/test-volrec.XXXXXX");
    if (!dir || !mkdtemp(dir))
        return -1;
    *state = dir;
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", (char *)*state);
    free(*state);
    return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_write_read_roundtrip(void **state)
{
    const char *dir = *state;
    put(dir, "rootfs.erofs", "abc");
    struct volume_record r;
    memset(&r, 0, sizeof(r));
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_parse(&r.manifest, "sha256:" HEX_A, &err), 0);
    assert_int_equal(volume_record_hash_rootfs(&r, dir, "rootfs.erofs", &err),
                     0);
    /* sha256("abc") */
    assert_string_equal(r.rootfs_digest.str,
                        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a3"
                        "96177a9cb410ff61f20015ad");
    assert_int_equal(r.rootfs_size, 3);
    assert_int_equal(volume_record_write(dir, &r, &err), 0);

    struct volume_record back;
    assert_int_equal(volume_record_read(&back, dir, &err), 1);
    assert_string_equal(back.manifest.str, "sha256:" HEX_A);
    assert_string_equal(back.rootfs, "rootfs.erofs");
    assert_string_equal(back.rootfs_digest.str, r.rootfs_digest.str);
    assert_int_equal(back.rootfs_size, 3);

    struct digest d;
    assert_int_equal(volume_image_digest(&d, dir, &err), 1);
    assert_string_equal(d.str, "sha256:" HEX_A);
}

static void test_no_record_falls_back_to_manifest(void **state)
{
    const char *dir = *state;
    struct volume_record r;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(volume_record_read(&r, dir, &err), 0);
    /* A volume made by hand says nothing about its image. */
    assert_int_equal(volume_image_digest(&d, dir, &err), 0);
    /* An older store volume: the digest of its manifest.json bytes. */
    put(dir, "manifest.json", "abc");
    assert_int_equal(volume_image_digest(&d, dir, &err), 1);
    assert_string_equal(d.str, "sha256:ba7816bf8f01cfea414140de5dae2223b00361"
                               "a396177a9cb410ff61f20015ad");
}

/* Each broken record is refused with a message naming its fault. */
static void test_broken_records_refused(void **state)
{
    const char *dir = *state;
    static const char *const cases[][2] = {
        {"[]", "not a JSON object"},
        {"{\"version\":2}", "\"version\" must be 1"},
        {"{\"version\":1,\"manifest\":\"sha256:abc\"}", "\"manifest\""},
        {"{\"version\":1,\"manifest\":\"sha256:" HEX_A
         "\",\"rootfs\":\"../../etc/x\",\"rootfs_digest\":\"sha256:" HEX_B
         "\",\"rootfs_size\":1}",
         "\"rootfs\" must be a file name"},
        {"{\"version\":1,\"manifest\":\"sha256:" HEX_A
         "\",\"rootfs\":\"rootfs.erofs\",\"rootfs_digest\":\"md5:00\","
         "\"rootfs_size\":1}",
         "\"rootfs_digest\""},
        {"{\"version\":1,\"manifest\":\"sha256:" HEX_A
         "\",\"rootfs\":\"rootfs.erofs\",\"rootfs_digest\":\"sha256:" HEX_B
         "\",\"rootfs_size\":-5}",
         "\"rootfs_size\" must be a byte count"},
        {"{\"version\":1,", "volume.json"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        put(dir, "volume.json", cases[i][0]);
        struct volume_record r;
        struct digest d;
        xo_err err = XO_ERR_INIT;
        assert_int_equal(volume_record_read(&r, dir, &err), -1);
        assert_non_null(err.msg);
        if (!strstr(err.msg, cases[i][1]))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i][1]);
        xo_err_clear(&err);
        assert_int_equal(volume_image_digest(&d, dir, &err), -1);
        xo_err_clear(&err);
    }
}

static void test_oversized_record_refused(void **state)
{
    const char *dir = *state;
    char *big = malloc(VOLUME_RECORD_MAX_BYTES + 2);
    assert_non_null(big);
    memset(big, ' ', VOLUME_RECORD_MAX_BYTES + 1);
    big[0] = '{';
    big[VOLUME_RECORD_MAX_BYTES] = '}';
    big[VOLUME_RECORD_MAX_BYTES + 1] = '\0';
    put(dir, "volume.json", big);
    free(big);
    struct volume_record r;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(volume_record_read(&r, dir, &err), -1);
    assert_non_null(strstr(err.msg, "volume.json"));
    xo_err_clear(&err);
}

static void test_bad_rootfs_name_not_hashed(void **state)
{
    struct volume_record r;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(volume_record_hash_rootfs(&r, *state, "../x", &err), -1);
    assert_non_null(strstr(err.msg, "bad rootfs file name"));
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_read_roundtrip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_record_falls_back_to_manifest,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_records_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_oversized_record_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_rootfs_name_not_hashed, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
