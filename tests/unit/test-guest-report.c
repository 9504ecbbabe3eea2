/* test-guest-report.c: what a hostile guest may write, and what we keep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xl-plugin/guest_report.h"

static int accept(struct guest_report *r, const char *k, const char *v)
{
    char why[160];
    return guest_report_accept(r, k, v, strlen(v), why, sizeof(why));
}

static void test_phases(void **state)
{
    (void)state;
    struct guest_report r = {0};
    assert_int_equal(accept(&r, "phase", "mounting"), 0);
    assert_int_equal(r.phase, GUEST_PHASE_MOUNTING);
    assert_int_equal(accept(&r, "phase", "exec"), 0);
    assert_int_equal(r.phase, GUEST_PHASE_EXEC);
    assert_int_equal(accept(&r, "phase", "exited"), 0);
    assert_int_equal(r.phase, GUEST_PHASE_EXITED);
    assert_int_equal(accept(&r, "phase", "failed"), 0);
    assert_int_equal(r.phase, GUEST_PHASE_FAILED);
    /* Unknown phases and prefixes of known ones change nothing. */
    assert_int_equal(accept(&r, "phase", "running"), -1);
    assert_int_equal(accept(&r, "phase", "exe"), -1);
    assert_int_equal(accept(&r, "phase", "exec "), -1);
    assert_int_equal(r.phase, GUEST_PHASE_FAILED);
}

static void test_exit_codes(void **state)
{
    (void)state;
    struct guest_report r = {0};
    assert_int_equal(accept(&r, "exit-code", "0"), 0);
    assert_true(r.has_exit_code);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(accept(&r, "exit-code", "42"), 0);
    assert_int_equal(r.exit_code, 42);
    assert_int_equal(accept(&r, "exit-code", "255"), 0);
    assert_int_equal(r.exit_code, 255);
    const char *bad[] = {"256", "-1", "+1",   "007",
                         "",    "4x", "0x10", "99999999999999999999",
                         " 1",  "1\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(accept(&r, "exit-code", bad[i]), -1);
        assert_int_equal(r.exit_code, 255);
    }
}

static void test_hostile_values(void **state)
{
    (void)state;
    struct guest_report r = {0};
    char big[GUEST_REPORT_VALUE_MAX + 2];
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char why[160];
    assert_int_equal(
        guest_report_accept(&r, "error", big, strlen(big), why, sizeof(why)),
        -1);
    assert_non_null(strstr(why, "over the limit"));
    assert_string_equal(r.error, "");
    big[GUEST_REPORT_VALUE_MAX] = '\0';
    assert_int_equal(accept(&r, "error", big), 0);
    assert_int_equal(strlen(r.error), GUEST_REPORT_VALUE_MAX);

    assert_int_equal(accept(&r, "error", "bad\x1b[2Jterminal"), -1);
    assert_int_equal(
        guest_report_accept(&r, "error", "a\0b", 3, why, sizeof(why)), -1);
    assert_int_equal(accept(&r, "state", "running"), -1);
    assert_int_equal(accept(&r, "../../tool/xl-oci/x", "1"), -1);
    assert_int_equal(accept(&r, "exit-code-2", "1"), -1);
}

/* The monitor accepts exactly what the contract allows: the loader's
 * longest message (GUEST_REPORT_VALUE_MAX) and not one byte more. */
static void test_value_limit(void **state)
{
    (void)state;
    static char v[GUEST_REPORT_VALUE_MAX + 2];
    memset(v, 'e', sizeof(v) - 1);
    struct guest_report r = {0};
    char why[160];
    assert_int_equal(guest_report_accept(&r, GUEST_REPORT_KEY_ERROR, v,
                                         GUEST_REPORT_VALUE_MAX, why,
                                         sizeof(why)),
                     0);
    assert_int_equal(strlen(r.error), GUEST_REPORT_VALUE_MAX);
    assert_int_equal(guest_report_accept(&r, GUEST_REPORT_KEY_ERROR, v,
                                         GUEST_REPORT_VALUE_MAX + 1, why,
                                         sizeof(why)),
                     -1);
    assert_true(GUEST_REPORT_VALUE_MAX >= 400);
}

static void test_net_addresses(void **state)
{
    (void)state;
    struct guest_report r = {0};
    assert_int_equal(accept(&r, "net/0/mac", "00:16:3e:0a:0b:0c"), 0);
    assert_string_equal(r.net[0].mac, "00:16:3e:0a:0b:0c");
    assert_int_equal(accept(&r, "net/0/ipv4", "10.88.0.12/24"), 0);
    assert_int_equal(accept(&r, "net/7/ipv4", "10.0.0.1/8 192.168.1.2/32"), 0);
    assert_string_equal(r.net[7].ipv4, "10.0.0.1/8 192.168.1.2/32");
    assert_int_equal(accept(&r, "net/0/ipv6", "fd00:88::c/64 2001:db8::1/128"),
                     0);
    assert_int_equal(accept(&r, "net/1/ipv6", ""), 0); /* none configured */
    assert_int_equal(
        accept(&r, "net/2/ipv4", "1.1.1.1/1 2.2.2.2/2 3.3.3.3/3 4.4.4.4/4"), 0);

    const struct {
        const char *key, *value;
    } bad[] = {
        {"net/0/mac", "00:16:3E:0A:0B:0C"}, /* upper case */
        {"net/0/mac", "00:16:3e:0a:0b"},
        {"net/0/mac", "00-16-3e-0a-0b-0c"},
        {"net/0/ipv4", "10.88.0.12"},     /* no prefix */
        {"net/0/ipv4", "10.88.0.300/24"}, /* not inet_pton-valid */
        {"net/0/ipv4", "10.88.0.12/33"},
        {"net/0/ipv4", "10.88.0.12/024"},
        {"net/0/ipv4", "10.88.0.12/"},
        {"net/0/ipv4", "fd00::1/64"}, /* wrong family */
        {"net/0/ipv4", "10.0.0.1/8  10.0.0.2/8"},
        {"net/0/ipv4", "10.0.0.1/8 "},
        {"net/0/ipv4", " 10.0.0.1/8"},
        {"net/0/ipv4", "1.1.1.1/1 2.2.2.2/2 3.3.3.3/3 4.4.4.4/4 5.5.5.5/5"},
        {"net/0/ipv6", "fd00::1/129"},
        {"net/0/ipv6", "fd00:::1/64"},
        {"net/0/ipv6", "10.0.0.1/8"},
        {"net/8/mac", "00:16:3e:0a:0b:0c"}, /* beyond the interfaces */
        {"net/9/ipv4", "10.0.0.1/8"},
        {"net/x/mac", "00:16:3e:0a:0b:0c"},
        {"net/00/mac", "00:16:3e:0a:0b:0c"},
        {"net/0/gateway", "10.0.0.1"},
        {"net/0", ""},
        {"net", ""},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (accept(&r, bad[i].key, bad[i].value) != -1)
            fail_msg("accepted %s = \"%s\"", bad[i].key, bad[i].value);
    }
    /* Nothing refused changed what was accepted before. */
    assert_string_equal(r.net[0].mac, "00:16:3e:0a:0b:0c");
    assert_string_equal(r.net[0].ipv4, "10.88.0.12/24");
}

