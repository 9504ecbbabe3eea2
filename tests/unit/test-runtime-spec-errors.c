/*
 * test-runtime-spec-errors.c: config.json files domcfg/runtime_spec.h
 * must refuse, each a variation of a minimal valid spec, checked for the
 * file and JSON path its error names; and the bounds on sizes and counts.
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

#include "domcfg/runtime_spec.h"

/* A minimal valid spec with room for changes: P adds to "process", T to
 * the top, U replaces "user". */
#define SPEC(U, P, T)                                                          \
    "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "           \
    "\"process\": {\"user\": " U ", \"args\": [\"/bin/true\"], "               \
    "\"cwd\": \"/\"" P "}" T "}"
#define USER0 "{\"uid\": 0, \"gid\": 0}"

static const struct bad {
    const char *json;
    const char *want; /* in the message */
} bad[] = {
    {"[]", "not a JSON object"},
    {"{\"ociVersion\": ", "invalid JSON"},
    {SPEC(USER0, "", ", \"ociVersion\": \"2.0.0\""), "ociVersion: \"2.0.0\""},
    {SPEC(USER0, "",
          ", \"linux\": {\"resources\": {\"memory\": {\"limit\": \"1g\"}}}"),
     "linux.resources.memory.limit: must be"},
    {SPEC(USER0, "", ", \"linux\": {\"resources\": {\"cpu\": []}}"),
     "linux.resources.cpu: must be"},
    {SPEC(USER0, "",
          ", \"linux\": {\"resources\": {\"cpu\": {\"shares\": \"2\"}}}"),
     "linux.resources.cpu.shares: must be"},
    {SPEC(USER0, "", ", \"linux\": {\"sysctl\": []}"), "linux.sysctl: must be"},
    {SPEC(USER0, "", ", \"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": 1}}"),
     "linux.sysctl[\"net.ipv4.ip_forward\"]: must be a string"},
    {SPEC(USER0, "", ", \"linux\": {\"sysctl\": {\"net/../../x\": \"1\"}}"),
     "linux.sysctl[\"net/../../x\"]: is not a sysctl name"},
    {SPEC(USER0, "", ", \"linux\": {\"sysctl\": {\"kernel.hostname\": \"h\"}}"),
     "linux.sysctl[\"kernel.hostname\"]: is the hostname"},
    {SPEC(USER0, "",
          ", \"linux\": {\"sysctl\": {\"net.core.somaxconn\": \"1\\n2\"}}"),
     "linux.sysctl[\"net.core.somaxconn\"]: has a value that is not"},
    {SPEC(USER0, "", ", \"linux\": {\"maskedPaths\": \"/proc/kcore\"}"),
     "linux.maskedPaths: must be an array"},
    {SPEC(USER0, "", ", \"linux\": {\"maskedPaths\": [\"/proc/kcore\", 3]}"),
     "linux.maskedPaths[1]: must be a string"},
    {SPEC(USER0, "", ", \"linux\": {\"maskedPaths\": [\"proc/kcore\"]}"),
     "linux.maskedPaths[0]: \"proc/kcore\" is not an absolute path"},
    {SPEC(USER0, "", ", \"linux\": {\"readonlyPaths\": [\"/proc/../etc\"]}"),
     "linux.readonlyPaths[0]: \"/proc/../etc\" is not an absolute path"},
    {SPEC(USER0, "", ", \"linux\": {\"readonlyPaths\": [\"//\"]}"),
     "linux.readonlyPaths[0]: is the container's root"},
    {"{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}}",
     "process: is missing"},
    {"{\"ociVersion\": \"1.0.0\", \"process\": {}}", "root: is missing"},
    {SPEC(USER0, "", ", \"root\": {\"path\": \"\"}"), "root.path: is empty"},
    {SPEC(USER0, "", ", \"root\": {\"path\": 3}"),
     "root.path: must be a string"},
    {SPEC(USER0, ", \"args\": [\"/bin/sh\", \"-c\", 7]", ""),
     "process.args[2]: must be a string"},
    {SPEC(USER0, ", \"args\": []", ""), "process.args: must name a program"},
    {SPEC(USER0, ", \"args\": \"/bin/sh\"", ""),
     "process.args: must be an array"},
    {SPEC(USER0, ", \"env\": [\"A=1\", \"NOVALUE\"]", ""),
     "process.env[1]: \"NOVALUE\" is not KEY=VALUE"},
    {SPEC(USER0, ", \"env\": [\"=x\"]", ""), "process.env[0]"},
    {SPEC(USER0, ", \"cwd\": \"srv\"", ""), "process.cwd: \"srv\" is not"},
    {SPEC(USER0, ", \"cwd\": \"\"", ""), "process.cwd: \"\" is not"},
    {SPEC("{\"uid\": -1, \"gid\": 0}", "", ""),
     "process.user.uid: must not be negative"},
    {SPEC("{\"uid\": 4294967296, \"gid\": 0}", "", ""),
     "process.user.uid: must be at most"},
    {SPEC("{\"uid\": 1.5, \"gid\": 0}", "", ""),
     "process.user.uid: must be an integer"},
    {SPEC("{\"uid\": 0, \"gid\": 0, \"additionalGids\": [1, \"2\"]}", "", ""),
     "process.user.additionalGids[1]: must be an integer"},
    {SPEC("{\"uid\": 0, \"gid\": 0, \"umask\": -1}", "", ""),
     "process.user.umask: must not be negative"},
    {SPEC(USER0, ", \"terminal\": \"yes\"", ""),
     "process.terminal: must be true or false"},
    {SPEC(USER0,
          ", \"rlimits\": [{\"type\": \"RLIMIT_BOGUS\", \"hard\": 1, "
          "\"soft\": 1}]",
          ""),
     "process.rlimits[0].type: \"RLIMIT_BOGUS\""},
    {SPEC(USER0,
          ", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1, "
          "\"soft\": 2}]",
          ""),
     "process.rlimits[0]: soft limit above"},
    {SPEC(USER0, ", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2}]",
          ""),
     "process.rlimits[0].hard: is missing"},
    {SPEC(USER0,
          ", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1, "
          "\"soft\": 1}, {\"type\": \"RLIMIT_NOFILE\", \"hard\": 1, "
          "\"soft\": 1}]",
          ""),
     "process.rlimits[1].type: RLIMIT_NOFILE is listed twice"},
    {SPEC(USER0,
          ", \"capabilities\": {\"bounding\": [\"CAP_CHOWN\", "
          "\"CAP_FLY\"]}",
          ""),
     "process.capabilities.bounding[1]: \"CAP_FLY\" is not a capability"},
    {SPEC(USER0, ", \"capabilities\": {\"ambient\": \"CAP_CHOWN\"}", ""),
     "process.capabilities.ambient: must be an array"},
    {SPEC(USER0, "", ", \"mounts\": [{\"type\": \"tmpfs\"}]"),
     "mounts[0].destination: is missing"},
    {SPEC(USER0, "",
          ", \"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\"}]"),
     "mounts[0]: a bind mount needs a source"},
    {SPEC(USER0, "",
          ", \"mounts\": [{\"destination\": \"/a\", \"source\": \"../x\", "
          "\"options\": [\"rbind\"]}]"),
     "mounts[0]: bind source \"../x\" holds .."},
    {SPEC(USER0, "",
          ", \"mounts\": [{\"destination\": \"/a\", \"options\": [1]}]"),
     "mounts[0].options[0]: must be a string"},
    {SPEC(USER0, "", ", \"annotations\": {\"a\": 1}"),
     "annotations[\"a\"]: must be a string"},
    {SPEC(USER0, "", ", \"annotations\": {\"a=b\": \"c\"}"),
     "annotations[\"a=b\"]: key holds '='"},
    {SPEC(USER0, "",
          ", \"annotations\": {\"io.kubernetes.cri.container-type\": \"pod\"}"),
     "\"pod\" is neither sandbox nor container"},
    {SPEC(USER0, "", ", \"linux\": {\"namespaces\": [{\"type\": \"net\"}]}"),
     "linux.namespaces[0].type: \"net\" is not a namespace type"},
    {SPEC(USER0, "",
          ", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": "
          "\"pid\"}]}"),
     "linux.namespaces[1].type: \"pid\" is listed twice"},
    {SPEC(USER0, "",
          ", \"linux\": {\"namespaces\": [{\"type\": \"network\", \"path\": "
          "\"netns\"}]}"),
     "linux.namespaces[0].path: \"netns\" is not an absolute path"},
    {SPEC(USER0, "", ", \"linux\": {\"namespaces\": {}}"),
     "linux.namespaces: must be an array"},
    {SPEC(USER0, "", ", \"hostname\": 5"), "hostname: must be a string"},
};

