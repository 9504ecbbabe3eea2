/*
 * test-app-cfg.c: reading app.cfg through libxlutil (domcfg/app_cfg.c).
 * Every message that names file, line and key is asserted exactly: that
 * naming is the contract users see.
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
#include <unistd.h>

#include "common/json.h"
#include "domcfg/app_cfg.h"

static struct app_cfg *read_ok(const char *text)
{
    struct app_cfg *ac = NULL;
    xo_err err = XO_ERR_INIT;
    if (app_cfg_read_data(&ac, "t.cfg", text, strlen(text), &err) < 0)
        fail_msg("unexpected error: %s", xo_err_msg(&err));
    assert_non_null(ac);
    return ac;
}

static void expect_read_error(const char *text, size_t len, const char *msg)
{
    struct app_cfg *ac = (struct app_cfg *)0x1;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(app_cfg_read_data(&ac, "t.cfg", text, len, &err), -1);
    assert_string_equal(xo_err_msg(&err), msg);
    assert_ptr_equal(ac, (struct app_cfg *)0x1);
    xo_err_clear(&err);
}

static void expect_read_error_s(const char *text, const char *msg)
{
    expect_read_error(text, strlen(text), msg);
}

static void test_getters(void **state)
{
    (void)state;
    struct app_cfg *ac = read_ok("# comment\n"
                                 "name = \"web\"\n"
                                 "memory = 256\n"
                                 "maxmem = \"0x200\"\n"
                                 "oci_cmd = [ \"/bin/sh\", \"-c\", \"\" ]\n"
                                 "oci_env = []\n");
    xo_err err = XO_ERR_INIT;
    assert_string_equal(app_cfg_path(ac), "t.cfg");
    assert_non_null(app_cfg_xlu(ac));

    const char *s = "untouched";
    assert_int_equal(app_cfg_string(ac, "name", &s, &err), 1);
    assert_string_equal(s, "web");
    s = "untouched";
    assert_int_equal(app_cfg_string(ac, "uuid", &s, &err), 0);
    assert_string_equal(s, "untouched");

    long l = -1;
    assert_int_equal(app_cfg_long(ac, "memory", 16, 1024, &l, &err), 1);
    assert_int_equal(l, 256);
    assert_int_equal(app_cfg_long(ac, "maxmem", 16, 1024, &l, &err), 1);
    assert_int_equal(l, 512);
    l = -1;
    assert_int_equal(app_cfg_long(ac, "vcpus", 1, 8, &l, &err), 0);
    assert_int_equal(l, -1);

    char **v = NULL;
    size_t n = 0;
    assert_int_equal(app_cfg_list(ac, "oci_cmd", 3, &v, &n, &err), 1);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "/bin/sh");
    assert_string_equal(v[1], "-c");
    assert_string_equal(v[2], "");
    assert_null(v[3]);
    xo_strv_free(v);
    v = NULL;
    assert_int_equal(app_cfg_list(ac, "oci_env", 3, &v, &n, &err), 1);
    assert_int_equal(n, 0);
    assert_null(v[0]);
    xo_strv_free(v);
    v = NULL;
    assert_int_equal(app_cfg_list(ac, "vif", 3, &v, &n, &err), 0);
    assert_null(v);
    assert_null(err.msg);
    app_cfg_free(ac);
    app_cfg_free(NULL);
}

static void test_bounds(void **state)
{
    (void)state;
    struct app_cfg *ac = read_ok("memory = 8\n"
                                 "vcpus = \"lots\"\n"
                                 "maxmem = \"99999999999999999999\"\n"
                                 "oci_cmd = [ \"a\", \"b\", \"c\" ]\n"
                                 "disk = [ \"x\", [ \"nested\" ] ]\n");
    xo_err err = XO_ERR_INIT;
    long l = 77;
    assert_int_equal(app_cfg_long(ac, "memory", 16, 1024, &l, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "t.cfg:1: memory: 8 is out of range [16, 1024]");
    assert_int_equal(err.errnum, EINVAL);
    assert_int_equal(app_cfg_long(ac, "memory", 1, 7, &l, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "t.cfg:1: memory: 8 is out of range [1, 7]");
    assert_int_equal(app_cfg_long(ac, "memory", 8, 8, &l, &err), 1);
    assert_int_equal(l, 8);
    l = 77;
    /* read as xl reads it (010 is 8), and said as written (helper-84) */
    struct app_cfg *oct = read_ok("memory = 010\n");
    assert_int_equal(app_cfg_long(oct, "memory", 16, 1024, &l, &err), -1);
    assert_string_equal(
        xo_err_msg(&err),
        "t.cfg:1: memory: 010 (read as 8: a leading 0 is octal, 0x hexadecimal, as in xl) is out of range [16, 1024]");
    app_cfg_free(oct);
    assert_int_equal(app_cfg_long(ac, "vcpus", 1, 8, &l, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "t.cfg:2: vcpus: must be a number, not \"lots\"");
    assert_int_equal(app_cfg_long(ac, "maxmem", 0, 1L << 40, &l, &err), -1);
    assert_string_equal(xo_err_msg(&err), "t.cfg:3: maxmem: "
                                          "99999999999999999999 is out of "
                                          "range [0, 1099511627776]");
    assert_int_equal(l, 77);

    char **v = NULL;
    size_t n = 0;
    assert_int_equal(app_cfg_list(ac, "oci_cmd", 2, &v, &n, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "t.cfg:4: oci_cmd: 3 items, at most 2 allowed");
    assert_int_equal(app_cfg_list(ac, "disk", 8, &v, &n, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "t.cfg:5: disk: item 1 must be a string");
    assert_null(v);

    /* A value found bad later names the line of the key, or just the key. */
    assert_int_equal(app_cfg_bad_value(ac, "oci_cmd", &err, "bad %d", 7), -1);
    assert_string_equal(xo_err_msg(&err), "t.cfg:4: oci_cmd: bad 7");
    assert_int_equal(app_cfg_bad_value(ac, "name", &err, "unset"), -1);
    assert_string_equal(xo_err_msg(&err), "t.cfg: name: unset");
    xo_err_clear(&err);
    app_cfg_free(ac);
}

/*
 * An item of a list is named at the line it was written on (helper-97):
 * a list over several lines, and one added to with += (libxlutil moves
 * the earlier items into the last setting's list, whose line is the
 * +='s), put items on other lines than the key's.
 */
static void test_item_lines(void **state)
{
    (void)state;
    struct app_cfg *ac = read_ok("name = \"x\"\n"
                                 "oci_env = [ \"A=1\",\n"
                                 "            \"B=2\" ]\n"
                                 "memory = 64\n"
                                 "oci_env += [ \"C=3\" ]\n"
                                 "oci_env += [ \"A=1\" ]\n"
                                 "disk = [\n"
                                 "  \"d\", [ \"nested\" ],\n"
                                 "\n"
                                 "  \"e\" ]\n");
    xo_err err = XO_ERR_INIT;
    char **v = NULL;
    size_t n = 0;
    assert_int_equal(app_cfg_list(ac, "oci_env", 8, &v, &n, &err), 1);
    assert_int_equal(n, 4);
    assert_string_equal(v[0], "A=1");
    assert_string_equal(v[2], "C=3");
    xo_strv_free(v);
    assert_int_equal(app_cfg_item_line(ac, "oci_env", 0), 2);
    assert_int_equal(app_cfg_item_line(ac, "oci_env", 1), 3);
    assert_int_equal(app_cfg_item_line(ac, "oci_env", 2), 5);
    assert_int_equal(app_cfg_item_line(ac, "oci_env", 3), 6);
    /* No such item: the key's line (its last setting's); no key: 0. */
    assert_int_equal(app_cfg_item_line(ac, "oci_env", 4), 6);
    assert_int_equal(app_cfg_item_line(ac, "oci_cmd", 0), 0);
    assert_int_equal(app_cfg_item_line(ac, "disk", 0), 8);
    assert_int_equal(app_cfg_item_line(ac, "disk", 1), 8);
    assert_int_equal(app_cfg_item_line(ac, "disk", 2), 10);

    assert_int_equal(app_cfg_bad_item(ac, "oci_env", 0, &err, "bad %d", 0), -1);
    assert_string_equal(xo_err_msg(&err), "t.cfg:2: oci_env: bad 0");
    assert_int_equal(app_cfg_bad_item(ac, "oci_env", 2, &err, "bad"), -1);
    assert_string_equal(xo_err_msg(&err), "t.cfg:5: oci_env: bad");
    assert_int_equal(app_cfg_bad_item(ac, "oci_cmd", 0, &err, "bad"), -1);
    assert_string_equal(xo_err_msg(&err), "t.cfg: oci_cmd: bad");
    /* get_list's own item errors name the item's line too. */
    assert_int_equal(app_cfg_list(ac, "disk", 8, &v, &n, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "t.cfg:8: disk: item 1 must be a string");
    xo_err_clear(&err);

    char *w = app_cfg_where_item(ac, "oci_env", 1);
    assert_string_equal(w, "t.cfg:3: oci_env");
    free(w);
    w = app_cfg_where_item_file(ac, "oci_env", 2);
    assert_string_equal(w, "t.cfg:5");
    free(w);
    /* The last item equal to a text (a name given twice keeps the last). */
    assert_int_equal(app_cfg_item_index(ac, "oci_env", "A=1"), 3);
    assert_int_equal(app_cfg_item_index(ac, "oci_env", "B=2"), 1);
    assert_int_equal(app_cfg_item_index(ac, "oci_env", "Z=9"), -1);
    assert_int_equal(app_cfg_item_index(ac, "oci_cmd", "A=1"), -1);
    app_cfg_free(ac);
}

static void test_long_values(void **state)
{
    (void)state;
    char big[5000 + 64];
    int k = snprintf(big, sizeof(big), "name = \"");
    memset(big + k, 'a', 4097);
    big[k + 4097] = '"';
    big[k + 4098] = '\n';
    big[k + 4099] = '\0';
    struct app_cfg *ac = read_ok(big);
    xo_err err = XO_ERR_INIT;
    const char *s = NULL;
    assert_int_equal(app_cfg_string(ac, "name", &s, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "t.cfg:1: name: value longer than 4095 bytes");
    app_cfg_free(ac);

    k = snprintf(big, sizeof(big), "oci_cmd = [ \"x\", \"");
    memset(big + k, 'b', 4097);
    snprintf(big + k + 4097, 10, "\" ]\n");
    ac = read_ok(big);
    char **v = NULL;
    assert_int_equal(app_cfg_list(ac, "oci_cmd", 8, &v, NULL, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "t.cfg:1: oci_cmd: item 1 longer than 4095 bytes");
    xo_err_clear(&err);
    app_cfg_free(ac);
}

static void test_unknown_and_wrong_type(void **state)
{
    (void)state;
    expect_read_error_s("name = \"a\"\n\n\nbogus = 1\n",
                        "t.cfg:4: unknown key \"bogus\"");
    /* xl keys we do not support are unknown too, not silently ignored. */
    expect_read_error_s("name = \"a\"\nbootloader = \"pygrub\"\n",
                        "t.cfg:2: unknown key \"bootloader\" (an xl.cfg key "
                        "xl-oci does not take; the loader boots the container: "
                        "oci_loader chooses it)");
    expect_read_error_s("pci = [ \"01:00.0\" ]\n",
                        "t.cfg:1: unknown key \"pci\" (an xl.cfg key xl-oci "
                        "does not take)");
    /* A key a typo away from a known one names it (helper-106); one
     * far from every key does not. */
    expect_read_error_s("oci_entrypiont = [ \"/bin/sh\" ]\n",
                        "t.cfg:1: unknown key \"oci_entrypiont\" (did you "
                        "mean oci_entrypoint?)");
    expect_read_error_s("oci_netwrok = [ \"lan\" ]\n",
                        "t.cfg:1: unknown key \"oci_netwrok\" (did you mean "
                        "oci_network?)");
    expect_read_error_s("oci_port = [ \"80\" ]\n",
                        "t.cfg:1: unknown key \"oci_port\" (did you mean "
                        "oci_ports?)");
    expect_read_error_s("vcpu = 2\n",
                        "t.cfg:1: unknown key \"vcpu\" (did you mean vcpus?)");
    expect_read_error_s("oci_environment = [ \"A=1\" ]\n",
                        "t.cfg:1: unknown key \"oci_environment\"");
    expect_read_error_s("name = [ \"a\" ]\n",
                        "t.cfg:1: name: must be a string");
    expect_read_error_s("\noci_cmd = \"/bin/sh\"\n",
                        "t.cfg:2: oci_cmd: must be a list");
    expect_read_error_s("memory = [ 1 ]\n",
                        "t.cfg:1: memory: must be a number");
    /* A key given twice is an error, where xl keeps the last silently
     * (helper-65: a second oci_env dropped the first); += adds. */
    expect_read_error_s("memory = 1\nmemory = [ 1 ]\n",
                        "t.cfg:2: memory is given again (first at line 1): "
                        "give it once, or add to a list with +=");
    expect_read_error_s("oci_env = [ \"A=1\" ]\n\noci_env = [ \"B=2\" ]\n",
                        "t.cfg:3: oci_env is given again (first at line 1): "
                        "give it once, or add to a list with +=");
    struct app_cfg *ac =
        read_ok("oci_env = [ \"A=1\" ]\noci_env += [ \"B=2\" ]\n");
    char **v = NULL;
    size_t n = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(app_cfg_list(ac, "oci_env", 8, &v, &n, &err), 1);
    assert_int_equal(n, 2);
    xo_strv_free(v);
    app_cfg_free(ac);
    expect_read_error("name = \"a\"\0x\n", 12, "t.cfg: contains a NUL byte");
    expect_read_error_s("\xef\xbb\xbfname = \"a\"\n",
                        "t.cfg: starts with a UTF-8 byte order mark: save it "
                        "without one");
    expect_read_error_s("name = \"a\"\r\nmemory = 64\r\n",
                        "t.cfg:1: a carriage return (a Windows line ending): "
                        "save the file with Unix line endings");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    struct app_cfg *ac = NULL;
    xo_err err = XO_ERR_INIT;
    const char *t = "name = \"a\"\noci_cmd = [ \"unterminated\n";
    assert_int_equal(app_cfg_read_data(&ac, "t.cfg", t, strlen(t), &err), -1);
    assert_string_equal(xo_err_msg(&err), "t.cfg:2: config parsing error "
                                          "near `\"unterminated': lexical "
                                          "error");
    t = "memory = 1.5\n";
    assert_int_equal(app_cfg_read_data(&ac, "t.cfg", t, strlen(t), &err), -1);
    assert_string_equal(xo_err_msg(&err), "t.cfg:1: config parsing error "
                                          "near `.5': lexical error");
    assert_null(ac);
    xo_err_clear(&err);
}

static void test_limits(void **state)
{
    /* A number too large for a long is out of range, not "not a number"
     * (helper-65). */
    {
        struct app_cfg *ac = read_ok("memory = 99999999999999999999999\n");
        long v = 0;
        xo_err err = XO_ERR_INIT;
        assert_int_equal(app_cfg_long(ac, "memory", 16, 1 << 20, &v, &err), -1);
        assert_string_equal(xo_err_msg(&err),
                            "t.cfg:1: memory: 99999999999999999999999 is out "
                            "of range [16, 1048576]");
        xo_err_clear(&err);
        app_cfg_free(ac);
    }
    (void)state;
    /* 4097 settings (oci_env += lines, the way to reach them): more than
     * any app.cfg needs. */
    size_t cap = 4097 * 32 + 1;
    char *t = malloc(cap), *p = t;
    for (int i = 0; i < 4097; i++)
        p += sprintf(p, "oci_env %s [ \"K%d=v\" ]\n", i ? "+=" : "=", i);
    expect_read_error_s(t, "t.cfg: more than 4096 settings");
    free(t);

    size_t big = APP_CFG_MAX_BYTES + 1;
    t = malloc(big);
    memset(t, '\n', big);
    expect_read_error(t, big, "t.cfg: larger than 8388608 bytes");
    free(t);
}

static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test-app-cfg.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *t = "name = \"f\"\nnope = 1\n";
    assert_int_equal(write(fd, t, strlen(t)), (ssize_t)strlen(t));
    close(fd);
    struct app_cfg *ac = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(app_cfg_read(&ac, path, &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "%s:2: unknown key \"nope\"", path);
    assert_string_equal(xo_err_msg(&err), want);
    unlink(path);
    assert_int_equal(app_cfg_read(&ac, path, &err), -1);
    snprintf(want, sizeof(want), "cannot open %s: No such file or directory",
             path);
    assert_string_equal(xo_err_msg(&err), want);
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_getters),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_item_lines),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_unknown_and_wrong_type),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
