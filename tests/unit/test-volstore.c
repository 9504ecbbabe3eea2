/*
 * test-volstore.c: managed volumes (image/volstore.h): names, sizes, the
 * record's JSON both ways and what it refuses, and the store's rules that
 * need no helper program (blank raw volumes, children, users, rm,
 * annotate).
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

#include "image/volstore.h"

static void test_names(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(volstore_check_name("data", &err), 0);
    assert_int_equal(volstore_check_name("a_b.c-1", &err), 0);
    const char *bad[] = {"",   ".hidden", "-x",    "a/b", "a b",
                         "..", "tmpfs",   "share", "a:b"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(volstore_check_name(bad[i], &err), -1);
        assert_int_equal(err.errnum, EINVAL);
        xo_err_clear(&err);
    }
    assert_int_equal(volstore_check_name("share", &err), -1);
    assert_string_equal(
        xo_err_msg(&err),
        "volume name \"share\" is reserved (oci_volumes' shared directories)");
    xo_err_clear(&err);
    char longname[VOLSTORE_NAME_MAX + 2];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(volstore_check_name(longname, &err), -1);
    xo_err_clear(&err);
    longname[VOLSTORE_NAME_MAX] = '\0';
    assert_int_equal(volstore_check_name(longname, &err), 0);
}

static void test_sizes(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    uint64_t v = 0;
    struct {
        const char *s;
        uint64_t want;
    } good[] = {{"1M", 1 << 20},      {"1m", 1 << 20},
                {"64MiB", 64 << 20},  {"2G", 2ULL << 30},
                {"1048576", 1 << 20}, {"1", 1 << 20}, /* rounded up to a MiB */
                {"1025K", 2 << 20},   {"64T", 64ULL << 40},
                {"1.5G", 3ULL << 29}, {"0.5M", 1 << 20}};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(volstore_size_parse(&v, good[i].s, &err), 0);
        assert_true(v == good[i].want);
    }
    const char *bad[] = {"",     "M",  "1X", "1MM", "-1",
                         "1.1K", "0",  "0M", "65T", "99999999999999999999999",
                         "1 M",  "1Mi"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = 7;
        assert_int_equal(volstore_size_parse(&v, bad[i], &err), -1);
        assert_true(v == 7); /* set on success only */
        xo_err_clear(&err);
    }
}

static json_object *parse(const char *text)
{
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

#define GOOD_RECORD                                                             \
    "{\"version\":1,\"name\":\"kid\",\"size\":1048576,\"format\":\"qcow2\","    \
    "\"fs\":\"ext4\",\"parent\":\"base\",\"backed\":true,\"created\":"          \
    "\"2026-11-30T13:00:00Z\",\"checksum\":\"sha256:"                           \
    "0546461fd59d1a81204c74f8f345cc4f6e4f9528ca48679f9b991719bb29d8df\","       \
    "\"modified\":true,\"labels\":{\"a\":\"1\"},\"annotations\":{\"b\":\"2\"}," \
    "\"users\":[{\"container\":\"web\",\"read_only\":true}]}"

static void test_record_roundtrip(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    struct volstore_record r, back;
    volstore_record_init(&r);
    volstore_record_init(&back);
    json_object *o = parse(GOOD_RECORD);
    assert_int_equal(volstore_record_from_json(&r, o, "t", &err), 0);
    json_object_put(o);
    assert_string_equal(r.name, "kid");
    assert_true(r.size == 1048576);
    assert_int_equal(r.format, VOLSTORE_QCOW2);
    assert_int_equal(r.fs, VOLSTORE_FS_EXT4);
    assert_string_equal(r.parent, "base");
    assert_true(r.backed && r.modified && r.has_checksum);
    assert_int_equal(r.n_users, 1);
    assert_string_equal(r.users[0].container, "web");
    assert_true(r.users[0].read_only);
    /* What to_json writes, from_json reads back the same. */
    o = volstore_record_to_json(&r);
    assert_int_equal(volstore_record_from_json(&back, o, "t", &err), 0);
    json_object_put(o);
    assert_string_equal(back.checksum.str, r.checksum.str);
    assert_string_equal(back.created, r.created);
    assert_string_equal(
        json_object_get_string(json_object_object_get(back.annotations, "b")),
        "2");
    volstore_record_dispose(&r);
    volstore_record_dispose(&r); /* idempotent */
    volstore_record_dispose(&back);
}

/* GOOD_RECORD with `from` replaced by `to` must be refused naming `why`. */
static void refused(const char *from, const char *to, const char *why)
{
    char text[2048];
    const char *at = strstr(GOOD_RECORD, from);
    assert_non_null(at);
    snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - GOOD_RECORD),
             GOOD_RECORD, to, at + strlen(from));
    json_object *o = parse(text);
    struct volstore_record r;
    volstore_record_init(&r);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(volstore_record_from_json(&r, o, "rec", &err), -1);
    if (!strstr(xo_err_msg(&err), why))
        fail_msg("%s -> %s: \"%s\" lacks \"%s\"", from, to, xo_err_msg(&err),
                 why);
    assert_string_equal(r.name, ""); /* untouched */
    xo_err_clear(&err);
    json_object_put(o);
}

