/*
 * test-vif.c: xl vif specs (domcfg/vif.c).  A key we do not know, a MAC a
 * NIC cannot have, or an MTU out of range must be refused with a message
 * that names the spec and the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domcfg/vif.h"

static void expect_bad(const char *spec, const char *msg)
{
    struct dc_vif v;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(vif_parse(&v, spec, &err), -1);
    assert_string_equal(xo_err_msg(&err), msg);
    /* A failed parse leaves nothing to free. */
    assert_null(v.bridge);
    assert_null(v.ip);
    assert_null(v.script);
    assert_null(v.rate);
    xo_err_clear(&err);
}

static void test_full_spec(void **state)
{
    (void)state;
    struct dc_vif v;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(vif_parse(&v,
                               " mac=00:16:3E:Aa:bB:0c, bridge=xenbr1 ,"
                               "ip=10.0.0.2/24,mtu=1400,script=vif-bridge,"
                               "vifname=web0,backend=dom0,model=e1000,"
                               "rate=10Mb/s,,",
                               &err),
                     0);
    assert_string_equal(v.mac, "00:16:3e:aa:bb:0c");
    assert_string_equal(v.bridge, "xenbr1");
    assert_string_equal(v.ip, "10.0.0.2/24");
    assert_int_equal(v.mtu, 1400);
    assert_string_equal(v.script, "vif-bridge");
    assert_string_equal(v.vifname, "web0");
    assert_string_equal(v.backend, "dom0");
    assert_string_equal(v.model, "e1000");
    assert_string_equal(v.rate, "10Mb/s");
    vif_dispose(&v);
    assert_null(v.bridge);

    /* A later key replaces an earlier one (no leak under ASan). */
    assert_int_equal(vif_parse(&v, "bridge=a,bridge=b", &err), 0);
    assert_string_equal(v.bridge, "b");
    vif_dispose(&v);

    /* Empty: everything default, the MAC chosen later. */
    assert_int_equal(vif_parse(&v, "", &err), 0);
    assert_string_equal(v.mac, "");
    assert_null(v.bridge);
    assert_int_equal(v.mtu, 0);
    vif_dispose(&v);
    assert_null(err.msg);
}

static void test_errors(void **state)
{
    (void)state;
    expect_bad("bridge=xenbr0,colour=blue",
               "vif \"bridge=xenbr0,colour=blue\": unknown key \"colour\"");
    expect_bad("bridge=xenbr0,type=ioemu",
               "vif \"bridge=xenbr0,type=ioemu\": unknown key \"type\"");
    expect_bad("bridge", "vif \"bridge\": \"bridge\" is not KEY=VALUE");
    expect_bad("mac=00:16:3e:zz:00:01",
               "vif \"mac=00:16:3e:zz:00:01\": mac=00:16:3e:zz:00:01 is not a "
               "unicast MAC address");
    expect_bad("mac=00:16:3e:00:01", "vif \"mac=00:16:3e:00:01\": "
                                     "mac=00:16:3e:00:01 is not a unicast "
                                     "MAC address");
    expect_bad("mac=00-16-3e-00-00-01", "vif \"mac=00-16-3e-00-00-01\": "
                                        "mac=00-16-3e-00-00-01 is not a "
                                        "unicast MAC address");
    /* Multicast (and broadcast) addresses cannot be a NIC's. */
    expect_bad("mac=01:00:5e:00:00:01", "vif \"mac=01:00:5e:00:00:01\": "
                                        "mac=01:00:5e:00:00:01 is not a "
                                        "unicast MAC address");
    expect_bad("mac=ff:ff:ff:ff:ff:ff", "vif \"mac=ff:ff:ff:ff:ff:ff\": "
                                        "mac=ff:ff:ff:ff:ff:ff is not a "
                                        "unicast MAC address");
    expect_bad("mac=03:16:3e:00:00:01", "vif \"mac=03:16:3e:00:00:01\": "
                                        "mac=03:16:3e:00:00:01 is not a "
                                        "unicast MAC address");
    expect_bad("mtu=67", "vif \"mtu=67\": mtu=67 must be a number in "
                         "[68, 65535]");
    expect_bad("mtu=65536", "vif \"mtu=65536\": mtu=65536 must be a number in "
                            "[68, 65535]");
    expect_bad("mtu=1500x", "vif \"mtu=1500x\": mtu=1500x must be a number "
                            "in [68, 65535]");
    expect_bad("mtu=", "vif \"mtu=\": mtu= must be a number in [68, 65535]");
    expect_bad("ip=10.0.0.256/24", "vif \"ip=10.0.0.256/24\": "
                                   "ip=10.0.0.256/24 is not an IPv4 "
                                   "address/prefix (A.B.C.D/N)");
    expect_bad("ip=10.0.0.1/33", "vif \"ip=10.0.0.1/33\": ip=10.0.0.1/33 is "
                                 "not an IPv4 address/prefix (A.B.C.D/N)");
    expect_bad("ip=10.0.0.1/0", "vif \"ip=10.0.0.1/0\": ip=10.0.0.1/0 is "
                                "not an IPv4 address/prefix (A.B.C.D/N)");
    /* The loader needs the prefix to configure the interface. */
    expect_bad("ip=10.0.0.1", "vif \"ip=10.0.0.1\": ip=10.0.0.1 is not an "
                              "IPv4 address/prefix (A.B.C.D/N)");
    /* Values end up in xenstore and hotplug scripts' arguments. */
    expect_bad("bridge=xenbr0,script=a b",
               "vif \"bridge=xenbr0,script=a b\": bad value for script: "
               "\"a b\"");
    expect_bad("bridge=$(reboot)", "vif \"bridge=$(reboot)\": bad value for "
                                   "bridge: \"$(reboot)\"");
    expect_bad("bridge=", "vif \"bridge=\": bad value for bridge: \"\"");
}

