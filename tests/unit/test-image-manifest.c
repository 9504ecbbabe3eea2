/* test-image-manifest.c: manifests, indexes, descriptors (image/manifest.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"

#define D1                                                                     \
    "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2                                                                     \
    "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3                                                                     \
    "sha256:3333333333333333333333333333333333333333333333333333333333333333"
/* How a message shortens them. */
#define D1PFX "sha256:111111111111"
#define D2PFX "sha256:222222222222"

static const char manifest[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
    "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\","
    "\"size\":123},"
    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
    "\"digest\":\"" D2 "\",\"size\":456,\"unknown\":1},"
    "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
    "\"digest\":\"" D3 "\",\"size\":0}],\"annotations\":{\"x\":\"y\"}}";

static const char index_doc[] =
    "{\"schemaVersion\":2,\"manifests\":["
    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":1,"
    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
    "{\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"digest\":\"" D2
    "\",\"size\":2,"
    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"},"
    "\"annotations\":{\"" ANNOTATION_REF_NAME "\":\"v1\"}}]}";

static void test_manifest_ok(void **state)
{
    (void)state;
    struct oci_manifest m;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(manifest_parse(&m, manifest, strlen(manifest), "m", &err),
                     0);
    assert_string_equal(m.config.digest.str, D1);
    assert_int_equal(m.config.size, 123);
    assert_int_equal(m.n_layers, 2);
    assert_string_equal(m.layers[1].digest.str, D3);
    manifest_dispose(&m);
    enum oci_kind k;
    assert_int_equal(
        manifest_doc_kind(&k, manifest, strlen(manifest), NULL, "m", &err), 0);
    assert_int_equal(k, OCI_KIND_MANIFEST);
}

/* Every layer media type containerd and containers/image unpack, Docker's
 * uncompressed and zstd ones too (field case of 2026-12-02). */
static void test_layer_media_types(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.docker.image.rootfs.diff.tar.zstd",
        "application/vnd.docker.image.rootfs.foreign.diff.tar",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!manifest_layer_media_ok(ok[i]))
            fail_msg("layer media type %s refused", ok[i]);
    assert_false(manifest_layer_media_ok("application/vnd.in-toto+json"));
    assert_false(manifest_layer_media_ok("application/vnd.oci.empty.v1+json"));
}

static void expect_manifest_bad(const char *doc, const char *why)
{
    struct oci_manifest m;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(manifest_parse(&m, doc, strlen(doc), "sha256:doc", &err),
                     -1);
    if (!strstr(xo_err_msg(&err), why))
        fail_msg("error \"%s\" lacks \"%s\"", xo_err_msg(&err), why);
    assert_non_null(strstr(xo_err_msg(&err), "sha256:doc"));
    xo_err_clear(&err);
}

static char *replace(const char *s, const char *from, const char *to)
{
    static char buf[4096];
    const char *p = strstr(s, from);
    assert_non_null(p);
    snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - s), s, to,
             p + strlen(from));
    return buf;
}

static void test_manifest_bad(void **state)
{
    (void)state;
    expect_manifest_bad("[]", "must be a JSON object");
    expect_manifest_bad("{", "invalid JSON");
    /* A schema 1 body however it is referred to (helper-64: under an OCI
     * descriptor it said "must be 2"). */
    expect_manifest_bad(
        replace(manifest, "\"schemaVersion\":2", "\"schemaVersion\":1"),
        "a Docker schema 1 manifest, which is not supported");
    expect_manifest_bad(
        replace(manifest, "\"schemaVersion\":2", "\"schemaVersion\":3"),
        "must be 2");
    expect_manifest_bad(replace(manifest, "\"size\":123", "\"size\":-1"),
                        "non-negative");
    expect_manifest_bad(replace(manifest, "\"size\":123", "\"size\":\"1\""),
                        "non-negative");
    expect_manifest_bad(replace(manifest, D2, "sha256:../../etc"),
                        "invalid digest");
    expect_manifest_bad(replace(manifest, "v1.tar+gzip", "v1.tar+lzma"),
                        "unsupported media type");
    expect_manifest_bad(replace(manifest, MT_OCI_CONFIG, "text/plain"),
                        "not an image config");
    expect_manifest_bad(replace(manifest, "\"layers\"", "\"layerz\""),
                        "\"layers\" is missing");
}

