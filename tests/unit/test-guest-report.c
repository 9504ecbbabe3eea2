/* test-guest-report.c: what a hostile guest may write, and what we keep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xl-plugin/guest_report.h"

static int accept(struct guest_report *r, const char *k, const char *v)
{
    char why[160];
    return guest_report_accept(r, k, v, strlen(v), why, sizeof(why));
}

static void test_phases(void **state)
{
    (void)state;
    struct guest_report r = {0};
    assert_int_equal(accept(&r, "phase", "mounting"), 0);
    assert_int_equal(r.phase, GUEST_PHASE_MOUNTING);
    assert_int_equal(accept(&r, "phase", "exec"), 0);
    assert_int_equal(r.phase, GUEST_PHASE_EXEC);
    assert_int_equal(accept(&r, "phase", "exited"), 0);
    assert_int_equal(r.phase, GUEST_PHASE_EXITED);
    assert_int_equal(accept(&r, "phase", "failed"), 0);
    assert_int_equal(r.phase, GUEST_PHASE_FAILED);
    /* Unknown phases and prefixes of known ones change nothing. */
    assert_int_equal(accept(&r, "phase", "running"), -1);
    assert_int_equal(accept(&r, "phase", "exe"), -1);
    assert_int_equal(accept(&r, "phase", "exec "), -1);
    assert_int_equal(r.phase, GUEST_PHASE_FAILED);
}

static void test_exit_codes(void **state)
{
    (void)state;
    struct guest_report r = {0};
    assert_int_equal(accept(&r, "exit-code", "0"), 0);
    assert_true(r.has_exit_code);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(accept(&r, "exit-code", "42"), 0);
    assert_int_equal(r.exit_code, 42);
    assert_int_equal(accept(&r, "exit-code", "255"), 0);
    assert_int_equal(r.exit_code, 255);
    const char *bad[] = {"256", "-1", "+1",   "007",
                         "",    "4x", "0x10", "99999999999999999999",
                         " 1",  "1\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(accept(&r, "exit-code", bad[i]), -1);
        assert_int_equal(r.exit_code, 255);
    }
}

static void test_hostile_values(void **state)
{
    (void)state;
    struct guest_report r = {0};
    char big[GUEST_REPORT_VALUE_MAX + 2];
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char why[160];
    assert_int_equal(
        guest_report_accept(&r, "error", big, strlen(big), why, sizeof(why)),
        -1);
    assert_non_null(strstr(why, "over the limit"));
    assert_string_equal(r.error, "");
    big[GUEST_REPORT_VALUE_MAX] = '\0';
    assert_int_equal(accept(&r, "error", big), 0);
    assert_int_equal(strlen(r.error), GUEST_REPORT_VALUE_MAX);

    assert_int_equal(accept(&r, "error", "bad\x1b[2Jterminal"), -1);
    assert_int_equal(
        guest_report_accept(&r, "error", "a\0b", 3, why, sizeof(why)), -1);
    assert_int_equal(accept(&r, "state", "running"), -1);
    assert_int_equal(accept(&r, "../../tool/xl-oci/x", "1"), -1);
    assert_int_equal(accept(&r, "exit-code-2", "1"), -1);
}

/* The monitor accepts exactly what the contract allows: the loader's
 * longest message (GUEST_REPORT_VALUE_MAX) and not one byte more. */
static void test_value_limit(void **state)
{
    (void)state;
    static char v[GUEST_REPORT_VALUE_MAX + 2];
    memset(v, 'e', sizeof(v) - 1);
    struct guest_report r = {0};
    char why[160];
    assert_int_equal(guest_report_accept(&r, GUEST_REPORT_KEY_ERROR, v,
                                         GUEST_REPORT_VALUE_MAX, why,
                                         sizeof(why)),
                     0);
    assert_int_equal(strlen(r.error), GUEST_REPORT_VALUE_MAX);
    assert_int_equal(guest_report_accept(&r, GUEST_REPORT_KEY_ERROR, v,
                                         GUEST_REPORT_VALUE_MAX + 1, why,
                                         sizeof(why)),
                     -1);
    assert_true(GUEST_REPORT_VALUE_MAX >= 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phases),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_value_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
