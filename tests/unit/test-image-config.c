/*
 * test-image-config.c: the OCI image config reader (domcfg/image_config.c)
 * on good and hostile inputs.  After any failure the struct must hold
 * nothing (ASan checks that nothing leaks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domcfg/image_config.h"

static void parse_ok(struct image_config *ic, const char *text)
{
    xo_err err = XO_ERR_INIT;
    domcfg_image_config_init(ic);
    if (domcfg_image_config_parse(ic, text, strlen(text), "ic", &err) < 0)
        fail_msg("unexpected error: %s", xo_err_msg(&err));
}

static void expect_error(const char *text, const char *msg, int errnum)
{
    struct image_config ic;
    xo_err err = XO_ERR_INIT;
    domcfg_image_config_init(&ic);
    assert_int_equal(
        domcfg_image_config_parse(&ic, text, strlen(text), "ic", &err), -1);
    assert_string_equal(xo_err_msg(&err), msg);
    assert_int_equal(err.errnum, errnum);
    assert_null(ic.os);
    assert_null(ic.env);
    assert_null(ic.labels);
    assert_null(ic.user);
    xo_err_clear(&err);
}

#define OSARCH "\"os\": \"linux\", \"architecture\": \"amd64\""

static void test_full(void **state)
{
    (void)state;
    struct image_config ic;
    parse_ok(&ic, "{" OSARCH ", \"variant\": \"v8\", \"config\": {"
                  "\"User\": \"1000:100\", \"Env\": [\"A=1\", \"B=2\"], "
                  "\"Entrypoint\": [\"/bin/sh\", \"-c\"], "
                  "\"Cmd\": [\"echo hi\"], \"WorkingDir\": \"/srv\", "
                  "\"StopSignal\": \"SIGINT\", \"ExposedPorts\": "
                  "{\"80/tcp\": {}}, \"Volumes\": {\"/data\": {}}, "
                  "\"Labels\": {\"org.x\": \"y=z\"}}, "
                  "\"rootfs\": {\"type\": \"layers\", \"diff_ids\": []}}");
    assert_string_equal(ic.os, "linux");
    assert_string_equal(ic.architecture, "amd64");
    assert_string_equal(ic.user, "1000:100");
    assert_string_equal(ic.env[0], "A=1");
    assert_string_equal(ic.env[1], "B=2");
    assert_null(ic.env[2]);
    assert_string_equal(ic.entrypoint[0], "/bin/sh");
    assert_string_equal(ic.entrypoint[1], "-c");
    assert_null(ic.entrypoint[2]);
    assert_string_equal(ic.cmd[0], "echo hi");
    assert_null(ic.cmd[1]);
    assert_string_equal(ic.working_dir, "/srv");
    assert_string_equal(ic.stop_signal, "SIGINT");
    assert_string_equal(ic.volumes[0], "/data");
    assert_null(ic.volumes[1]);
    assert_string_equal(ic.labels[0], "org.x=y=z");
    assert_null(ic.labels[1]);
    domcfg_image_config_dispose(&ic);
    assert_null(ic.os);
    domcfg_image_config_dispose(&ic); /* idempotent */
}

