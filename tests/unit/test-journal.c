/*
 * test-journal.c: the restart policy and the event journal.  The policy's
 * grammar and backoff arithmetic (common/abi/restart_policy.h) at their
 * edges; journal records (xl-plugin/journal.h) encoded and decoded, their
 * bounds (long and hostile text, overlong lines, unknown types), the
 * times --since/--until take; appending with rotation at the bound and
 * the reader going on across rotations, in order; the restart state the
 * monitors keep in DomainStatus (xl-plugin/monitor_restart.h) on the
 * file store, as a successor monitor finds it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/abi/restart_policy.h"
#include "common/xs_client.h"
#include "xl-plugin/monitor_restart.h"
#include "xl-plugin/status.h"
#include "xl-plugin/journal.h"

static void test_policy_grammar(void **state)
{
    (void)state;
    struct restart_policy p;
    char buf[RESTART_POLICY_TEXT_MAX + 1];
    static const char *const good[] = {
        "no",         "always",       "unless-stopped",
        "on-failure", "on-failure:1", "on-failure:1000000"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(restart_policy_parse(good[i], &p), 0);
        restart_policy_format(buf, sizeof(buf), &p);
        assert_string_equal(buf, good[i]);
    }
    assert_int_equal(restart_policy_parse("on-failure:2", &p), 0);
    assert_int_equal(p.mode, RESTART_ON_FAILURE);
    assert_int_equal(p.max, 2);
    static const char *const bad_mode[] = {"",          "On-Failure", "always ",
                                           "sometimes", "no-",        "on"};
    for (size_t i = 0; i < sizeof(bad_mode) / sizeof(bad_mode[0]); i++)
        assert_int_equal(restart_policy_parse(bad_mode[i], &p), -1);
    static const char *const bad_max[] = {
        "on-failure:",   "on-failure:0",
        "on-failure:-1", "on-failure:+1",
        "on-failure:01", "on-failure:1000001",
        "always:3",      "on-failure:99999999999999999999",
        "on-failure:2x", "no:1",
        "on-failure: 2"};
    for (size_t i = 0; i < sizeof(bad_max) / sizeof(bad_max[0]); i++)
        assert_int_equal(restart_policy_parse(bad_max[i], &p), -2);
}

static void test_policy_wants(void **state)
{
    (void)state;
    struct restart_policy no = {RESTART_NO, 0}, al = {RESTART_ALWAYS, 0},
                          us = {RESTART_UNLESS_STOPPED, 0},
                          of = {RESTART_ON_FAILURE, 0},
                          of2 = {RESTART_ON_FAILURE, 2};
    assert_false(restart_policy_wants(&no, 1, 0));
    assert_true(restart_policy_wants(&al, 0, 1000));
    assert_true(restart_policy_wants(&us, 0, 0));
    assert_false(restart_policy_wants(&of, 0, 0));
    assert_true(restart_policy_wants(&of, 1, 5000));
    assert_true(restart_policy_wants(&of, -1, 0)); /* unknown is a failure */
    assert_true(restart_policy_wants(&of2, 137, 0));
    assert_true(restart_policy_wants(&of2, 1, 1));
    assert_false(restart_policy_wants(&of2, 1, 2));
}

static void test_backoff(void **state)
{
    (void)state;
    long streak = 0;
    long long want[] = {1000,  2000,   4000,   8000,   16000, 32000,
                        64000, 128000, 256000, 300000, 300000};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        long next;
        assert_int_equal(restart_backoff_ms(streak, 5000, &next), want[i]);
        assert_int_equal(next, streak + 1);
        streak = next;
    }
    long next;
    /* Ten minutes of running start a new crash loop; a minute less not. */
    assert_int_equal(restart_backoff_ms(7, RESTART_RESET_MS, &next), 1000);
    assert_int_equal(next, 1);
    assert_int_equal(restart_backoff_ms(3, RESTART_RESET_MS - 1, &next), 8000);
    /* Counts far past the cap: no overflow, the cap, the count bounded. */
    assert_int_equal(restart_backoff_ms(1000000, 0, &next), 300000);
    assert_int_equal(next, 1000000);
    assert_int_equal(restart_backoff_ms(-5, 0, &next), 1000);
    assert_int_equal(next, 1);
}

