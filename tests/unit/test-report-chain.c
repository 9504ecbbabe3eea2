/*
 * test-report-chain.c: a guest report travels from the loader to
 * DomainStatus through the code both sides run: the loader's report.c
 * (its host test mode writes the keys as files), the monitor's validator
 * and the DomainStatus fields it derives.  A long failure message must
 * arrive whole, not as "loader failed" (the two sides once had different
 * limits: 511 bytes written, 256 accepted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The loader's reporter, compiled in: it is not part of the host library. */
#include "loader/xen-tools/report.c"

#include <dirent.h>
#include <stdlib.h>

#include "common/abi/domain_status.h"
#include "xl-plugin/guest_report.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/xl-oci-chain.XXXXXX");
    assert_non_null(mkdtemp(dir));
    report_open(dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(dir);
    return 0;
}

/* Feeds every key the loader wrote to the monitor's validator. */
static void monitor_reads(struct guest_report *r)
{
    const char *keys[] = {GUEST_REPORT_KEY_PHASE, GUEST_REPORT_KEY_EXIT_CODE,
                          GUEST_REPORT_KEY_ERROR};
    for (size_t i = 0; i < 3; i++) {
        char path[128], *buf = NULL;
        size_t len = 0;
        xo_err err = XO_ERR_INIT;
        snprintf(path, sizeof(path), "%s/%s", dir, keys[i]);
        if (xo_read_file(&buf, &len, path, 65536, &err) < 0) {
            xo_err_clear(&err);
            continue;
        }
        char why[160];
        int rc = guest_report_accept(r, keys[i], buf, len, why, sizeof(why));
        if (rc < 0)
            print_error("refused: %s\n", why);
        assert_int_equal(rc, 0);
        free(buf);
    }
}

static const char *status_value(const struct guest_status_field *f, size_t n,
                                const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].key, key) == 0)
            return f[i].value;
    return NULL;
}

static void failure_reaches_status(size_t msg_len, size_t expect_len)
{
    char *msg = malloc(msg_len + 1);
    assert_non_null(msg);
    for (size_t i = 0; i < msg_len; i++)
        msg[i] = (char)('a' + i % 26);
    msg[msg_len] = '\0';
    if (msg_len > 10)
        msg[10] = '\n'; /* a control character is cleaned, not fatal */

    report_phase(GUEST_PHASE_MOUNTING);
    report_failure(msg);
    struct guest_report r = {0};
    monitor_reads(&r);
    assert_int_equal(r.phase, GUEST_PHASE_FAILED);

    struct guest_status_field f[GUEST_STATUS_MAX_FIELDS];
    char code[8];
    size_t n = guest_report_status_fields(f, &r, GUEST_PHASE_MOUNTING,
                                          "2026-11-30T00:00:00Z", "1", code);
    const char *error = status_value(f, n, DOMAIN_STATUS_KEY_ERROR);
    assert_non_null(error);
    assert_int_equal(strlen(error), expect_len);
    if (msg_len > 10)
        msg[10] = ' ';
    assert_memory_equal(error, msg, expect_len);
    assert_non_null(status_value(f, n, DOMAIN_STATUS_KEY_FINISHED));
    free(msg);
}

static void test_long_error_arrives_whole(void **state)
{
    (void)state;
    failure_reaches_status(400, 400);
    failure_reaches_status(GUEST_REPORT_VALUE_MAX, GUEST_REPORT_VALUE_MAX);
}

static void test_longer_error_is_cut_to_the_limit(void **state)
{
    (void)state;
    /* Longer than the contract: the loader cuts, the monitor accepts. */
    failure_reaches_status(3 * GUEST_REPORT_VALUE_MAX, GUEST_REPORT_VALUE_MAX);
}

static void test_exit_reaches_status(void **state)
{
    (void)state;
    teardown(state);
    setup(state);
    report_phase(GUEST_PHASE_EXEC);
    report_exit_code(42);
    report_phase(GUEST_PHASE_EXITED);
    struct guest_report r = {0};
    monitor_reads(&r);
    struct guest_status_field f[GUEST_STATUS_MAX_FIELDS];
    char code[8];
    size_t n = guest_report_status_fields(f, &r, GUEST_PHASE_EXEC,
                                          "2026-11-30T00:00:00Z", "1", code);
    assert_string_equal(status_value(f, n, DOMAIN_STATUS_KEY_EXIT_CODE), "42");
    assert_null(status_value(f, n, DOMAIN_STATUS_KEY_ERROR));
    /* Published already: nothing more to write. */
    assert_int_equal(
        guest_report_status_fields(f, &r, GUEST_PHASE_EXITED, "x", "1", code),
        0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_error_arrives_whole),
        cmocka_unit_test(test_longer_error_is_cut_to_the_limit),
        cmocka_unit_test(test_exit_reaches_status),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
