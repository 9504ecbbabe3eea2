/*
 * test-stats.c: the pure parts of `xl-oci stats` (xl-plugin/stats.h):
 * CPU percent between samples and its refusals, byte counts for people,
 * /proc/PID/net/dev and `runc events --stats` texts (cgroup v1 and v2
 * shapes, hostile ones), the sample as JSON; and oci_deadline as the
 * monitors compute it (xl-plugin/monitor_deadline.h): the due time from
 * DomainStatus, the kill time, poll timeouts, and what reaching it writes
 * (ended-by, the event, no restart after it) on the file store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xs_client.h"
#include "xl-plugin/journal.h"
#include "xl-plugin/monitor_deadline.h"
#include "xl-plugin/monitor_restart.h"
#include "xl-plugin/stats.h"
#include "xl-plugin/status.h"

static char root[64];

static struct stats_sample at(long long when_ns, long long cpu_ns)
{
    struct domain_status st = {.name = "c", .domid = 3, .pid = -1};
    struct stats_sample s;
    stats_sample_init(&s, &st);
    s.when_ns = when_ns;
    s.cpu_ns = cpu_ns;
    return s;
}

static void test_cpu_percent(void **state)
{
    (void)state;
    struct stats_sample a = at(1000000000LL, 5000000000LL);
    struct stats_sample b = at(2000000000LL, 5500000000LL);
    assert_true(stats_cpu_percent(&a, &b) > 49.99 &&
                stats_cpu_percent(&a, &b) < 50.01);
    /* Two vCPUs busy over the second: 200. */
    struct stats_sample c = at(3000000000LL, 7500000000LL);
    assert_true(stats_cpu_percent(&b, &c) > 199.99 &&
                stats_cpu_percent(&b, &c) < 200.01);
    /* Unknown, no time passed, a counter that went back (a restart). */
    struct stats_sample u = at(2000000000LL, -1);
    assert_true(stats_cpu_percent(&a, &u) < 0);
    assert_true(stats_cpu_percent(&u, &b) < 0);
    assert_true(stats_cpu_percent(&a, &a) < 0);
    struct stats_sample back = at(4000000000LL, 10);
    assert_true(stats_cpu_percent(&c, &back) < 0);
}

static void test_format_bytes(void **state)
{
    (void)state;
    char b[16];
    stats_format_bytes(b, sizeof(b), -1);
    assert_string_equal(b, "-");
    stats_format_bytes(b, sizeof(b), 0);
    assert_string_equal(b, "0B");
    stats_format_bytes(b, sizeof(b), 1023);
    assert_string_equal(b, "1023B");
    stats_format_bytes(b, sizeof(b), 1536);
    assert_string_equal(b, "1.5KiB");
    stats_format_bytes(b, sizeof(b), 128LL << 20);
    assert_string_equal(b, "128MiB");
    stats_format_bytes(b, sizeof(b), 3LL << 30);
    assert_string_equal(b, "3.0GiB");
    stats_format_bytes(b, sizeof(b), 0x7fffffffffffffffLL);
    assert_string_equal(b, "8192PiB");
}

static void test_net_dev(void **state)
{
    (void)state;
    static const char text[] =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo:    9999       9    0    0    0     0          0         0     9999       9    0    0    0     0       0          0\n"
        "  eth0:    1500      10    0    0    0     0          0         0      700       7    0    0    0     0       0          0\n"
        "  eth1:      20       1    0    0    0     0          0         0       30       1    0    0    0     0       0          0\n";
    long long rx = -1, tx = -1;
    assert_int_equal(stats_parse_net_dev(text, &rx, &tx), 0);
    assert_int_equal(rx, 1520);
    assert_int_equal(tx, 730);
    /* Counters near 2^64 (unsigned in the kernel): the sum saturates,
     * never overflows (UB) or reads as negative ("unknown"). */
    static const char huge[] =
        "h\nh\n"
        "  eth0: 9223372036854775807 0 0 0 0 0 0 0 18446744073709551615 0 0 0 0 0 0 0\n"
        "  eth1: 9223372036854775807 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0\n";
    assert_int_equal(stats_parse_net_dev(huge, &rx, &tx), 0);
    assert_true(rx == LLONG_MAX && tx == LLONG_MAX);
    /* Headers alone: no interface but lo counts as none. */
    assert_int_equal(stats_parse_net_dev("a\nb\n", &rx, &tx), 0);
    assert_int_equal(rx, 0);
    /* Not the format: a line without a colon, too few fields, nothing. */
    assert_int_equal(stats_parse_net_dev("a\nb\neth0 1 2 3\n", &rx, &tx), -1);
    assert_int_equal(stats_parse_net_dev("a\nb\neth0: 1 2 3\n", &rx, &tx), -1);
    assert_int_equal(stats_parse_net_dev("", &rx, &tx), -1);
}

