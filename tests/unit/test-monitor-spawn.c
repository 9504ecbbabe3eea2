/*
 * test-monitor-spawn.c: xl-oci starts xl-oci-monitor detached, with the
 * arguments it needs and its output in the domain's monitor log, and
 * says so when the monitor cannot be run.  A shell script stands in for
 * the monitor (XL_OCI_MONITOR).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fileio.h"
#include "xl-plugin/monitor_spawn.h"

static char dir[64];

static void write_exe(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
}

/* Reads `path` once it exists (the detached monitor writes it). */
static char *wait_file(const char *path)
{
    struct timespec step = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 1000; i++) {
        char *buf = NULL;
        xo_err err = XO_ERR_INIT;
        if (xo_read_file(&buf, NULL, path, 65536, &err) == 0 && buf[0] &&
            strchr(buf, '\n'))
            return buf;
        xo_err_clear(&err);
        free(buf);
        nanosleep(&step, NULL);
    }
    fail_msg("%s never appeared", path);
    return NULL;
}

static void test_spawn_runs_monitor_detached(void **state)
{
    (void)state;
    char script[128], text[512], path[160], self[4096], want[4400];
    snprintf(script, sizeof(script), "%s/monitor", dir);
    snprintf(text, sizeof(text),
             "#!/bin/sh\necho \"$@\" >%s/args.tmp && mv %s/args.tmp "
             "%s/args\necho monitor-says-hello >&2\nprintf R >&3\n",
             dir, dir, dir);
    write_exe(script, text);
    setenv("XL_OCI_MONITOR", script, 1);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(monitor_spawn("/state/root", "web1", &err), 0);
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    assert_true(n > 0);
    self[n] = '\0';
    /* The monitor runs the xl-oci beside the program that started it
     * (here the test binary; in life xl-oci itself or xl-oci-runc). */
    *strrchr(self, '/') = '\0';
    snprintf(want, sizeof(want),
             "--root /state/root --xl-oci %s/xl-oci --ready-fd 3 web1\n", self);
    snprintf(path, sizeof(path), "%s/args", dir);
    char *args = wait_file(path);
    assert_string_equal(args, want);
    free(args);
    /* Its stderr is the domain's monitor log. */
    snprintf(path, sizeof(path), "%s/log/web1.monitor.log", dir);
    char *log = wait_file(path);
    assert_non_null(strstr(log, "monitor-says-hello"));
    free(log);
}

/* A monitor that exits without the ready byte (monitor_spawn.h) fails the
 * spawn: create must not return before the monitor holds its lock. */
static void test_monitor_dead_before_ready_fails(void **state)
{
    (void)state;
    char script[128];
    snprintf(script, sizeof(script), "%s/quitter", dir);
    write_exe(script, "#!/bin/sh\nexit 0\n");
    setenv("XL_OCI_MONITOR", script, 1);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(monitor_spawn("/state/root", "web1", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "exited before it was ready"));
    xo_err_clear(&err);
}

static void test_missing_monitor_is_named(void **state)
{
    (void)state;
    char script[128];
    snprintf(script, sizeof(script), "%s/no-such-monitor", dir);
    setenv("XL_OCI_MONITOR", script, 1);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(monitor_spawn("/state/root", "web1", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "no-such-monitor"));
    xo_err_clear(&err);
}

static void test_exec_failure_reaches_caller(void **state)
{
    (void)state;
    /* Executable but not a program: only execve itself can tell. */
    char script[128];
    snprintf(script, sizeof(script), "%s/not-a-program", dir);
    write_exe(script, "\x7f"
                      "ELF garbage");
    setenv("XL_OCI_MONITOR", script, 1);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(monitor_spawn("/state/root", "web1", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "not-a-program"));
    assert_non_null(strstr(xo_err_msg(&err), "format"));
    xo_err_clear(&err);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/xloci-spawn-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    char logdir[96];
    snprintf(logdir, sizeof(logdir), "%s/log", dir);
    setenv("XL_OCI_LOG_DIR", logdir, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spawn_runs_monitor_detached),
        cmocka_unit_test(test_monitor_dead_before_ready_fails),
        cmocka_unit_test(test_missing_monitor_is_named),
        cmocka_unit_test(test_exec_failure_reaches_caller),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
