/* test-monitor-pause.c: monitor_pause_decide, when a plain xl pause is
 * taken into DomainStatus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "xl-plugin/monitor_pause.h"

#define RUN DOMAIN_STATE_RUNNING
#define PAU DOMAIN_STATE_PAUSED

/* Born paused: create's own pause is nobody's. */
static void test_born_paused(void **state)
{
    (void)state;
    struct pause_tracker t = {0};
    assert_int_equal(monitor_pause_decide(&t, true, DOMAIN_STATE_BOOTING, 0),
                     0);
    assert_int_equal(
        monitor_pause_decide(&t, true, DOMAIN_STATE_BOOTING, 10000), 0);
}

/* A plain xl pause: acted on once it has lasted PAUSE_SETTLE_MS. */
static void test_xl_pause(void **state)
{
    (void)state;
    struct pause_tracker t = {0};
    assert_int_equal(monitor_pause_decide(&t, false, RUN, 0), 0);
    assert_int_equal(monitor_pause_decide(&t, true, RUN, 1000), 0);
    assert_int_equal(monitor_pause_decide(&t, true, RUN, 2000), 0);
    assert_int_equal(
        monitor_pause_decide(&t, true, RUN, 1000 + PAUSE_SETTLE_MS), 1);
    /* written: the state agrees now */
    assert_int_equal(monitor_pause_decide(&t, true, PAU, 5000), 0);
    /* and xl unpause the same way */
    assert_int_equal(monitor_pause_decide(&t, false, PAU, 6000), 0);
    assert_int_equal(
        monitor_pause_decide(&t, false, PAU, 6000 + PAUSE_SETTLE_MS), 1);
}

/* xl-oci pause writes the state, then pauses: a moment of disagreement
 * that ends by itself is nobody's unpause. */
static void test_xl_oci_pause_window(void **state)
{
    (void)state;
    struct pause_tracker t = {0};
    assert_int_equal(monitor_pause_decide(&t, false, RUN, 0), 0);
    assert_int_equal(monitor_pause_decide(&t, false, PAU, 100), 0);
    assert_int_equal(monitor_pause_decide(&t, true, PAU, 300), 0);
    assert_int_equal(monitor_pause_decide(&t, true, PAU, 5000), 0);
    /* a new disagreement starts its own clock */
    assert_int_equal(monitor_pause_decide(&t, false, PAU, 5100), 0);
    assert_int_equal(monitor_pause_decide(&t, false, PAU, 5200), 0);
}

/* xl-oci unpause, then at once xl pause: the flag the last look saw is
 * the same, the state is not. */
static void test_unpause_then_xl_pause(void **state)
{
    (void)state;
    struct pause_tracker t = {0};
    assert_int_equal(monitor_pause_decide(&t, false, RUN, 0), 0);
    assert_int_equal(monitor_pause_decide(&t, true, PAU, 1000), 0);
    assert_int_equal(monitor_pause_decide(&t, true, RUN, 3000), 0);
    assert_int_equal(
        monitor_pause_decide(&t, true, RUN, 3000 + PAUSE_SETTLE_MS), 1);
}

/* Final and other states never move. */
static void test_other_states(void **state)
{
    (void)state;
    struct pause_tracker t = {.ran = true};
    assert_int_equal(monitor_pause_decide(&t, true, DOMAIN_STATE_HALTED, 0), 0);
    assert_int_equal(monitor_pause_decide(&t, true, DOMAIN_STATE_HALTED, 10000),
                     0);
    assert_int_equal(
        monitor_pause_decide(&t, true, DOMAIN_STATE_RESTARTING, 20000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_born_paused),
        cmocka_unit_test(test_xl_pause),
        cmocka_unit_test(test_xl_oci_pause_window),
        cmocka_unit_test(test_unpause_then_xl_pause),
        cmocka_unit_test(test_other_states),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
