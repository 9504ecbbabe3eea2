/*
 * test-netback-addr.c: netback's address arithmetic and names
 * (netback/addr.c); published port specs are common/port_spec.c's
 * (test-netspec.c).  The expected MACs and
 * bridge names were computed apart from the code under test, with
 * `printf 'default/web/0' | sha256sum` and the like.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/inet.h"
#include "netback/addr.h"
#include "netback/netback.h"

static void expect_cidr_error(const char *s, const char *msg)
{
    struct nb_cidr4 c;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(nb_parse_cidr4(&c, s, 8, 30, "--subnet", &err), -1);
    assert_string_equal(xo_err_msg(&err), msg);
    xo_err_clear(&err);
}

static void test_cidr4(void **state)
{
    (void)state;
    struct nb_cidr4 c, d;
    char buf[INET_ADDRSTRLEN + 3], a[INET_ADDRSTRLEN];
    xo_err err = XO_ERR_INIT;
    assert_int_equal(nb_parse_cidr4(&c, "10.88.0.0/24", 8, 30, "x", &err), 0);
    assert_int_equal(c.addr, 0x0a580000u);
    assert_int_equal(c.prefix, 24);
    nb_format_cidr4(buf, &c);
    assert_string_equal(buf, "10.88.0.0/24");
    nb_format_ipv4(a, nb_cidr4_broadcast(&c));
    assert_string_equal(a, "10.88.0.255");
    assert_true(nb_cidr4_is_host(&c, 0x0a580001u));
    assert_false(nb_cidr4_is_host(&c, 0x0a580000u));
    assert_false(nb_cidr4_is_host(&c, 0x0a5800ffu));
    assert_false(nb_cidr4_is_host(&c, 0x0a590001u));
    assert_int_equal(nb_parse_cidr4(&d, "10.88.0.128/25", 8, 30, "x", &err), 0);
    assert_true(nb_cidr4_overlap(&c, &d));
    assert_true(nb_cidr4_overlap(&d, &c));
    assert_int_equal(nb_parse_cidr4(&d, "10.88.1.0/24", 8, 30, "x", &err), 0);
    assert_false(nb_cidr4_overlap(&c, &d));
    assert_int_equal(nb_parse_cidr4(&d, "10.0.0.0/8", 8, 30, "x", &err), 0);
    assert_true(nb_cidr4_overlap(&c, &d));

    expect_cidr_error("10.88.0.1/24",
                      "--subnet \"10.88.0.1/24\" has host bits set (the "
                      "subnet is 10.88.0.0/24)");
    expect_cidr_error("10.88.0.0/31",
                      "--subnet \"10.88.0.0/31\": the prefix length must be "
                      "8 to 30");
    expect_cidr_error("10.88.0.0",
                      "--subnet \"10.88.0.0\" is not an IPv4 subnet "
                      "(A.B.C.D/N)");
    expect_cidr_error("10.88/16", "--subnet \"10.88/16\" is not an IPv4 subnet "
                                  "(A.B.C.D/N)");
    expect_cidr_error("10.88.0.0/+24",
                      "--subnet \"10.88.0.0/+24\" is not an IPv4 subnet "
                      "(A.B.C.D/N)");
    expect_cidr_error("10.88.0.0/24x",
                      "--subnet \"10.88.0.0/24x\" is not an IPv4 subnet "
                      "(A.B.C.D/N)");
    expect_cidr_error("010.88.0.0/24",
                      "--subnet \"010.88.0.0/24\" is not an IPv4 subnet "
                      "(A.B.C.D/N)");
    expect_cidr_error("10.88.0.0/99999999999999999999",
                      "--subnet \"10.88.0.0/99999999999999999999\" is not an "
                      "IPv4 subnet (A.B.C.D/N)");
    expect_cidr_error("", "--subnet \"\" is not an IPv4 subnet (A.B.C.D/N)");
}

static void test_ipv6(void **state)
{
    (void)state;
    struct in6_addr p, a;
    char s[INET6_ADDRSTRLEN];
    xo_err err = XO_ERR_INIT;
    assert_int_equal(nb_parse_prefix6(&p, "fd00:88::/64", "--ipv6", &err), 0);
    nb_ipv6_host(&a, &p, 0x0a000005u);
    inet_ntop(AF_INET6, &a, s, sizeof(s));
    assert_string_equal(s, "fd00:88::a00:5");
    assert_true(nb_prefix6_contains(&p, &a));
    const uint8_t mac[6] = {0x00, 0x16, 0x3e, 0x0a, 0x3a, 0x5a};
    nb_ipv6_link_local(&a, mac);
    inet_ntop(AF_INET6, &a, s, sizeof(s));
    assert_string_equal(s, "fe80::216:3eff:fe0a:3a5a");

    assert_int_equal(nb_parse_prefix6(&p, "fd00:88::/48", "--ipv6", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "--ipv6 \"fd00:88::/48\": only /64 prefixes are "
                        "supported");
    assert_int_equal(nb_parse_prefix6(&p, "fd00:88::1/64", "--ipv6", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "--ipv6 \"fd00:88::1/64\" has host bits set");
    assert_int_equal(nb_parse_prefix6(&p, "fe80::/64", "--ipv6", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "--ipv6 \"fe80::/64\" is a multicast or link-local "
                        "prefix");
    assert_int_equal(nb_parse_prefix6(&p, "10.0.0.0/64", "--ipv6", &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "--ipv6 \"10.0.0.0/64\" is not an IPv6 prefix "
                        "(PREFIX::/64)");
    xo_err_clear(&err);
}

static void test_mac(void **state)
{
    (void)state;
    uint8_t mac[6], back[6];
    char s[18];
    assert_int_equal(nb_mac_derive(mac, "web", "default", 0, NULL), 0);
    nb_format_mac(s, mac);
    assert_string_equal(s, "00:16:3e:0a:3a:5a");
    /* The top bit of the fourth byte is cleared: c9 -> 49. */
    assert_int_equal(nb_mac_derive(mac, "web", "default", 1, NULL), 0);
    nb_format_mac(s, mac);
    assert_string_equal(s, "00:16:3e:49:9f:c7");
    assert_int_equal(xo_mac_parse(back, "00:16:3E:49:9f:c7"), 0);
    assert_memory_equal(back, mac, 6);
    assert_int_equal(xo_mac_parse(back, "00:16:3e:49:9f"), -1);
    assert_int_equal(xo_mac_parse(back, "00:16:3e:49:9f:c7:"), -1);
    assert_int_equal(xo_mac_parse(back, "00:16:3e:49:9f:+7"), -1);
    assert_int_equal(xo_mac_parse(back, "00-16-3e-49-9f-c7"), -1);
}

