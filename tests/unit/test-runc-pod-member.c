/*
 * test-runc-pod-member.c: a pod's containers in its domain, the parts of
 * xl-plugin/runc_pod_member.h that need no Xen: the sandbox's annotation,
 * which app containers are members, the state a member keeps (and a
 * state file whose pod or disk name was edited, refused), the start
 * FIFO between `start` and the placeholder, and what a member may not
 * have, refused before anything is attached.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "domcfg/domain_config.h"
#include "domcfg/runtime_spec.h"
#include "xl-plugin/runc.h"
#include "xl-plugin/runc_pod_member.h"

static char root[] = "/tmp/xl-oci-runc-pod-member.XXXXXX";

#define SPEC(annotations)                                                      \
    "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, "                \
    "\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"/x\"], "   \
    "\"cwd\": \"/\"}, \"annotations\": {" annotations "}}"

static void parse(struct runtime_spec *rs, const char *text)
{
    xo_err err = XO_ERR_INIT;
    runtime_spec_init(rs);
    if (runtime_spec_parse(rs, text, strlen(text), "config.json", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
}

/* Writes container `id`'s state under --root as create would. */
static void make(const struct runc_global *g, const struct runc_state *tmpl,
                 const char *id)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/%s", root, id);
    assert_int_equal(mkdir(dir, 0700), 0);
    struct runc_state s = *tmpl;
    strcpy(s.id, id);
    strcpy(s.name, id);
    strcpy(s.bundle, "/nonexistent/bundle");
    s.pid = 1;
    xo_err err = XO_ERR_INIT;
    if (runc_state_write(g, &s, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
}

static void test_annotation(void **st)
{
    (void)st;
    struct runtime_spec rs;
    parse(&rs, SPEC("\"org.xl-oci.pod-domain\": \"true\""));
    assert_true(runc_pod_domain_wanted(&rs));
    runtime_spec_dispose(&rs);
    parse(&rs, SPEC("\"org.xl-oci.pod-domain\": \"yes\""));
    assert_false(runc_pod_domain_wanted(&rs));
    runtime_spec_dispose(&rs);
    parse(&rs, SPEC(""));
    assert_false(runc_pod_domain_wanted(&rs));
    runtime_spec_dispose(&rs);
}

static void test_members_and_state(void **st)
{
    (void)st;
    struct runc_global g = {.root = root};
    struct runc_state sb = {.sandbox = true, .pod_domain = true};
    struct runc_state bare = {.sandbox = true};
    make(&g, &sb, "podsb");
    make(&g, &bare, "baresb");

    /* Which app containers are members: only those of a sandbox with
     * the pod's domain. */
    struct runtime_spec rs;
    struct runc_state got;
    xo_err err = XO_ERR_INIT;
    parse(&rs, SPEC("\"io.kubernetes.cri.container-type\": \"container\", "
                    "\"io.kubernetes.cri.sandbox-id\": \"podsb\""));
    assert_int_equal(runc_pod_member_sandbox(&g, &rs, &got, &err), 1);
    assert_string_equal(got.name, "podsb");
    assert_true(got.pod_domain);
    runtime_spec_dispose(&rs);
    parse(&rs, SPEC("\"io.kubernetes.cri.container-type\": \"container\", "
                    "\"io.kubernetes.cri.sandbox-id\": \"baresb\""));
    assert_int_equal(runc_pod_member_sandbox(&g, &rs, &got, &err), 0);
    runtime_spec_dispose(&rs);
    parse(&rs, SPEC("\"io.kubernetes.cri.container-type\": \"container\", "
                    "\"io.kubernetes.cri.sandbox-id\": \"elsewhere\""));
    assert_int_equal(runc_pod_member_sandbox(&g, &rs, &got, &err), 0);
    assert_null(err.msg);
    runtime_spec_dispose(&rs);
    parse(&rs, SPEC(""));
    assert_int_equal(runc_pod_member_sandbox(&g, &rs, &got, &err), 0);
    runtime_spec_dispose(&rs);

    /* The sandbox with the pod's domain has a domain; one without does
     * not; a member runs in its pod's. */
    assert_int_equal(runc_state_read(&g, "podsb", &got, &err), 0);
    assert_true(runc_has_domain(&got));
    assert_int_equal(runc_state_read(&g, "baresb", &got, &err), 0);
    assert_false(runc_has_domain(&got));
    struct runc_state m = {.started = true};
    strcpy(m.pod, "podsb");
    strcpy(m.pod_vdev, "xvdc");
    m.pod_memory_mb = 32;
    make(&g, &m, "member");
    assert_int_equal(runc_state_read(&g, "member", &got, &err), 0);
    assert_false(runc_has_domain(&got));
    assert_string_equal(got.pod, "podsb");
    assert_string_equal(got.pod_vdev, "xvdc");
    /* What its delete gives back to the pod's domain. */
    assert_int_equal(got.pod_memory_mb, 32);
    assert_true(got.started);
}

/* A state file is under --root, where anyone with root may edit it: the
 * pod's name and disk go into libxl calls, so only names pass. */
static void test_edited_state_refused(void **st)
{
    (void)st;
    struct runc_global g = {.root = root};
    static const char *const bad[][2] = {
        {"podsb", "xvda"}, /* the pod domain's own root */
        {"podsb", "xvd"},   {"podsb", "sda"}, {"podsb", "xvdb/.."},
        {"../etc", "xvdb"}, {"", "xvdb"},     {".hidden", "xvdb"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char id[32];
        snprintf(id, sizeof(id), "bad%zu", i);
        struct runc_state m = {0};
        snprintf(m.pod, sizeof(m.pod), "%s", bad[i][0]);
        snprintf(m.pod_vdev, sizeof(m.pod_vdev), "%s", bad[i][1]);
        /* runc_state_write() writes "pod" only when set: put it in by
         * hand for the empty name. */
        make(&g, &m, id);
        if (!bad[i][0][0]) {
            char path[600];
            snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
            const char *text =
                "{\"id\": \"bad5\", \"name\": \"bad5\", \"bundle\": \"/b\", "
                "\"volume\": \"\", \"created\": \"\", \"pod\": \"\", "
                "\"pod-vdev\": \"xvdb\"}";
            xo_err werr = XO_ERR_INIT;
            assert_int_equal(
                xo_write_file_atomic(path, text, strlen(text), 0600, &werr), 0);
        }
        struct runc_state got;
        xo_err err = XO_ERR_INIT;
        assert_int_equal(runc_state_read(&g, id, &got, &err), -1);
        assert_non_null(strstr(xo_err_msg(&err), "bad \"pod\""));
        xo_err_clear(&err);
    }
    assert_true(runc_vdev_valid("xvdb"));
    assert_true(runc_vdev_valid("xvdz"));
    assert_false(runc_vdev_valid("xvda"));
}

/* start hands the start to the placeholder through the FIFO; with no
 * placeholder waiting it says so at once rather than blocking. */
static void test_start_fifo(void **st)
{
    (void)st;
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/fifo", root);
    assert_int_equal(mkdir(dir, 0700), 0);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(runc_pod_member_fifo(dir, &err), 0);
    assert_int_equal(runc_pod_member_start(dir, &err), -1);
    assert_int_equal(err.errnum, ESRCH);
    assert_non_null(strstr(xo_err_msg(&err), "not waiting"));
    xo_err_clear(&err);

    char path[600];
    snprintf(path, sizeof(path), "%s/" RUNC_POD_MEMBER_FIFO, dir);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(path, O_RDONLY);
        char c = 0;
        (void)!write(pfd[1], "r", 1); /* open returned: a writer came */
        _exit(fd >= 0 && read(fd, &c, 1) == 1 && c == 's' ? 0 : 1);
    }
    /* Until the child has it open for reading, start finds nobody;
     * retry as a shim would not need to (create's placeholder opens it
     * long before start). */
    int rc = -1;
    for (int i = 0; i < 500 && rc < 0; i++) {
        rc = runc_pod_member_start(dir, &err);
        if (rc < 0) {
            xo_err_clear(&err);
            usleep(10000);
        }
    }
    assert_int_equal(rc, 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(pfd[0]);
    close(pfd[1]);
}

/* What a session in a running domain cannot have: refused naming the
 * spec (runc_pod_member_attach() checks it before anything is opened). */
static void test_member_refusals(void **st)
{
    (void)st;
    static const char *const want[] = {
        "process.terminal", "a writable layer on a disk", "a live share",
        "a volume on a disk of its own"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct domain_config dc;
        domain_config_init(&dc);
        if (i == 0)
            dc.terminal = true;
        else if (i == 1)
            dc.writable = DC_WRITABLE_DISK;
        else {
            dc.volumes[0].kind = i == 2 ? DC_VOLUME_SHARE : DC_VOLUME_NAMED;
            dc.n_volumes = 1;
        }
        xo_err err = XO_ERR_INIT;
        assert_int_equal(runc_pod_member_check(&dc, "/b/config.json", &err),
                         -1);
        assert_int_equal(err.errnum, ENOTSUP);
        assert_non_null(strstr(xo_err_msg(&err), "/b/config.json"));
        assert_non_null(strstr(xo_err_msg(&err), want[i]));
        xo_err_clear(&err);
        dc.n_volumes = 0;
        domain_config_dispose(&dc);
    }
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_annotation),
        cmocka_unit_test(test_members_and_state),
        cmocka_unit_test(test_edited_state_refused),
        cmocka_unit_test(test_start_fifo),
        cmocka_unit_test(test_member_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
