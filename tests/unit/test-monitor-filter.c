/*
 * test-monitor-filter.c: what xl-oci-runc's placeholder passes on of a
 * domain's console (xl-plugin/monitor_filter.c): the loader's markers and
 * the kernel's lines dropped, everything else passed, a line's start
 * passed as soon as it cannot be either (a prompt without a newline),
 * and the same output for any split of the stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "xl-plugin/monitor_filter.h"

struct sink {
    char buf[4096];
    size_t len;
};

static void sink_out(void *arg, const char *buf, size_t len)
{
    struct sink *s = arg;
    assert_true(s->len + len <= sizeof(s->buf));
    memcpy(s->buf + s->len, buf, len);
    s->len += len;
}

/* Feeds `in` in pieces of `step` bytes; the output as a string. */
static const char *run(struct sink *s, const char *in, size_t step, bool flush)
{
    struct monitor_filter f;
    s->len = 0;
    monitor_filter_init(&f, sink_out, s);
    size_t n = strlen(in);
    for (size_t i = 0; i < n; i += step)
        monitor_filter_feed(&f, in + i, n - i < step ? n - i : step);
    if (flush)
        monitor_filter_flush(&f);
    s->buf[s->len] = '\0';
    return s->buf;
}

static const char console[] = "[    0.123456] Linux version 6.1\r\n"
                              "xl-oci-loader: exec /bin/sh -c read x\n"
                              "ready\r\n"
                              "[1.5]not quite: no space\n"
                              "[ 12.000001]x not a kernel line either\n"
                              "[\n"
                              "xl-oci-load\n"
                              "xl-oci-loader:no space, but the prefix has one\n"
                              "got hello\r\n"
                              "[   99.000000] reboot: Power down\r\n"
                              "xl-oci-loader: exited 0\n";

static const char expected[] =
    "ready\r\n"
    "[1.5]not quite: no space\n"
    "[ 12.000001]x not a kernel line either\n"
    "[\n"
    "xl-oci-load\n"
    "xl-oci-loader:no space, but the prefix has one\n"
    "got hello\r\n";

static void test_lines(void **state)
{
    (void)state;
    struct sink s;
    for (size_t step = 1; step <= sizeof(console); step++)
        assert_string_equal(run(&s, console, step, true), expected);
}

/* A prompt has no newline: it passes before the line ends. */
static void test_prompt_passes_at_once(void **state)
{
    (void)state;
    struct sink s;
    assert_string_equal(run(&s, "xl-oci-loader: exec sh\n$ ", 1, false), "$ ");
    assert_string_equal(run(&s, "# ", 1, false), "# ");
    /* Still a possible start of a marker or a kernel line: held... */
    assert_string_equal(run(&s, "xl-oci", 1, false), "");
    assert_string_equal(run(&s, "[  3.1", 1, false), "");
    /* ...and passed when the console ends there. */
    assert_string_equal(run(&s, "[  3.1", 1, true), "[  3.1");
}

/* A start that never decides is passed once the held buffer is full. */
static void test_endless_start(void **state)
{
    (void)state;
    struct sink s;
    char in[MONITOR_FILTER_HELD + 10];
    in[0] = '[';
    memset(in + 1, ' ', sizeof(in) - 2);
    in[sizeof(in) - 1] = '\0';
    assert_string_equal(run(&s, in, 3, false), in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_prompt_passes_at_once),
        cmocka_unit_test(test_endless_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
