/*
 * test-runc-signal.c: runc_signal() (xl-plugin/runc.h) takes what
 * `runc kill` takes: numbers 1..NSIG-1, names with or without SIG, in
 * any case ("term", "sigkill", "Hup"); nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>

#include "xl-plugin/runc.h"

static void test_numbers(void **state)
{
    (void)state;
    assert_int_equal(runc_signal("9"), SIGKILL);
    assert_int_equal(runc_signal("15"), SIGTERM);
    assert_int_equal(runc_signal("0"), -1);
    assert_int_equal(runc_signal("65"), -1);
    assert_int_equal(runc_signal("-9"), -1);
    assert_int_equal(runc_signal("9x"), -1);
}

static void test_names_in_any_case(void **state)
{
    (void)state;
    assert_int_equal(runc_signal("KILL"), SIGKILL);
    assert_int_equal(runc_signal("SIGKILL"), SIGKILL);
    assert_int_equal(runc_signal("term"), SIGTERM);
    assert_int_equal(runc_signal("sigterm"), SIGTERM);
    assert_int_equal(runc_signal("Hup"), SIGHUP);
    assert_int_equal(runc_signal("SigUsr1"), SIGUSR1);
}

static void test_not_a_signal(void **state)
{
    (void)state;
    assert_int_equal(runc_signal(""), -1);
    assert_int_equal(runc_signal("SIG"), -1);
    assert_int_equal(runc_signal("TERMINATE"), -1);
    assert_int_equal(runc_signal("SIGSIGTERM"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_names_in_any_case),
        cmocka_unit_test(test_not_a_signal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