static void test_record_refuses(void **state)
{
    (void)state;
    refused("\"version\":1", "\"version\":2", "version");
    refused("\"kid\"", "\"../x\"", "name");
    refused("\"size\":1048576", "\"size\":0", "size");
    refused("\"size\":1048576", "\"size\":\"1M\"", "size");
    refused("\"qcow2\"", "\"vmdk\"", "format");
    refused("\"fs\":\"ext4\"", "\"fs\":\"btrfs\"", "fs");
    refused("\"base\"", "\"/etc\"", "parent");
    refused("\"format\":\"qcow2\"", "\"format\":\"raw\"", "backed");
    refused("\"sha256:0546", "\"md5:0546", "checksum");
    refused("\"labels\":{\"a\":\"1\"}", "\"labels\":{\"a b\":\"1\"}", "labels");
    refused("\"annotations\":{\"b\":\"2\"}", "\"annotations\":{\"a\":\"2\"}",
            "both a label and an annotation");
    refused("\"container\":\"web\"", "\"container\":\"a/b\"",
            "not a container name");
    refused("{\"container\":\"web\",\"read_only\":true}",
            "{\"container\":\"web\"},{\"container\":\"web\"}", "twice");
    refused("\"created\":\"2026-11-30T13:00:00Z\",", "", "created");
    refused("\"modified\":true", "\"modified\":1", "boolean");
}

static int setup(void **state)
{
    char *dir = strdup("/tmp/test-volstore.XXXXXX");
    if (!dir || !mkdtemp(dir))
        return -1;
    *state = dir;
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", (char *)*state);
    free(*state);
    return system(cmd) == 0 ? 0 : -1;
}

static void create(const char *root, const char *name, uint64_t size,
                   const char *parent, char *const *labels, size_t n)
{
    struct volstore_create_opts o = {.name = name,
                                     .size = size,
                                     .parent = parent,
                                     .labels = labels,
                                     .n_labels = n};
    struct volstore_record r;
    volstore_record_init(&r);
    xo_err err = XO_ERR_INIT;
    if (volstore_create(&r, root, &o, &err) < 0)
        fail_msg("create %s: %s", name, xo_err_msg(&err));
    assert_string_equal(r.name, name);
    volstore_record_dispose(&r);
}

static void expect_fail(int rc, xo_err *err, int errnum, const char *text)
{
    assert_int_equal(rc, -1);
    assert_int_equal(err->errnum, errnum);
    if (!strstr(xo_err_msg(err), text))
        fail_msg("\"%s\" lacks \"%s\"", xo_err_msg(err), text);
    xo_err_clear(err);
}

