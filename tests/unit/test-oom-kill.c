/*
 * test-oom-kill.c: the OOM killer's count read from the kernel's counter
 * files (common/oom_kill.c): /proc/vmstat's and a cgroup's "oom_kill"
 * line, never another line that ends in it or a malformed value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/fileio.h"
#include "common/oom_kill.h"
#include "common/pathfmt.h"

static char path[] = "/tmp/test-oom-kill.XXXXXX";

/* The count read from a file holding `text`. */
static long long count_of(const char *text)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    long long n = xo_oom_kill_count(path);
    unlink(path);
    snprintf(path, sizeof(path),
             "/tmp/test-oom-kill.XXXXXX"); /* cannot truncate: same length */
    return n;
}

static void test_counts(void **state)
{
    (void)state;
    /* cgroup v2 memory.events: oom_group_kill is another counter. */
    assert_int_equal(count_of("low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\n"
                              "oom_group_kill 0\n"),
                     2);
    assert_int_equal(count_of("oom 0\noom_kill 0\n"), 0);
    /* /proc/vmstat's line among many, the last without a newline. */
    assert_int_equal(count_of("nr_free_pages 1234\npgfault 99\noom_kill 7"), 7);
    /* cgroup v1 memory.oom_control. */
    assert_int_equal(count_of("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"),
                     1);
}

static void test_not_counts(void **state)
{
    (void)state;
    assert_int_equal(count_of("oom_group_kill 5\n"), -1);
    assert_int_equal(count_of("xoom_kill 5\n"), -1);
    assert_int_equal(count_of("oom_kill\n"), -1);
    assert_int_equal(count_of("oom_kill x\n"), -1);
    assert_int_equal(count_of("oom_kill 3x\n"), -1);
    assert_int_equal(count_of("oom_kill -3\n"), -1);
    assert_int_equal(count_of(""), -1);
    assert_int_equal(xo_oom_kill_count("/nonexistent/memory.events"), -1);
}

/* Writes `text` to DIR/CGROUP/FILE, making the cgroup's directories. */
static void put(const char *dir, const char *cgroup, const char *file,
                const char *text)
{
    char d[512], p[600];
    xo_err err = XO_ERR_INIT;
    assert_true(xo_path_fmt(d, sizeof(d), NULL, "%s/%s", dir, cgroup) >= 0);
    assert_true(xo_path_fmt(p, sizeof(p), NULL, "%s/%s", d, file) >= 0);
    assert_int_equal(xo_mkdir_p(d, 0755, &err), 0);
    assert_int_equal(xo_write_file_atomic(p, text, strlen(text), 0644, &err),
                     0);
}

/* A cgroup's count in either layout, found from the hierarchies' root
 * (what the NOHYPER monitor reads before runc deletes the cgroup). */
static void test_cgroup_layouts(void **state)
{
    (void)state;
    char fs[] = "/tmp/test-oom-cgroup.XXXXXX";
    assert_non_null(mkdtemp(fs));
    /* Nothing there: not killed. */
    assert_false(xo_cgroup_oom_killed(fs, "/xl-oci/a"));
    /* cgroup v2: the unified hierarchy's memory.events. */
    put(fs, "xl-oci/a", "memory.events", "oom 1\noom_kill 1\n");
    assert_true(xo_cgroup_oom_killed(fs, "/xl-oci/a"));
    put(fs, "xl-oci/b", "memory.events", "oom 0\noom_kill 0\n");
    assert_false(xo_cgroup_oom_killed(fs, "/xl-oci/b"));
    /* cgroup v1: the memory controller's hierarchy; under_oom is not a
     * kill. */
    put(fs, "memory/xl-oci/c", "memory.oom_control",
        "oom_kill_disable 0\nunder_oom 1\noom_kill 0\n");
    assert_false(xo_cgroup_oom_killed(fs, "/xl-oci/c"));
    put(fs, "memory/xl-oci/d", "memory.oom_control",
        "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    assert_true(xo_cgroup_oom_killed(fs, "/xl-oci/d"));
    /* A hybrid host: v2's file says 0, v1's memory controller counts. */
    put(fs, "xl-oci/d", "memory.events", "oom_kill 0\n");
    assert_true(xo_cgroup_oom_killed(fs, "/xl-oci/d"));
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fs); /* cannot truncate */
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_not_counts),
        cmocka_unit_test(test_cgroup_layouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
