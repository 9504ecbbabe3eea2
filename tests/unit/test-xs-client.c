/*
 * test-xs-client.c: the xenstore wrapper as xl-oci links it
 * (common/xs_client.c, forwarding to libxenstore) holds the same
 * conversation with the fake xenstored of xs_fixture.h as the monitor's
 * own client does in test-xs-lite.c, so the two implementations of
 * common/xs_client.h answer alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "xs_fixture.h"

static void test_requests_and_events_interleaved(void **state)
{
    (void)state;
    struct xo_xs *h = xo_xs_open();
    assert_non_null(h);
    /* libxenstore's reader thread holds the events: none pending here. */
    xs_conversation(h, 0);
    xo_xs_close(h);
}

static void test_open_fails_with_errno(void **state)
{
    (void)state;
    setenv("XENSTORED_PATH", "/nonexistent/xl-oci-test/socket", 1);
    errno = 0;
    struct xo_xs *h = xo_xs_open();
    if (h) /* a xenbus device that answered: not this test's machine */
        xo_xs_close(h);
    else
        assert_int_not_equal(errno, 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_requests_and_events_interleaved,
                                        fake_xenstored_start,
                                        fake_xenstored_stop),
        cmocka_unit_test(test_open_fails_with_errno),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