static void test_store_rules(void **state)
{
    const char *root = *state;
    xo_err err = XO_ERR_INIT;
    char *labels[] = {"team=db"};
    create(root, "base", 1 << 20, NULL, labels, 1);
    struct volstore_record r;
    volstore_record_init(&r);
    struct volstore_create_opts o = {.name = "base", .size = 1 << 20};
    expect_fail(volstore_create(&r, root, &o, &err), &err, EEXIST, "exists");
    o.name = "k";
    o.parent = "nope";
    expect_fail(volstore_create(&r, root, &o, &err), &err, ENOENT,
                "unknown parent");
    o.parent = "base";
    o.size = 1;
    expect_fail(volstore_create(&r, root, &o, &err), &err, EINVAL, "smaller");
    o.fs_set = true;
    o.fs = VOLSTORE_FS_XFS;
    o.size = 0;
    expect_fail(volstore_create(&r, root, &o, &err), &err, EINVAL,
                "holds its none file system");

    /* A raw child: a copy (or reflink) of the parent's bytes. */
    char p[4096];
    assert_int_equal(
        volstore_path(p, sizeof(p), root, "base", "data.raw", &err), 0);
    FILE *f = fopen(p, "r+");
    assert_non_null(f);
    fputs("parent data", f);
    fclose(f);
    create(root, "kid", 0, "base", NULL, 0);
    assert_int_equal(volstore_get(&r, root, "kid", &err), 0);
    assert_string_equal(r.parent, "base");
    assert_false(r.backed);
    assert_true(r.size == 1 << 20);
    assert_int_equal(volstore_path(p, sizeof(p), root, "kid", "data.raw", &err),
                     0);
    char buf[16] = "";
    f = fopen(p, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, 12, f));
    fclose(f);
    assert_string_equal(buf, "parent data");

    /* Users: one writer or only readers; rm refused while used. */
    assert_int_equal(volstore_user_add(root, "base", "c1", true, &err), 0);
    assert_int_equal(volstore_user_add(root, "base", "c2", true, &err), 0);
    expect_fail(volstore_user_add(root, "base", "c3", false, &err), &err, EBUSY,
                "one writer");
    assert_int_equal(volstore_user_remove(root, "base", "c1", &err), 0);
    assert_int_equal(volstore_user_remove(root, "base", "c1", &err), 0);
    assert_int_equal(volstore_user_add(root, "kid", "w", false, &err), 0);
    expect_fail(volstore_remove(root, "kid", &err), &err, EBUSY, "in use by w");
    o.parent = "kid";
    o.name = "grandkid";
    o.fs_set = false;
    expect_fail(volstore_create(&r, root, &o, &err), &err, EBUSY,
                "not usable: container w writes");
    assert_int_equal(volstore_user_remove(root, "kid", "w", &err), 0);
    assert_int_equal(volstore_get(&r, root, "kid", &err), 0);
    assert_true(r.modified); /* it was attached read-write */
    assert_int_equal(r.n_users, 0);

    /* The parent goes only after its children. */
    assert_int_equal(volstore_user_remove(root, "base", "c2", &err), 0);
    expect_fail(volstore_remove(root, "base", &err), &err, EBUSY,
                "parent of kid");

    /* Annotations: never a label's key; all or nothing. */
    const char *keys[] = {"note", "team"};
    const char *vals[] = {"x", "y"};
    expect_fail(volstore_annotate(root, "base", keys, vals, 2, &err), &err,
                EPERM, "\"team\" is a label");
    assert_int_equal(volstore_get(&r, root, "base", &err), 0);
    assert_int_equal(json_object_object_length(r.annotations), 0);
    assert_int_equal(volstore_annotate(root, "base", keys, vals, 1, &err), 0);
    assert_int_equal(volstore_get(&r, root, "base", &err), 0);
    assert_string_equal(
        json_object_get_string(json_object_object_get(r.annotations, "note")),
        "x");

    char **names = NULL;
    size_t n = 0;
    assert_int_equal(volstore_list(&names, &n, root, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "base");
    assert_string_equal(names[1], "kid");
    for (size_t i = 0; names[i]; i++)
        free(names[i]);
    free(names);

    assert_int_equal(volstore_remove(root, "kid", &err), 0);
    assert_int_equal(volstore_remove(root, "base", &err), 0);
    expect_fail(volstore_remove(root, "base", &err), &err, ENOENT,
                "no volume named");
    expect_fail(volstore_get(&r, root, "kid", &err), &err, ENOENT,
                "no volume named");
    volstore_record_dispose(&r);
}

