/*
 * test-monitor-lock.c: the monitor lock (xl-plugin/state.h).  A monitor
 * takes <root>/domains/NAME/monitor.lock exclusively and writes its pid
 * there; state_monitor_alive() only looks: it makes no file, writes no
 * pid, and holds the lock shared for an instant, which a monitor taking
 * the lock waits out instead of taking the prober for another monitor
 * (an exclusive probe made a starting NOHYPER monitor leave).
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
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "xl-plugin/state.h"

static char root[64], lock_path[256];

static int setup(void **state)
{
    (void)state;
    char dir[128];
    snprintf(root, sizeof(root), "/tmp/xo-monlock-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    snprintf(dir, sizeof(dir), "%s/domains", root);
    if (mkdir(dir, 0700) < 0)
        return -1;
    snprintf(dir, sizeof(dir), "%s/domains/c", root);
    if (mkdir(dir, 0700) < 0)
        return -1;
    snprintf(lock_path, sizeof(lock_path), "%s/monitor.lock", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    return system(cmd) == 0 ? 0 : -1;
}

static char *read_lock_file(void)
{
    char *buf = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_read_file(&buf, NULL, lock_path, 64, &err), 0);
    return buf;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* No monitor: the probe says so, makes no file, and leaves the pid a
 * monitor wrote (another PID namespace's, say) as it was; another probe
 * at the same time is not taken for a monitor. */
static void test_probe_writes_nothing(void **state)
{
    (void)state;
    assert_false(state_monitor_alive(root, "c"));
    assert_int_equal(access(lock_path, F_OK), -1);
    FILE *f = fopen(lock_path, "w");
    assert_non_null(f);
    fputs("4242\n", f);
    fclose(f);
    assert_false(state_monitor_alive(root, "c"));
    char *text = read_lock_file();
    assert_string_equal(text, "4242\n");
    free(text);
    /* Another look under way (shared) is no monitor either. */
    int fd = open(lock_path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_SH | LOCK_NB), 0);
    assert_false(state_monitor_alive(root, "c"));
    close(fd);
    assert_false(state_monitor_alive(root, "nonesuch"));
}

/* A monitor holding the lock: alive, its pid in the file, and a second
 * monitor is refused at once with EWOULDBLOCK. */
static void test_monitor_holds(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    int fd = state_monitor_lock(root, "c", &err);
    assert_true(fd >= 0);
    assert_true(state_monitor_alive(root, "c"));
    char want[32], *text = read_lock_file();
    snprintf(want, sizeof(want), "%ld\n", (long)getpid());
    assert_string_equal(text, want);
    free(text);
    long long t0 = now_ms();
    assert_int_equal(state_monitor_lock(root, "c", &err), -1);
    assert_int_equal(err.errnum, EWOULDBLOCK);
    assert_true(now_ms() - t0 < 1000);
    xo_err_clear(&err);
    close(fd);
    assert_false(state_monitor_alive(root, "c"));
}

/* A look at the lock (shared, here held 300 ms by a child) when the
 * monitor takes it: the monitor waits it out and gets the lock. */
static void test_monitor_waits_out_a_probe(void **state)
{
    (void)state;
    int fd = open(lock_path, O_RDWR | O_CREAT, 0600);
    assert_true(fd >= 0);
    close(fd);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int p = open(lock_path, O_RDONLY);
        if (p < 0 || flock(p, LOCK_SH | LOCK_NB) < 0)
            _exit(1);
        (void)!write(ready[1], "r", 1);
        usleep(300 * 1000);
        _exit(0);
    }
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    xo_err err = XO_ERR_INIT;
    fd = state_monitor_lock(root, "c", &err);
    if (fd < 0)
        fail_msg("the monitor did not wait out a shared look: %s",
                 xo_err_msg(&err));
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    assert_true(state_monitor_alive(root, "c"));
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probe_writes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_monitor_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_waits_out_a_probe, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