static void test_optional(void **state)
{
    (void)state;
    struct image_config ic;
    /* No config at all, or every field null: nothing set, no error. */
    parse_ok(&ic, "{" OSARCH "}");
    assert_null(ic.user);
    assert_null(ic.cmd);
    domcfg_image_config_dispose(&ic);
    parse_ok(&ic, "{" OSARCH ", \"config\": {\"User\": null, \"Env\": null, "
                  "\"Entrypoint\": null, \"Cmd\": null, \"Volumes\": null, "
                  "\"Labels\": null, \"WorkingDir\": null}}");
    assert_null(ic.user);
    assert_null(ic.env);
    assert_null(ic.entrypoint);
    assert_null(ic.volumes);
    assert_null(ic.labels);
    domcfg_image_config_dispose(&ic);
    parse_ok(&ic, "{" OSARCH ", \"config\": null}");
    domcfg_image_config_dispose(&ic);
    /* Empty arrays are kept as empty vectors (Cmd [] overrides nothing). */
    parse_ok(&ic, "{" OSARCH ", \"config\": {\"Cmd\": []}}");
    assert_non_null(ic.cmd);
    assert_null(ic.cmd[0]);
    domcfg_image_config_dispose(&ic);
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_error("[]", "ic: must be a JSON object", EINVAL);
    expect_error("\"linux\"", "ic: must be a JSON object", EINVAL);
    expect_error("{\"architecture\": \"amd64\"}", "ic: \"os\" is missing",
                 EINVAL);
    expect_error("{\"os\": null, \"architecture\": \"amd64\"}",
                 "ic: \"os\" is missing", EINVAL);
    expect_error("{\"os\": \"linux\", \"architecture\": 64}",
                 "ic: \"architecture\" must be a string", EINVAL);
    expect_error("{" OSARCH ", \"config\": []}",
                 "ic: \"config\" must be an object", EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"User\": 0}}",
                 "ic: \"User\" must be a string", EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"Env\": \"A=1\"}}",
                 "ic: \"Env\" must be an array", EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"Env\": [\"A=1\", 2]}}",
                 "ic: \"Env\"[1] must be a string", EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"Cmd\": [null]}}",
                 "ic: \"Cmd\"[0] must be a string", EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"Cmd\": 5}}",
                 "ic: \"Cmd\" must be an array", EINVAL);
    /* Entrypoint and Cmd as one string: a list of one, as moby reads
     * them (strslice); Docker runs such an image (helper-60). */
    struct image_config ic;
    parse_ok(&ic, "{" OSARCH ", \"config\": {\"Entrypoint\": \"/bin/sh -c\", "
                  "\"Cmd\": \"echo hi\"}}");
    assert_string_equal(ic.entrypoint[0], "/bin/sh -c");
    assert_null(ic.entrypoint[1]);
    assert_string_equal(ic.cmd[0], "echo hi");
    assert_null(ic.cmd[1]);
    domcfg_image_config_dispose(&ic);
    expect_error("{" OSARCH ", \"config\": {\"Labels\": {\"a\": 1}}}",
                 "ic: \"Labels\".\"a\" must be a string", EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"Volumes\": [\"/x\"]}}",
                 "ic: \"Volumes\" must be an object", EINVAL);
    /* An error late in the document still frees what was read before. */
    expect_error("{" OSARCH ", \"config\": {\"User\": \"u\", \"Env\": "
                 "[\"A=1\"], \"Cmd\": [\"x\"], \"Labels\": {\"a\": \"b\", "
                 "\"c\": []}}}",
                 "ic: \"Labels\".\"c\" must be a string", EINVAL);
}

/* Builds {"os".., "config": {KEY: [N strings]}} or a map of N keys. */
static char *many(const char *key, size_t n, bool map)
{
    size_t cap = n * 24 + 256;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t off = (size_t)snprintf(t, cap,
                                  "{" OSARCH ", \"config\": "
                                  "{\"%s\": %c",
                                  key, map ? '{' : '[');
    for (size_t i = 0; i < n; i++)
        off += (size_t)snprintf(t + off, cap - off, "%s\"/k%zu\"%s",
                                i ? ", " : "", i, map ? ": {}" : "");
    snprintf(t + off, cap - off, "%c}}", map ? '}' : ']');
    return t;
}

static void test_limits(void **state)
{
    (void)state;
    struct image_config ic;
    /* Args and env have no count limit of their own: 5000 entries run
     * under Docker, and domcfg bounds them by bytes as execve() does. */
    char *t = many("Entrypoint", 5000, false);
    parse_ok(&ic, t);
    assert_string_equal(ic.entrypoint[4999], "/k4999");
    domcfg_image_config_dispose(&ic);
    free(t);
    t = many("Env", 5000, false);
    parse_ok(&ic, t);
    assert_string_equal(ic.env[4999], "/k4999");
    domcfg_image_config_dispose(&ic);
    free(t);
    t = many("Volumes", 65, true);
    expect_error(t, "ic: \"Volumes\" has 65 entries, at most 64 allowed",
                 E2BIG);
    free(t);
    /* Labels have no count of their own here: metadata.c leaves out,
     * with a warning, what it cannot keep (test-metadata's 300). */

    /* One string of 4096 bytes: with its NUL over the boot spec's 4096
     * (BOOT_SPEC_MAX_STR), so the loader would refuse it; domcfg must. */
    size_t cap = 8192;
    t = malloc(cap);
    int k = snprintf(t, cap, "{" OSARCH ", \"config\": {\"User\": \"");
    memset(t + k, 'u', 4096);
    snprintf(t + k + 4096, cap - (size_t)k - 4096, "\"}}");
    expect_error(t, "ic: \"User\" longer than 4095 bytes", EINVAL);
    k = snprintf(t, cap, "{" OSARCH ", \"config\": {\"Volumes\": {\"");
    memset(t + k, 'v', 4096);
    snprintf(t + k + 4096, cap - (size_t)k - 4096, "\": {}}}}");
    expect_error(t, "ic: \"Volumes\" entry longer than 4095 bytes", EINVAL);
    free(t);

    /* The whole document is capped at 8 MiB. */
    size_t big = IMAGE_CONFIG_MAX_BYTES + 1;
    t = malloc(big + 1);
    memset(t, ' ', big);
    memcpy(t, "{" OSARCH "}", strlen("{" OSARCH "}"));
    t[big] = '\0';
    expect_error(t, "ic: larger than 8388608 bytes", EFBIG);
    free(t);
}

