/*
 * test-runc-pod.c: a pod's sysctls as xl-oci-runc hands them from the
 * sandbox to its app containers (xl-plugin/runc_pod.h): kept at the
 * sandbox's create (only the namespaced ones, only when there are any),
 * read back by name; nothing from a container that is no sandbox or
 * from an ID this --root does not know; a kept file edited since is
 * refused, naming it.
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

#include "common/fileio.h"
#include "common/json.h"
#include "domcfg/runtime_spec.h"
#include "xl-plugin/runc.h"
#include "xl-plugin/runc_pod.h"

static char root[] = "/tmp/xl-oci-runc-pod.XXXXXX";

#define SPEC(linux)                                                            \
    "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, "                \
    "\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"/x\"], "   \
    "\"cwd\": \"/\"}, \"linux\": " linux "}"

/* A container `id` under --root, as create leaves it, with `spec`'s
 * sysctls kept when it is a sandbox. */
static void make(const struct runc_global *g, const char *id, bool sandbox,
                 const char *spec)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/%s", root, id);
    assert_int_equal(mkdir(dir, 0700), 0);
    struct runc_state s;
    memset(&s, 0, sizeof(s));
    strcpy(s.id, id);
    strcpy(s.name, id);
    strcpy(s.bundle, "/nonexistent/bundle");
    s.sandbox = sandbox;
    s.pid = 1;
    xo_err err = XO_ERR_INIT;
    if (runc_state_write(g, &s, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    if (runtime_spec_parse(&rs, spec, strlen(spec), "config.json", &err) < 0 ||
        (sandbox && runc_pod_keep_sysctls(dir, &rs, &err) < 0))
        fail_msg("%s", xo_err_msg(&err));
    runtime_spec_dispose(&rs);
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(root));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void test_kept_and_read(void **st)
{
    (void)st;
    struct runc_global g = {root, NULL, false};
    make(&g, "sb1", true,
         SPEC("{\"sysctl\": {\"net.ipv4.ip_unprivileged_port_start\": \"0\", "
              "\"vm.overcommit_memory\": \"1\", "
              "\"kernel.shm_rmid_forced\": \"1\"}}"));
    /* The spec's bundle is gone: the kept file is all that is read. */
    char **v = NULL;
    xo_err err = XO_ERR_INIT;
    if (runc_pod_sysctls(&v, &g, "sb1", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_non_null(v);
    assert_string_equal(v[0], "net.ipv4.ip_unprivileged_port_start=0");
    assert_string_equal(v[1], "kernel.shm_rmid_forced=1"); /* no vm.* */
    assert_null(v[2]);
    xo_strv_free(v);

    /* A sandbox with none, a container that is no sandbox, an ID this
     * --root does not know (another runtime's sandbox): nothing. */
    make(&g, "sb2", true, SPEC("{\"sysctl\": {\"vm.swappiness\": \"1\"}}"));
    make(&g, "app", false,
         SPEC("{\"sysctl\": {\"net.core.somaxconn\": \"9\"}}"));
    static const char *const none[] = {"sb2", "app", "unknown"};
    for (size_t i = 0; i < 3; i++) {
        v = (char **)1;
        if (runc_pod_sysctls(&v, &g, none[i], &err) < 0)
            fail_msg("%s: %s", none[i], xo_err_msg(&err));
        assert_null(v);
    }
    char p[512];
    snprintf(p, sizeof(p), "%s/sb2/" RUNC_POD_SYSCTLS, root);
    assert_int_equal(access(p, F_OK), -1);
}

/* The kept file is under --root, not ours alone: an entry that is not a
 * namespaced sysctl (edited in since) fails, naming the file. */
static void test_edited_file_refused(void **st)
{
    (void)st;
    struct runc_global g = {root, NULL, false};
    make(&g, "sb3", true,
         SPEC("{\"sysctl\": {\"net.core.somaxconn\": \"9\"}}"));
    char p[512];
    snprintf(p, sizeof(p), "%s/sb3/" RUNC_POD_SYSCTLS, root);
    static const char *const bad[] = {"[\"vm.swappiness=1\"]",
                                      "[\"net/../../x=1\"]", "[\"net.a\"]",
                                      "[1]", "{}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        xo_err err = XO_ERR_INIT;
        assert_int_equal(
            xo_write_file_atomic(p, bad[i], strlen(bad[i]), 0600, &err), 0);
        char **v = NULL;
        assert_int_equal(runc_pod_sysctls(&v, &g, "sb3", &err), -1);
        if (!strstr(xo_err_msg(&err), "pod sandbox sb3: "))
            fail_msg("%s: %s", bad[i], xo_err_msg(&err));
        assert_null(v);
        xo_err_clear(&err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept_and_read),
        cmocka_unit_test(test_edited_file_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
