/*
 * test-xs-dir.c: DomainStatus's file store (common/xs_dir.c) through the
 * xo_xs_* calls status.c makes (common/xs_client.c with
 * xo_xs_open_dir): values round-trip, nodes list sorted without the
 * writes' temporary files, removal is recursive, a hostile path is
 * refused, and status.c's own functions work on it unchanged.  A
 * status_update() changes only the container it names (never the node
 * of one removed, which a plain write made again), and a removal waits
 * for a transaction under way.
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

#include "common/json.h"
#include "common/xs_client.h"
#include "common/xs_dir.h"
#include "xl-plugin/status.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/xo-xsdir.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_values(void **state)
{
    (void)state;
    struct xo_xs *xs = xo_xs_open_dir(dir);
    assert_non_null(xs);
    assert_true(xo_xs_is_dir(xs));
    assert_true(xo_xs_write(xs, "/tool/xl-oci/web/state", "running", 7));
    unsigned len = 0;
    char *v = xo_xs_read(xs, "/tool/xl-oci/web/state", &len);
    assert_non_null(v);
    assert_int_equal(len, 7);
    assert_string_equal(v, "running");
    free(v);
    /* Overwritten atomically, shorter. */
    assert_true(xo_xs_write(xs, "/tool/xl-oci/web/state", "halted", 6));
    v = xo_xs_read(xs, "/tool/xl-oci/web/state", &len);
    assert_string_equal(v, "halted");
    free(v);
    /* A node with children reads as "". */
    v = xo_xs_read(xs, "/tool/xl-oci/web", &len);
    assert_non_null(v);
    assert_int_equal(len, 0);
    free(v);
    errno = 0;
    assert_null(xo_xs_read(xs, "/tool/xl-oci/db/state", &len));
    assert_int_equal(errno, ENOENT);
    xo_xs_close(xs);
}

static void test_directory_and_rm(void **state)
{
    (void)state;
    struct xo_xs *xs = xo_xs_open_dir(dir);
    assert_true(xo_xs_write(xs, "/tool/xl-oci/b/state", "x", 1));
    assert_true(xo_xs_write(xs, "/tool/xl-oci/a/state", "x", 1));
    assert_true(xo_xs_mkdir(xs, "/tool/xl-oci/c"));
    /* A write that died before its rename left a dot file. */
    char stray[128];
    snprintf(stray, sizeof(stray), "%s/tool/xl-oci/.d.XXXXXX", dir);
    FILE *f = fopen(stray, "w");
    assert_non_null(f);
    fclose(f);
    unsigned n = 0;
    char **names = xo_xs_directory(xs, "/tool/xl-oci", &n);
    assert_non_null(names);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "a");
    assert_string_equal(names[1], "b");
    assert_string_equal(names[2], "c");
    assert_null(names[3]);
    free(names);
    assert_true(xo_xs_write(xs, "/tool/xl-oci/a/net/0/mac", "m", 1));
    assert_true(xo_xs_rm(xs, "/tool/xl-oci/a"));
    errno = 0;
    assert_null(xo_xs_read(xs, "/tool/xl-oci/a/net/0/mac", &n));
    assert_int_equal(errno, ENOENT);
    errno = 0;
    assert_false(xo_xs_rm(xs, "/tool/xl-oci/a"));
    assert_int_equal(errno, ENOENT);
    xo_xs_close(xs);
}

static void test_hostile_paths(void **state)
{
    (void)state;
    struct xo_xs *xs = xo_xs_open_dir(dir);
    static const char *const bad[] = {
        "tool/x",    "/tool/../../etc/x", "/tool//x",
        "/tool/./x", "/tool/x/",          "/..",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        assert_false(xo_xs_write(xs, bad[i], "v", 1));
        assert_int_equal(errno, EINVAL);
        assert_null(xo_xs_read(xs, bad[i], NULL));
        assert_false(xo_xs_rm(xs, bad[i]));
    }
    char big[XS_DIR_VALUE_MAX + 1];
    memset(big, 'v', sizeof(big));
    errno = 0;
    assert_false(xo_xs_write(xs, "/tool/big", big, sizeof(big)));
    assert_int_equal(errno, E2BIG);
    errno = 0;
    assert_false(xo_xs_watch(xs, "/tool", "t"));
    assert_int_equal(errno, ENOSYS);
    xo_xs_close(xs);
}

