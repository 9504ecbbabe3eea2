/*
 * test-common.c: the error contract (common/error.c), strict JSON helpers
 * (common/json.c) and bounded/atomic file I/O (common/fileio.c).  Messages
 * are asserted exactly where the message is what callers and users rely on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytesize.h"
#include "common/error.h"
#include "common/etc_files.h"
#include "common/fileio.h"
#include "common/json.h"

/* ---- helpers ---------------------------------------------------------- */

static char *tmpdir_new(void)
{
    char *d = strdup("/tmp/test-common.XXXXXX");
    assert_non_null(d);
    assert_non_null(mkdtemp(d));
    return d;
}

static void tmpdir_free(char *d)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
    assert_int_equal(system(cmd), 0);
    free(d);
}

static char *join(const char *a, const char *b)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", a, b) > 0);
    return p;
}

static void write_bytes(const char *path, char c, size_t n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc(c, f);
    assert_int_equal(fclose(f), 0);
}

/* Names in `dir` other than . and .., sorted, joined by spaces. */
static char *dir_list(const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    char *out = calloc(1, 4096);
    assert_non_null(out);
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
            if (*out)
                strcat(out, " ");
            strncat(out, names[i]->d_name, 4000 - strlen(out));
        }
        free(names[i]);
    }
    free(names);
    return out;
}

/* ---- error.c ---------------------------------------------------------- */

static void test_err_set_and_clear(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_string_equal(xo_err_msg(&err), "unknown error");
    assert_string_equal(xo_err_msg(NULL), "unknown error");
    assert_int_equal(xo_err_set(&err, EINVAL, "key %s at %d", "name", 3), -1);
    assert_string_equal(xo_err_msg(&err), "key name at 3");
    assert_int_equal(err.errnum, EINVAL);
    /* Setting again replaces (and frees, for ASan) the old message. */
    assert_int_equal(xo_err_set(&err, ENOENT, "second"), -1);
    assert_string_equal(xo_err_msg(&err), "second");
    assert_int_equal(err.errnum, ENOENT);
    xo_err_clear(&err);
    assert_null(err.msg);
    assert_int_equal(err.errnum, 0);
    /* Idempotent, and NULL-safe. */
    xo_err_clear(&err);
    xo_err_clear(NULL);
    assert_int_equal(xo_err_set(NULL, EINVAL, "x"), -1);
    assert_int_equal(xo_err_wrap(NULL, "x"), -1);
    assert_int_equal(xo_err_sys(NULL, "x"), -1);
}

static void test_err_wrap(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    xo_err_set(&err, EBADMSG, "digest mismatch");
    assert_int_equal(xo_err_wrap(&err, "loading image config: %s", "sha256:ab"),
                     -1);
    assert_int_equal(xo_err_wrap(&err, "create"), -1);
    assert_string_equal(xo_err_msg(&err), "create: loading image config: "
                                          "sha256:ab: digest mismatch");
    /* Wrapping keeps the errno of the cause. */
    assert_int_equal(err.errnum, EBADMSG);
    xo_err_clear(&err);

    /* Wrapping nothing still yields a message, never NULL. */
    xo_err_wrap(&err, "context");
    assert_string_equal(xo_err_msg(&err), "context: unknown error");
    xo_err_clear(&err);
}

static void test_err_sys(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    errno = ENOENT;
    assert_int_equal(xo_err_sys(&err, "cannot open %s", "/x"), -1);
    assert_string_equal(xo_err_msg(&err),
                        "cannot open /x: No such file or directory");
    assert_int_equal(err.errnum, ENOENT);
    /* errno survives the call, so a caller may still look at it. */
    assert_int_equal(errno, ENOENT);
    xo_err_clear(&err);
}

