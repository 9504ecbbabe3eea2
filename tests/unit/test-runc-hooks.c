/*
 * test-runc-hooks.c: a runtime spec's hooks as xl-oci-runc runs them
 * (xl-plugin/runc_hooks.h): parsed and bounded (domcfg/runtime_spec.h),
 * run with their args and exactly their env, the OCI state on stdin,
 * in order until one fails; a failure names the hook, how it ended and
 * what it printed; a timeout kills it; a hook that never reads its stdin
 * or leaves a daemon holding its output does not hang the runtime;
 * createContainer and startContainer are refused; poststart/poststop
 * from the kept spec only warn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "domcfg/runtime_spec.h"
#include "xl-plugin/runc_hooks.h"

static char dir[] = "/tmp/xl-oci-hooks.XXXXXX";

#define SPEC_HEAD                                                              \
    "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "           \
    "\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"/x\"], "   \
    "\"cwd\": \"/\"}, \"annotations\": {\"org.example/net\": \"blue\"}, "

static void parse(struct runtime_spec *rs, const char *json)
{
    xo_err err = XO_ERR_INIT;
    runtime_spec_init(rs);
    if (runtime_spec_parse(rs, json, strlen(json), "config.json", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
}

static void state_of(struct runc_state *s)
{
    memset(s, 0, sizeof(*s));
    strcpy(s->id, "c1");
    strcpy(s->bundle, "/run/bundles/c1");
    s->pid = 4242;
}

static char *slurp(const char *name)
{
    char p[256], *text = NULL;
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    xo_err err = XO_ERR_INIT;
    if (xo_read_file(&text, NULL, p, 1 << 20, &err) < 0) {
        xo_err_clear(&err);
        return NULL;
    }
    return text;
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* No env: ours, as runc's hooks get runc's; no fd of ours but 0-2. */
static void test_inherits_env_no_fds(void **st)
{
    (void)st;
    char json[2048];
    snprintf(json, sizeof(json),
             SPEC_HEAD "\"hooks\": {\"poststart\": [{\"path\": \"/bin/sh\", "
                       "\"args\": [\"sh\", \"-c\", \"echo $XO_HOOK_MARK "
                       ">%s/mark; ls /proc/self/fd >%s/fds\"]}]}}",
             dir, dir);
    struct runtime_spec rs;
    parse(&rs, json);
    struct runc_state s;
    state_of(&s);
    setenv("XO_HOOK_MARK", "inherited", 1);
    FILE *leak = fopen("/dev/null", "r"); /* an fd of ours, no CLOEXEC */
    assert_non_null(leak);
    xo_err err = XO_ERR_INIT;
    if (runc_hooks_run(&rs, RUNTIME_HOOK_POSTSTART, &s, "running", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    fclose(leak);
    unsetenv("XO_HOOK_MARK");
    char *mark = slurp("mark"), *fds = slurp("fds");
    assert_string_equal(mark, "inherited\n");
    /* 0, 1, 2 and the one ls opened to read the directory. */
    assert_string_equal(fds, "0\n1\n2\n3\n");
    free(mark);
    free(fds);
    runtime_spec_dispose(&rs);
}

/* A caller that ignores SIGCHLD (the kernel then reaps children at
 * once): a failed hook is still a failure, not a lost status. */
static void test_sigchld_ignored(void **st)
{
    (void)st;
    struct runtime_spec rs;
    parse(&rs, SPEC_HEAD "\"hooks\": {\"prestart\": [{\"path\": \"/bin/sh\", "
                         "\"args\": [\"sh\", \"-c\", \"exit 3\"]}]}}");
    struct runc_state s;
    state_of(&s);
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGCHLD, &ign, &old);
    xo_err err = XO_ERR_INIT;
    int rc = runc_hooks_run(&rs, RUNTIME_HOOK_PRESTART, &s, "creating", &err);
    struct sigaction now;
    sigaction(SIGCHLD, &old, &now);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(xo_err_msg(&err), "exited 3"));
    assert_true(now.sa_handler == SIG_IGN); /* the caller's, given back */
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
}

/* createRuntime with args and env: stdin is the state, env is exactly
 * the hook's, and the hooks run in order. */