/* status.c's calls, unchanged, on the file store. */
static void test_status_on_files(void **state)
{
    (void)state;
    struct xo_xs *xs = xo_xs_open_dir(dir);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(status_create(xs, "web", &err), 0);
    assert_int_equal(status_set(xs, "web", DOMAIN_STATUS_KEY_MODE,
                                DOMAIN_MODE_NOHYPER, &err),
                     0);
    assert_int_equal(
        status_setf(xs, "web", DOMAIN_STATUS_KEY_EXIT_CODE, &err, "%d", 3), 0);
    assert_int_equal(status_set_state(xs, "web", DOMAIN_STATE_HALTED, &err), 0);
    struct domain_status st;
    assert_int_equal(status_read(xs, "web", &st, &err), 0);
    assert_int_equal(st.state, DOMAIN_STATE_HALTED);
    assert_true(st.nohyper);
    assert_int_equal(st.exit_code, 3);
    assert_int_equal(st.domid, -1);
    /* exec's short read: state, domid and mode, the rest as missing */
    assert_int_equal(
        status_setf(xs, "web", DOMAIN_STATUS_KEY_DOMID, &err, "%d", 7), 0);
    assert_int_equal(status_read_target(xs, "web", &st, &err), 0);
    assert_string_equal(st.name, "web");
    assert_int_equal(st.state, DOMAIN_STATE_HALTED);
    assert_int_equal(st.domid, 7);
    assert_true(st.nohyper);
    assert_int_equal(st.exit_code, -1);
    assert_int_equal(st.pid, -1);
    assert_string_equal(st.uuid, "");
    assert_int_equal(status_set(xs, "web", DOMAIN_STATUS_KEY_MODE, "xen", &err),
                     0);
    assert_int_equal(status_read_target(xs, "web", &st, &err), 0);
    assert_false(st.nohyper);
    assert_int_equal(status_read_target(xs, "nosuch", &st, &err), -1);
    assert_int_equal(err.errnum, ENOENT);
    xo_err_clear(&err);
    char **names = status_list(xs, &err);
    assert_string_equal(names[0], "web");
    assert_null(names[1]);
    xo_strv_free(names);
    assert_int_equal(status_remove(xs, "web", &err), 0);
    assert_false(status_exists(xs, "web"));
    xo_xs_close(xs);
}

/* A container's DomainStatus as create leaves it: state and uuid. */
static void make_status(struct xo_xs *xs, const char *name, const char *uuid)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(status_create(xs, name, &err), 0);
    assert_int_equal(status_set(xs, name, DOMAIN_STATUS_KEY_UUID, uuid, &err),
                     0);
}

static void test_update_only_the_same_container(void **state)
{
    (void)state;
    struct xo_xs *xs = xo_xs_open_dir(dir);
    xo_err err = XO_ERR_INIT;
    struct domain_status st;
    make_status(xs, "web", "u-1");
    assert_int_equal(status_set(xs, "web", DOMAIN_STATUS_KEY_PID, "7", &err),
                     0);
    const struct status_change halted[] = {
        {DOMAIN_STATUS_KEY_PID, NULL},
        {DOMAIN_STATUS_KEY_EXIT_CODE, "137"},
        {DOMAIN_STATUS_KEY_STATE, "halted"},
    };
    assert_int_equal(status_update(xs, "web", "u-1", halted, 3, &err), 0);
    assert_int_equal(status_read(xs, "web", &st, &err), 0);
    assert_int_equal(st.state, DOMAIN_STATE_HALTED);
    assert_int_equal(st.exit_code, 137);
    assert_int_equal(st.pid, -1);
    /* Another container of the name (a destroy, then a create): left as
     * it is. */
    const struct status_change paused[] = {{DOMAIN_STATUS_KEY_STATE, "paused"}};
    assert_int_equal(status_update(xs, "web", "u-0", paused, 1, &err), -1);
    assert_int_equal(err.errnum, ESTALE);
    xo_err_clear(&err);
    assert_int_equal(status_read(xs, "web", &st, &err), 0);
    assert_int_equal(st.state, DOMAIN_STATE_HALTED);
    /* Destroyed: the node is not made again (a status_set() here made
     * web/state, a DomainStatus without its uuid). */
    assert_int_equal(status_remove(xs, "web", &err), 0);
    assert_int_equal(status_update(xs, "web", "u-1", paused, 1, &err), -1);
    assert_int_equal(err.errnum, ESTALE);
    xo_err_clear(&err);
    assert_false(status_exists(xs, "web"));
    /* A partial node of an older late writer (no state) is no container
     * either. */
    assert_int_equal(
        status_set(xs, "db", DOMAIN_STATUS_KEY_STOP_REQUESTED, "1", &err), 0);
    assert_int_equal(status_update(xs, "db", "", paused, 1, &err), -1);
    assert_int_equal(err.errnum, ESTALE);
    xo_err_clear(&err);
    xo_xs_close(xs);
}

/* A destroy's removal, from another process, waits for a transaction
 * under way: the check and the writes after it are one step. */
static void test_removal_waits_for_a_transaction(void **state)
{
    (void)state;
    struct xo_xs *xs = xo_xs_open_dir(dir);
    xo_err err = XO_ERR_INIT;
    int go[2];
    make_status(xs, "web", "u-1");
    assert_int_equal(pipe(go), 0);
    /* Forked before the transaction: a child would share its lock. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char c;
        close(go[1]);
        struct xo_xs *other = xo_xs_open_dir(dir);
        xo_err e = XO_ERR_INIT;
        _exit(read(go[0], &c, 1) == 1 && other &&
                      status_remove(other, "web", &e) == 0
                  ? 0
                  : 1);
    }
    close(go[0]);
    assert_true(xo_xs_transaction_start(xs));
    assert_int_equal(write(go[1], "r", 1), 1);
    close(go[1]);
    usleep(300 * 1000);
    /* Still there, though the removal began: it waits for us. */
    assert_true(status_exists(xs, "web"));
    assert_int_equal(
        status_set(xs, "web", DOMAIN_STATUS_KEY_EXIT_CODE, "3", &err), 0);
    assert_true(xo_xs_transaction_end(xs, false));
    int ws = 0;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    assert_false(status_exists(xs, "web"));
    xo_xs_close(xs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_and_rm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_on_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_only_the_same_container,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_removal_waits_for_a_transaction,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