static void test_runc_events(void **state)
{
    (void)state;
    /* cgroup v1, as runc 1.1 prints it (cut down), no limit, no I/O. */
    static const char v1[] =
        "{\"type\":\"stats\",\"id\":\"c\",\"data\":{\"cpu\":{\"usage\":{\"total\":71305213}},"
        "\"memory\":{\"usage\":{\"limit\":9223372036854771712,\"usage\":2768896},"
        "\"raw\":{\"total_inactive_file\":1978368}},\"blkio\":{}}}";
    struct domain_status st = {.name = "c", .nohyper = true, .pid = 7};
    struct stats_sample s;
    xo_err err = XO_ERR_INIT;
    stats_sample_init(&s, &st);
    assert_int_equal(stats_parse_runc_events(v1, strlen(v1), &s, &err), 0);
    assert_int_equal(s.cpu_ns, 71305213);
    assert_int_equal(s.mem_bytes, 2768896);
    assert_int_equal(s.mem_limit_bytes, -1);
    assert_int_equal(s.mem_used_bytes, 2768896 - 1978368);
    assert_int_equal(s.blk_read_bytes, 0);
    assert_int_equal(s.blk_write_bytes, 0);
    /* cgroup v2: inactive_file, a limit, I/O of two devices. */
    static const char v2[] =
        "{\"type\":\"stats\",\"id\":\"c\",\"data\":{\"cpu\":{\"usage\":{\"total\":5}},"
        "\"memory\":{\"usage\":{\"limit\":67108864,\"usage\":4096000},"
        "\"raw\":{\"inactive_file\":96000}},\"blkio\":{\"ioServiceBytesRecursive\":["
        "{\"major\":8,\"minor\":0,\"op\":\"Read\",\"value\":100},"
        "{\"major\":8,\"minor\":0,\"op\":\"write\",\"value\":50},"
        "{\"major\":8,\"minor\":16,\"op\":\"Read\",\"value\":1},"
        "{\"major\":8,\"minor\":16,\"op\":\"Total\",\"value\":151}]}}}";
    stats_sample_init(&s, &st);
    assert_int_equal(stats_parse_runc_events(v2, strlen(v2), &s, &err), 0);
    assert_int_equal(s.mem_limit_bytes, 67108864);
    assert_int_equal(s.mem_used_bytes, 4000000);
    assert_int_equal(s.blk_read_bytes, 101);
    assert_int_equal(s.blk_write_bytes, 50);
    /* Hostile: wrong types and negative numbers stay unknown; an inactive
     * count above the usage does not make "used" negative. */
    static const char odd[] =
        "{\"data\":{\"cpu\":{\"usage\":{\"total\":\"many\"}},"
        "\"memory\":{\"usage\":{\"limit\":-5,\"usage\":10},"
        "\"raw\":{\"inactive_file\":99}}}}";
    stats_sample_init(&s, &st);
    assert_int_equal(stats_parse_runc_events(odd, strlen(odd), &s, &err), 0);
    assert_int_equal(s.cpu_ns, -1);
    assert_int_equal(s.mem_limit_bytes, -1);
    assert_int_equal(s.mem_used_bytes, 10);
    assert_int_equal(s.blk_read_bytes, -1);
    /* Not JSON, or no data. */
    assert_int_equal(stats_parse_runc_events("{\"data\":", 8, &s, &err), -1);
    xo_err_clear(&err);
    assert_int_equal(stats_parse_runc_events("{}", 2, &s, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "no data"));
    xo_err_clear(&err);
}

static void test_json(void **state)
{
    (void)state;
    struct stats_sample a = at(1000000000LL, 0), b = at(2000000000LL, 1234567);
    b.mem_bytes = 1 << 20;
    json_object *o = stats_to_json(&b, stats_cpu_percent(&a, &b));
    assert_string_equal(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
        "{\"name\":\"c\",\"mode\":\"xen\",\"id\":3,\"state\":\"unknown\","
        "\"cpu_percent\":0.12,\"cpu_time_ns\":1234567,\"memory_bytes\":1048576,"
        "\"memory_limit_bytes\":null,\"memory_used_bytes\":null,"
        "\"block_read_bytes\":null,\"block_write_bytes\":null,"
        "\"net_rx_bytes\":null,\"net_tx_bytes\":null}");
    json_object_put(o);
}

