/*
 * test-platform.c: platform names as containerd normalises them, the
 * amd64 variant levels, and Xen's dom0 feature bit (common/platform.c;
 * helper-63, helper-64).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/platform.h"

static void test_names(void **state)
{
    (void)state;
    assert_true(xo_platform_matches("linux", "amd64", "linux", "amd64"));
    assert_true(xo_platform_matches("Linux", "x86_64", "linux", "amd64"));
    assert_true(xo_platform_matches("linux", "X86-64", "linux", "amd64"));
    assert_true(xo_platform_matches("linux", "AMD64", "linux", "amd64"));
    assert_true(xo_platform_matches("linux", "aarch64", "linux", "arm64"));
    assert_false(xo_platform_matches("linux", "arm64", "linux", "amd64"));
    assert_false(xo_platform_matches("windows", "amd64", "linux", "amd64"));
    assert_false(xo_platform_matches(NULL, "amd64", "linux", "amd64"));
    assert_false(xo_platform_matches("linux", NULL, "linux", "amd64"));
}

static void test_variant_levels(void **state)
{
    (void)state;
    assert_int_equal(xo_amd64_variant_level(NULL), 1);
    assert_int_equal(xo_amd64_variant_level(""), 1);
    assert_int_equal(xo_amd64_variant_level("v1"), 1);
    assert_int_equal(xo_amd64_variant_level("v3"), 3);
    assert_int_equal(xo_amd64_variant_level("v4"), 4);
    assert_int_equal(xo_amd64_variant_level("v5"), 0);
    assert_int_equal(xo_amd64_variant_level("v8"), 0);
    int level = xo_cpu_amd64_level();
    assert_true(level >= 1 && level <= 4);
}

/* A dom0's and a PV or HVM guest's features, as Linux 6.1 prints them. */
static void test_xen_dom0_bit(void **state)
{
    (void)state;
    assert_int_equal(xo_xen_features_dom0("00002fe5\n"), 1);
    assert_int_equal(xo_xen_features_dom0("000027e5\n"), 0);
    assert_int_equal(xo_xen_features_dom0("00000800"), 1);
    /* Several submaps: submap 0 is the last word. */
    assert_int_equal(xo_xen_features_dom0("ffffffff00000000\n"), 0);
    assert_int_equal(xo_xen_features_dom0("0000000000000800\n"), 1);
    assert_int_equal(xo_xen_features_dom0("\n"), -1);
    assert_int_equal(xo_xen_features_dom0("zz"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_variant_levels),
        cmocka_unit_test(test_xen_dom0_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