static void test_names(void **state)
{
    (void)state;
    char br[16];
    assert_true(nb_valid_network_name("default"));
    assert_true(nb_valid_network_name("lan-2"));
    assert_false(nb_valid_network_name("Lan"));
    assert_false(nb_valid_network_name("-lan"));
    assert_false(nb_valid_network_name("lan-"));
    assert_false(nb_valid_network_name("a.b"));
    assert_false(nb_valid_network_name("lock"));
    assert_true(nb_valid_network_name("locks"));
    assert_false(nb_valid_network_name("../x"));
    assert_false(nb_valid_network_name(""));
    assert_false(nb_valid_network_name("abcdefghijabcdefghijabcdefghijab"));
    assert_true(nb_valid_container_name("web_1.prod"));
    assert_false(nb_valid_container_name(".web"));
    assert_false(nb_valid_container_name("a/b"));
    assert_true(nb_valid_ifname("xenbr0"));
    assert_false(nb_valid_ifname("abcdefghijklmnop"));
    assert_false(nb_valid_ifname("a b"));
    assert_false(nb_valid_ifname("a:b"));
    assert_false(nb_valid_ifname(".."));
    assert_int_equal(nb_default_bridge(br, "default", NULL), 0);
    assert_string_equal(br, "xloci-default");
    assert_int_equal(nb_default_bridge(br, "averyveryverylongname", NULL), 0);
    assert_string_equal(br, "xloci-4634f375");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cidr4),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_mac),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