static void roundtrip(const struct event_record *in, struct event_record *out)
{
    char line[EVENT_RECORD_MAX];
    size_t n;
    xo_err err = XO_ERR_INIT;
    if (journal_encode(in, line, sizeof(line), &n, &err) < 0)
        fail_msg("encode: %s", xo_err_msg(&err));
    assert_true(n <= EVENT_RECORD_MAX);
    assert_int_equal(line[n - 1], '\n');
    assert_null(memchr(line, '\n', n - 1));
    if (journal_decode(line, n - 1, out, &err) < 0)
        fail_msg("decode of %.*s: %s", (int)n, line, xo_err_msg(&err));
}

static void test_record_roundtrip(void **state)
{
    (void)state;
    struct event_record ev, back;
    journal_record_init(&ev, EVENT_RESTARTING, "web");
    ev.time_ms = 1796000000123LL;
    ev.exit_code = 137;
    ev.restarts = 3;
    ev.delay_ms = 4000;
    journal_set_text(ev.detail, "a \"quoted\"\nline\\ with /slash");
    roundtrip(&ev, &back);
    assert_memory_equal(&ev, &back, sizeof(ev));
    char line[EVENT_RECORD_MAX];
    size_t n;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(journal_encode(&ev, line, sizeof(line), &n, &err), 0);
    assert_memory_equal(line, "{\"time\":\"2026-11-30T", 20);
    journal_record_init(&ev, EVENT_CREATED, "a");
    roundtrip(&ev, &back);
    assert_int_equal(back.exit_code, -1);
    assert_int_equal(back.restarts, -1);
    assert_int_equal(back.delay_ms, -1);
    assert_string_equal(back.error, "");
}

