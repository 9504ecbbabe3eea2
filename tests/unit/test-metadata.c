/*
 * test-metadata.c: labels and annotations.  The grammar and bounds of
 * domcfg/metadata.h at their edges, the labels' merge of image config and
 * oci_labels (the domain's key wins in place), and the store of
 * xl-plugin/metastore.h: labels.json as create writes it, annotate's
 * parsing, all-or-nothing changes, label keys refused, bounds.
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
#include <unistd.h>

#include "common/json.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "domcfg/metadata.h"
#include "xl-plugin/metastore.h"

#include "domcfg_fixture.h"

static void key_ok(const char *k)
{
    xo_err err = XO_ERR_INIT;
    if (metadata_check_key(k, &err) < 0)
        fail_msg("key \"%s\" refused: %s", k, xo_err_msg(&err));
}

static void key_bad(const char *k, const char *want)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(metadata_check_key(k, &err), -1);
    assert_int_equal(err.errnum, EINVAL);
    assert_string_equal(xo_err_msg(&err), want);
    xo_err_clear(&err);
}

static void value_bad(const char *v, const char *want)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(metadata_check_value("k", v, &err), -1);
    assert_string_equal(xo_err_msg(&err), want);
    xo_err_clear(&err);
}

static void test_keys(void **state)
{
    (void)state;
    key_ok("a");
    key_ok("org.opencontainers.image.title");
    key_ok("example.com/team_1-x");
    key_ok("BZComponent");
    char k[METADATA_KEY_MAX + 2];
    memset(k, 'k', sizeof(k) - 1);
    k[METADATA_KEY_MAX] = '\0';
    key_ok(k);
    k[METADATA_KEY_MAX] = 'k';
    k[METADATA_KEY_MAX + 1] = '\0';
    key_bad(k, "key \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
               "kkkkkkkk...\" is longer than 253 bytes");
    key_bad("", "empty key");
    key_bad("x-", "key \"x-\" must begin and end with a letter or digit");
    key_bad(".x", "key \".x\" must begin and end with a letter or digit");
    key_bad("a=b", "key \"a=b\": '=' is not allowed (letters, digits, '.', "
                   "'-', '_', '/')");
    key_bad("a\tb", "key \"a\tb\": byte 0x09 at 1 is not allowed (letters, "
                    "digits, '.', '-', '_', '/')");
    key_bad("caf\xc3\xa9", "key \"caf\xc3\xa9\": byte 0xc3 at 3 is not allowed "
                           "(letters, digits, '.', '-', '_', '/')");
    key_bad("org.xl-oci.stop-signal", "key \"org.xl-oci.stop-signal\": keys "
                                      "under \"org.xl-oci.\" are xl-oci's own");
}

static void test_values(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(metadata_check_value("k", "", &err), 0);
    assert_int_equal(metadata_check_value("k", "two\tlines\nok", &err), 0);
    assert_int_equal(
        metadata_check_value("k", "caf\xc3\xa9 \xf0\x9f\x90\xb3", &err), 0);
    char *v = malloc(METADATA_VALUE_MAX + 2);
    memset(v, 'v', METADATA_VALUE_MAX);
    v[METADATA_VALUE_MAX] = '\0';
    assert_int_equal(metadata_check_value("k", v, &err), 0);
    v[METADATA_VALUE_MAX] = 'v';
    v[METADATA_VALUE_MAX + 1] = '\0';
    value_bad(v, "key \"k\": value is 3841 bytes, at most 3840 allowed");
    free(v);
    value_bad("a\rb", "key \"k\": value holds the control character 0x0d at "
                      "byte 1");
    value_bad("\x7f", "key \"k\": value holds the control character 0x7f at "
                      "byte 0");
    value_bad("\xc0\xaf", "key \"k\": value is not UTF-8 at byte 0");
    value_bad("ok\xed\xa0\x80", "key \"k\": value is not UTF-8 at byte 2");
    value_bad("\xf4\x90\x80\x80", "key \"k\": value is not UTF-8 at byte 0");
    value_bad("\xe2\x82", "key \"k\": value is not UTF-8 at byte 0");
}

static void test_bounds(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(metadata_check_bounds(256, 256 * 1024, "x", &err), 0);
    assert_int_equal(metadata_check_bounds(257, 0, "labels", &err), -1);
    assert_string_equal(xo_err_msg(&err), "257 labels, at most 256 allowed");
    xo_err_clear(&err);
    assert_int_equal(
        metadata_check_bounds(1, 256 * 1024 + 1, "annotations", &err), -1);
    assert_int_equal(err.errnum, E2BIG);
    assert_string_equal(xo_err_msg(&err),
                        "annotations take 262145 bytes of keys and values, at "
                        "most 262144 allowed");
    xo_err_clear(&err);
}

#define IMG_LABELS(l)                                                          \
    "{\"architecture\": \"amd64\", \"os\": \"linux\", \"config\": "            \
    "{\"Cmd\": [\"/x\"], \"Labels\": {" l "}}}"
#define BASE "name = \"t\"\noci_root = \"@RV@\"\n"

static void test_merge(void **state)
{
    struct fixture *fx = *state;
    xo_err err = XO_ERR_INIT;
    build_ok(fx, IMG_LABELS("\"a\": \"1\", \"b\": \"2\""),
             BASE "oci_labels = [ \"c=3\", \"a=cfg\", \"d=x=y\" ]\n");
    assert_int_equal(fx->dc.n_labels, 4);
    assert_string_equal(fx->dc.labels[0], "a=cfg"); /* in the image's place */
    assert_string_equal(fx->dc.labels[1], "b=2");
    assert_string_equal(fx->dc.labels[2], "c=3");
    assert_string_equal(fx->dc.labels[3], "d=x=y");
    assert_null(fx->dc.labels[4]);

    /* An image label our rules refuse (Docker keeps it) is left out with
     * a warning, so the image still runs; the others are kept. */
    build_ok(fx, IMG_LABELS("\"a b\": \"1\", \"ok\": \"2\""), BASE);
    assert_int_equal(fx->dc.n_labels, 1);
    assert_string_equal(fx->dc.labels[0], "ok=2");
    assert_int_equal(fx->dc.n_warnings, 1);
    assert_non_null(strstr(fx->dc.warnings[0],
                           "image-config.json: Labels: key \"a b\": ' ' is "
                           "not allowed"));
    assert_non_null(strstr(fx->dc.warnings[0], ": left out"));
    /* Past the rules' bounds (256 labels, a value of 3840 bytes), image
     * labels are left out with a warning too; they had failed create. */
    size_t cap = 300 * 32 + 8192, o = 0;
    char *img = malloc(cap);
    assert_non_null(img);
    o += (size_t)snprintf(img, cap,
                          "{\"architecture\": \"amd64\", \"os\": \"linux\", "
                          "\"config\": {\"Cmd\": [\"/x\"], \"Labels\": "
                          "{\"long\": \"%05000d\"",
                          0);
    for (int i = 0; i < 300; i++)
        o += (size_t)snprintf(img + o, cap - o, ", \"k%03d\": \"v\"", i);
    snprintf(img + o, cap - o, "}}}");
    build_ok(fx, img, BASE);
    free(img);
    assert_int_equal(fx->dc.n_labels, 256);
    assert_string_equal(fx->dc.labels[255], "k255=v");
    assert_int_equal(fx->dc.n_warnings, 2);
    assert_non_null(strstr(
        fx->dc.warnings[0],
        "Labels: key \"long\": value is 5000 bytes, at most 3840 allowed: left out"));
    assert_non_null(strstr(fx->dc.warnings[1],
                           "image-config.json: Labels: 44 left out past 256 "
                           "labels or 262144 bytes of keys and values"));
    assert_int_equal(build(fx, IMG_LABELS(""),
                           BASE "oci_labels = [ \"a=1\", \"a-\" ]\n", &err),
                     -1);
    assert_string_equal(xo_err_msg(&err),
                        "app.cfg:3: oci_labels: \"a-\" is not KEY=VALUE");
    xo_err_clear(&err);
}

