/*
 * test-exec-server-pool.c: the exec channel's slots (loader/xen-tools/
 * exec_server_pool.c): one offer at a time while a slot is free, a
 * connected slot stays busy until its server exits, an offer that dies
 * unconnected is told apart, and reports out of place change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "loader/xen-tools/exec_server_pool.h"

/* A fresh pool offers slot 0, and nothing more until that offer is taken. */
static void test_one_offer_at_a_time(void **state)
{
    (void)state;
    struct exec_server_pool p;
    exec_server_pool_init(&p);
    assert_int_equal(exec_server_pool_next(&p), 0);
    exec_server_pool_offered(&p, 0, 100);
    assert_int_equal(exec_server_pool_next(&p), -1);
    assert_int_equal(exec_server_pool_sessions(&p), 0);
}

/* Pod containers' sessions do not count against the exec sessions: with
 * EXEC_CHANNEL_SLOTS - EXEC_CHANNEL_EXEC_SESSIONS of them running, the
 * exec sessions still get all theirs, and no more. */
static void test_pod_sessions_apart(void **state)
{
    (void)state;
    struct exec_server_pool p;
    exec_server_pool_init(&p);
    int pods = EXEC_CHANNEL_SLOTS - EXEC_CHANNEL_EXEC_SESSIONS;
    for (int i = 0; i < EXEC_CHANNEL_SLOTS; i++) {
        int slot = exec_server_pool_next(&p);
        assert_int_equal(slot, i);
        exec_server_pool_offered(&p, slot, 100 + i);
        assert_int_equal(exec_server_pool_connected(&p, slot), 0);
        if (i < pods)
            assert_int_equal(exec_server_pool_pod(&p, slot), 0);
    }
    assert_int_equal(exec_server_pool_next(&p), -1);
    assert_int_equal(exec_server_pool_sessions(&p), EXEC_CHANNEL_SLOTS);
    /* A slot without a session cannot be a pod's. */
    bool unconnected;
    assert_int_equal(exec_server_pool_exited(&p, 100, &unconnected), 0);
    assert_int_equal(exec_server_pool_pod(&p, 0), -1);
}

/* A client on slot 0 makes slot 1 the next offer; a long session on 0
 * does not hold up the others, up to EXEC_CHANNEL_EXEC_SESSIONS exec
 * sessions. */
static void test_sessions_side_by_side(void **state)
{
    (void)state;
    struct exec_server_pool p;
    exec_server_pool_init(&p);
    for (int i = 0; i < EXEC_CHANNEL_EXEC_SESSIONS; i++) {
        int slot = exec_server_pool_next(&p);
        assert_int_equal(slot, i);
        exec_server_pool_offered(&p, slot, 100 + i);
        assert_int_equal(exec_server_pool_connected(&p, slot), 0);
        assert_int_equal(exec_server_pool_sessions(&p), i + 1);
    }
    /* All exec sessions busy: nothing on offer until one ends, or says
     * it runs a pod container. */
    assert_int_equal(exec_server_pool_next(&p), -1);
    bool unconnected = true;
    assert_int_equal(exec_server_pool_exited(&p, 102, &unconnected), 2);
    assert_false(unconnected);
    assert_int_equal(exec_server_pool_sessions(&p),
                     EXEC_CHANNEL_EXEC_SESSIONS - 1);
    assert_int_equal(exec_server_pool_next(&p), 2);
    exec_server_pool_offered(&p, 2, 200);
    assert_int_equal(exec_server_pool_connected(&p, 2), 0);
    assert_int_equal(exec_server_pool_next(&p), -1);
    assert_int_equal(exec_server_pool_pod(&p, 1), 0);
    assert_int_equal(exec_server_pool_next(&p), EXEC_CHANNEL_EXEC_SESSIONS);
}

/* An offer whose server dies before a client came is reported as such
 * (the supervisor counts those), and is offered again. */
static void test_offer_dies_unconnected(void **state)
{
    (void)state;
    struct exec_server_pool p;
    exec_server_pool_init(&p);
    exec_server_pool_offered(&p, 0, 100);
    assert_int_equal(exec_server_pool_connected(&p, 0), 0);
    exec_server_pool_offered(&p, exec_server_pool_next(&p), 101);
    bool unconnected = false;
    assert_int_equal(exec_server_pool_exited(&p, 101, &unconnected), 1);
    assert_true(unconnected);
    assert_int_equal(exec_server_pool_next(&p), 1);
    assert_int_equal(exec_server_pool_sessions(&p), 1);
}

/* A byte for a slot not on offer, an unknown pid: no change. */
static void test_reports_out_of_place(void **state)
{
    (void)state;
    struct exec_server_pool p;
    exec_server_pool_init(&p);
    exec_server_pool_offered(&p, 0, 100);
    assert_int_equal(exec_server_pool_connected(&p, 1), -1);
    assert_int_equal(exec_server_pool_connected(&p, 255), -1);
    assert_int_equal(exec_server_pool_connected(&p, -1), -1);
    assert_int_equal(exec_server_pool_sessions(&p), 0);
    bool unconnected = true;
    assert_int_equal(exec_server_pool_exited(&p, 999, &unconnected), -1);
    assert_false(unconnected);
    assert_int_equal(exec_server_pool_exited(&p, 0, &unconnected), -1);
    assert_int_equal(exec_server_pool_next(&p), -1); /* 0 still on offer */
    /* The same slot reported twice: the second is out of place. */
    assert_int_equal(exec_server_pool_connected(&p, 0), 0);
    assert_int_equal(exec_server_pool_connected(&p, 0), -1);
    assert_int_equal(exec_server_pool_sessions(&p), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_offer_at_a_time),
        cmocka_unit_test(test_sessions_side_by_side),
        cmocka_unit_test(test_pod_sessions_apart),
        cmocka_unit_test(test_offer_dies_unconnected),
        cmocka_unit_test(test_reports_out_of_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
