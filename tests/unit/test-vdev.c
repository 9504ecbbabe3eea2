/*
 * test-vdev.c: disk vdevs as libxl numbers them (domcfg/vdev.c).  The
 * expected numbers are worked out by hand from Xen 4.17's
 * libxl__device_disk_dev_number() rules (vdev.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "domcfg/vdev.h"

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *vdev;
        long number;
    } cases[] = {
        /* xvd: (202 << 8) | disk << 4 | partition, past 15/15 extended */
        {"xvda", 51712},
        {"xvdb", 51728},
        {"xvdp", 51952},
        {"xvdq", (1L << 28) | (16 << 8)},
        {"xvdz", (1L << 28) | (25 << 8)},
        {"xvdaa", (1L << 28) | (26 << 8)},
        {"xvdzz", (1L << 28) | (701 << 8)},
        {"xvda1", 51713},
        {"xvda15", 51727},
        {"xvda16", (1L << 28) | 16},
        {"xvda255", (1L << 28) | 255},
        {"xvda256", -1},
        {"xvda01", -1},
        {"xvd", -1},
        {"xvdA", -1},
        /* dDpP, D and P as %i reads them */
        {"d0p0", 51712},
        {"d1p0", 51728},
        {"d0x1p0", 51728},
        {"d15p15", 51967},
        {"d0p16", (1L << 28) | 16},
        {"d1048575p0", (1L << 28) | (1048575L << 8)},
        {"d1048576p0", -1},
        {"d0p256", -1},
        {"d-1p0", -1},
        {"d1p", -1},
        {"d1", -1},
        /* numbers, as strtoul(s, 0) reads them */
        {"51712", 51712},
        {"0xca00", 51712},
        {"0145000", 51712},
        {"2147483647", 2147483647L},
        {"2147483648", -1},
        {"-1", -1},
        {"12x", -1},
        /* IDE and SCSI */
        {"hda", 768},
        {"hdb", 832},
        {"hdc", 5632},
        {"hdd", 5696},
        {"hda63", 831},
        {"hda64", -1},
        {"hde", -1},
        {"sda", 2048},
        {"sdb1", 2065},
        {"sdp", 2288},
        {"sdq", -1},
        {"sda16", -1},
        {"foo", -1},
        {"vda", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long got = domcfg_vdev_number(cases[i].vdev);
        if (got != cases[i].number)
            fail_msg("%s: %ld, not %ld", cases[i].vdev, got, cases[i].number);
    }
}

static void test_pv_disk_and_format(void **state)
{
    (void)state;
    long part = -1;
    assert_int_equal(domcfg_vdev_pv_disk(51712, &part), 0);
    assert_int_equal(part, 0);
    assert_int_equal(domcfg_vdev_pv_disk(51745, &part), 2);
    assert_int_equal(part, 1);
    assert_int_equal(domcfg_vdev_pv_disk((1L << 28) | (701 << 8) | 3, &part),
                     701);
    assert_int_equal(part, 3);
    assert_int_equal(domcfg_vdev_pv_disk(768, &part), -1);
    assert_int_equal(domcfg_vdev_pv_disk(2048, &part), -1);
    assert_int_equal(domcfg_vdev_pv_disk(-1, &part), -1);

    static const struct {
        long number;
        const char *name;
    } names[] = {
        {51712, "xvda"},
        {51713, "xvda1"},
        {51967, "xvdp15"},
        {(1L << 28) | (16 << 8), "xvdq"},
        {(1L << 28) | (26 << 8), "xvdaa"},
        {(1L << 28) | (701 << 8), "xvdzz"},
        {(1L << 28) | (702 << 8), "xvdaaa"},
        {(1L << 28) | 16, "xvda16"},
        {(1L << 28) | (1048575L << 8), "xvdbgqcv"},
        {768, "768"},
    };
    char buf[32];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        domcfg_vdev_format(buf, sizeof(buf), names[i].number);
        assert_string_equal(buf, names[i].name);
        /* and back, for the PV ones */
        if (names[i].name[0] == 'x')
            assert_int_equal(domcfg_vdev_number(buf), names[i].number);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_pv_disk_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