/* A state root with container "c": its labels.json as create writes it. */
static char root[64];

static int store_setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/test-metastore.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/domains", root);
    mkdir(dir, 0700);
    snprintf(dir, sizeof(dir), "%s/domains/c", root);
    mkdir(dir, 0700);
    char *labels[] = {"team=web", "tier=x", NULL};
    xo_err err = XO_ERR_INIT;
    return metastore_write_labels(dir, labels, 2, &err);
}

static int store_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* annotate with `args`; returns its result, error in *err. */
static int annotate(char *const *args, size_t n, xo_err *err)
{
    struct metastore_change *ch = NULL;
    size_t nch = 0;
    if (metastore_parse_changes(&ch, &nch, args, n, err) < 0)
        return -1;
    int rc = metastore_annotate(root, "c", ch, nch, err);
    metastore_changes_free(ch, nch);
    return rc;
}

static char *annotations_text(void)
{
    json_object *l = NULL, *a = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(metastore_read(&l, &a, root, "c", &err), 0);
    char *s = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
    assert_int_equal(json_object_object_length(l), 2);
    json_object_put(l);
    json_object_put(a);
    return s;
}

static void assert_annotations(const char *want)
{
    char *got = annotations_text();
    assert_string_equal(got, want);
    free(got);
}

static void test_annotate(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_annotations("{}");
    assert_int_equal(annotate((char *[]){"a=1", "b=2"}, 2, &err), 0);
    assert_int_equal(annotate((char *[]){"a=3", "b-", "c="}, 3, &err), 0);
    assert_annotations("{\"a\":\"3\",\"c\":\"\"}");
    assert_int_equal(annotate((char *[]){"gone-"}, 1, &err), 0);

    /* A label's key, to set or remove, refuses the whole call. */
    assert_int_equal(annotate((char *[]){"d=1", "team=x"}, 2, &err), -1);
    assert_int_equal(err.errnum, EPERM);
    assert_string_equal(xo_err_msg(&err), "c: key \"team\" is a label "
                                          "(labels are read-only, set at "
                                          "create)");
    xo_err_clear(&err);
    assert_int_equal(annotate((char *[]){"tier-"}, 1, &err), -1);
    xo_err_clear(&err);
    assert_annotations("{\"a\":\"3\",\"c\":\"\"}");

    /* Arguments. */
    assert_int_equal(annotate((char *[]){"x=1", "x-"}, 2, &err), -1);
    assert_string_equal(xo_err_msg(&err), "key \"x\" is given twice");
    xo_err_clear(&err);
    assert_int_equal(annotate((char *[]){"x"}, 1, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "\"x\" is neither KEY=VALUE nor KEY-");
    xo_err_clear(&err);
    assert_int_equal(annotate((char *[]){"-"}, 1, &err), -1);
    xo_err_clear(&err);
    assert_int_equal(annotate((char *[]){"x--"}, 1, &err), -1);
    assert_string_equal(xo_err_msg(&err), "key \"x-\" must begin and end with "
                                          "a letter or digit");
    xo_err_clear(&err);

    /* Bounds: the count after the change. */
    char *many[METADATA_MAX_ENTRIES];
    for (int i = 0; i < METADATA_MAX_ENTRIES; i++)
        assert_true(asprintf(&many[i], "n%d=v", i) > 0);
    assert_int_equal(annotate(many, METADATA_MAX_ENTRIES - 2, &err), 0);
    assert_int_equal(annotate(many + METADATA_MAX_ENTRIES - 2, 1, &err), -1);
    assert_int_equal(err.errnum, E2BIG);
    assert_string_equal(xo_err_msg(&err),
                        "c: 257 annotations, at most 256 allowed");
    xo_err_clear(&err);
    for (int i = 0; i < METADATA_MAX_ENTRIES; i++)
        free(many[i]);

    assert_int_equal(metastore_annotate(root, "nosuch", NULL, 0, &err), -1);
    assert_int_equal(err.errnum, ENOENT);
    assert_string_equal(xo_err_msg(&err), "no container domain named nosuch");
    xo_err_clear(&err);
}

static void test_bad_store(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof(p), "%s/domains/c/annotations.json", root);
    FILE *f = fopen(p, "w");
    fputs("{\"a\": 1}", f);
    fclose(f);
    json_object *l = NULL, *a = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(metastore_read(&l, &a, root, "c", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "annotations.json: \"a\" must be "
                                             "a string"));
    xo_err_clear(&err);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define S(f) cmocka_unit_test_setup_teardown(f, store_setup, store_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_bounds),
        T(test_merge),
        S(test_annotate),
        S(test_bad_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