static void test_release(void **state)
{
    const char *root = *state;
    xo_err err = XO_ERR_INIT;
    struct volstore_record r;
    volstore_record_init(&r);
    struct volstore_create_opts o = {.size = 1 << 20};
    o.name = "c.anon0";
    o.owner = "c";
    assert_int_equal(volstore_create(&r, root, &o, &err), 0);
    o.name = "k.anon0";
    o.owner = "k";
    assert_int_equal(volstore_create(&r, root, &o, &err), 0);
    o.name = "shared";
    o.owner = NULL;
    assert_int_equal(volstore_create(&r, root, &o, &err), 0);
    assert_int_equal(volstore_user_add(root, "c.anon0", "c", false, &err), 0);
    assert_int_equal(volstore_user_add(root, "k.anon0", "k", false, &err), 0);
    assert_int_equal(volstore_user_add(root, "shared", "c", true, &err), 0);
    assert_int_equal(volstore_user_add(root, "shared", "k", true, &err), 0);
    assert_int_equal(volstore_get(&r, root, "c.anon0", &err), 0);
    assert_string_equal(r.owner, "c");

    /* c goes: its anonymous volume with it, its use of shared too. */
    assert_int_equal(volstore_release(root, "c", false, NULL, NULL, &err), 0);
    expect_fail(volstore_get(&r, root, "c.anon0", &err), &err, ENOENT,
                "no volume named");
    assert_int_equal(volstore_get(&r, root, "shared", &err), 0);
    assert_int_equal(r.n_users, 1);
    assert_string_equal(r.users[0].container, "k");
    /* k goes with --keep-volumes: its volume stays, owned by nobody. */
    assert_int_equal(volstore_release(root, "k", true, NULL, NULL, &err), 0);
    assert_int_equal(volstore_get(&r, root, "k.anon0", &err), 0);
    assert_null(r.owner);
    assert_int_equal(r.n_users, 0);
    assert_int_equal(volstore_get(&r, root, "shared", &err), 0);
    assert_int_equal(r.n_users, 0);
    /* A second release finds nothing to do. */
    assert_int_equal(volstore_release(root, "k", false, NULL, NULL, &err), 0);
    assert_int_equal(volstore_get(&r, root, "k.anon0", &err), 0);

    /* :mkfs formats a blank volume once, and nothing else. */
    assert_int_equal(volstore_mkfs(root, "shared", &err), 0);
    assert_int_equal(volstore_get(&r, root, "shared", &err), 0);
    assert_int_equal(r.fs, VOLSTORE_FS_EXT4);
    expect_fail(volstore_mkfs(root, "shared", &err), &err, EINVAL,
                "holds ext4 already");
    assert_int_equal(volstore_user_add(root, "k.anon0", "x", true, &err), 0);
    expect_fail(volstore_mkfs(root, "k.anon0", &err), &err, EBUSY,
                "in use by x");
    volstore_record_dispose(&r);
}

/* A fresh ext4 volume (never used read-write) is formatted again with the
 * image's content at its first use, as Docker fills an empty named
 * volume; a volume once written, or in use, is left as it is. */