static void test_runs_in_order(void **st)
{
    (void)st;
    char json[2048];
    snprintf(json, sizeof(json),
             SPEC_HEAD "\"hooks\": {\"createRuntime\": ["
                       "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
                       "\"cat >%s/state; env >%s/env; echo one >>%s/order\"], "
                       "\"env\": [\"HOOK=1\"]}, "
                       "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
                       "\"echo two >>%s/order\"], \"timeout\": 5}]}}",
             dir, dir, dir, dir);
    struct runtime_spec rs;
    parse(&rs, json);
    assert_int_equal(rs.n_hooks[RUNTIME_HOOK_CREATE_RUNTIME], 2);
    assert_int_equal(rs.hooks[RUNTIME_HOOK_CREATE_RUNTIME][1].timeout, 5);
    struct runc_state s;
    state_of(&s);
    xo_err err = XO_ERR_INIT;
    if (runc_hooks_run(&rs, RUNTIME_HOOK_CREATE_RUNTIME, &s, "creating", &err) <
        0)
        fail_msg("%s", xo_err_msg(&err));
    char *state = slurp("state"), *env = slurp("env"), *order = slurp("order");
    assert_non_null(state);
    assert_non_null(strstr(state, "\"id\": \"c1\""));
    assert_non_null(strstr(state, "\"pid\": 4242"));
    assert_non_null(strstr(state, "\"status\": \"creating\""));
    assert_non_null(strstr(state, "\"bundle\": \"/run/bundles/c1\""));
    assert_non_null(strstr(state, "\"org.example/net\": \"blue\""));
    /* Exactly the hook's env: HOOK=1 and what sh itself adds, no PATH
     * or HOME of ours. */
    assert_non_null(strstr(env, "HOOK=1\n"));
    assert_null(strstr(env, "HOME="));
    assert_string_equal(order, "one\ntwo\n");
    free(state);
    free(env);
    free(order);
    /* No hooks of a kind: nothing runs, no error. */
    assert_int_equal(
        runc_hooks_run(&rs, RUNTIME_HOOK_PRESTART, &s, "creating", &err), 0);
    runtime_spec_dispose(&rs);
}

/* A failing hook names itself, its exit code and its output; the next
 * one does not run. */
static void test_failure_stops(void **st)
{
    (void)st;
    char json[2048];
    snprintf(json, sizeof(json),
             SPEC_HEAD "\"hooks\": {\"prestart\": ["
                       "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
                       "\"echo no network for you >&2; exit 3\"]}, "
                       "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
                       "\"touch %s/second\"]}]}}",
             dir);
    struct runtime_spec rs;
    parse(&rs, json);
    struct runc_state s;
    state_of(&s);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(
        runc_hooks_run(&rs, RUNTIME_HOOK_PRESTART, &s, "creating", &err), -1);
    const char *m = xo_err_msg(&err);
    if (!strstr(m, "hooks.prestart[0] (/bin/sh): exited 3: no network for you"))
        fail_msg("%s", m);
    xo_err_clear(&err);
    char p[256];
    snprintf(p, sizeof(p), "%s/second", dir);
    assert_int_equal(access(p, F_OK), -1);
    runtime_spec_dispose(&rs);

    /* A path that is no program: the exec error is its output. */
    parse(&rs, SPEC_HEAD "\"hooks\": {\"createRuntime\": ["
                         "{\"path\": \"/nonexistent/hook\"}]}}");
    assert_int_equal(
        runc_hooks_run(&rs, RUNTIME_HOOK_CREATE_RUNTIME, &s, "creating", &err),
        -1);
    if (!strstr(xo_err_msg(&err),
                "hooks.createRuntime[0] (/nonexistent/hook): exited 127: "
                "cannot execute the hook's path"))
        fail_msg("%s", xo_err_msg(&err));
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
}

/* A timeout kills the hook; one that never reads a large state, or
 * leaves a daemon holding its output, does not hang us. */
