/*
 * test-restart-order.c: the contract between the monitor's restart
 * (monitor_restart_plan, monitor_restart_done in monitor_restart.c) and
 * `xl-oci wait` (status_run.h), looked at between every single write the
 * monitor makes to DomainStatus, as a wait polling at that moment would
 * see it.  The file store stands in for xenstore; the test links with
 * -Wl,--wrap=xo_xs_write,--wrap=xo_xs_rm so that each write of status.c
 * passes through the observer below.
 *
 * What must hold: a wait begun on a running container sees its run end at
 * the write that makes it restarting (not before); a wait begun in the
 * backoff follows the next run and never takes the restart itself (next-
 * restart removed, restarts counted, in either order a reader may catch)
 * for that run's end; it sees the next run's end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xs_client.h"
#include "xl-plugin/monitor_restart.h"
#include "xl-plugin/status.h"
#include "xl-plugin/status_run.h"

static char root[64];
static struct xo_xs *xs;

/* The observer: after each write, while `watching`, it reads the status
 * as a waiting `wait` would and notes whether run `run` has ended. */
static bool watching;
static long run;
/* Writes seen while watching. */
static unsigned writes;
/* The index of the first write after which the run had ended, or -1. */
static int first_end = -1;
/* Ended, then not ended again: a wait polling in between has returned. */
static bool ended_then_not;

static void observe(void)
{
    if (!watching)
        return;
    watching = false; /* status_read below must not recurse */
    struct domain_status st;
    xo_err err = XO_ERR_INIT;
    if (status_read(xs, "c", &st, &err) == 0) {
        bool ended = status_run_ended(&st, run);
        if (ended && first_end < 0)
            first_end = (int)writes;
        if (!ended && first_end >= 0)
            ended_then_not = true;
    }
    xo_err_clear(&err);
    writes++;
    watching = true;
}

bool __real_xo_xs_write(struct xo_xs *x, const char *path, const void *data,
                        unsigned len);
bool __real_xo_xs_rm(struct xo_xs *x, const char *path);

bool __wrap_xo_xs_write(struct xo_xs *x, const char *path, const void *data,
                        unsigned len)
{
    bool ok = __real_xo_xs_write(x, path, data, len);
    observe();
    return ok;
}

bool __wrap_xo_xs_rm(struct xo_xs *x, const char *path)
{
    bool ok = __real_xo_xs_rm(x, path);
    observe();
    return ok;
}

static void watch_run(long r)
{
    run = r;
    writes = 0;
    first_end = -1;
    ended_then_not = false;
    watching = true;
}

static void read_status(struct domain_status *st)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(status_read(xs, "c", st, &err), 0);
}

static int setup(void **state)
{
    (void)state;
    strcpy(root, "/tmp/test-restart-order.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    xs = xo_xs_open_dir(root);
    if (!xs)
        return -1;
    xo_err err = XO_ERR_INIT;
    if (status_create(xs, "c", &err) < 0 ||
        status_set(xs, "c", DOMAIN_STATUS_KEY_RESTART_POLICY, "always", &err) <
            0 ||
        status_set_state(xs, "c", DOMAIN_STATE_RUNNING, &err) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    watching = false;
    xo_xs_close(xs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root); /* cannot truncate */
    return system(cmd) == 0 ? 0 : -1;
}

/* The run ends (exit 1); plan the restart as the monitor does. */
static void run_ends(void)
{
    long long due = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(monitor_restart_plan(xs, root, "c", 1, 50, &due, &err), 1);
    assert_true(due > 0);
}

/* The restart: counted, then the new run is running. */
static void restart(void)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(monitor_restart_done(xs, "c", &err), 0);
    assert_int_equal(status_set_state(xs, "c", DOMAIN_STATE_RUNNING, &err), 0);
}

static void test_run_end_seen_at_the_restarting_write(void **state)
{
    (void)state;
    struct domain_status st;
    read_status(&st);
    assert_false(status_in_backoff(&st));
    watch_run(status_wait_run(&st));
    assert_int_equal(run, 0);
    run_ends();
    watching = false;
    /* Seen once the plan's last write made it restarting, and not
     * before: the writes before it are last-exit-code, restart-streak
     * and next-restart. */
    assert_true(writes >= 2);
    assert_int_equal(first_end, (int)writes - 1);
    read_status(&st);
    assert_true(status_in_backoff(&st));
    assert_int_equal(st.restarts, 0);
}

static void test_wait_begun_in_backoff_skips_the_restart(void **state)
{
    (void)state;
    run_ends();
    struct domain_status st;
    read_status(&st);
    assert_true(status_in_backoff(&st));
    /* In the backoff, the wait follows the next run. */
    watch_run(status_wait_run(&st));
    assert_int_equal(run, 1);
    restart();
    /* No write of the restart made the next run look ended. */
    assert_true(writes >= 3);
    assert_int_equal(first_end, -1);
    read_status(&st);
    assert_int_equal(st.restarts, 1);
    assert_int_equal(st.next_restart[0], '\0');
    assert_int_equal(st.state, DOMAIN_STATE_RUNNING);
    /* The next run's end is seen, at its restarting write. */
    writes = 0;
    run_ends();
    watching = false;
    assert_int_equal(first_end, (int)writes - 1);
    assert_false(ended_then_not);
}

static void test_wait_begun_before_returns_once(void **state)
{
    (void)state;
    struct domain_status st;
    read_status(&st);
    watch_run(status_wait_run(&st));
    run_ends();
    restart();
    watching = false;
    /* Ended from the restarting write until the restart removes
     * next-restart: a wait polling then returns; afterwards it no longer
     * says so (the restart is not a second end). */
    assert_true(first_end >= 0);
    assert_true(ended_then_not);
    read_status(&st);
    assert_false(status_run_ended(&st, run));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_run_end_seen_at_the_restarting_write, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_wait_begun_in_backoff_skips_the_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_begun_before_returns_once,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