static void test_seed(void **state)
{
    const char *root = *state;
    xo_err err = XO_ERR_INIT;
    struct volstore_record r;
    volstore_record_init(&r);
    char seed[4096], file[4200];
    /* cannot truncate: the test's root is a short mkdtemp path */
    snprintf(seed, sizeof(seed), "%s/seed", root);
    /* cannot truncate: seed fits in 4096, file is 4200 */
    snprintf(file, sizeof(file), "%s/PG_VERSION", seed);
    assert_int_equal(mkdir(seed, 0700), 0);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("15\n", f);
    fclose(f);
    struct volstore_create_opts o = {
        .name = "pg", .size = 8 << 20, .fs = VOLSTORE_FS_EXT4, .fs_set = true};
    if (volstore_create(&r, root, &o, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_true(volstore_fresh_ext4(&r));
    assert_int_equal(volstore_seed(root, "pg", seed, &err), 1);
    assert_int_equal(volstore_get(&r, root, "pg", &err), 0);
    assert_false(volstore_fresh_ext4(&r)); /* written now */
    assert_int_equal(r.fs, VOLSTORE_FS_EXT4);
    /* Its content: the seed's file, no lost+found, the seed's mode. */
    char cmd[8400], out[4096] = "";
    /* cannot truncate: a short root in 8400 bytes */
    snprintf(cmd, sizeof(cmd),
             "debugfs -R 'ls -l /' %s/storage/volumes/pg/data.raw 2>/dev/null",
             root);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    pclose(p);
    assert_non_null(strstr(out, "PG_VERSION"));
    assert_null(strstr(out, "lost+found"));
    assert_non_null(strstr(out, "40700"));
    /* Seeded once: the second use keeps what the first wrote. */
    assert_int_equal(volstore_seed(root, "pg", seed, &err), 0);
    /* A fresh one in use by another container is not formatted. */
    o.name = "busy";
    if (volstore_create(&r, root, &o, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(volstore_user_add(root, "busy", "x", true, &err), 0);
    assert_int_equal(volstore_seed(root, "busy", seed, &err), 0);
    volstore_record_dispose(&r);
}

/* A read-only use of a qcow2 volume goes through an overlay of its own
 * (QEMU 7.2's qdisk cannot open a read-only drive): made in the volume's
 * directory, backed by its data, and gone with the use. */
static void test_reader_overlay(void **state)
{
    const char *root = *state;
    xo_err err = XO_ERR_INIT;
    struct volstore_record r;
    volstore_record_init(&r);
    struct volstore_create_opts o = {.name = "q",
                                     .size = 1 << 20,
                                     .format = VOLSTORE_QCOW2,
                                     .format_set = true};
    assert_int_equal(volstore_create(&r, root, &o, &err), 0);
    o = (struct volstore_create_opts){.name = "raw", .size = 1 << 20};
    assert_int_equal(volstore_create(&r, root, &o, &err), 0);
    volstore_record_dispose(&r);
    expect_fail(volstore_reader_make(root, "raw", "c", &err), &err, EINVAL,
                "not a qcow2");
    char path[4096];
    expect_fail(
        volstore_reader_path(path, sizeof(path), root, "q", "../x", &err), &err,
        EINVAL, "cannot name the overlay");

    assert_int_equal(volstore_user_add(root, "q", "c", true, &err), 0);
    assert_int_equal(volstore_reader_make(root, "q", "c", &err), 0);
    assert_int_equal(
        volstore_reader_path(path, sizeof(path), root, "q", "c", &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char cmd[4200], out[256] = {0};
    snprintf(cmd, sizeof(cmd),
             "qemu-img info --output=json '%s' | jq -r '.\"backing-filename\"'",
             path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    assert_non_null(fgets(out, sizeof(out), f));
    pclose(f);
    assert_string_equal(out, "data.qcow2\n");
    /* Made again (a restart's create): replaced, not refused. */
    assert_int_equal(volstore_reader_make(root, "q", "c", &err), 0);
    assert_int_equal(volstore_user_remove(root, "q", "c", &err), 0);
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(errno, ENOENT);
    /* Released with the container (destroy). */
    assert_int_equal(volstore_user_add(root, "q", "c", true, &err), 0);
    assert_int_equal(volstore_reader_make(root, "q", "c", &err), 0);
    assert_int_equal(volstore_release(root, "c", false, NULL, NULL, &err), 0);
    assert_int_equal(stat(path, &st), -1);
    /* With no use left, the volume can go (its directory is empty). */
    assert_int_equal(volstore_remove(root, "q", &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_record_roundtrip),
        cmocka_unit_test(test_record_refuses),
        cmocka_unit_test_setup_teardown(test_store_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_overlay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