static void test_err_print(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    xo_err err = XO_ERR_INIT;
    xo_err_set(&err, EINVAL, "app.cfg:3: unknown key \"x\"");
    xo_err_print(&err, "xl-oci", f);
    fclose(f);
    assert_string_equal(buf, "xl-oci: app.cfg:3: unknown key \"x\"\n");
    /* Printing clears: an error is reported once. */
    assert_null(err.msg);
    free(buf);
    /* What a registry or an image said reaches the terminal without its
     * control bytes (helper-107: a media type's escape sequence); tab,
     * newline and UTF-8 pass. */
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    xo_err_set(&err, EINVAL, "type \"\x1b[2Jx\x07\x7f\" at\t\xc3\xa9\nnext");
    xo_err_print(&err, "xl-oci", f);
    fclose(f);
    assert_string_equal(buf, "xl-oci: type \"?[2Jx??\" at\t\xc3\xa9\nnext\n");
    free(buf);
}

/* ---- json.c ----------------------------------------------------------- */

static void expect_parse_error(const char *text, size_t len, size_t max,
                               const char *msg, int errnum)
{
    json_object *o = (json_object *)0x1;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_json_parse(&o, text, len, max, "cfg.json", &err), -1);
    assert_string_equal(xo_err_msg(&err), msg);
    assert_int_equal(err.errnum, errnum);
    /* *out_r is set only on success. */
    assert_ptr_equal(o, (json_object *)0x1);
    xo_err_clear(&err);
}

static void expect_parse_error_s(const char *text, const char *msg)
{
    expect_parse_error(text, strlen(text), 1024, msg, EINVAL);
}

static void test_json_parse_ok(void **state)
{
    (void)state;
    const char *t = " {\"a\": [1, \"x\"], \"b\": null}\n\t ";
    json_object *o = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_json_parse(&o, t, strlen(t), 1024, "w", &err), 0);
    assert_non_null(o);
    assert_true(json_object_is_type(o, json_type_object));
    json_object_put(o);
    /* Exactly at the cap is allowed. */
    assert_int_equal(xo_json_parse(&o, "[1]", 3, 3, "w", &err), 0);
    json_object_put(o);
    /* A scalar document is still JSON; callers check the type. */
    assert_int_equal(xo_json_parse(&o, "\"s\"", 3, 3, "w", &err), 0);
    assert_true(json_object_is_type(o, json_type_string));
    json_object_put(o);
    assert_null(err.msg);
}

static void test_json_parse_errors(void **state)
{
    (void)state;
    expect_parse_error_s("{\"a\": ",
                         "cfg.json: invalid JSON: unexpected end of input at "
                         "offset 6");
    expect_parse_error_s("", "cfg.json: invalid JSON: unexpected end of "
                             "input at offset 0");
    expect_parse_error("{\"a\": 1}\0", 9, 1024, "cfg.json: contains a NUL byte",
                       EINVAL);
    expect_parse_error("{\"a\": \"x\0y\"}", 12, 1024,
                       "cfg.json: contains a NUL byte", EINVAL);
    expect_parse_error("[1, 2]", 6, 5, "cfg.json: larger than 5 bytes", EFBIG);
}

/* The messages of json-c itself are not ours; the offset and file are. */
static void expect_parse_error_at(const char *text, size_t off)
{
    json_object *o = NULL;
    xo_err err = XO_ERR_INIT;
    char want[64];
    snprintf(want, sizeof(want), "w: invalid JSON at offset %zu: ", off);
    if (xo_json_parse(&o, text, strlen(text), 1 << 20, "w", &err) != -1)
        fail_msg("%s: accepted", text);
    if (strncmp(xo_err_msg(&err), want, strlen(want)) != 0 ||
        strlen(xo_err_msg(&err)) == strlen(want))
        fail_msg("%s: got \"%s\", want prefix \"%s\"", text, xo_err_msg(&err),
                 want);
    xo_err_clear(&err);
}

