/*
 * test-abi.c: the contracts of common/abi/: names of phases and states
 * both ways, and the limits that tie the two sides of each contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/abi/boot_spec.h"
#include "common/abi/domain_status.h"
#include "common/abi/guest_meminfo.h"
#include "common/abi/guest_report.h"
#include "common/abi/start_gate.h"
#include "domcfg/domain_config.h"
#include "xl-plugin/status.h"

static void test_guest_phase_names(void **state)
{
    (void)state;
    static const struct {
        enum guest_phase p;
        const char *name;
    } wire[] = {{GUEST_PHASE_MOUNTING, "mounting"},
                {GUEST_PHASE_EXEC, "exec"},
                {GUEST_PHASE_EXITED, "exited"},
                {GUEST_PHASE_FAILED, "failed"}};
    for (size_t i = 0; i < sizeof(wire) / sizeof(wire[0]); i++) {
        assert_string_equal(guest_phase_to_string(wire[i].p), wire[i].name);
        enum guest_phase p = GUEST_PHASE_NONE;
        assert_int_equal(guest_phase_from_string(wire[i].name, &p), 0);
        assert_int_equal(p, wire[i].p);
    }
    /* NONE is never on the wire; neither is anything else. */
    assert_null(guest_phase_to_string(GUEST_PHASE_NONE));
    assert_null(guest_phase_to_string((enum guest_phase)99));
    const char *bad[] = {"", "none", "Exec", "exec ", "exe", "running"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum guest_phase p = GUEST_PHASE_EXEC;
        assert_int_equal(guest_phase_from_string(bad[i], &p), -1);
        assert_int_equal(p, GUEST_PHASE_EXEC); /* untouched on failure */
    }
}

static void test_domain_state_names(void **state)
{
    (void)state;
    const char *names[] = {"creating", "booting", "running", "paused",
                           "halting",  "halted",  "broken"};
    const enum domain_state states[] = {
        DOMAIN_STATE_CREATING, DOMAIN_STATE_BOOTING, DOMAIN_STATE_RUNNING,
        DOMAIN_STATE_PAUSED,   DOMAIN_STATE_HALTING, DOMAIN_STATE_HALTED,
        DOMAIN_STATE_BROKEN};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_string_equal(domain_state_to_string(states[i]), names[i]);
        enum domain_state s = DOMAIN_STATE_UNKNOWN;
        assert_int_equal(domain_state_from_string(names[i], &s), 0);
        assert_int_equal(s, states[i]);
        assert_int_equal(domain_state_is_final(s),
                         s == DOMAIN_STATE_HALTED || s == DOMAIN_STATE_BROKEN);
    }
    assert_string_equal(domain_state_to_string(DOMAIN_STATE_UNKNOWN),
                        "unknown");
    assert_string_equal(domain_state_to_string((enum domain_state)42),
                        "unknown");
    const char *bad[] = {"", "unknown", "Running", "halt", "halted\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum domain_state s = DOMAIN_STATE_PAUSED;
        assert_int_equal(domain_state_from_string(bad[i], &s), -1);
        assert_int_equal(s, DOMAIN_STATE_PAUSED);
    }
}

/* What one side accepts, the other must be able to hold. */
static void test_limits_agree(void **state)
{
    (void)state;
    struct domain_status st;
    assert_true(sizeof(st.error) > GUEST_REPORT_VALUE_MAX);
    assert_true(sizeof(st.name) > DC_MAX_NAME);
    /* A string domcfg accepts fits the loader's bound with its NUL. */
    assert_int_equal(DC_MAX_STRING + 1, BOOT_SPEC_MAX_STR);
    assert_int_equal(DC_MAX_EXEC_BYTES + BOOT_SPEC_EXEC_RESERVE,
                     BOOT_SPEC_EXEC_LIMIT);
    assert_int_equal(DC_MAX_ARG_STRLEN + 1, BOOT_SPEC_MAX_ARG_STRLEN);
    /* Everything domcfg lets through fits the blob with room to spare. */
    assert_true(BOOT_SPEC_MAX_BLOB >= 2 * BOOT_SPEC_EXEC_LIMIT);
    assert_int_equal(DC_MAX_VIFS, BOOT_SPEC_MAX_IFACES);
    assert_int_equal(DC_MAX_VOLUMES, BOOT_SPEC_MAX_MOUNTS);
    assert_int_equal(DC_MAX_DNS, BOOT_SPEC_MAX_DNS);
    assert_string_equal(BOOT_SPEC_GUEST_PATH, "/xl-oci/boot-spec.dtb");
    /* The guest reports on every interface the boot spec can hold, and an
     * address list always fits one value. */
    assert_int_equal(GUEST_REPORT_NET_MAX_IFACES, BOOT_SPEC_MAX_IFACES);
    assert_true(GUEST_REPORT_NET_LIST_MAX <= GUEST_REPORT_VALUE_MAX);
    assert_true(sizeof(st.net[0].ipv6) > GUEST_REPORT_NET_LIST_MAX);
    assert_int_equal(sizeof(st.net) / sizeof(st.net[0]),
                     GUEST_REPORT_NET_MAX_IFACES);
}

