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
#include "common/abi/guest_report.h"
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
    assert_int_equal(DC_MAX_ARGS, BOOT_SPEC_MAX_ARGS);
    assert_int_equal(DC_MAX_ENV, BOOT_SPEC_MAX_ENV);
    assert_int_equal(DC_MAX_VIFS, BOOT_SPEC_MAX_IFACES);
    assert_int_equal(DC_MAX_VOLUMES, BOOT_SPEC_MAX_MOUNTS);
    assert_int_equal(DC_MAX_DNS, BOOT_SPEC_MAX_DNS);
    assert_string_equal(BOOT_SPEC_GUEST_PATH, "/xl-oci/boot-spec.dtb");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guest_phase_names),
        cmocka_unit_test(test_domain_state_names),
        cmocka_unit_test(test_limits_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
