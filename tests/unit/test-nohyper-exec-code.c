/*
 * test-nohyper-exec-code.c: the shell's exit code for a runc exec that
 * could not start its process (xl-plugin/nohyper_exec_code.c), from
 * runc's JSON log as runc 1.1 writes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xl-plugin/nohyper.h"

#define LINE(level, msg)                                                       \
    "{\"level\":\"" level "\",\"msg\":\"" msg                                  \
    "\",\"time\":\"2026-12-02T02:50:00Z\"}\n"

static void test_runc_errors(void **state)
{
    (void)state;
    assert_int_equal(
        nohyper_exec_code(
            LINE("error", "exec failed: unable to start container process: "
                          "exec: \\\"nosuchcmd\\\": executable file not "
                          "found in $PATH"),
            255),
        127);
    assert_int_equal(
        nohyper_exec_code(LINE("error", "exec failed: unable to start "
                                        "container process: exec: "
                                        "\\\"/etc\\\": permission denied"),
                          255),
        126);
    assert_int_equal(
        nohyper_exec_code(LINE("error", "exec failed: exec: \\\"/x\\\": no "
                                        "such file or directory"),
                          255),
        127);
    /* A cwd that is not there: the program was found. */
    assert_int_equal(
        nohyper_exec_code(
            LINE("error", "exec failed: unable to start container process: "
                          "chdir to cwd (\\\"/nonexist\\\") set in "
                          "config.json failed: no such file or directory"),
            255),
        1);
    assert_int_equal(
        nohyper_exec_code(LINE("fatal", "exec failed: something else"), 255),
        1);
}

/* Without an error line the status is the process's own. */
static void test_process_status_kept(void **state)
{
    (void)state;
    assert_int_equal(nohyper_exec_code("", 255), 255);
    assert_int_equal(
        nohyper_exec_code(LINE("info", "executable file not found"), 255), 255);
    assert_int_equal(nohyper_exec_code(LINE("warning", "x"), 3), 3);
    /* Errors runc survives (a signal it could not forward, a resize) say
     * nothing of the process: its own 255 stays 255. */
    assert_int_equal(
        nohyper_exec_code(LINE("error", "forward signal 2: no such process"),
                          255),
        255);
    assert_int_equal(
        nohyper_exec_code(
            LINE("error", "open /sys/fs/cgroup/x: no such file or directory"),
            255),
        255);
}

/* Lines that are not JSON objects, or lack a string msg, are passed
 * over; the last error line decides. */
static void test_garbage_and_order(void **state)
{
    (void)state;
    const char *log =
        "not json\n"
        "[1,2]\n"
        "{\"level\":\"error\",\"msg\":42}\n" LINE(
            "error", "exec failed: permission denied") "{\"level\":\"error\"";
    assert_int_equal(nohyper_exec_code(log, 255), 126);
    const char *two = LINE("error", "exec failed: permission denied")
        LINE("error", "exec failed: executable file not found in $PATH");
    assert_int_equal(nohyper_exec_code(two, 255), 127);
}

/* runc's error, and what to do where its words alone leave an admin
 * guessing: no cgroup mount is `ip netns exec`'s /sys (helper-106). */
static void test_runc_error_hint(void **state)
{
    (void)state;
    char msg[512];
    assert_true(nohyper_runc_error(
        LINE("error", "runc create failed: unable to start container process: "
                      "no cgroup mount found in mountinfo"),
        msg, sizeof(msg)));
    assert_non_null(strstr(msg, "no cgroup mount found in mountinfo ("));
    assert_non_null(strstr(msg, "nsenter --net=/run/netns/NAME"));
    assert_true(nohyper_runc_error(LINE("error", "unable to apply caps"), msg,
                                   sizeof(msg)));
    assert_string_equal(msg, "unable to apply caps");
    assert_false(nohyper_runc_error(LINE("info", "x"), msg, sizeof(msg)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runc_errors),
        cmocka_unit_test(test_process_status_kept),
        cmocka_unit_test(test_garbage_and_order),
        cmocka_unit_test(test_runc_error_hint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