static void test_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct runtime_spec rs;
        runtime_spec_init(&rs);
        xo_err err = XO_ERR_INIT;
        int rc = runtime_spec_parse(&rs, bad[i].json, strlen(bad[i].json),
                                    "config.json", &err);
        if (rc != -1 || !strstr(xo_err_msg(&err), bad[i].want) ||
            strncmp(xo_err_msg(&err), "config.json: ", 13) != 0)
            fail_msg("case %zu: rc %d, \"%s\", wanted \"%s\"", i, rc,
                     xo_err_msg(&err), bad[i].want);
        xo_err_clear(&err);
        runtime_spec_dispose(&rs);
    }
}

/* Bounds: too many mounts, a string past the limit, a file too large. */
static void test_bounds(void **state)
{
    (void)state;
    size_t cap = 64 * (RUNTIME_SPEC_MAX_MOUNTS + 2) + 256;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t o =
        (size_t)snprintf(buf, cap, "%s", SPEC(USER0, "", ", \"mounts\": ["));
    o -= 1; /* drop SPEC's closing brace */
    for (int i = 0; i <= RUNTIME_SPEC_MAX_MOUNTS; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s{\"destination\": \"/m%d\"}",
                              i ? "," : "", i);
    o += (size_t)snprintf(buf + o, cap - o, "]}");
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(runtime_spec_parse(&rs, buf, o, "c.json", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "mounts: has more than 256"));
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
    free(buf);

    size_t big = RUNTIME_SPEC_MAX_PATH + 1;
    buf = malloc(big + 256);
    assert_non_null(buf);
    memset(buf, 'a', big + 256);
    int n = snprintf(buf, 256, "%s", SPEC(USER0, ", \"cwd\": \"/", ""));
    n -= 2; /* drop "}}" to continue the cwd string */
    memset(buf + n, 'a', big);
    memcpy(buf + n + big, "\"}}", 4);
    runtime_spec_init(&rs);
    assert_int_equal(runtime_spec_parse(&rs, buf, strlen(buf), "c.json", &err),
                     -1);
    assert_non_null(strstr(xo_err_msg(&err), "process.cwd: is longer than"));
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);

    assert_int_equal(runtime_spec_parse(&rs, buf, RUNTIME_SPEC_MAX_BYTES + 1,
                                        "c.json", &err),
                     -1);
    assert_non_null(strstr(xo_err_msg(&err), "larger than"));
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
    free(buf);
}

