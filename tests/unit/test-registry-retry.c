/* test-registry-retry.c: which registry answers are tried again, after
 * how long (image/registry_retry.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "image/registry_retry.h"

static void test_transient_statuses(void **state)
{
    (void)state;
    assert_true(registry_status_transient(429));
    assert_true(registry_status_transient(502));
    assert_true(registry_status_transient(503));
    assert_true(registry_status_transient(504));
    /* The request's fault, or the registry's for good: no retry. */
    assert_false(registry_status_transient(400));
    assert_false(registry_status_transient(404));
    assert_false(registry_status_transient(500));
    assert_false(registry_status_transient(401));
}

static void test_pause(void **state)
{
    (void)state;
    /* Retry-After in seconds, as sent. */
    assert_int_equal(registry_retry_pause(1, "3"), 3);
    assert_int_equal(registry_retry_pause(4, " 0 "), 0);
    /* Capped: a rate limit of an hour is not waited out here. */
    assert_int_equal(registry_retry_pause(1, "3600"), REGISTRY_PAUSE_MAX);
    assert_int_equal(registry_retry_pause(1, "99999999999999999999999"),
                     REGISTRY_PAUSE_MAX);
    /* None, an HTTP date or junk: 1, 2, 4, 8, 8. */
    assert_int_equal(registry_retry_pause(1, ""), 1);
    assert_int_equal(registry_retry_pause(2, NULL), 2);
    assert_int_equal(registry_retry_pause(3, "Wed, 21 Oct 2015 07:28:00 GMT"),
                     4);
    assert_int_equal(registry_retry_pause(4, "5s"), 8);
    assert_int_equal(registry_retry_pause(9, "-1"), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transient_statuses),
        cmocka_unit_test(test_pause),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