/* The guest reads proc(5)'s /proc/meminfo; dom0 takes only plain decimal
 * with free <= total (common/abi/guest_meminfo.h). */
static void test_guest_meminfo(void **state)
{
    (void)state;
    const char mi[] = "MemTotal:         100380 kB\n"
                      "MemFree:           61240 kB\n"
                      "MemAvailable:      72016 kB\n"
                      "Buffers:               0 kB\n";
    unsigned long long t = 0, a = 0, u = 0;
    assert_int_equal(guest_meminfo_parse(mi, strlen(mi), &t, &a), 0);
    assert_int_equal(t, 100380);
    assert_int_equal(a, 72016);
    /* No MemAvailable (a kernel before 3.14), a key that only starts the
     * same, a cut line: refused, not read as something else. */
    const char *bad[] = {"MemTotal: 5 kB\nMemFree: 4 kB\n",
                         "MemTotal: 5 kB\nMemAvailableX: 4 kB\n",
                         "MemTotal: 5 kB\nMemAvailable:", "MemTotal: kB\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(guest_meminfo_parse(bad[i], strlen(bad[i]), &t, &a),
                         -1);
    /* Not NUL-terminated: only len bytes count. */
    assert_int_equal(guest_meminfo_parse(mi, 30, &t, &a), -1);

    assert_int_equal(guest_meminfo_used("100380", 6, "72016", 5, &u), 0);
    assert_int_equal(u, 100380 - 72016);
    assert_int_equal(guest_meminfo_used("5", 1, "5", 1, &u), 0);
    assert_int_equal(u, 0);
    const char *hostile[][2] = {{"5", "6"},           {"-5", "1"},
                                {"5 ", "1"},          {"", "1"},
                                {"5", "0x1"},         {"1234567890123", "1"},
                                {"99999999999", "+1"}};
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
        assert_int_equal(
            guest_meminfo_used(hostile[i][0], strlen(hostile[i][0]),
                               hostile[i][1], strlen(hostile[i][1]), &u),
            -1);
}

/* The start gate's wire values, read as xenstore returns them: bytes and
 * a length, no NUL; nothing but the exact values passes. */
static void test_start_gate_values(void **state)
{
    (void)state;
    enum start_gate g = START_GATE_OPEN;
    assert_string_equal(start_gate_to_string(START_GATE_CLOSED), "closed");
    assert_string_equal(start_gate_to_string(START_GATE_OPEN), "open");
    assert_null(start_gate_to_string((enum start_gate)7));
    assert_int_equal(start_gate_from_string("closed", 6, &g), 0);
    assert_int_equal(g, START_GATE_CLOSED);
    assert_int_equal(start_gate_from_string("open", 4, &g), 0);
    assert_int_equal(g, START_GATE_OPEN);
    /* A prefix, a longer value, another case, a NUL inside, nothing. */
    static const struct {
        const char *v;
        size_t len;
    } bad[] = {{"ope", 3},    {"openx", 5},
               {"open\0", 5}, {"Open", 4},
               {"", 0},       {"closed ", 7},
               {"1", 1},      {"openopenopenopenopen", 20}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        g = START_GATE_CLOSED;
        assert_int_equal(start_gate_from_string(bad[i].v, bad[i].len, &g), -1);
        assert_int_equal(g, START_GATE_CLOSED);
    }
    assert_int_equal(start_gate_from_string(NULL, 0, &g), -1);
    /* Both values fit what the guest reads. */
    assert_true(strlen("closed") <= START_GATE_VALUE_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guest_phase_names),
        cmocka_unit_test(test_domain_state_names),
        cmocka_unit_test(test_limits_agree),
        cmocka_unit_test(test_guest_meminfo),
        cmocka_unit_test(test_start_gate_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