static void test_deadline_times(void **state)
{
    (void)state;
    struct domain_status st = {
        .deadline_s = 60, .started_ms = 5000, .stop_timeout_s = 10};
    assert_int_equal(monitor_deadline_due(&st), 65000);
    st.deadline_s = -1; /* no deadline */
    assert_int_equal(monitor_deadline_due(&st), -1);
    st.deadline_s = 60;
    st.started_ms = -1; /* not started */
    assert_int_equal(monitor_deadline_due(&st), -1);
    st.started_ms = 5000;
    strcpy(st.ended_by, DOMAIN_ENDED_BY_DEADLINE); /* fired already */
    assert_int_equal(monitor_deadline_due(&st), -1);
    assert_int_equal(monitor_deadline_kill_at(65000, 10, 10), 85000);
    assert_int_equal(monitor_deadline_kill_at(65000, -1, 0), 75000);
    /* poll timeouts: capped, none, past, far. */
    assert_int_equal(monitor_deadline_timeout(1000, 1500, 2000), 500);
    assert_int_equal(monitor_deadline_timeout(1000, 9000, 2000), 2000);
    assert_int_equal(monitor_deadline_timeout(1000, -1, 2000), 2000);
    assert_int_equal(monitor_deadline_timeout(1000, -1, -1), -1);
    assert_int_equal(monitor_deadline_timeout(1000, 10, 2000), 0);
    assert_int_equal(monitor_deadline_timeout(0, 1LL << 40, -1), 0x7fffffff);
}

static int setup(void **state)
{
    (void)state;
    strcpy(root, "/tmp/test-stats.XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root); /* cannot truncate */
    return system(cmd) == 0 ? 0 : -1;
}

/* Reaching the deadline: ended-by, the event, and the restart policy
 * leaves the run ended, as a successor monitor finds it. */
static void test_deadline_reached(void **state)
{
    (void)state;
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/status", root); /* cannot truncate */
    assert_int_equal(mkdir(dir, 0700), 0);
    struct xo_xs *xs = xo_xs_open_dir(dir);
    assert_non_null(xs);
    xo_err err = XO_ERR_INIT;
    struct restart_policy always;
    assert_int_equal(restart_policy_parse("always", &always), 0);
    assert_int_equal(status_create(xs, "c", &err), 0);
    assert_int_equal(status_write_policies(xs, "c", &always, 30, 5, &err), 0);
    assert_int_equal(
        status_setf(xs, "c", DOMAIN_STATUS_KEY_STARTED_MS, &err, "%d", 1000),
        0);
    struct domain_status st;
    assert_int_equal(status_read(xs, "c", &st, &err), 0);
    assert_int_equal(st.deadline_s, 30);
    assert_int_equal(st.stop_timeout_s, 5);
    assert_int_equal(monitor_deadline_due(&st), 31000);
    assert_int_equal(monitor_deadline_reached(xs, root, "c", 30, &err), 0);
    assert_int_equal(status_read(xs, "c", &st, &err), 0);
    assert_string_equal(st.ended_by, DOMAIN_ENDED_BY_DEADLINE);
    assert_int_equal(monitor_deadline_due(&st), -1); /* never twice */
    long long due;
    assert_int_equal(
        monitor_restart_plan(xs, root, "c", 143, 30000, &due, &err), 0);
    /* The event, with how long. */
    struct journal_reader r;
    assert_int_equal(journal_reader_open(&r, root, true, &err), 0);
    const char *line;
    size_t len;
    int found = 0;
    while (journal_reader_next(&r, &line, &len, &err) == 1) {
        struct event_record ev;
        xo_err bad = XO_ERR_INIT;
        if (journal_decode(line, len, &ev, &bad) == 0 &&
            ev.type == EVENT_DEADLINE) {
            assert_string_equal(ev.name, "c");
            assert_string_equal(ev.detail, "ran longer than 30 s");
            found++;
        }
        xo_err_clear(&bad);
    }
    journal_reader_close(&r);
    assert_int_equal(found, 1);
    /* Without a deadline nothing is written but the policy. */
    assert_int_equal(status_create(xs, "d", &err), 0);
    assert_int_equal(status_write_policies(xs, "d", &always, 0, 5, &err), 0);
    assert_int_equal(status_read(xs, "d", &st, &err), 0);
    assert_int_equal(st.deadline_s, -1);
    assert_int_equal(st.stop_timeout_s, -1);
    xo_xs_close(xs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_percent),
        cmocka_unit_test(test_format_bytes),
        cmocka_unit_test(test_net_dev),
        cmocka_unit_test(test_runc_events),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_deadline_times),
        cmocka_unit_test_setup_teardown(test_deadline_reached, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