static void test_timeout_and_no_hang(void **st)
{
    (void)st;
    struct runtime_spec rs;
    parse(&rs, SPEC_HEAD "\"hooks\": {\"poststart\": ["
                         "{\"path\": \"/bin/sleep\", \"args\": [\"sleep\", "
                         "\"30\"], \"timeout\": 1}]}}");
    struct runc_state s;
    state_of(&s);
    xo_err err = XO_ERR_INIT;
    time_t t0 = time(NULL);
    assert_int_equal(
        runc_hooks_run(&rs, RUNTIME_HOOK_POSTSTART, &s, "running", &err), -1);
    assert_true(time(NULL) - t0 < 10);
    if (!strstr(xo_err_msg(&err),
                "hooks.poststart[0] (/bin/sleep): did not finish in 1 s"))
        fail_msg("%s", xo_err_msg(&err));
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);

    /* 300 KiB of annotations (more than a pipe holds), never read; and a
     * background child keeps stdout open for 30 s. */
    size_t cap = 400 * 1024;
    char *json = malloc(cap);
    size_t n =
        (size_t)snprintf(json, cap, "%s",
                         "{\"ociVersion\": \"1.0.2\", \"root\": "
                         "{\"path\": \"r\"}, \"process\": {\"user\": "
                         "{\"uid\": 0, \"gid\": 0}, \"args\": "
                         "[\"/x\"], \"cwd\": \"/\"}, \"annotations\": {");
    for (int i = 0; i < 300; i++) {
        n += (size_t)snprintf(json + n, cap - n, "%s\"k%d\": \"", i ? ", " : "",
                              i);
        memset(json + n, 'v', 1024);
        n += 1024;
        n += (size_t)snprintf(json + n, cap - n, "\"");
    }
    snprintf(json + n, cap - n, "%s",
             "}, \"hooks\": {\"poststop\": [{\"path\": \"/bin/sh\", "
             "\"args\": [\"sh\", \"-c\", \"sleep 30 & echo done\"]}]}}");
    parse(&rs, json);
    free(json);
    t0 = time(NULL);
    if (runc_hooks_run(&rs, RUNTIME_HOOK_POSTSTOP, &s, "stopped", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_true(time(NULL) - t0 < 10);
    runtime_spec_dispose(&rs);
}

/* Hooks a domain cannot run are refused, naming the spec and kind; the
 * shapes are checked. */
static void test_refused_and_bounds(void **st)
{
    (void)st;
    struct runtime_spec rs;
    parse(&rs, SPEC_HEAD "\"hooks\": {\"createContainer\": ["
                         "{\"path\": \"/usr/bin/nvidia-hook\"}]}}");
    xo_err err = XO_ERR_INIT;
    assert_int_equal(runc_hooks_check(&rs, "b/config.json", &err), -1);
    if (!strstr(xo_err_msg(&err),
                "b/config.json: hooks.createContainer: these run in the "
                "container's namespaces"))
        fail_msg("%s", xo_err_msg(&err));
    xo_err_clear(&err);
    assert_false(runc_hooks_later(&rs));
    runtime_spec_dispose(&rs);

    static const struct {
        const char *hooks, *want;
    } bad[] = {
        {"{\"prestart\": [{\"args\": [\"x\"]}]}",
         "hooks.prestart[0].path: is missing"},
        {"{\"prestart\": [{\"path\": \"hook\"}]}",
         "hooks.prestart[0].path: \"hook\" is not absolute"},
        {"{\"poststop\": [{\"path\": \"/h\", \"timeout\": 0}]}",
         "hooks.poststop[0].timeout: must be greater than zero"},
        {"{\"poststop\": [{\"path\": \"/h\", \"timeout\": -2}]}",
         "hooks.poststop[0].timeout"},
        {"{\"poststart\": [{\"path\": \"/h\", \"env\": [1]}]}",
         "hooks.poststart[0].env[0]: must be a string"},
        {"{\"poststart\": {\"path\": \"/h\"}}", "hooks.poststart: must be"},
        {"{\"poststart\": [7]}", "hooks.poststart[0]: must be an object"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char json[1024];
        snprintf(json, sizeof(json), SPEC_HEAD "\"hooks\": %s}", bad[i].hooks);
        runtime_spec_init(&rs);
        assert_int_equal(
            runtime_spec_parse(&rs, json, strlen(json), "config.json", &err),
            -1);
        if (!strstr(xo_err_msg(&err), bad[i].want))
            fail_msg("%s: %s", bad[i].hooks, xo_err_msg(&err));
        xo_err_clear(&err);
        runtime_spec_dispose(&rs);
    }
    /* More than 32 of one kind. */
    char json[8192];
    size_t n = (size_t)snprintf(json, sizeof(json),
                                SPEC_HEAD "\"hooks\": {\"poststart\": [");
    for (int i = 0; i < 33; i++)
        n += (size_t)snprintf(json + n, sizeof(json) - n,
                              "%s{\"path\": \"/h\"}", i ? ", " : "");
    snprintf(json + n, sizeof(json) - n, "]}}");
    runtime_spec_init(&rs);
    assert_int_equal(
        runtime_spec_parse(&rs, json, strlen(json), "config.json", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "more than 32 hooks"));
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
}

/* poststart from the spec kept in the state directory; a failure there
 * is only a warning (the verb goes on), the next hook still runs. */
static void test_later(void **st)
{
    (void)st;
    char json[2048], p[256];
    snprintf(json, sizeof(json),
             SPEC_HEAD "\"hooks\": {\"poststart\": ["
                       "{\"path\": \"/bin/false\"}, "
                       "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
                       "\"cat >%s/later\"]}]}}",
             dir);
    struct runtime_spec rs;
    parse(&rs, json);
    assert_true(runc_hooks_later(&rs));
    runtime_spec_dispose(&rs);
    snprintf(p, sizeof(p), "%s/" RUNC_HOOKS_SPEC, dir);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_write_file_atomic(p, json, strlen(json), 0600, &err),
                     0);
    struct runc_state s;
    state_of(&s);
    runc_hooks_run_later(dir, RUNTIME_HOOK_POSTSTART, &s, "running");
    char *later = slurp("later");
    assert_non_null(later);
    assert_non_null(strstr(later, "\"status\": \"running\""));
    free(later);
    /* No kept spec: nothing runs. */
    unlink(p);
    snprintf(p, sizeof(p), "%s/later", dir);
    unlink(p);
    runc_hooks_run_later(dir, RUNTIME_HOOK_POSTSTART, &s, "running");
    assert_int_equal(access(p, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_in_order),
        cmocka_unit_test(test_failure_stops),
        cmocka_unit_test(test_timeout_and_no_hang),
        cmocka_unit_test(test_refused_and_bounds),
        cmocka_unit_test(test_later),
        cmocka_unit_test(test_inherits_env_no_fds),
        cmocka_unit_test(test_sigchld_ignored),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
