/*
 * test-runc-binds-inline.c: small bind sources read into a DomainConfig's
 * bind entries (xl-plugin/runc_binds_inline.h): what each entry holds, the
 * order (a directory before its entries), symlinks kept as links and never
 * followed, and the failures (a source that became a symlink, data past
 * the limit) leaving nothing behind.
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

#include "domcfg/domain_config.h"
#include "xl-plugin/runc_binds_inline.h"

static char dir[] = "/tmp/xl-oci-binds-inline.XXXXXX";

static void put(const char *rel, const char *text, mode_t mode)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(p, mode), 0);
}

static void add_bind(struct domain_config *dc, const char *rel, const char *sub)
{
    struct dc_volume *v = &dc->volumes[dc->n_volumes++];
    memset(v, 0, sizeof(*v));
    v->kind = DC_VOLUME_BIND;
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    v->source = strdup(p);
    v->target = strdup("/t");
    v->subpath = strdup(sub);
}

static const struct dc_bind_entry *find(const struct domain_config *dc,
                                        const char *path, size_t *at)
{
    for (size_t i = 0; i < dc->n_bind_entries; i++)
        if (strcmp(dc->bind_entries[i].path, path) == 0) {
            if (at)
                *at = i;
            return &dc->bind_entries[i];
        }
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/xl-oci-binds-inline.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char p[256];
    snprintf(p, sizeof(p), "mkdir -p %s/tree/sub", dir);
    assert_int_equal(system(p), 0);
    put("hosts", "10.0.0.2 web-0\n", 0644);
    put("tree/token", "tok", 0600);
    put("tree/sub/ca.crt", "", 0640);
    snprintf(p, sizeof(p), "%s/tree/link", dir);
    assert_int_equal(symlink("sub/ca.crt", p), 0);
    /* A link to a directory outside: kept as a link, never entered. */
    snprintf(p, sizeof(p), "%s/tree/out", dir);
    assert_int_equal(symlink("/etc", p), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[300];
    snprintf(p, sizeof(p), "rm -rf %s", dir);
    return system(p) == 0 ? 0 : -1;
}

static void test_read(void **state)
{
    (void)state;
    struct domain_config dc;
    domain_config_init(&dc);
    add_bind(&dc, "hosts", "0");
    add_bind(&dc, "tree", "1");
    xo_err err = XO_ERR_INIT;
    if (runc_binds_inline_read(&dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_true(dc.binds_inline);
    assert_int_equal(dc.n_bind_entries, 7);
    const struct dc_bind_entry *e = find(&dc, "0", NULL);
    assert_non_null(e);
    assert_int_equal(e->mode, S_IFREG | 0644);
    assert_int_equal(e->len, 15);
    assert_memory_equal(e->data, "10.0.0.2 web-0\n", 15);
    size_t at_dir = 0, at_sub = 0, at_ca = 0;
    assert_non_null(e = find(&dc, "1", &at_dir));
    assert_true(S_ISDIR(e->mode));
    assert_non_null(e = find(&dc, "1/token", NULL));
    assert_int_equal(e->mode, S_IFREG | 0600);
    assert_int_equal(e->len, 3);
    assert_non_null(find(&dc, "1/sub", &at_sub));
    assert_non_null(e = find(&dc, "1/sub/ca.crt", &at_ca));
    assert_int_equal(e->len, 0);
    assert_true(at_dir < at_sub && at_sub < at_ca);
    assert_non_null(e = find(&dc, "1/link", NULL));
    assert_true(S_ISLNK(e->mode));
    assert_string_equal(e->data, "sub/ca.crt");
    assert_non_null(e = find(&dc, "1/out", NULL));
    assert_string_equal(e->data, "/etc");
    assert_null(find(&dc, "1/out/passwd", NULL)); /* not followed */
    domain_config_dispose(&dc);
}

/* A source that is a symlink (swapped in after it was resolved) is not
 * read through; data past the limit fails; neither leaves entries. */
static void test_refused(void **state)
{
    (void)state;
    struct domain_config dc;
    domain_config_init(&dc);
    add_bind(&dc, "tree/out", "0");
    xo_err err = XO_ERR_INIT;
    assert_int_equal(runc_binds_inline_read(&dc, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "changed while it was copied"));
    xo_err_clear(&err);
    assert_false(dc.binds_inline);
    assert_int_equal(dc.n_bind_entries, 0);
    domain_config_dispose(&dc);

    char big[300];
    snprintf(big, sizeof(big), "head -c %u /dev/zero >%s/big",
             RUNC_BINDS_INLINE_MAX_BYTES + 1, dir);
    assert_int_equal(system(big), 0);
    domain_config_init(&dc);
    add_bind(&dc, "hosts", "0");
    add_bind(&dc, "big", "1");
    assert_int_equal(runc_binds_inline_read(&dc, &err), -1);
    assert_int_equal(err.errnum, E2BIG);
    xo_err_clear(&err);
    assert_int_equal(dc.n_bind_entries, 0);
    assert_null(dc.bind_entries);
    domain_config_dispose(&dc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
