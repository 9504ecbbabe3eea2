/*
 * test-typo.c: the bounded edit distance behind "Did you mean" for
 * commands and config keys (common/typo.c; helper-106).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/typo.h"

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(xo_typo_distance("network", "network"), 0);
    assert_int_equal(xo_typo_distance("oci_port", "oci_ports"), 1);
    assert_int_equal(xo_typo_distance("memroy", "memory"), 2);
    assert_int_equal(xo_typo_distance("", "ab"), 2);
    /* Stops at 3: only near words matter. */
    assert_int_equal(xo_typo_distance("oci_environment", "oci_env"), 3);
    assert_int_equal(xo_typo_distance("abc", "xyz"), 3);
    /* Words over 24 characters are never near. */
    char long_word[26];
    memset(long_word, 'a', 25);
    long_word[25] = '\0';
    assert_int_equal(xo_typo_distance(long_word, long_word), 3);
}

static void test_close(void **state)
{
    (void)state;
    assert_true(xo_typo_close("oci_netwrok", "oci_network"));
    assert_true(xo_typo_close("strat", "start"));
    assert_true(xo_typo_close("vcpu", "vcpus"));
    /* The word itself is no typo of itself. */
    assert_false(xo_typo_close("start", "start"));
    /* Words of up to 4 letters allow one edit only. */
    assert_true(xo_typo_close("cp", "cap"));
    assert_false(xo_typo_close("c", "cap"));
    assert_false(xo_typo_close("ls", "list"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