static void test_hostile_syntax(void **state)
{
    (void)state;
    expect_error("", "ic: invalid JSON: unexpected end of input at offset 0",
                 EINVAL);
    expect_error("{" OSARCH "} {}",
                 "ic: invalid JSON at offset 41: unexpected character", EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"Env\": [\"\xff\"]}}",
                 "ic: invalid JSON at offset 61: invalid utf-8 string", EINVAL);
    char deep[200];
    int k = snprintf(deep, sizeof(deep), "{" OSARCH ", \"config\": ");
    for (int i = 0; i < 40; i++)
        deep[k++] = '[';
    deep[k] = '\0';
    struct image_config ic;
    xo_err err = XO_ERR_INIT;
    domcfg_image_config_init(&ic);
    assert_int_equal(
        domcfg_image_config_parse(&ic, deep, strlen(deep), "ic", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "nesting too deep"));
    xo_err_clear(&err);
    /* Embedded NUL in the text (not as \u0000) is refused outright. */
    const char nul[] = "{\"os\": \"linux\0\", \"architecture\": \"amd64\"}";
    assert_int_equal(
        domcfg_image_config_parse(&ic, nul, sizeof(nul) - 1, "ic", &err), -1);
    assert_string_equal(xo_err_msg(&err), "ic: contains a NUL byte");
    xo_err_clear(&err);
}

/* Issue 13: a NUL escaped in a string is refused naming the field, not
 * silently cut ("A=b\u0000c" would be "A=b"). */
static void test_nul_in_strings(void **state)
{
    (void)state;
    expect_error("{" OSARCH ", \"config\": {\"Env\": [\"A=b\\u0000c\"]}}",
                 "ic: \"config.Env[0]\" holds a NUL character (\\u0000)",
                 EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"Labels\": {\"l\": \"\\u0000\"}}}",
                 "ic: \"config.Labels.l\" holds a NUL character (\\u0000)",
                 EINVAL);
    expect_error("{" OSARCH ", \"config\": {\"User\": \"root\\u0000x\"}}",
                 "ic: \"config.User\" holds a NUL character (\\u0000)", EINVAL);
    expect_error(
        "{" OSARCH ", \"config\": {\"Volumes\": {\"/d\\u0000\": {}}}}",
        "ic: an object key at offset 67 holds a NUL character (\\u0000)",
        EINVAL);
}

static void test_load(void **state)
{
    (void)state;
    char path[] = "/tmp/test-image-config.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *t = "{\"os\": \"linux\"}";
    assert_int_equal(write(fd, t, strlen(t)), (ssize_t)strlen(t));
    close(fd);
    struct image_config ic;
    xo_err err = XO_ERR_INIT;
    domcfg_image_config_init(&ic);
    assert_int_equal(domcfg_image_config_load(&ic, path, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s: \"architecture\" is missing", path);
    assert_string_equal(xo_err_msg(&err), want);
    unlink(path);
    assert_int_equal(domcfg_image_config_load(&ic, path, &err), -1);
    assert_int_equal(err.errnum, ENOENT);
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),           cmocka_unit_test(test_optional),
        cmocka_unit_test(test_type_errors),    cmocka_unit_test(test_limits),
        cmocka_unit_test(test_hostile_syntax), cmocka_unit_test(test_load),
        cmocka_unit_test(test_nul_in_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
