/*
 * test-console-log.c: the console log's cap ($XL_OCI_LOG_MAX) and its
 * rotation to NAME.log.1 (xl-plugin/console_log.c), the one writer both
 * the Xen monitor and a NOHYPER container's output copier use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl-plugin/console_log.h"

static void test_max(void **state)
{
    (void)state;
    unsetenv("XL_OCI_LOG_MAX");
    assert_int_equal(console_log_max(), CONSOLE_LOG_DEFAULT_MAX);
    setenv("XL_OCI_LOG_MAX", "", 1);
    assert_int_equal(console_log_max(), CONSOLE_LOG_DEFAULT_MAX);
    setenv("XL_OCI_LOG_MAX", "65536", 1);
    assert_int_equal(console_log_max(), 65536);
    /* Below the minimum, negative or not a number: the minimum, never
     * the default silently (a small cap was asked for). */
    setenv("XL_OCI_LOG_MAX", "100", 1);
    assert_int_equal(console_log_max(), CONSOLE_LOG_MIN_MAX);
    setenv("XL_OCI_LOG_MAX", "-5", 1);
    assert_int_equal(console_log_max(), CONSOLE_LOG_MIN_MAX);
    setenv("XL_OCI_LOG_MAX", "1M", 1);
    assert_int_equal(console_log_max(), CONSOLE_LOG_MIN_MAX);
    setenv("XL_OCI_LOG_MAX", "99999999999999999999999", 1);
    assert_int_equal(console_log_max(), CONSOLE_LOG_MIN_MAX);
    unsetenv("XL_OCI_LOG_MAX");
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static void test_rotation(void **state)
{
    (void)state;
    char dir[] = "/tmp/test-console-log-XXXXXX", log[256], old[256];
    assert_non_null(mkdtemp(dir));
    setenv("XL_OCI_LOG_DIR", dir, 1);
    snprintf(log, sizeof(log), "%s/c1.log", dir);
    snprintf(old, sizeof(old), "%s/c1.log.1", dir);
    /* An existing log counts toward the cap. */
    FILE *f = fopen(log, "w");
    assert_non_null(f);
    fputs("before\n", f);
    fclose(f);
    struct console_log l = {.name = "c1", .fd = -1, .max = 100};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(console_log_open(&l, &err), 0);
    assert_int_equal(l.size, 7);
    char line[40];
    for (int i = 0; i < 30; i++) {
        int n = snprintf(line, sizeof(line), "line %02d\n", i); /* 8 bytes */
        console_log_write(&l, line, (size_t)n);
        assert_true(size_of(log) <= 100);
    }
    /* 7 + 11 lines fill the first file to 95, 12 lines (96) the second:
     * lines 23-29 are in the log, 11-22 in log.1, the first file gone. */
    assert_int_equal(size_of(log), 7 * 8);
    assert_int_equal(size_of(old), 12 * 8);
    char buf[256] = "";
    f = fopen(log, "r");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof(buf) - 1, f), 56);
    fclose(f);
    assert_true(strncmp(buf, "line 23\n", 8) == 0);
    /* Many lines in one write (a pipe read) are cut at the last
     * newline that fits: 56 + 5 lines fit, the other 7 open a new file. */
    char many[12 * 8 + 1] = "";
    for (int i = 0; i < 12; i++)
        memcpy(many + 8 * i,
               (char[]){'m', 'o', 'r', 'e', ' ', (char)('0' + i / 10),
                        (char)('0' + i % 10), '\n'},
               8);
    console_log_write(&l, many, 12 * 8);
    assert_int_equal(size_of(old), 56 + 5 * 8);
    assert_int_equal(size_of(log), 7 * 8);
    /* A line longer than the cap: the rest of the file's room stays
     * unused, then pieces of the cap. */
    char big[300];
    memset(big, 'x', sizeof(big));
    console_log_write(&l, big, sizeof(big));
    assert_int_equal(size_of(old), 100);
    assert_int_equal(size_of(log), 100);
    console_log_close(&l);
    unlink(log);
    unlink(old);
    rmdir(dir);
    unsetenv("XL_OCI_LOG_DIR");
}

/* A link planted as NAME.log is not followed: the monitor (root) would
 * append a container's output to the file it names. */
static void test_no_follow(void **state)
{
    (void)state;
    char dir[] = "/tmp/test-console-log-XXXXXX", log[256], victim[256];
    assert_non_null(mkdtemp(dir));
    setenv("XL_OCI_LOG_DIR", dir, 1);
    snprintf(log, sizeof(log), "%s/c2.log", dir);
    snprintf(victim, sizeof(victim), "%s/victim", dir);
    FILE *f = fopen(victim, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(symlink(victim, log), 0);
    struct console_log l = {.name = "c2", .fd = -1, .max = 4096};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(console_log_open(&l, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "c2.log"));
    xo_err_clear(&err);
    assert_int_equal(size_of(victim), 0);
    unlink(log);
    unlink(victim);
    rmdir(dir);
    unsetenv("XL_OCI_LOG_DIR");
}

/* NAME.log.1 a directory: the rename fails.  The write must end (it
 * once rotated forever), the log stay within its cap and hold the newest
 * line. */
static void test_rotation_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/test-console-log-XXXXXX", log[256], old[256];
    assert_non_null(mkdtemp(dir));
    setenv("XL_OCI_LOG_DIR", dir, 1);
    snprintf(log, sizeof(log), "%s/c3.log", dir);
    snprintf(old, sizeof(old), "%s/c3.log.1", dir);
    assert_int_equal(mkdir(old, 0700), 0);
    struct console_log l = {.name = "c3", .fd = -1, .max = 100};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(console_log_open(&l, &err), 0);
    char line[40];
    for (int i = 0; i < 30; i++) {
        int n = snprintf(line, sizeof(line), "line %02d\n", i);
        console_log_write(&l, line, (size_t)n);
        assert_true(size_of(log) <= 100);
    }
    char buf[256] = "";
    FILE *f = fopen(log, "r");
    assert_non_null(f);
    size_t got = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    assert_true(got >= 8 && strcmp(buf + got - 8, "line 29\n") == 0);
    console_log_close(&l);
    unlink(log);
    rmdir(old);
    rmdir(dir);
    unsetenv("XL_OCI_LOG_DIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_no_follow),
        cmocka_unit_test(test_rotation_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
