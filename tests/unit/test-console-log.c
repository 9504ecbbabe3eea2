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

/* The cap XL_OCI_LOG_MAX=value gives, or 0 when it is refused. */
static size_t max_of(const char *value)
{
    size_t max = 1;
    xo_err err = XO_ERR_INIT;
    setenv("XL_OCI_LOG_MAX", value, 1);
    int rc = console_log_max(&max, &err);
    unsetenv("XL_OCI_LOG_MAX");
    if (rc == 0)
        return max;
    /* Refused naming the value, the default meanwhile. */
    assert_non_null(strstr(xo_err_msg(&err), value));
    assert_int_equal(max, CONSOLE_LOG_DEFAULT_MAX);
    xo_err_clear(&err);
    return 0;
}

static void test_max(void **state)
{
    (void)state;
    size_t max = 1;
    xo_err err = XO_ERR_INIT;
    unsetenv("XL_OCI_LOG_MAX");
    assert_int_equal(console_log_max(&max, &err), 0);
    assert_int_equal(max, CONSOLE_LOG_DEFAULT_MAX);
    assert_int_equal(max_of(""), CONSOLE_LOG_DEFAULT_MAX);
    assert_int_equal(max_of("65536"), 65536);
    /* Docker's "10m", and the other spellings of binary multiples. */
    assert_int_equal(max_of("10m"), 10 << 20);
    assert_int_equal(max_of("10M"), 10 << 20);
    assert_int_equal(max_of("10MiB"), 10 << 20);
    assert_int_equal(max_of("64k"), 64 << 10);
    assert_int_equal(max_of("2GB"), 2ULL << 30);
    /* Below the minimum is the minimum (a small cap was asked for);
     * past 1 TiB, overflow included, is 1 TiB. */
    assert_int_equal(max_of("100"), CONSOLE_LOG_MIN_MAX);
    assert_int_equal(max_of("0k"), CONSOLE_LOG_MIN_MAX);
    assert_int_equal(max_of("2T"), CONSOLE_LOG_MAX_MAX);
    assert_int_equal(max_of("99999999999999999999999"), CONSOLE_LOG_MAX_MAX);
    assert_int_equal(max_of("99999999999999g"), CONSOLE_LOG_MAX_MAX);
    /* No size: refused, never taken as some other cap in silence. */
    assert_int_equal(max_of("-5"), 0);
    assert_int_equal(max_of("ten"), 0);
    assert_int_equal(max_of("10X"), 0);
    assert_int_equal(max_of("10 M"), 0);
    assert_int_equal(max_of("10MBs"), 0);
    assert_int_equal(max_of("M"), 0);
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* A log directory of one test: XL_OCI_LOG_DIR, and the paths of NAME.log,
 * NAME.log.1 and one more file there. */
struct logdir {
    char dir[64], log[128], old[128], other[128];
};

static struct logdir *logdir_new(const char *name)
{
    struct logdir *d = calloc(1, sizeof(*d));
    assert_non_null(d);
    strcpy(d->dir, "/tmp/test-console-log-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    setenv("XL_OCI_LOG_DIR", d->dir, 1);
    snprintf(d->log, sizeof(d->log), "%s/%s.log", d->dir, name);
    snprintf(d->old, sizeof(d->old), "%s/%s.log.1", d->dir, name);
    snprintf(d->other, sizeof(d->other), "%s/other", d->dir);
    return d;
}

/* Removes what a test left there (files or an empty directory). */
static void logdir_free(struct logdir *d)
{
    const char *paths[] = {d->log, d->old, d->other};
    for (size_t i = 0; i < 3; i++)
        if (unlink(paths[i]) < 0)
            rmdir(paths[i]);
    assert_int_equal(rmdir(d->dir), 0);
    unsetenv("XL_OCI_LOG_DIR");
    free(d);
}

static size_t read_log(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t got = fread(buf, 1, size - 1, f);
    buf[got] = '\0';
    fclose(f);
    return got;
}

static void test_rotation(void **state)
{
    (void)state;
    struct logdir *d = logdir_new("c1");
    /* An existing log counts toward the cap. */
    FILE *f = fopen(d->log, "w");
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
        assert_true(size_of(d->log) <= 100);
    }
    /* 7 + 11 lines fill the first file to 95, 12 lines (96) the second:
     * lines 23-29 are in the log, 11-22 in log.1, the first file gone. */
    assert_int_equal(size_of(d->log), 7 * 8);
    assert_int_equal(size_of(d->old), 12 * 8);
    char buf[256];
    assert_int_equal(read_log(d->log, buf, sizeof(buf)), 56);
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
    assert_int_equal(size_of(d->old), 56 + 5 * 8);
    assert_int_equal(size_of(d->log), 7 * 8);
    /* A line longer than the cap: the rest of the file's room stays
     * unused, then pieces of the cap. */
    char big[300];
    memset(big, 'x', sizeof(big));
    console_log_write(&l, big, sizeof(big));
    assert_int_equal(size_of(d->old), 100);
    assert_int_equal(size_of(d->log), 100);
    console_log_close(&l);
    logdir_free(d);
}

/* A link planted as NAME.log is not followed: the monitor (root) would
 * append a container's output to the file it names. */
static void test_no_follow(void **state)
{
    (void)state;
    struct logdir *d = logdir_new("c2");
    FILE *f = fopen(d->other, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(symlink(d->other, d->log), 0);
    struct console_log l = {.name = "c2", .fd = -1, .max = 4096};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(console_log_open(&l, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "c2.log"));
    xo_err_clear(&err);
    /* Nor by a write, which opens a log not open. */
    console_log_write(&l, "lost\n", 5);
    assert_int_equal(size_of(d->other), 0);
    /* Once the link is gone the next write opens NAME.log: a failed
     * open does not end the log for good. */
    assert_int_equal(unlink(d->log), 0);
    console_log_write(&l, "kept\n", 5);
    char buf[64];
    assert_int_equal(read_log(d->log, buf, sizeof(buf)), 5);
    assert_string_equal(buf, "kept\n");
    console_log_close(&l);
    logdir_free(d);
}

/* NAME.log.1 a directory: the rename fails.  The write must end (it
 * once rotated forever), the log stay within its cap and hold the newest
 * line. */
static void test_rotation_refused(void **state)
{
    (void)state;
    struct logdir *d = logdir_new("c3");
    assert_int_equal(mkdir(d->old, 0700), 0);
    struct console_log l = {.name = "c3", .fd = -1, .max = 100};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(console_log_open(&l, &err), 0);
    char line[40];
    for (int i = 0; i < 30; i++) {
        int n = snprintf(line, sizeof(line), "line %02d\n", i);
        console_log_write(&l, line, (size_t)n);
        assert_true(size_of(d->log) <= 100);
    }
    char buf[256];
    size_t got = read_log(d->log, buf, sizeof(buf));
    assert_true(got >= 8 && strcmp(buf + got - 8, "line 29\n") == 0);
    console_log_close(&l);
    logdir_free(d);
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
