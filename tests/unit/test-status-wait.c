/*
 * test-status-wait.c: status_wait_while() (xl-plugin/status.h), the wait
 * a pod member's placeholder and `xl-oci-runc exec` make for a domain
 * still booting or paused, on the file store (no watches there: its
 * polling path): it returns at once for a state outside the set, goes
 * on while the state is in it, returns the state a writer moves it to,
 * gives up after its bound with the state still in the set, and fails
 * with ENOENT when the DomainStatus goes away.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/xs_client.h"
#include "xl-plugin/status.h"

static char root[64];
static struct xo_xs *xs;

static int setup(void **state)
{
    (void)state;
    strcpy(root, "/tmp/test-status-wait.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    xs = xo_xs_open_dir(root);
    return xs ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    xo_xs_close(xs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root); /* cannot truncate */
    return system(cmd) == 0 ? 0 : -1;
}

static const unsigned booting_or_paused =
    STATUS_STATE_BIT(DOMAIN_STATE_BOOTING) |
    STATUS_STATE_BIT(DOMAIN_STATE_PAUSED);

static void set_state(const char *name, enum domain_state s)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(status_set_state(xs, name, s, &err), 0);
}

static void test_outside_the_set_returns_at_once(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(status_create(xs, "c", &err), 0);
    set_state("c", DOMAIN_STATE_RUNNING);
    enum domain_state s = DOMAIN_STATE_UNKNOWN;
    long long t0 = status_monotonic_ms();
    assert_int_equal(
        status_wait_while(xs, "c", booting_or_paused, 5000, &s, &err), 0);
    assert_int_equal(s, DOMAIN_STATE_RUNNING);
    assert_true(status_monotonic_ms() - t0 < 1000);
}

static void test_bound_passes_inside_the_set(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(status_create(xs, "c", &err), 0);
    set_state("c", DOMAIN_STATE_PAUSED);
    enum domain_state s = DOMAIN_STATE_UNKNOWN;
    long long t0 = status_monotonic_ms();
    assert_int_equal(
        status_wait_while(xs, "c", booting_or_paused, 300, &s, &err), 0);
    assert_int_equal(s, DOMAIN_STATE_PAUSED);
    assert_true(status_monotonic_ms() - t0 >= 300);
}

/* A writer (the monitor, in life) moves it booting -> paused -> running:
 * the wait goes on through paused and returns running. */
static void test_returns_the_state_it_left_for(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(status_create(xs, "c", &err), 0);
    set_state("c", DOMAIN_STATE_BOOTING);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct xo_xs *w = xo_xs_open_dir(root);
        usleep(200000);
        status_set_state(w, "c", DOMAIN_STATE_PAUSED, &err);
        usleep(200000);
        status_set_state(w, "c", DOMAIN_STATE_RUNNING, &err);
        _exit(0);
    }
    enum domain_state s = DOMAIN_STATE_UNKNOWN;
    long long t0 = status_monotonic_ms();
    assert_int_equal(
        status_wait_while(xs, "c", booting_or_paused, 10000, &s, &err), 0);
    long long took = status_monotonic_ms() - t0;
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_int_equal(s, DOMAIN_STATE_RUNNING);
    assert_true(took >= 400 && took < 5000);
}

static void test_status_gone_is_enoent(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    enum domain_state s;
    assert_int_equal(
        status_wait_while(xs, "absent", booting_or_paused, 1000, &s, &err), -1);
    assert_int_equal(err.errnum, ENOENT);
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_outside_the_set_returns_at_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_bound_passes_inside_the_set, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_returns_the_state_it_left_for,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_gone_is_enoent, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