/* At exec the addresses go to DomainStatus, before the running state. */
static void test_net_status_fields(void **state)
{
    (void)state;
    struct guest_report r = {0};
    assert_int_equal(accept(&r, "net/1/mac", "00:16:3e:00:00:02"), 0);
    assert_int_equal(accept(&r, "net/1/ipv4", "10.0.0.2/24"), 0);
    assert_int_equal(accept(&r, "net/1/ipv6", "fd00::2/64"), 0);
    assert_int_equal(accept(&r, "phase", "exec"), 0);
    struct guest_status_field f[GUEST_STATUS_MAX_FIELDS];
    char code[8];
    size_t n = guest_report_status_fields(f, &r, GUEST_PHASE_MOUNTING, "now",
                                          "5", code);
    assert_int_equal(n, 6);
    assert_string_equal(f[2].key, "net/1/mac");
    assert_string_equal(f[2].value, "00:16:3e:00:00:02");
    assert_string_equal(f[3].key, "net/1/ipv4");
    assert_string_equal(f[3].value, "10.0.0.2/24");
    assert_string_equal(f[4].key, "net/1/ipv6");
    assert_string_equal(f[5].key, "state");
    assert_string_equal(f[5].value, "running");
}

/* An exit read before the exec it follows (the watch coalesced both
 * writes): the run started, then finished; no running state. */
static void test_exit_seen_first(void **state)
{
    (void)state;
    struct guest_report r = {0};
    assert_int_equal(accept(&r, "exit-code", "0"), 0);
    assert_int_equal(accept(&r, "phase", "exited"), 0);
    struct guest_status_field f[GUEST_STATUS_MAX_FIELDS];
    char code[8];
    size_t n = guest_report_status_fields(f, &r, GUEST_PHASE_MOUNTING, "now",
                                          "5", code);
    assert_int_equal(n, 4);
    assert_string_equal(f[0].key, "started");
    assert_string_equal(f[1].key, "started-ms");
    assert_string_equal(f[2].key, "exit-code");
    assert_string_equal(f[2].value, "0");
    assert_string_equal(f[3].key, "finished");
    assert_true(guest_report_started(GUEST_PHASE_EXITED, GUEST_PHASE_NONE));
    assert_false(guest_report_started(GUEST_PHASE_EXITED, GUEST_PHASE_EXEC));
    assert_false(
        guest_report_started(GUEST_PHASE_FAILED, GUEST_PHASE_MOUNTING));
}

/* oom-killed: only "1" is taken, and it reaches DomainStatus with the
 * exit (not before: the run is not over at exec). */
static void test_oom_killed(void **state)
{
    (void)state;
    struct guest_report r = {0};
    const char *bad[] = {"0", "yes", "true", "11", "", " 1", "1\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(accept(&r, "oom-killed", bad[i]), -1);
        assert_false(r.oom_killed);
    }
    assert_int_equal(accept(&r, "oom-killed", "1"), 0);
    assert_true(r.oom_killed);
    assert_int_equal(accept(&r, "phase", "exec"), 0);
    struct guest_status_field f[GUEST_STATUS_MAX_FIELDS];
    char code[8];
    size_t n = guest_report_status_fields(f, &r, GUEST_PHASE_MOUNTING, "now",
                                          "5", code);
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(f[i].key, "oom-killed");
    assert_int_equal(accept(&r, "exit-code", "137"), 0);
    assert_int_equal(accept(&r, "phase", "exited"), 0);
    n = guest_report_status_fields(f, &r, GUEST_PHASE_EXEC, "now", "5", code);
    assert_int_equal(n, 3);
    assert_string_equal(f[0].key, "exit-code");
    assert_string_equal(f[0].value, "137");
    assert_string_equal(f[2].key, "oom-killed");
    assert_string_equal(f[2].value, "1");
    /* Without it, the exit says nothing of the OOM killer. */
    r.oom_killed = false;
    n = guest_report_status_fields(f, &r, GUEST_PHASE_EXEC, "now", "5", code);
    assert_int_equal(n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phases),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_value_limit),
        cmocka_unit_test(test_net_addresses),
        cmocka_unit_test(test_net_status_fields),
        cmocka_unit_test(test_exit_seen_first),
        cmocka_unit_test(test_oom_killed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
