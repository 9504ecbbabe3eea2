/*
 * test-xs-lite.c: the monitor's xenstore client (common/xs_lite.c)
 * against the scripted fake xenstored of xs_fixture.h, which sends a
 * watch event before every reply: requests get their own replies and the
 * client queues the events itself.  Also its limits: an oversized reply
 * and a full event queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The unit under test is compiled in (its internals are tested too); its
 * xo_xs_* functions take the place of common/xs_client.c's in the
 * library, which is then not linked. */
#include "common/xs_lite.c"

#include "xs_fixture.h"

static void test_requests_and_events_interleaved(void **state)
{
    (void)state;
    struct xo_xs *h = xo_xs_open();
    assert_non_null(h);
    /* Every reply came after an event: six events queued by xs_lite. */
    xs_conversation(h, 6);
    xo_xs_close(h);
}

static void test_oversized_reply_refused(void **state)
{
    (void)state;
    struct xo_xs *h = xo_xs_open();
    assert_non_null(h);
    unsigned len = 0;
    assert_null(xo_xs_read(h, "/huge", &len));
    assert_int_equal(errno, E2BIG);
    xo_xs_close(h);
}

static void test_queue_is_bounded(void **state)
{
    (void)state;
    struct xo_xs h = {.fd = -1};
    for (int i = 0; i < XS_LITE_QUEUE_MAX + 10; i++)
        queue_event(&h, "p\0t", 4);
    assert_int_equal(xo_xs_pending(&h), XS_LITE_QUEUE_MAX);
    assert_true(xo_xs_lost(&h));
    assert_false(xo_xs_lost(&h));
    for (struct event *e = h.head, *next; e; e = next) {
        next = e->next;
        free(e);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_requests_and_events_interleaved,
                                        fake_xenstored_start,
                                        fake_xenstored_stop),
        cmocka_unit_test_setup_teardown(test_oversized_reply_refused,
                                        fake_xenstored_start,
                                        fake_xenstored_stop),
        cmocka_unit_test(test_queue_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