static void test_too_many_layers(void **state)
{
    (void)state;
    size_t cap = 1 << 20;
    char *doc = malloc(cap);
    size_t o = (size_t)snprintf(doc, cap,
                                "{\"schemaVersion\":2,\"config\":"
                                "{\"mediaType\":\"" MT_OCI_CONFIG "\","
                                "\"digest\":\"" D1 "\",\"size\":1},"
                                "\"layers\":[");
    for (int i = 0; i < MANIFEST_MAX_LAYERS + 1; i++)
        o += (size_t)snprintf(doc + o, cap - o,
                              "%s{\"mediaType\":\"application/vnd.oci.image."
                              "layer.v1.tar\",\"digest\":\"" D2 "\","
                              "\"size\":1}",
                              i ? "," : "");
    snprintf(doc + o, cap - o, "]}");
    expect_manifest_bad(doc, "at most 512 allowed");
    free(doc);
}

/* Issue 13: NULs in a manifest's or an index's strings name the field. */
static void test_nul_in_strings(void **state)
{
    (void)state;
    struct oci_manifest m;
    struct oci_index ix;
    xo_err err = XO_ERR_INIT;
    const char *md =
        "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\\u0000x\","
        "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1
        "\",\"size\":1},\"layers\":[]}";
    assert_int_equal(manifest_parse(&m, md, strlen(md), "m", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "m: \"mediaType\" holds a NUL character (\\u0000)");
    xo_err_clear(&err);
    const char *ld =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG
        "\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[{\"mediaType\":"
        "\"a\",\"digest\":\"" D2 "\",\"size\":1,\"urls\":[\"\\u0000\"]}]}";
    assert_int_equal(manifest_parse(&m, ld, strlen(ld), "m", &err), -1);
    assert_string_equal(
        xo_err_msg(&err),
        "m: \"layers[0].urls[0]\" holds a NUL character (\\u0000)");
    xo_err_clear(&err);
    const char *id =
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
        "\",\"digest\":\"" D1 "\",\"size\":1,\"platform\":{\"os\":"
        "\"linux\\u0000\",\"architecture\":\"amd64\"}}]}";
    assert_int_equal(manifest_index_parse(&ix, id, strlen(id), "ix", &err), -1);
    assert_string_equal(
        xo_err_msg(&err),
        "ix: \"manifests[0].platform.os\" holds a NUL character (\\u0000)");
    xo_err_clear(&err);
    /* An entry's error names the file first, then the entry. */
    const char *bad = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                      "\"" MT_OCI_MANIFEST "\",\"digest\":\"sha256:zz\","
                      "\"size\":1}]}";
    assert_int_equal(manifest_index_parse(&ix, bad, strlen(bad), "ix", &err),
                     -1);
    assert_true(strncmp(xo_err_msg(&err), "ix: manifests[0]: ", 18) == 0);
    xo_err_clear(&err);
}

static void test_index_pick(void **state)
{
    (void)state;
    struct oci_index ix;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(
        manifest_index_parse(&ix, index_doc, strlen(index_doc), "ix", &err), 0);
    const struct oci_descriptor *d = NULL;
    assert_int_equal(manifest_index_pick(&d, &ix, "linux", "amd64", "ix", &err),
                     0);
    assert_string_equal(d->digest.str, D2);
    assert_int_equal(manifest_index_pick(&d, &ix, "linux", "s390x", "ix", &err),
                     -1);
    assert_non_null(strstr(xo_err_msg(&err), "no image for linux/s390x"));
    assert_non_null(strstr(xo_err_msg(&err), "linux/arm64, linux/amd64"));
    xo_err_clear(&err);
    assert_int_equal(
        manifest_index_find_tag(&d, &ix, "v1", "linux", "amd64", "ix", &err),
        0);
    assert_string_equal(d->digest.str, D2);
    assert_int_equal(
        manifest_index_find_tag(&d, &ix, "v2", "linux", "amd64", "ix", &err),
        -1);
    /* It says which tags there are (a layout's tags are not guessable). */
    assert_non_null(
        strstr(xo_err_msg(&err), "no image tagged \"v2\" (tags: v1)"));
    xo_err_clear(&err);
    manifest_index_dispose(&ix);
    enum oci_kind k;
    assert_int_equal(
        manifest_doc_kind(&k, index_doc, strlen(index_doc), NULL, "ix", &err),
        0);
    assert_int_equal(k, OCI_KIND_INDEX);
    /* Docker schema 1 (a registry's Content-Type prettyjws): named. */
    const char *s1 = "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}";
    assert_int_equal(
        manifest_doc_kind(
            &k, s1, strlen(s1),
            "application/vnd.docker.distribution.manifest.v1+prettyjws", "s1",
            &err),
        -1);
    assert_non_null(
        strstr(xo_err_msg(&err),
               "s1: a Docker schema 1 manifest, which is not supported"));
    xo_err_clear(&err);
    /* No mediaType of its own, and its referrer's type says the other
     * kind: named as such (helper-64: "manifests" is missing). */
    const char *bare = "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}";
    assert_int_equal(
        manifest_doc_kind(&k, bare, strlen(bare), MT_OCI_INDEX, "ix", &err),
        -1);
    assert_non_null(strstr(xo_err_msg(&err),
                           "ix: was referred to as a \"" MT_OCI_INDEX
                           "\" (its Content-Type or descriptor), but it holds "
                           "layers"));
    xo_err_clear(&err);
    /* Fetched as a manifest but says it is an index: refused. */
    const char *lying = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX
                        "\",\"manifests\":[]}";
    assert_int_equal(manifest_doc_kind(&k, lying, strlen(lying),
                                       MT_OCI_MANIFEST, "ix", &err),
                     -1);
    xo_err_clear(&err);
}

/* Field cases of 2026-12-02: index entries we do not take must not make
 * the index unusable. */
#define D512                                                                   \
    "sha512:"                                                                  \
    "5555555555555555555555555555555555555555555555555555555555555555"         \
    "5555555555555555555555555555555555555555555555555555555555555555"

/* The digest of the linux/amd64 entry `doc` has (a test fails else). */
static void expect_pick(const char *doc, const char *digest)
{
    struct oci_index ix;
    xo_err err = XO_ERR_INIT;
    const struct oci_descriptor *d = NULL;
    if (manifest_index_parse(&ix, doc, strlen(doc), "ix", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    if (manifest_index_pick(&d, &ix, "linux", "amd64", "ix", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_string_equal(d->digest.str, digest);
    manifest_index_dispose(&ix);
}

static void test_index_entries_not_taken(void **state)
{
    (void)state;
    /* Another platform's entry with a sha512 digest (the spec allows it). */
    const char *other_algo =
        "{\"schemaVersion\":2,\"manifests\":["
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D512 "\","
        "\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\","
        "\"size\":2,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}"
        "]}";
    expect_pick(other_algo, D2);
    /* A ref.name of 300 bytes on one entry (a layout's whole reference). */
    char doc[2048];
    snprintf(
        doc, sizeof(doc),
        "{\"schemaVersion\":2,\"manifests\":["
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\","
        "\"size\":1,\"annotations\":{\"" ANNOTATION_REF_NAME "\":\"%0300d\"}},"
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\","
        "\"size\":2,\"annotations\":{\"" ANNOTATION_REF_NAME "\":\"v1\"}}]}",
        0);
    struct oci_index ix;
    xo_err err = XO_ERR_INIT;
    const struct oci_descriptor *d = NULL;
    assert_int_equal(manifest_index_parse(&ix, doc, strlen(doc), "ix", &err),
                     0);
    assert_int_equal(
        manifest_index_find_tag(&d, &ix, "v1", "linux", "amd64", "ix", &err),
        0);
    assert_string_equal(d->digest.str, D2);
    manifest_index_dispose(&ix);
    /* BuildKit's attestation manifest, here without a platform and first:
     * never taken for the image. */
    const char *att =
        "{\"schemaVersion\":2,\"manifests\":["
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\","
        "\"size\":1,\"annotations\":{\"" ANNOTATION_DOCKER_REF_TYPE "\":"
        "\"attestation-manifest\",\"vnd.docker.reference.digest\":\"" D2 "\"}},"
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\","
        "\"size\":2}]}";
    expect_pick(att, D2);
    /* The entry we would take has another algorithm: named, by pick and by
     * tag; a malformed digest is still refused at parse. */
    const char *only512 =
        "{\"schemaVersion\":2,\"manifests\":["
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D512 "\","
        "\"size\":1,\"annotations\":{\"" ANNOTATION_REF_NAME "\":\"v1\"}}]}";
    assert_int_equal(
        manifest_index_parse(&ix, only512, strlen(only512), "ix", &err), 0);
    assert_int_equal(manifest_index_pick(&d, &ix, "linux", "amd64", "ix", &err),
                     -1);
    assert_string_equal(xo_err_msg(&err),
                        "ix: the image for linux/amd64 has digest \"" D512
                        "\": only sha256 is supported");
    xo_err_clear(&err);
    assert_int_equal(
        manifest_index_find_tag(&d, &ix, "v1", "linux", "amd64", "ix", &err),
        -1);
    assert_string_equal(xo_err_msg(&err), "ix: \"v1\" has digest \"" D512
                                          "\": only sha256 is supported");
    xo_err_clear(&err);
    manifest_index_dispose(&ix);
    const char *bad = "{\"schemaVersion\":2,\"manifests\":["
                      "{\"mediaType\":\"" MT_OCI_MANIFEST "\","
                      "\"digest\":\"sha512:../x\",\"size\":1}]}";
    assert_int_equal(manifest_index_parse(&ix, bad, strlen(bad), "ix", &err),
                     -1);
    assert_non_null(strstr(xo_err_msg(&err), "invalid digest"));
    xo_err_clear(&err);
}

/* A linux/amd64 (`arch` spelled as given) manifest entry of `variant`
 * ("" for none) with digest `dg`, for the index docs below. */
#define AMD64_ENTRY(arch, variant, dg)                                         \
    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" dg "\",\"size\":1," \
    "\"platform\":{\"os\":\"linux\",\"architecture\":\"" arch "\""             \
    ",\"variant\":\"" variant "\"}}"

static int pick_level(const char *doc, int level, const char **digest_r,
                      xo_err *err)
{
    struct oci_index ix;
    const struct oci_descriptor *d = NULL;
    if (manifest_index_parse(&ix, doc, strlen(doc), "ix", err) < 0)
        fail_msg("%s", xo_err_msg(err));
    int rc =
        manifest_index_pick_level(&d, &ix, "linux", "amd64", level, "ix", err);
    static char picked[sizeof(d->digest.str)];
    if (rc == 0)
        snprintf(picked, sizeof(picked), "%s", d->digest.str);
    *digest_r = rc == 0 ? picked : NULL;
    manifest_index_dispose(&ix);
    return rc;
}

/* helper-64's field cases: amd64 variants by the CPU's level, never one
 * it cannot run (v4 was taken by index order on a v2 CPU); platform
 * names as containerd normalises them; an entry without mediaType that
 * is not taken does not break the index. */
static void test_index_variants_and_names(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    const char *dg = NULL;
    const char *v4v2 = "{\"schemaVersion\":2,\"manifests\":[" AMD64_ENTRY(
        "amd64", "v4", D1) "," AMD64_ENTRY("amd64", "v2", D2) "]}";
    assert_int_equal(pick_level(v4v2, 3, &dg, &err), 0);
    assert_string_equal(dg, D2);
    assert_int_equal(pick_level(v4v2, 4, &dg, &err), 0);
    assert_string_equal(dg, D1);
    const char *v3 = "{\"schemaVersion\":2,\"manifests\":[" AMD64_ENTRY(
        "amd64", "v3", D1) "]}";
    assert_int_equal(pick_level(v3, 2, &dg, &err), -1);
    assert_string_equal(
        xo_err_msg(&err),
        "ix: no image for linux/amd64 that this CPU runs: the index has linux/amd64/v3, which needs x86-64-v3, and this CPU is x86-64-v2");
    xo_err_clear(&err);
    /* No variant is the baseline, below a v2 the CPU runs. */
    const char *none_v2 = "{\"schemaVersion\":2,\"manifests\":[" AMD64_ENTRY(
        "amd64", "", D1) "," AMD64_ENTRY("amd64", "v2", D2) "]}";
    assert_int_equal(pick_level(none_v2, 2, &dg, &err), 0);
    assert_string_equal(dg, D2);
    assert_int_equal(pick_level(none_v2, 1, &dg, &err), 0);
    assert_string_equal(dg, D1);
    const char *x86 = "{\"schemaVersion\":2,\"manifests\":[" AMD64_ENTRY(
        "x86_64", "", D1) "]}";
    assert_int_equal(pick_level(x86, 1, &dg, &err), 0);
    assert_string_equal(dg, D1);
    const char *upper = "{\"schemaVersion\":2,\"manifests\":[" AMD64_ENTRY(
        "AMD64", "", D2) "]}";
    assert_int_equal(pick_level(upper, 1, &dg, &err), 0);
    assert_string_equal(dg, D2);
    const char *untyped_other =
        "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1,"
        "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}," AMD64_ENTRY(
            "amd64", "", D2) "]}";
    assert_int_equal(pick_level(untyped_other, 1, &dg, &err), 0);
    assert_string_equal(dg, D2);
    const char *untyped_ours =
        "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1,"
        "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
    assert_int_equal(pick_level(untyped_ours, 1, &dg, &err), -1);
    assert_string_equal(xo_err_msg(&err), "ix: manifests[0], the entry for "
                                          "linux/amd64, has no \"mediaType\"");
    xo_err_clear(&err);
}

/* Several index.json entries under one tag, one per platform, as some
 * build tools write a multi-platform layout: the host's, wherever it is;
 * alike entries without a platform are refused. */
static const char *find_tag_in(const char *doc, const char *tag, xo_err *err)
{
    struct oci_index ix;
    const struct oci_descriptor *d = NULL;
    assert_int_equal(manifest_index_parse(&ix, doc, strlen(doc), "ix", err), 0);
    static char dg[80];
    int rc = manifest_index_find_tag(&d, &ix, tag, "linux", "amd64", "ix", err);
    if (rc == 0)
        snprintf(dg, sizeof(dg), "%s", d->digest.str);
    manifest_index_dispose(&ix);
    return rc == 0 ? dg : NULL;
}

#define TAGGED(dg, plat)                                                       \
    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" dg "\","            \
    "\"size\":1," plat "\"annotations\":{\"" ANNOTATION_REF_NAME "\":\"v1\"}}"
#define PLAT(arch)                                                             \
    "\"platform\":{\"os\":\"linux\",\"architecture\":\"" arch "\"},"

static void test_find_tag_platforms(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    const char *arm_first = "{\"schemaVersion\":2,\"manifests\":[" TAGGED(
        D1, PLAT("arm64")) "," TAGGED(D2, PLAT("amd64")) "]}";
    assert_string_equal(find_tag_in(arm_first, "v1", &err), D2);
    const char *amd_first = "{\"schemaVersion\":2,\"manifests\":[" TAGGED(
        D2, PLAT("x86_64")) "," TAGGED(D1, PLAT("arm64")) "]}";
    assert_string_equal(find_tag_in(amd_first, "v1", &err), D2);
    /* One without a platform beside another platform's: its config says. */
    const char *bare_arm = "{\"schemaVersion\":2,\"manifests\":[" TAGGED(
        D1, PLAT("arm64")) "," TAGGED(D3, "") "]}";
    assert_string_equal(find_tag_in(bare_arm, "v1", &err), D3);
    const char *arm_s390 = "{\"schemaVersion\":2,\"manifests\":[" TAGGED(
        D1, PLAT("arm64")) "," TAGGED(D2, PLAT("s390x")) "]}";
    assert_null(find_tag_in(arm_s390, "v1", &err));
    assert_string_equal(xo_err_msg(&err),
                        "ix: the 2 entries tagged \"v1\": no image for "
                        "linux/amd64 (has: linux/arm64, linux/s390x)");
    xo_err_clear(&err);
    const char *two_bare = "{\"schemaVersion\":2,\"manifests\":[" TAGGED(
        D1, "") "," TAGGED(D2, "") "]}";
    assert_null(find_tag_in(two_bare, "v1", &err));
    assert_non_null(strstr(xo_err_msg(&err),
                           "none is for linux/amd64 and 2 name no platform"));
    xo_err_clear(&err);
}

/* An entry as Docker 25's `docker save` writes one: its platform, the
 * tag alone as ref.name, the whole name as io.containerd.image.name. */
#define SAVED(dg, tag, name)                                                   \
    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" dg "\","            \
    "\"size\":1," PLAT("amd64") "\"annotations\":{\"" ANNOTATION_REF_NAME      \
                                "\":\"" tag "\",\"" ANNOTATION_IMAGE_NAME      \
                                "\":\"" name "\"}}"

/* `docker save a:1 b:1`: both entries are tagged "1", for linux/amd64.
 * "a:1" (or its whole name) picks by the whole name; "1" is refused,
 * both named (the first was taken silently); one image saved under two
 * names is no ambiguity. */
static void test_find_tag_docker_save(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    const char *two = "{\"schemaVersion\":2,\"manifests\":[" SAVED(
        D1, "1",
        "docker.io/library/a:1") "," SAVED(D2, "1",
                                           "docker.io/library/b:1") "]}";
    assert_string_equal(find_tag_in(two, "a:1", &err), D1);
    assert_string_equal(find_tag_in(two, "b:1", &err), D2);
    assert_string_equal(find_tag_in(two, "docker.io/library/b:1", &err), D2);
    assert_string_equal(find_tag_in(two, "docker.io/b:1", &err), D2);
    assert_null(find_tag_in(two, "1", &err));
    assert_string_equal(
        xo_err_msg(&err),
        "ix: the 2 entries tagged \"1\": 2 are for linux/amd64 alike, so which "
        "one is meant is not known (docker.io/library/a:1 (" D1PFX
        "), docker.io/library/b:1 (" D2PFX ")): name one by its whole name");
    xo_err_clear(&err);
    /* Not there: the whole names said. */
    assert_null(find_tag_in(two, "c:1", &err));
    assert_string_equal(xo_err_msg(&err),
                        "ix: no image tagged \"c:1\" (tags: "
                        "docker.io/library/a:1, docker.io/library/b:1)");
    xo_err_clear(&err);
    /* `docker save a b`: both "latest"; no name given means "latest". */
    const char *latest = "{\"schemaVersion\":2,\"manifests\":[" SAVED(
        D1, "latest",
        "docker.io/library/a:latest") "," SAVED(D2, "latest",
                                                "docker.io/library/"
                                                "b:latest") "]}";
    assert_null(find_tag_in(latest, NULL, &err));
    assert_non_null(strstr(xo_err_msg(&err), "docker.io/library/a:latest ("));
    assert_non_null(strstr(xo_err_msg(&err), "docker.io/library/b:latest ("));
    xo_err_clear(&err);
    assert_string_equal(find_tag_in(latest, "b", &err), D2);
    /* One image as a:1 and b:1: one digest, nothing to choose. */
    const char *same = "{\"schemaVersion\":2,\"manifests\":[" SAVED(
        D3, "1",
        "docker.io/library/a:1") "," SAVED(D3, "1",
                                           "docker.io/library/b:1") "]}";
    assert_string_equal(find_tag_in(same, "1", &err), D3);
    /* Two digests under one whole name and platform: named, each by its
     * own place in no better way than a tag. */
    const char *twice = "{\"schemaVersion\":2,\"manifests\":[" SAVED(
        D1, "1",
        "docker.io/library/a:1") "," SAVED(D2, "1",
                                           "docker.io/library/a:1") "]}";
    assert_null(find_tag_in(twice, "a:1", &err));
    assert_non_null(strstr(xo_err_msg(&err), "give each its own tag"));
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manifest_ok),
        cmocka_unit_test(test_index_variants_and_names),
        cmocka_unit_test(test_layer_media_types),
        cmocka_unit_test(test_manifest_bad),
        cmocka_unit_test(test_too_many_layers),
        cmocka_unit_test(test_nul_in_strings),
        cmocka_unit_test(test_index_pick),
        cmocka_unit_test(test_index_entries_not_taken),
        cmocka_unit_test(test_find_tag_platforms),
        cmocka_unit_test(test_find_tag_docker_save),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