/* n annotations "aI": "v"; parsed, or the message. */
static int parse_annotations_n(int n, xo_err *err)
{
    size_t cap = 32 * (size_t)n + 256;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t o = (size_t)snprintf(buf, cap, "%s",
                                SPEC(USER0, "", ", \"annotations\": {"));
    o -= 1; /* drop SPEC's closing brace */
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s\"a%d\": \"v\"",
                              i ? "," : "", i);
    o += (size_t)snprintf(buf + o, cap - o, "}}");
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    int rc = runtime_spec_parse(&rs, buf, o, "c.json", err);
    if (rc == 0)
        assert_int_equal(rs.n_annotations, n);
    runtime_spec_dispose(&rs);
    free(buf);
    return rc;
}

/* As many annotations as a pod may carry (runc takes any number). */
static void test_annotation_count(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(parse_annotations_n(5000, &err), 0);
    assert_int_equal(parse_annotations_n(RUNTIME_SPEC_MAX_ANNOTATIONS, &err),
                     0);
    assert_int_equal(
        parse_annotations_n(RUNTIME_SPEC_MAX_ANNOTATIONS + 1, &err), -1);
    assert_non_null(
        strstr(xo_err_msg(&err), "annotations: has more than 16384 entries"));
    xo_err_clear(&err);
}

/* A lone process object (runc exec --process FILE): read with the
 * spec's process rules, refused the same way. */
static void test_process_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test-process.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char good[] =
        "{\"args\": [\"sh\", \"-c\", \"exit 5\"], \"env\": [\"A=1\"], "
        "\"cwd\": \"/tmp\", \"user\": {\"uid\": 1000, \"gid\": 1001}}";
    assert_int_equal(write(fd, good, sizeof(good) - 1), sizeof(good) - 1);
    struct runtime_process pr;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(runtime_spec_process_load(&pr, path, &err), 0);
    assert_int_equal(pr.n_args, 3);
    assert_string_equal(pr.args[2], "exit 5");
    assert_string_equal(pr.env[0], "A=1");
    assert_string_equal(pr.cwd, "/tmp");
    assert_int_equal(pr.uid, 1000);
    assert_int_equal(pr.gid, 1001);
    runtime_spec_process_dispose(&pr);
    static const char *const bad_files[][2] = {
        {"{\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}}",
         "process.args: is missing"},
        {"{\"args\": [\"\"], \"cwd\": \"/\", "
         "\"user\": {\"uid\": 0, \"gid\": 0}}",
         "must name a program"},
        {"[1]", "process: must be an object"},
    };
    for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
        assert_int_equal(ftruncate(fd, 0), 0);
        assert_int_equal(
            pwrite(fd, bad_files[i][0], strlen(bad_files[i][0]), 0),
            (ssize_t)strlen(bad_files[i][0]));
        assert_int_equal(runtime_spec_process_load(&pr, path, &err), -1);
        if (!strstr(xo_err_msg(&err), bad_files[i][1]))
            fail_msg("%s: got \"%s\"", bad_files[i][1], xo_err_msg(&err));
        xo_err_clear(&err);
    }
    close(fd);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_annotation_count),
        cmocka_unit_test(test_process_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