static void test_json_strict(void **state)
{
    (void)state;
    /* Trailing data after the document, at its first byte. */
    expect_parse_error_at("{\"a\": 1} x", 9);
    expect_parse_error_at("{\"a\": 1}{}", 8);
    expect_parse_error_at("[1] \x01", 4);
    expect_parse_error_at("1 2", 2);
    expect_parse_error_at("{\"a\" 1}", 5);
    expect_parse_error_at("/*c*/[1]", 0);
    expect_parse_error_at("[01]", 3);
    expect_parse_error_at("[1, 2,]", 6);
    expect_parse_error_at("{\"a\": tru}", 9);
    expect_parse_error_at("[\"\xff\"]", 2); /* invalid UTF-8 */
    expect_parse_error_at("{\"a\": 1, }", 9);
    /* Depth is capped at 32: 40 nested arrays are refused, 31 are not. */
    char deep[128];
    memset(deep, '[', 40);
    memset(deep + 40, ']', 40);
    deep[80] = '\0';
    json_object *o = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_json_parse(&o, deep, 80, 1024, "w", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "w: invalid JSON at offset"));
    xo_err_clear(&err);
    memset(deep, '[', 31);
    memset(deep + 31, ']', 31);
    assert_int_equal(xo_json_parse(&o, deep, 62, 1024, "w", &err), 0);
    json_object_put(o);
}

