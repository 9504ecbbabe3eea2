/*
 * test-placeholder-pod-disk.c: placeholder_pod_disk_announce()
 * (xl-plugin/placeholder_pod_disk.h) on the file store (its polling path):
 * it finds the disk by its backend's "dev", writes the frontend's
 * virtual-device again (a new file in the store: the write that fires
 * the guest's watch), returns once the frontend is Connected, waits for
 * a frontend that gets there, and otherwise fails naming the disk and
 * the state it stayed in; a disk of another name is not taken for it.
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

#include "common/xs_client.h"
#include "xl-plugin/placeholder_pod_disk.h"
#include "xl-plugin/status.h"

static char root[64];
static struct xo_xs *xs;

#define BE "/local/domain/0/backend/vbd/7"
#define FE "/local/domain/7/device/vbd"

static void put(const char *path, const char *value)
{
    assert_true(xo_xs_write(xs, path, value, (unsigned)strlen(value)));
}

/* Domain 7 with xvda (51712, Connected) and xvdb (51728) in `state`. */
static int setup(void **state)
{
    (void)state;
    strcpy(root, "/tmp/test-placeholder-pod-disk.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    xs = xo_xs_open_dir(root);
    if (!xs)
        return -1;
    put(BE "/51712/dev", "xvda");
    put(FE "/51712/virtual-device", "51712");
    put(FE "/51712/state", "4");
    put(BE "/51728/dev", "xvdb");
    put(FE "/51728/virtual-device", "51728");
    put(FE "/51728/state", "1");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xo_xs_close(xs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root); /* cannot truncate */
    return system(cmd) == 0 ? 0 : -1;
}

static ino_t node_ino(const char *path)
{
    char file[256];
    snprintf(file, sizeof(file), "%s%s", root, path); /* cannot truncate */
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    return st.st_ino;
}

static void test_connected_returns_after_the_rewrite(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    put(FE "/51728/state", "4");
    ino_t before = node_ino(FE "/51728/virtual-device");
    ino_t other = node_ino(FE "/51712/virtual-device");
    long long t0 = status_monotonic_ms();
    assert_int_equal(placeholder_pod_disk_announce(xs, 7, "xvdb", 5000, &err),
                     0);
    assert_true(status_monotonic_ms() - t0 < 1000);
    assert_true(node_ino(FE "/51728/virtual-device") != before);
    assert_true(node_ino(FE "/51712/virtual-device") == other);
    unsigned len = 0;
    char *v = xo_xs_read(xs, FE "/51728/virtual-device", &len);
    assert_non_null(v);
    assert_string_equal(v, "51728");
    free(v);
}

/* The guest probes the disk some time after the write: the wait goes
 * on through InitWait... and returns Connected. */
static void test_waits_for_the_guest(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct xo_xs *w = xo_xs_open_dir(root);
        usleep(200000);
        xo_xs_write(w, FE "/51728/state", "3", 1);
        usleep(200000);
        xo_xs_write(w, FE "/51728/state", "4", 1);
        _exit(0);
    }
    long long t0 = status_monotonic_ms();
    assert_int_equal(placeholder_pod_disk_announce(xs, 7, "xvdb", 10000, &err),
                     0);
    long long took = status_monotonic_ms() - t0;
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(took >= 400 && took < 5000);
}

static void test_never_probed_names_its_state(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    long long t0 = status_monotonic_ms();
    assert_int_equal(placeholder_pod_disk_announce(xs, 7, "xvdb", 300, &err),
                     -1);
    assert_true(status_monotonic_ms() - t0 >= 300);
    assert_int_equal(err.errnum, ETIMEDOUT);
    assert_non_null(strstr(xo_err_msg(&err), "disk xvdb of domain 7"));
    assert_non_null(strstr(xo_err_msg(&err), "Initialising"));
    xo_err_clear(&err);
}

static void test_closing_frontend_fails_at_once(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    put(FE "/51728/state", "6");
    long long t0 = status_monotonic_ms();
    assert_int_equal(placeholder_pod_disk_announce(xs, 7, "xvdb", 5000, &err),
                     -1);
    assert_true(status_monotonic_ms() - t0 < 1000);
    assert_int_equal(err.errnum, EIO);
    assert_non_null(strstr(xo_err_msg(&err), "Closed"));
    xo_err_clear(&err);
}

/* The guest writes its frontend's nodes: "4x" is no state. */
static void test_guest_garbage_is_not_connected(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    put(FE "/51728/state", "4x");
    assert_int_equal(placeholder_pod_disk_announce(xs, 7, "xvdb", 200, &err),
                     -1);
    assert_int_equal(err.errnum, ETIMEDOUT);
    assert_non_null(strstr(xo_err_msg(&err), "invalid"));
    xo_err_clear(&err);
}

static void test_unknown_disk_is_enoent(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(placeholder_pod_disk_announce(xs, 7, "xvdc", 1000, &err),
                     -1);
    assert_int_equal(err.errnum, ENOENT);
    assert_non_null(strstr(xo_err_msg(&err), "domain 7 has no disk xvdc"));
    xo_err_clear(&err);
    /* Another domain's disks are not looked at. */
    assert_int_equal(placeholder_pod_disk_announce(xs, 8, "xvdb", 1000, &err),
                     -1);
    assert_int_equal(err.errnum, ENOENT);
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_connected_returns_after_the_rewrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waits_for_the_guest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_never_probed_names_its_state,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_closing_frontend_fails_at_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_garbage_is_not_connected,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_disk_is_enoent, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