static void test_record_bounds(void **state)
{
    (void)state;
    struct event_record ev, back;
    char big[8192];
    /* Control characters escape to six bytes each: cut to fit a line. */
    memset(big, 1, sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    journal_record_init(&ev, EVENT_BROKEN, "x");
    journal_set_text(ev.error, big);
    journal_set_text(ev.detail, big);
    assert_int_equal(strlen(ev.error), EVENT_TEXT_MAX);
    roundtrip(&ev, &back);
    assert_true(strlen(back.error) > 0 && strlen(back.error) < EVENT_TEXT_MAX);
    /* Not UTF-8 becomes '?', a character is never cut in two. */
    journal_set_text(ev.error, "a\xff\xc0\x80z\xed\xa0\x80");
    assert_string_equal(ev.error, "a???z???");
    memset(big, 'a', EVENT_TEXT_MAX - 1);
    strcpy(big + EVENT_TEXT_MAX - 1, "\xc3\xa9");
    journal_set_text(ev.error, big);
    assert_int_equal(strlen(ev.error), EVENT_TEXT_MAX - 1);
    /* A record needs a type and a name. */
    char line[EVENT_RECORD_MAX];
    size_t n;
    xo_err err = XO_ERR_INIT;
    journal_record_init(&ev, EVENT_NONE, "x");
    assert_int_equal(journal_encode(&ev, line, sizeof(line), &n, &err), -1);
    xo_err_clear(&err);
    journal_record_init(&ev, EVENT_CREATED, "");
    assert_int_equal(journal_encode(&ev, line, sizeof(line), &n, &err), -1);
    xo_err_clear(&err);
}

static void decode_bad(const char *line, const char *want)
{
    struct event_record ev;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(journal_decode(line, strlen(line), &ev, &err), -1);
    if (!strstr(xo_err_msg(&err), want))
        fail_msg("%s: \"%s\" has no \"%s\"", line, xo_err_msg(&err), want);
    xo_err_clear(&err);
}

static void test_decode_refuses(void **state)
{
    (void)state;
    decode_bad("", "event record");
    decode_bad("[1]", "not a JSON object");
    decode_bad("{\"time\":\"2026-11-30T13:00:00Z\",\"type\":\"exploded\","
               "\"name\":\"a\"}",
               "unknown type");
    decode_bad("{\"time\":\"yesterday\",\"type\":\"created\",\"name\":\"a\"}",
               "bad time");
    decode_bad("{\"type\":\"created\",\"name\":\"a\"}", "time");
    /* Outside 1970..9999: encoded again it would be no RFC 3339 time. */
    decode_bad("{\"time\":\"0999-01-01T00:00:00Z\",\"type\":\"created\","
               "\"name\":\"a\"}",
               "bad time");
    decode_bad("{\"time\":\"1969-12-31T23:59:58.5Z\",\"type\":\"created\","
               "\"name\":\"a\"}",
               "bad time");
    decode_bad("{\"time\":\"9999-12-31T23:00:00-01:00\",\"type\":\"created\","
               "\"name\":\"a\"}",
               "bad time");
    decode_bad("{\"time\":\"2026-11-30T13:00:00Z\",\"type\":\"exited\","
               "\"name\":\"a\",\"exit-code\":256}",
               "exit-code");
    decode_bad("{\"time\":\"2026-11-30T13:00:00Z\",\"type\":\"exited\","
               "\"name\":\"a\",\"exit-code\":\"1\"}",
               "exit-code");
    decode_bad(
        "{\"time\":\"2026-11-30T13:00:00Z\",\"type\":\"created\","
        "\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaa\"}",
        "longer than 64");
    decode_bad("{\"time\":\"2026-11-30T13:00:00Z\",\"type\":\"created\","
               "\"name\":\"\"}",
               "empty name");
    decode_bad("{\"time\":\"2026-11-30T13:00:00Z\",\"type\":\"created\","
               "\"name\":\"a\\u0000b\"}",
               "NUL");
    decode_bad("{\"time\":\"2026-11-30T13:00:00Z\",\"type\":\"created\","
               "\"name\":\"a\xff\"}",
               "event record");
    /* Keys a reader does not know are ignored. */
    struct event_record ev;
    xo_err err = XO_ERR_INIT;
    const char *later = "{\"time\":\"2026-11-30T13:00:00+01:00\",\"type\":"
                        "\"created\",\"name\":\"a\",\"future\":[1]}";
    assert_int_equal(journal_decode(later, strlen(later), &ev, &err), 0);
    assert_int_equal(ev.time_ms, 1796040000000LL);
}

static void time_ok(const char *text, long long want)
{
    long long ms;
    xo_err err = XO_ERR_INIT;
    if (journal_parse_time(text, 1796000000000LL, &ms, &err) < 0)
        fail_msg("%s: %s", text, xo_err_msg(&err));
    if (ms != want)
        fail_msg("%s: %lld, not %lld", text, ms, want);
}

static void test_times(void **state)
{
    (void)state;
    /* 2026-11-30T13:00:00Z is 1796043600. */
    time_ok("2026-11-30T13:00:00Z", 1796043600000LL);
    time_ok("2026-11-30t13:00:00z", 1796043600000LL);
    time_ok("2026-11-30 13:00:00.250Z", 1796043600250LL);
    time_ok("2026-11-30T13:00:00.123456789Z", 1796043600123LL);
    time_ok("2026-11-30T14:30:00+01:30", 1796043600000LL);
    time_ok("2026-11-30T11:00:00-02:00", 1796043600000LL);
    time_ok("2026-11-30", 1795996800000LL);
    time_ok("1796040000", 1796040000000LL);
    time_ok("10m", 1796000000000LL - 600000);
    time_ok("1h30m", 1796000000000LL - 5400000);
    time_ok("2d", 1796000000000LL - 172800000);
    time_ok("0s", 1796000000000LL);
    static const char *const bad[] = {"",
                                      "yesterday",
                                      "10x",
                                      "m",
                                      "-10m",
                                      "2026-11-31",
                                      "2026-02-29",
                                      "2026-13-01",
                                      "2026-11-30T25:00:00Z",
                                      "2026-11-30T13:00:00",
                                      "2026-11-30T13:00Z",
                                      "2026-11-30T13:00:00.Z",
                                      "2026-11-30T13:00:00+1:00",
                                      "2026-11-30T13:00:00Z ",
                                      "26-11-30",
                                      "9999999999999d",
                                      "1234567890123"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long long ms;
        xo_err err = XO_ERR_INIT;
        if (journal_parse_time(bad[i], 0, &ms, &err) == 0)
            fail_msg("\"%s\" accepted as %lld", bad[i], ms);
        assert_non_null(strstr(xo_err_msg(&err), "bad time"));
        xo_err_clear(&err);
    }
}

static char root[64];

static int setup(void **state)
{
    (void)state;
    strcpy(root, "/tmp/test-journal.XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root); /* cannot truncate */
    return system(cmd) == 0 ? 0 : -1;
}

/* Reads every record the reader has now into names "n0 n1 ...". */
static size_t read_all(struct journal_reader *r, char *out, size_t len)
{
    const char *line;
    size_t n, count = 0, used = 0;
    xo_err err = XO_ERR_INIT;
    int got;
    out[0] = '\0';
    while ((got = journal_reader_next(r, &line, &n, &err)) == 1) {
        struct event_record ev;
        assert_int_equal(journal_decode(line, n, &ev, &err), 0);
        used += (size_t)snprintf(out + used, len - used, "%s ", ev.name);
        assert_true(used < len);
        count++;
    }
    assert_int_equal(got, 0);
    return count;
}

static void append(int i)
{
    char name[16];
    struct event_record ev;
    xo_err err = XO_ERR_INIT;
    snprintf(name, sizeof(name), "n%d", i); /* cannot truncate */
    journal_record_init(&ev, EVENT_STARTED, name);
    if (journal_append(root, &ev, &err) < 0)
        fail_msg("append: %s", xo_err_msg(&err));
}

/* $XL_OCI_EVENTS_MAX: XL_OCI_LOG_MAX's grammar; no size keeps the
 * default (helper-110: "10M" and typos meant the 4 KiB minimum). */
static size_t events_max_of(const char *value)
{
    setenv("XL_OCI_EVENTS_MAX", value, 1);
    size_t v = journal_max_bytes();
    unsetenv("XL_OCI_EVENTS_MAX");
    return v;
}

static void test_max_bytes(void **state)
{
    (void)state;
    unsetenv("XL_OCI_EVENTS_MAX");
    assert_int_equal(journal_max_bytes(), EVENT_JOURNAL_DEFAULT_MAX);
    assert_int_equal(events_max_of(""), EVENT_JOURNAL_DEFAULT_MAX);
    assert_int_equal(events_max_of("65536"), 65536);
    assert_int_equal(events_max_of("10M"), 10 << 20);
    assert_int_equal(events_max_of("64k"), 64 << 10);
    assert_int_equal(events_max_of("100"), EVENT_JOURNAL_MIN_MAX);
    assert_int_equal(events_max_of("abc"), EVENT_JOURNAL_DEFAULT_MAX);
    assert_int_equal(events_max_of("1.5M"), 3 << 19);
    assert_int_equal(events_max_of("1.1M"), EVENT_JOURNAL_DEFAULT_MAX);
    assert_true(events_max_of("2T") == EVENT_JOURNAL_MAX_MAX);
    assert_true(events_max_of("99999999999999999999999") ==
                EVENT_JOURNAL_MAX_MAX);
}

static void test_rotation(void **state)
{
    (void)state;
    char path[128], names[65536], want[65536] = "";
    struct stat st;
    setenv("XL_OCI_EVENTS_MAX", "4096", 1);
    assert_int_equal(journal_max_bytes(), 4096);
    struct journal_reader r, live;
    xo_err err = XO_ERR_INIT;
    /* A follower opened before the journal exists, at its end. */
    assert_int_equal(journal_reader_open(&live, root, false, &err), 0);
    size_t used = 0, seen = 0, total = 200;
    char live_names[65536] = "";
    for (size_t i = 0; i < total; i++) {
        append((int)i);
        used += (size_t)snprintf(want + used, sizeof(want) - used, "n%zu ", i);
        if (i % 7 == 0) { /* the follower reads now and then */
            size_t l = strlen(live_names);
            seen += read_all(&live, live_names + l, sizeof(live_names) - l);
        }
    }
    size_t l = strlen(live_names);
    seen += read_all(&live, live_names + l, sizeof(live_names) - l);
    journal_reader_close(&live);
    /* Several rotations happened; the follower lost none of the records
     * that it could read between them (each wake-up is within 4 KiB). */
    assert_int_equal(seen, total);
    assert_string_equal(live_names, want);
    snprintf(path, sizeof(path), "%s/events/journal", root);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size <= 4096);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/events/journal.1", root);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size <= 4096 && st.st_size > 2048);
    /* A reader from the start: journal.1 then journal, the newest last,
     * nothing older than the two files. */
    assert_int_equal(journal_reader_open(&r, root, true, &err), 0);
    size_t n = read_all(&r, names, sizeof(names));
    journal_reader_close(&r);
    assert_true(n > 60 && n < total);
    assert_non_null(strstr(want, names));
    assert_int_equal(strcmp(want + strlen(want) - strlen(names), names), 0);
    unsetenv("XL_OCI_EVENTS_MAX");
}

static void test_reader_skips(void **state)
{
    (void)state;
    char path[128], names[1024];
    append(1);
    snprintf(path, sizeof(path), "%s/events/journal", root);
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    /* An overlong line, a line that is no record, then a good one. */
    static char junk[3 * EVENT_RECORD_MAX];
    memset(junk, 'x', sizeof(junk) - 1);
    junk[sizeof(junk) - 1] = '\n';
    assert_int_equal(write(fd, junk, sizeof(junk)), sizeof(junk));
    assert_int_equal(write(fd, "{}\n", 3), 3);
    close(fd);
    append(2);
    struct journal_reader r;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(journal_reader_open(&r, root, true, &err), 0);
    const char *line;
    size_t n, count = 0;
    names[0] = '\0';
    while (journal_reader_next(&r, &line, &n, &err) == 1) {
        struct event_record ev;
        if (journal_decode(line, n, &ev, &err) == 0)
            strcat(names, ev.name);
        xo_err_clear(&err);
        assert_true(n < EVENT_RECORD_MAX);
        count++;
    }
    journal_reader_close(&r);
    assert_string_equal(names, "n1n2");
    assert_int_equal(count, 3); /* n1, {}, n2: the long line skipped */
}

/* The count of `type` events in the journal under root. */
static size_t count_events(enum event_type type, struct event_record *last)
{
    struct journal_reader r;
    xo_err err = XO_ERR_INIT;
    const char *line;
    size_t n, count = 0;
    assert_int_equal(journal_reader_open(&r, root, true, &err), 0);
    while (journal_reader_next(&r, &line, &n, &err) == 1) {
        struct event_record ev;
        assert_int_equal(journal_decode(line, n, &ev, &err), 0);
        if (ev.type == type) {
            count++;
            *last = ev;
        }
    }
    journal_reader_close(&r);
    return count;
}

static void test_restart_state(void **state)
{
    (void)state;
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/status", root); /* cannot truncate */
    assert_int_equal(mkdir(dir, 0700), 0);
    struct xo_xs *xs = xo_xs_open_dir(dir);
    assert_non_null(xs);
    xo_err err = XO_ERR_INIT;
    struct domain_status st;
    struct event_record ev;
    long long due = 0, before = journal_now_ms();
    assert_int_equal(status_create(xs, "c", &err), 0);
    assert_int_equal(status_set(xs, "c", DOMAIN_STATUS_KEY_RESTART_POLICY,
                                "on-failure:2", &err),
                     0);
    /* First failure: 1 s, restarting, journaled. */
    assert_int_equal(monitor_restart_plan(xs, root, "c", 1, 5000, &due, &err),
                     1);
    assert_true(due >= before + 1000 && due <= journal_now_ms() + 1000);
    assert_int_equal(status_read(xs, "c", &st, &err), 0);
    assert_int_equal(st.state, DOMAIN_STATE_RESTARTING);
    enum domain_state cur = DOMAIN_STATE_UNKNOWN;
    assert_int_equal(status_read_state(xs, "c", &cur, &err), 0);
    /* the pause look's read */
    assert_int_equal(cur, DOMAIN_STATE_RESTARTING);
    assert_int_equal(status_read_state(xs, "absent", &cur, &err), -1);
    assert_int_equal(err.errnum, ENOENT);
    xo_err_clear(&err);
    assert_int_equal(st.last_exit_code, 1);
    assert_int_equal(st.restarts, 0);
    long long again = monitor_restart_due(xs, "c");
    assert_int_equal(again, due); /* what a successor reads */
    assert_int_equal(count_events(EVENT_RESTARTING, &ev), 1);
    assert_int_equal(ev.delay_ms, 1000);
    assert_int_equal(ev.restarts, 1);
    assert_int_equal(ev.exit_code, 1);
    assert_int_equal(monitor_restart_done(xs, "c", &err), 0);
    assert_int_equal(status_read(xs, "c", &st, &err), 0);
    assert_int_equal(st.restarts, 1);
    assert_string_equal(st.next_restart, "");
    /* Second failure: 2 s; then MAX is reached. */
    assert_int_equal(monitor_restart_plan(xs, root, "c", 2, 5000, &due, &err),
                     1);
    assert_int_equal(count_events(EVENT_RESTARTING, &ev), 2);
    assert_int_equal(ev.delay_ms, 2000);
    assert_int_equal(monitor_restart_done(xs, "c", &err), 0);
    assert_int_equal(monitor_restart_plan(xs, root, "c", 3, 5000, &due, &err),
                     0);
    assert_int_equal(status_read(xs, "c", &st, &err), 0);
    assert_int_equal(st.restarts, 2);
    assert_int_equal(st.last_exit_code, 3);
    /* always: a stop ends it. */
    assert_int_equal(
        status_set(xs, "c", DOMAIN_STATUS_KEY_RESTART_POLICY, "always", &err),
        0);
    assert_false(monitor_restart_stop_requested(xs, "c"));
    assert_int_equal(monitor_restart_plan(xs, root, "c", 0, 5000, &due, &err),
                     1);
    assert_int_equal(count_events(EVENT_RESTARTING, &ev), 3);
    assert_int_equal(ev.delay_ms, 4000); /* the loop's third */
    assert_int_equal(
        status_set(xs, "c", DOMAIN_STATUS_KEY_STOP_REQUESTED, "1", &err), 0);
    assert_true(monitor_restart_stop_requested(xs, "c"));
    assert_int_equal(monitor_restart_plan(xs, root, "c", 0, 5000, &due, &err),
                     0);
    /* No policy (an old container without the key): never. */
    assert_int_equal(status_create(xs, "d", &err), 0);
    assert_int_equal(monitor_restart_plan(xs, root, "d", 1, 0, &due, &err), 0);
    assert_int_equal(monitor_restart_due(xs, "d") <= journal_now_ms(), 1);
    xo_xs_close(xs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_grammar),
        cmocka_unit_test(test_policy_wants),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_record_roundtrip),
        cmocka_unit_test(test_record_bounds),
        cmocka_unit_test(test_decode_refuses),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_max_bytes),
        cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_skips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_state, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
