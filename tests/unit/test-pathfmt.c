/*
 * test-pathfmt.c: checked path formatting (common/pathfmt.c) and the
 * library paths built with it: a path that does not fit its buffer is an
 * error naming the path's start, never a shorter path that names
 * something else.
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

#include "common/error.h"
#include "common/pathfmt.h"
#include "netback/store.h"
#include "xl-plugin/state.h"

/* A root of `n` bytes: "/r" then 'a's. */
static char *long_root(size_t n)
{
    char *r = malloc(n + 1);
    assert_non_null(r);
    memset(r, 'a', n);
    r[0] = '/';
    r[1] = 'r';
    r[n] = '\0';
    return r;
}

static void test_fits(void **state)
{
    (void)state;
    char buf[16];
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_path_fmt(buf, sizeof(buf), &err, "%s/%s", "a", "b"), 3);
    assert_string_equal(buf, "a/b");
    assert_null(err.msg);
    /* 15 bytes and the NUL: exactly full. */
    assert_int_equal(
        xo_path_fmt(buf, sizeof(buf), &err, "%s", "/123456789/1234"), 15);
    assert_string_equal(buf, "/123456789/1234");
    assert_null(err.msg);
}

static void test_too_long(void **state)
{
    (void)state;
    char buf[16];
    xo_err err = XO_ERR_INIT;
    errno = 0;
    /* One byte over: 16 bytes need 17 with the NUL. */
    assert_int_equal(
        xo_path_fmt(buf, sizeof(buf), &err, "%s/%s", "/var/lib", "xl-oci-x"),
        -1);
    assert_int_equal(errno, ENAMETOOLONG);
    assert_int_equal(err.errnum, ENAMETOOLONG);
    assert_string_equal(buf, ""); /* never a half path */
    assert_string_equal(xo_err_msg(&err),
                        "path too long: \"/var/lib/xl-oci...\" (17 bytes, at "
                        "most 15)");
    xo_err_clear(&err);

    /* Without an xo_err (the guest's style): still -1 and ENAMETOOLONG. */
    errno = 0;
    strcpy(buf, "old");
    assert_int_equal(xo_path_fmt(buf, sizeof(buf), NULL, "%0100d", 7), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    assert_string_equal(buf, "");
}

/* A long path's message shows XO_PATH_SHOWN bytes of it, no more. */
static void test_message_bounded(void **state)
{
    (void)state;
    char *root = long_root(5000);
    char buf[4096];
    xo_err err = XO_ERR_INIT;
    assert_int_equal(
        xo_path_fmt(buf, sizeof(buf), &err, "%s/domains/%s", root, "app"), -1);
    char want[200];
    snprintf(want, sizeof(want),
             "path too long: \"%.*s...\" (5012 bytes, at most 4095)",
             XO_PATH_SHOWN, root);
    assert_string_equal(xo_err_msg(&err), want);
    xo_err_clear(&err);
    free(root);
}

static void test_copy_str(void **state)
{
    (void)state;
    char small[8] = "abc", big[16];
    memset(big, 'x', sizeof(big));
    XO_COPY_STR(big, small);
    assert_string_equal(big, "abc");
}

/* The state layout's owners refuse a root too long for their buffers. */
static void test_state_paths(void **state)
{
    (void)state;
    char *root = long_root(4090);
    char buf[4096];
    xo_err err = XO_ERR_INIT;
    assert_int_equal(state_domain_dir(buf, sizeof(buf), root, "app", &err), -1);
    assert_int_equal(err.errnum, ENAMETOOLONG);
    assert_non_null(strstr(xo_err_msg(&err), "path too long: \"/raaa"));
    xo_err_clear(&err);
    assert_false(state_domain_exists(root, "app"));

    assert_int_equal(
        nb_store_path(buf, sizeof(buf), root, "net", "leases.json", &err), -1);
    assert_int_equal(err.errnum, ENAMETOOLONG);
    assert_non_null(strstr(xo_err_msg(&err), "path too long: \"/raaa"));
    xo_err_clear(&err);
    /* The same root with room to spare works. */
    assert_int_equal(state_domain_dir(buf, sizeof(buf), "/r", "app", &err), 0);
    assert_string_equal(buf, "/r/domains/app");
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_message_bounded),
        cmocka_unit_test(test_copy_str),
        cmocka_unit_test(test_state_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