static void test_mtu_edges(void **state)
{
    (void)state;
    struct dc_vif v;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(vif_parse(&v, "mtu=68", &err), 0);
    assert_int_equal(v.mtu, 68);
    vif_dispose(&v);
    assert_int_equal(vif_parse(&v, "mtu=65535", &err), 0);
    assert_int_equal(v.mtu, 65535);
    vif_dispose(&v);
}

static void test_default_mac(void **state)
{
    (void)state;
    char a[18], b[18], c[18], a2[18];
    assert_int_equal(vif_default_mac(a, "web", 0, NULL), 0);
    assert_int_equal(vif_default_mac(a2, "web", 0, NULL), 0);
    assert_int_equal(vif_default_mac(b, "web", 1, NULL), 0);
    assert_int_equal(vif_default_mac(c, "db", 0, NULL), 0);
    assert_string_equal(a, a2);
    assert_string_not_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 17);
    assert_memory_equal(a, "00:16:3e:", 9);
    /* Xen's OUI leaves the top bit of the 4th byte clear. */
    unsigned x;
    assert_int_equal(sscanf(a + 9, "%2x", &x), 1);
    assert_true(x < 0x80);
    /* What we make, we must accept. */
    char spec[32];
    snprintf(spec, sizeof(spec), "mac=%s", b);
    struct dc_vif v;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(vif_parse(&v, spec, &err), 0);
    assert_string_equal(v.mac, b);
    vif_dispose(&v);
}

static void test_ipv4(void **state)
{
    (void)state;
    assert_true(vif_valid_ipv4("10.0.0.1", false));
    assert_true(vif_valid_ipv4("10.0.0.1/24", true));
    /* The loader refuses a /0 (and a leading zero or a sign), so domcfg
     * must not write one into the boot spec (common/inet.h). */
    assert_false(vif_valid_ipv4("10.0.0.1/0", true));
    assert_false(vif_valid_ipv4("10.0.0.1/024", true));
    assert_false(vif_valid_ipv4("10.0.0.1/+24", true));
    assert_true(vif_valid_ipv4("10.0.0.1/32", true));
    assert_false(vif_valid_ipv4("10.0.0.1/24", false));
    assert_false(vif_valid_ipv4("10.0.0.1/33", true));
    assert_false(vif_valid_ipv4("10.0.0.1/", true));
    assert_false(vif_valid_ipv4("10.0.0.1/-1", true));
    assert_false(vif_valid_ipv4("10.0.0.1/2x", true));
    assert_false(vif_valid_ipv4("10.0.0", false));
    assert_false(vif_valid_ipv4("", false));
    assert_false(vif_valid_ipv4("::1", false));
    assert_false(vif_valid_ipv4("10.0.0.1.10.0.0.1.10.0.0.1.10.0.0.1", false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_spec), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_mtu_edges), cmocka_unit_test(test_default_mac),
        cmocka_unit_test(test_ipv4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
