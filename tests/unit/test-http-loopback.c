/* test-http-loopback.c: which registry hosts are the loopback
 * (image/http.h), the hosts a pull may reach over plain HTTP without
 * --plain-http and never through a proxy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include "image/http.h"

static void test_loopback_hosts(void **state)
{
    (void)state;
    assert_true(http_host_is_loopback("localhost"));
    assert_true(http_host_is_loopback("localhost:5000"));
    assert_true(http_host_is_loopback("LOCALHOST:5000"));
    assert_true(http_host_is_loopback("127.0.0.1:5000"));
    assert_true(http_host_is_loopback("127.1.2.3"));
    assert_true(http_host_is_loopback("[::1]:5000"));
    assert_true(http_host_is_loopback("[0:0:0:0:0:0:0:1]:5000"));
    assert_true(http_host_is_loopback("[::ffff:127.0.0.1]:5000"));
    assert_true(http_host_is_loopback("127.0.0.1/v2/"));
}

/* Names a resolver could point anywhere (helper-76: "127.evil.example"
 * was taken for the loopback and pulled over plain HTTP). */
static void test_not_loopback(void **state)
{
    (void)state;
    assert_false(http_host_is_loopback("127.evil.example:5000"));
    assert_false(http_host_is_loopback("127.0.0.1.evil.example"));
    assert_false(http_host_is_loopback("localhost.evil.example:5000"));
    assert_false(http_host_is_loopback("localhostx:5000"));
    assert_false(http_host_is_loopback("10.0.0.1:5000"));
    assert_false(http_host_is_loopback("128.0.0.1"));
    assert_false(http_host_is_loopback("[::2]:5000"));
    assert_false(http_host_is_loopback("::1"));
    assert_false(http_host_is_loopback("[::1"));
    assert_false(http_host_is_loopback(""));
    assert_false(http_host_is_loopback("registry.example:443"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loopback_hosts),
        cmocka_unit_test(test_not_loopback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