static json_object *parse(const char *t)
{
    json_object *o = NULL;
    xo_err err = XO_ERR_INIT;
    if (xo_json_parse(&o, t, strlen(t), 1 << 16, "w", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    return o;
}

static void test_json_getters(void **state)
{
    (void)state;
    json_object *o = parse("{\"s\": \"str\", \"n\": 3, \"o\": {}, \"a\": [], "
                           "\"z\": null}");
    xo_err err = XO_ERR_INIT;
    const char *s = "untouched";
    json_object *v = NULL;

    assert_int_equal(xo_json_get_string(&s, o, "s", true, "f", &err), 1);
    assert_string_equal(s, "str");
    assert_int_equal(xo_json_get_object(&v, o, "o", true, "f", &err), 1);
    assert_true(json_object_is_type(v, json_type_object));
    assert_int_equal(xo_json_get_array(&v, o, "a", true, "f", &err), 1);
    assert_true(json_object_is_type(v, json_type_array));

    /* Absent and null: 0 when optional, output untouched. */
    s = "untouched";
    assert_int_equal(xo_json_get_string(&s, o, "x", false, "f", &err), 0);
    assert_int_equal(xo_json_get_string(&s, o, "z", false, "f", &err), 0);
    assert_string_equal(s, "untouched");
    assert_null(err.msg);

    /* Missing (absent or null) and wrong type say different things. */
    assert_int_equal(xo_json_get_string(&s, o, "x", true, "f", &err), -1);
    assert_string_equal(xo_err_msg(&err), "f: \"x\" is missing");
    assert_int_equal(xo_json_get_object(&v, o, "z", true, "f", &err), -1);
    assert_string_equal(xo_err_msg(&err), "f: \"z\" is missing");
    assert_int_equal(xo_json_get_string(&s, o, "n", false, "f", &err), -1);
    assert_string_equal(xo_err_msg(&err), "f: \"n\" must be a string");
    assert_int_equal(xo_json_get_object(&v, o, "a", false, "f", &err), -1);
    assert_string_equal(xo_err_msg(&err), "f: \"a\" must be an object");
    assert_int_equal(xo_json_get_array(&v, o, "o", false, "f", &err), -1);
    assert_string_equal(xo_err_msg(&err), "f: \"o\" must be an array");
    assert_string_equal(s, "untouched");
    xo_err_clear(&err);
    json_object_put(o);
}

static void test_json_strv(void **state)
{
    (void)state;
    json_object *o = parse("{\"a\": [\"x\", \"\", \"y z\"], \"e\": [], "
                           "\"bad\": [\"x\", 1], \"s\": \"x\"}");
    xo_err err = XO_ERR_INIT;
    char **v = NULL;
    size_t n = 99;

    assert_int_equal(xo_json_get_strv(&v, &n, o, "a", 3, "f", &err), 1);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "x");
    assert_string_equal(v[1], "");
    assert_string_equal(v[2], "y z");
    assert_null(v[3]);
    xo_strv_free(v);

    v = NULL;
    assert_int_equal(xo_json_get_strv(&v, &n, o, "e", 3, "f", &err), 1);
    assert_int_equal(n, 0);
    assert_non_null(v);
    assert_null(v[0]);
    xo_strv_free(v);

    v = NULL;
    assert_int_equal(xo_json_get_strv(&v, NULL, o, "absent", 3, "f", &err), 0);
    assert_null(v);

    assert_int_equal(xo_json_get_strv(&v, &n, o, "a", 2, "f", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "f: \"a\" has 3 items, at most 2 allowed");
    assert_int_equal(err.errnum, E2BIG);
    assert_int_equal(xo_json_get_strv(&v, &n, o, "bad", 8, "f", &err), -1);
    assert_string_equal(xo_err_msg(&err), "f: \"bad\"[1] must be a string");
    assert_int_equal(xo_json_get_strv(&v, &n, o, "s", 8, "f", &err), -1);
    assert_string_equal(xo_err_msg(&err), "f: \"s\" must be an array");
    assert_null(v);
    xo_err_clear(&err);
    xo_strv_free(NULL);
    json_object_put(o);
}

/* Issue 13: a NUL escaped as \u0000 is refused wherever it is, naming
 * the value's path, or the offset of a key (json-c cuts keys at it). */
static void test_json_nul(void **state)
{
    (void)state;
    json_object *o = NULL;
    xo_err err = XO_ERR_INIT;
    const char *v = "{\"a\": {\"b\": [\"x\", \"y\\u0000z\"]}}";
    assert_int_equal(xo_json_parse(&o, v, strlen(v), 1024, "w", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "w: \"a.b[1]\" holds a NUL character (\\u0000)");
    xo_err_clear(&err);
    const char *k = "{\"ok\": 1, \"k\\u0000x\": 1}";
    assert_int_equal(xo_json_parse(&o, k, strlen(k), 1024, "w", &err), -1);
    assert_string_equal(
        xo_err_msg(&err),
        "w: an object key at offset 12 holds a NUL character (\\u0000)");
    xo_err_clear(&err);
    const char *top = "\"\\u0000\"";
    assert_int_equal(xo_json_parse(&o, top, strlen(top), 1024, "w", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "(the document)"));
    xo_err_clear(&err);
    /* An escaped backslash followed by "u0000" is text, not a NUL. */
    const char *fine = "{\"a\": \"\\\\u0000\"}";
    assert_int_equal(xo_json_parse(&o, fine, strlen(fine), 1024, "w", &err), 0);
    const char *s = NULL;
    assert_int_equal(xo_json_get_string(&s, o, "a", true, "w", &err), 1);
    assert_string_equal(s, "\\u0000");
    json_object_put(o);
    /* The getters refuse it too, for objects not made by xo_json_parse. */
    o = json_object_new_object();
    json_object_object_add(o, "s", json_object_new_string_len("a\0b", 3));
    json_object *arr = json_object_new_array();
    json_object_array_add(arr, json_object_new_string("ok"));
    json_object_array_add(arr, json_object_new_string_len("c\0d", 3));
    json_object_object_add(o, "v", arr);
    assert_int_equal(xo_json_get_string(&s, o, "s", true, "w", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "w: \"s\" holds a NUL character (\\u0000)");
    xo_err_clear(&err);
    char **sv = NULL;
    assert_int_equal(xo_json_get_strv(&sv, NULL, o, "v", 10, "w", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "w: \"v[1]\" holds a NUL character (\\u0000)");
    xo_err_clear(&err);
    json_object_put(o);
}

static void test_json_to_string(void **state)
{
    (void)state;
    json_object *o = parse("{\"p\": \"/usr/bin\"}");
    char *s = xo_json_to_string(o);
    assert_non_null(s);
    assert_string_equal(s, "{\n  \"p\": \"/usr/bin\"\n}\n");
    free(s);
    json_object_put(o);
}

static void test_json_parse_file(void **state)
{
    (void)state;
    char *d = tmpdir_new();
    char *p = join(d, "c.json");
    FILE *f = fopen(p, "w");
    fputs("{\"a\": 1} junk", f);
    fclose(f);
    json_object *o = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_json_parse_file(&o, p, 1024, &err), -1);
    char want[512];
    snprintf(want, sizeof(want), "%s: invalid JSON at offset 9: ", p);
    assert_memory_equal(xo_err_msg(&err), want, strlen(want));
    assert_int_equal(xo_json_parse_file(&o, p, 4, &err), -1);
    snprintf(want, sizeof(want), "%s: larger than 4 bytes", p);
    assert_string_equal(xo_err_msg(&err), want);
    xo_err_clear(&err);
    free(p);
    tmpdir_free(d);
}

/* ---- fileio.c --------------------------------------------------------- */

static void test_read_file_cap(void **state)
{
    (void)state;
    char *d = tmpdir_new();
    char *p = join(d, "f");
    char *buf = NULL;
    size_t len = 0;
    xo_err err = XO_ERR_INIT;
    char want[512];

    /* 10000 bytes crosses the reader's growth steps. */
    write_bytes(p, 'x', 10000);
    assert_int_equal(xo_read_file(&buf, &len, p, 10000, &err), 0);
    assert_int_equal(len, 10000);
    assert_int_equal(buf[9999], 'x');
    assert_int_equal(buf[10000], '\0');
    free(buf);
    buf = NULL;

    assert_int_equal(xo_read_file(&buf, &len, p, 9999, &err), -1);
    snprintf(want, sizeof(want), "%s: larger than 9999 bytes", p);
    assert_string_equal(xo_err_msg(&err), want);
    assert_int_equal(err.errnum, EFBIG);
    assert_null(buf);

    /* Caps around the 4096-byte first buffer. */
    write_bytes(p, 'y', 4097);
    assert_int_equal(xo_read_file(&buf, &len, p, 4096, &err), -1);
    assert_int_equal(err.errnum, EFBIG);
    assert_int_equal(xo_read_file(&buf, &len, p, 4097, &err), 0);
    assert_int_equal(len, 4097);
    free(buf);
    buf = NULL;
    write_bytes(p, 'y', 4096);
    assert_int_equal(xo_read_file(&buf, &len, p, 4095, &err), -1);
    assert_int_equal(err.errnum, EFBIG);

    /* Empty file: an empty, NUL-terminated buffer. */
    write_bytes(p, 'z', 0);
    assert_int_equal(xo_read_file(&buf, NULL, p, 0, &err), 0);
    assert_string_equal(buf, "");
    free(buf);

    char *missing = join(d, "missing");
    assert_int_equal(xo_read_file(&buf, &len, missing, 10, &err), -1);
    snprintf(want, sizeof(want), "cannot open %s: No such file or directory",
             missing);
    assert_string_equal(xo_err_msg(&err), want);
    assert_int_equal(err.errnum, ENOENT);

    /* A directory opens but cannot be read. */
    assert_int_equal(xo_read_file(&buf, &len, d, 10, &err), -1);
    assert_int_equal(err.errnum, EISDIR);
    xo_err_clear(&err);
    free(missing);
    free(p);
    tmpdir_free(d);
}

static void test_write_atomic(void **state)
{
    (void)state;
    char *d = tmpdir_new();
    char *p = join(d, "state.json");
    xo_err err = XO_ERR_INIT;

    assert_int_equal(xo_write_file_atomic(p, "one", 3, 0600, &err), 0);
    assert_int_equal(xo_write_file_atomic(p, "second", 6, 0640, &err), 0);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(xo_read_file(&buf, &len, p, 100, &err), 0);
    assert_string_equal(buf, "second");
    free(buf);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    char *names = dir_list(d);
    assert_string_equal(names, "state.json");
    free(names);
    free(p);

    /* Rename onto a non-empty directory fails: no temp file may remain. */
    char *sub = join(d, "sub");
    assert_int_equal(mkdir(sub, 0755), 0);
    char *inner = join(sub, "keep");
    write_bytes(inner, 'k', 1);
    assert_int_equal(xo_write_file_atomic(sub, "data", 4, 0644, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "cannot rename "));
    assert_non_null(strstr(xo_err_msg(&err), sub));
    names = dir_list(d);
    assert_string_equal(names, "state.json sub");
    free(names);
    names = dir_list(sub);
    assert_string_equal(names, "keep");
    free(names);

    /* No directory to hold the temp file. */
    char *nodir = join(d, "nodir/file");
    assert_int_equal(xo_write_file_atomic(nodir, "x", 1, 0644, &err), -1);
    char want[512];
    snprintf(want, sizeof(want),
             "cannot create a temporary file for %s: No "
             "such file or directory",
             nodir);
    assert_string_equal(xo_err_msg(&err), want);
    assert_int_equal(err.errnum, ENOENT);
    xo_err_clear(&err);
    free(nodir);
    free(inner);
    free(sub);
    tmpdir_free(d);
}

static void test_mkdir_p(void **state)
{
    (void)state;
    char *d = tmpdir_new();
    char *deep = join(d, "a/b/c");
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_mkdir_p(deep, 0700, &err), 0);
    assert_int_equal(xo_mkdir_p(deep, 0700, &err), 0); /* exists: fine */
    struct stat st;
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));

    char *file = join(d, "a/f");
    write_bytes(file, 'x', 1);
    char want[512];
    assert_int_equal(xo_mkdir_p(file, 0700, &err), -1);
    snprintf(want, sizeof(want), "%s exists and is not a directory", file);
    assert_string_equal(xo_err_msg(&err), want);
    assert_int_equal(err.errnum, ENOTDIR);
    char *under = join(file, "x");
    assert_int_equal(xo_mkdir_p(under, 0700, &err), -1);
    assert_int_equal(err.errnum, ENOTDIR);
    assert_int_equal(xo_mkdir_p("", 0700, &err), -1);
    assert_string_equal(xo_err_msg(&err), "bad directory path ''");
    xo_err_clear(&err);
    free(under);
    free(file);
    free(deep);
    tmpdir_free(d);
}

static void test_write_all(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(xo_write_all(fds[1], "hello", 5), 0);
    char buf[8] = {0};
    assert_int_equal(read(fds[0], buf, sizeof(buf)), 5);
    assert_string_equal(buf, "hello");
    close(fds[0]);
    close(fds[1]);
    assert_int_equal(xo_write_all(-1, "x", 1), -1);
    assert_int_equal(errno, EBADF);
}

/* The runtime's /etc files: one text for the loader and the runtime spec. */
/* The size grammar `volume create --size` and XL_OCI_LOG_MAX share. */
static void test_bytesize(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        uint64_t want; /* 0: refused */
        int errnum;
    } cases[] = {
        {"512", 512, 0},
        {"64k", 64 << 10, 0},
        {"10m", 10 << 20, 0},
        {"10M", 10 << 20, 0},
        {"2GiB", 2ULL << 30, 0},
        {"3TB", 3ULL << 40, 0},
        /* Docker's and qemu-img's "1.5G", when a whole number of bytes;
         * "iB" and "B" in any case. */
        {"1.5G", 3ULL << 29, 0},
        {"1.5m", 3 << 19, 0},
        {"0.5k", 512, 0},
        {"2.25K", 2304, 0},
        {"2.0", 2, 0},
        {"16777215.5T", UINT64_MAX - (1ULL << 39) + 1, 0},
        {"0.000001T", 0, EINVAL}, /* 1099511.627776 bytes */
        {"10mib", 10 << 20, 0},
        {"10Mb", 10 << 20, 0},
        {"1.1K", 0, EINVAL},
        {"1.5", 0, EINVAL},
        {"1.", 0, EINVAL},
        {".5M", 0, EINVAL},
        {"1.0000001M", 0, EINVAL},
        {"1.5.5M", 0, EINVAL},
        {"0", 0, 0},
        {"", 0, EINVAL},
        {"-1", 0, EINVAL},
        {" 5", 0, EINVAL},
        {"5X", 0, EINVAL},
        {"5 M", 0, EINVAL},
        {"5MBs", 0, EINVAL},
        {"5kib", 5 << 10, 0},
        {"5kibb", 0, EINVAL},
        {"16777216T", 0, ERANGE},
        {"99999999999999999999", 0, ERANGE},
        {"18446744073709551615", UINT64_MAX, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t v = 7;
        xo_err err = XO_ERR_INIT;
        int rc = xo_bytesize_parse(&v, cases[i].in, &err);
        if (cases[i].errnum) {
            if (rc != -1 || err.errnum != cases[i].errnum ||
                !strstr(xo_err_msg(&err), cases[i].in) || v != 7)
                fail_msg("\"%s\": rc %d errnum %d", cases[i].in, rc,
                         err.errnum);
            xo_err_clear(&err);
        } else if (rc != 0 || v != cases[i].want) {
            fail_msg("\"%s\": rc %d value %llu", cases[i].in, rc,
                     (unsigned long long)v);
        }
    }
}

static void test_etc_files(void **state)
{
    (void)state;
    char buf[XO_ETC_MAX];
    assert_int_equal(xo_etc_hostname(buf, sizeof(buf), "web"), 4);
    assert_string_equal(buf, "web\n");
    int n = xo_etc_hosts(buf, sizeof(buf), "web", "10.0.0.2/24");
    /* As Docker writes it (libnetwork/etchosts), then the container. */
    assert_string_equal(buf, "127.0.0.1\tlocalhost\n"
                             "::1\tlocalhost ip6-localhost ip6-loopback\n"
                             "fe00::0\tip6-localnet\n"
                             "ff00::0\tip6-mcastprefix\n"
                             "ff02::1\tip6-allnodes\n"
                             "ff02::2\tip6-allrouters\n"
                             "10.0.0.2\tweb\n");
    assert_int_equal(n, (int)strlen(buf));
    xo_etc_hosts(buf, sizeof(buf), "web", NULL);
    assert_non_null(strstr(buf, "\n127.0.1.1\tweb\n"));
    const char *dns[] = {"10.0.0.1", "fd00::1"}, *search[] = {"a.b", "c"};
    xo_etc_resolv_conf(buf, sizeof(buf), dns, 2, search, 2);
    assert_string_equal(
        buf, "nameserver 10.0.0.1\nnameserver fd00::1\nsearch a.b c\n");
    xo_etc_resolv_conf(buf, sizeof(buf), NULL, 0, NULL, 0);
    assert_string_equal(buf, "# no name servers configured (oci_dns)\n");
    /* What does not fit is an error, never a cut file. */
    assert_int_equal(xo_etc_hosts(buf, 20, "web", NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytesize),
        cmocka_unit_test(test_etc_files),
        cmocka_unit_test(test_err_set_and_clear),
        cmocka_unit_test(test_err_wrap),
        cmocka_unit_test(test_err_sys),
        cmocka_unit_test(test_err_print),
        cmocka_unit_test(test_json_parse_ok),
        cmocka_unit_test(test_json_parse_errors),
        cmocka_unit_test(test_json_strict),
        cmocka_unit_test(test_json_getters),
        cmocka_unit_test(test_json_strv),
        cmocka_unit_test(test_json_nul),
        cmocka_unit_test(test_json_to_string),
        cmocka_unit_test(test_json_parse_file),
        cmocka_unit_test(test_read_file_cap),
        cmocka_unit_test(test_write_atomic),
        cmocka_unit_test(test_mkdir_p),
        cmocka_unit_test(test_write_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
