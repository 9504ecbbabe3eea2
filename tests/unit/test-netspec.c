/*
 * test-netspec.c: the one grammar of IP addresses, ADDR/PREFIX
 * (common/inet.c) and oci_ports entries (common/port_spec.c) that domcfg,
 * netback, the guest's boot spec reader and dom0's guest report
 * validator share.  Every refused value must be named in the message.
 * Also MAC address text and DNS names, which domcfg, netback and the
 * loader check alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/inet.h"
#include "common/port_spec.h"

/* ---- addresses -------------------------------------------------------- */

static void test_addresses(void **state)
{
    (void)state;
    struct in_addr a4;
    struct in6_addr a6;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_inet_parse(&a4, AF_INET, "10.0.0.1", &err), 0);
    assert_int_equal(ntohl(a4.s_addr), 0x0a000001);
    assert_int_equal(xo_inet_parse(&a6, AF_INET6, "fd00::1", &err), 0);
    assert_int_equal(a6.s6_addr[0], 0xfd);
    assert_int_equal(a6.s6_addr[15], 1);
    assert_true(xo_inet_valid(AF_INET, "255.255.255.255"));
    assert_true(xo_inet_valid(AF_INET6, "::ffff:10.0.0.1"));

    static const struct {
        int family;
        const char *s;
    } bad[] = {
        {AF_INET, ""},           {AF_INET, "10.0.0"},
        {AF_INET, "10.0.0.256"}, {AF_INET, "010.0.0.1"},
        {AF_INET, " 10.0.0.1"},  {AF_INET, "10.0.0.1/24"},
        {AF_INET, "fd00::1"},    {AF_INET6, "10.0.0.1"},
        {AF_INET6, "fd00:::1"},  {AF_INET6, "fd00::1%eth0"},
        {AF_INET6, "g::1"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (xo_inet_parse(NULL, bad[i].family, bad[i].s, &err) != -1)
            fail_msg("accepted address \"%s\"", bad[i].s);
        char want[96];
        snprintf(want, sizeof(want), "\"%s\" is not an %s address", bad[i].s,
                 bad[i].family == AF_INET ? "IPv4" : "IPv6");
        assert_string_equal(xo_err_msg(&err), want);
        assert_int_equal(err.errnum, EINVAL);
        assert_false(xo_inet_valid(bad[i].family, bad[i].s));
    }
    xo_err_clear(&err);
}

static void expect_cidr(int family, const char *s, unsigned min,
                        unsigned prefix)
{
    unsigned char a[16];
    unsigned p = 999;
    xo_err err = XO_ERR_INIT;
    if (xo_inet_parse_cidr(a, &p, family, s, min, &err) < 0)
        fail_msg("\"%s\": %s", s, xo_err_msg(&err));
    assert_int_equal(p, prefix);
}

static void expect_cidr_error(int family, const char *s, unsigned min,
                              const char *msg)
{
    xo_err err = XO_ERR_INIT;
    unsigned p = 999;
    assert_int_equal(xo_inet_parse_cidr(NULL, &p, family, s, min, &err), -1);
    assert_int_equal(p, 999); /* untouched */
    assert_string_equal(xo_err_msg(&err), msg);
    xo_err_clear(&err);
}

static void test_cidr(void **state)
{
    (void)state;
    expect_cidr(AF_INET, "10.0.0.2/24", 1, 24);
    expect_cidr(AF_INET, "10.0.0.2/32", 1, 32);
    expect_cidr(AF_INET, "0.0.0.0/0", 0, 0);
    expect_cidr(AF_INET6, "fd00::2/64", 1, 64);
    expect_cidr(AF_INET6, "::/128", 1, 128);
    expect_cidr_error(AF_INET, "10.0.0.2", 1, "\"10.0.0.2\" has no /PREFIX");
    expect_cidr_error(AF_INET, "10.0.0/24", 1,
                      "\"10.0.0/24\": \"10.0.0\" is not an IPv4 address");
    expect_cidr_error(AF_INET, "/24", 1,
                      "\"/24\": \"\" is not an IPv4 address");
    expect_cidr_error(AF_INET, "10.0.0.2/33", 1,
                      "\"10.0.0.2/33\": prefix \"33\" is not a number from 1 "
                      "to 32");
    expect_cidr_error(AF_INET, "10.0.0.2/0", 1,
                      "\"10.0.0.2/0\": prefix \"0\" is not a number from 1 to "
                      "32");
    expect_cidr_error(AF_INET, "10.0.0.2/024", 1,
                      "\"10.0.0.2/024\": prefix \"024\" is not a number from "
                      "1 to 32");
    expect_cidr_error(AF_INET, "10.0.0.2/+24", 1,
                      "\"10.0.0.2/+24\": prefix \"+24\" is not a number from "
                      "1 to 32");
    expect_cidr_error(AF_INET, "10.0.0.2/", 1,
                      "\"10.0.0.2/\": prefix \"\" is not a number from 1 to "
                      "32");
    expect_cidr_error(AF_INET, "10.0.0.2/24/", 1,
                      "\"10.0.0.2/24/\": prefix \"24/\" is not a number from "
                      "1 to 32");
    expect_cidr_error(AF_INET6, "fd00::2/129", 1,
                      "\"fd00::2/129\": prefix \"129\" is not a number from 1 "
                      "to 128");
    expect_cidr_error(AF_INET6, "10.0.0.2/24", 1,
                      "\"10.0.0.2/24\": \"10.0.0.2\" is not an IPv6 address");
    /* Longer than any address/prefix: refused before anything is copied. */
    char lng[80];
    memset(lng, '1', sizeof(lng) - 1);
    lng[sizeof(lng) - 1] = '\0';
    char want[160];
    snprintf(want, sizeof(want),
             "\"%.49s...\" is longer than an IPv6 address/prefix", lng);
    expect_cidr_error(AF_INET6, lng, 1, want);

    /* The length-bounded form reads only its `len` bytes. */
    unsigned p = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(
        xo_inet_parse_cidrn(NULL, &p, AF_INET, "10.0.0.1/8 x", 10, 1, &err), 0);
    assert_int_equal(p, 8);
    assert_int_equal(
        xo_inet_parse_cidrn(NULL, &p, AF_INET, "10.0.0.1/8\0/9", 13, 1, &err),
        -1);
    assert_string_equal(xo_err_msg(&err), "\"10.0.0.1/8\" holds a NUL");
    xo_err_clear(&err);
}

/* ---- oci_ports ------------------------------------------------------- */

static void expect_port(const char *spec, const char *formatted)
{
    struct xo_port_spec p;
    char buf[XO_PORT_SPEC_TEXT];
    xo_err err = XO_ERR_INIT;
    if (xo_port_spec_parse(&p, spec, &err) < 0)
        fail_msg("\"%s\": %s", spec, xo_err_msg(&err));
    xo_port_spec_format(buf, &p);
    assert_string_equal(buf, formatted);
}

static void expect_port_error(const char *spec, const char *msg)
{
    struct xo_port_spec p = {.host_port = 7};
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_port_spec_parse(&p, spec, &err), -1);
    assert_int_equal(p.host_port, 7); /* untouched */
    assert_int_equal(err.errnum, EINVAL);
    assert_string_equal(xo_err_msg(&err), msg);
    xo_err_clear(&err);
}

static void test_ports(void **state)
{
    (void)state;
    struct xo_port_spec p;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_port_spec_parse(&p, "127.0.0.1:8080:80/udp", &err), 0);
    assert_string_equal(p.host_ip, "127.0.0.1");
    assert_int_equal(p.host_port, 8080);
    assert_int_equal(p.container_port, 80);
    assert_true(p.udp);
    assert_string_equal(xo_port_spec_proto(&p), "udp");
    assert_int_equal(xo_port_spec_parse(&p, "8080:80", &err), 0);
    assert_string_equal(p.host_ip, "");
    assert_false(p.udp);
    assert_string_equal(xo_port_spec_proto(&p), "tcp");
    expect_port("8080:80", "8080:80/tcp");
    expect_port("1:65535/tcp", "1:65535/tcp");
    expect_port("65535:1/udp", "65535:1/udp");
    expect_port("10.0.0.1:53:53/udp", "10.0.0.1:53:53/udp");
    expect_port("255.255.255.255:65535:65535/tcp",
                "255.255.255.255:65535:65535/tcp");
    /* IPv6 in brackets, written back in inet_ntop()'s form. */
    expect_port("[2001:DB8:0::1]:8080:80", "[2001:db8::1]:8080:80/tcp");
    expect_port("[::]:53:53/udp", "[::]:53:53/udp");
    expect_port("0.0.0.0:8080:80", "0.0.0.0:8080:80/tcp");
    expect_port("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535:65535/"
                "tcp",
                "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535:65535/tcp");
    expect_port("[1111:2222:3333:4444:5555:6666:7777:8888]:65535:65535/udp",
                "[1111:2222:3333:4444:5555:6666:7777:8888]:65535:65535/udp");

#define NOT_SPEC(s)                                                            \
    "\"" s "\" is not [HOSTIP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]"
    expect_port_error("", NOT_SPEC(""));
    expect_port_error("1:2:3:4", NOT_SPEC("1:2:3:4"));
    expect_port_error("1.2.3.4:80:80:80", NOT_SPEC("1.2.3.4:80:80:80"));
    expect_port_error("::1:80:80", "\"::1:80:80\": an IPv6 host address goes "
                                   "in brackets: [HOSTIP]:HOSTPORT:"
                                   "CONTAINERPORT");
    expect_port_error("2001:db8::2:80:80/udp",
                      "\"2001:db8::2:80:80/udp\": an IPv6 host address goes "
                      "in brackets: [HOSTIP]:HOSTPORT:CONTAINERPORT");
    expect_port_error("[2001:db8::1]:80:80:80",
                      NOT_SPEC("[2001:db8::1]:80:80:80"));
    expect_port_error("[2001:db8::1]80:80", NOT_SPEC("[2001:db8::1]80:80"));
    expect_port_error("[2001:db8::1:80:80", "\"[2001:db8::1:80:80\": \"[\" "
                                            "opens a host address no \"]\" "
                                            "closes");
    expect_port_error("[10.0.0.1]:80:80",
                      "\"[10.0.0.1]:80:80\": host address \"10.0.0.1\" in "
                      "brackets is not an IPv6 address");
    expect_port_error("[]:80:80", "\"[]:80:80\": host address \"\" in "
                                  "brackets is not an IPv6 address");
    expect_port_error("[::1]:80:80",
                      "\"[::1]:80:80\": host address ::1 cannot be "
                      "published: Linux routes no packet between ::1 and "
                      "another device (use 127.0.0.1 or one of the host's "
                      "IPv6 addresses)");
    expect_port_error("[::ffff:10.0.0.1]:80:80",
                      "\"[::ffff:10.0.0.1]:80:80\": host address "
                      "\"::ffff:10.0.0.1\" is IPv4-mapped: write the IPv4 "
                      "address without brackets");
    expect_port_error("[2001:db8::1]:0:80",
                      "\"[2001:db8::1]:0:80\": host "
                      "port \"0\" is not a number from "
                      "1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("80:", "\"80:\": container port \"\" is not a number "
                             "from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("0:80", "\"0:80\": host port \"0\" is not a number from "
                              "1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("80:0", "\"80:0\": container port \"0\" is not a number "
                              "from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("65536:80",
                      "\"65536:80\": host port \"65536\" is not a "
                      "number from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("080:80",
                      "\"080:80\": host port \"080\" is not a "
                      "number from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("+80:80",
                      "\"+80:80\": host port \"+80\" is not a "
                      "number from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("8 0:80",
                      "\"8 0:80\": host port \"8 0\" is not a "
                      "number from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("80:-1",
                      "\"80:-1\": container port \"-1\" is not a "
                      "number from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("80: 1",
                      "\"80: 1\": container port \" 1\" is not a "
                      "number from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("80:80/", "\"80:80/\": protocol \"\" is not tcp or udp");
    expect_port_error("80:80/TCP",
                      "\"80:80/TCP\": protocol \"TCP\" is not tcp or udp");
    expect_port_error("80:80/sctp",
                      "\"80:80/sctp\": protocol \"sctp\" is not tcp or udp");
    expect_port_error("1.2.3:80:80", "\"1.2.3:80:80\": host address \"1.2.3\" "
                                     "is not an IPv4 address");
    expect_port_error("a.b.c.d:80:80", "\"a.b.c.d:80:80\": host address "
                                       "\"a.b.c.d\" is not an IPv4 address");
    /* Docker's other forms: a host port to choose, ranges. */
    expect_port("80", "80/tcp");
    expect_port(":80/udp", "80/udp");
    expect_port("1.2.3.4::80", "1.2.3.4::80/tcp");
    expect_port("[2001:db8::1]::80", "[2001:db8::1]::80/tcp");
    expect_port("8000-8010:80", "8000-8010:80/tcp");
    expect_port("8000-8000:80", "8000:80/tcp");
    expect_port("10.0.0.1:8000-8010:80/udp", "10.0.0.1:8000-8010:80/udp");
    assert_int_equal(xo_port_spec_parse(&p, "8000-8010:80", &err), 0);
    assert_int_equal(p.host_port, 0);
    assert_int_equal(p.host_first, 8000);
    assert_int_equal(p.host_last, 8010);
    assert_int_equal(xo_port_spec_parse(&p, "80", &err), 0);
    assert_int_equal(p.host_port, 0);
    assert_int_equal(p.host_first, 0);
    expect_port_error("8000-8002:80-82",
                      "\"8000-8002:80-82\": a range of container ports is "
                      "more than one port here");
    expect_port_error("8002-8000:80",
                      "\"8002-8000:80\": host port \"8002-8000\" is not a "
                      "number from 1 to 65535 or a range LOW-HIGH of them");
    expect_port_error("8000-8002:80-83",
                      "\"8000-8002:80-83\": the host range 8000-8002 has 3 "
                      "ports and the container range 80-83 4 (give ranges of "
                      "one size, or one container port)");
    expect_port_error("80-:80", "\"80-:80\": host port \"80-\" is not a "
                                "number from 1 to 65535 or a range LOW-HIGH of "
                                "them");
    expect_port_error("[2001:db8::1]:", NOT_SPEC("[2001:db8::1]:"));
    expect_port_error("/tcp", NOT_SPEC("/tcp"));
    /* The longest entry there is fits. */
    expect_port("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65534-65535:"
                "65534/tcp",
                "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65534-65535:65534/"
                "tcp");
    char lng[100];
    memset(lng, '1', sizeof(lng) - 1);
    lng[sizeof(lng) - 1] = '\0';
    char want[160];
    snprintf(want, sizeof(want), "\"%.80s...\": longer than 80 bytes", lng);
    expect_port_error(lng, want);
}

/* One entry, ranges and all, formatted a port a line. */
static void expect_expand(const char *spec, size_t room, const char *want)
{
    struct xo_port_spec out[8];
    size_t n = 99;
    xo_err err = XO_ERR_INIT;
    if (xo_port_spec_expand(out, room, &n, spec, &err) < 0)
        fail_msg("\"%s\": %s", spec, xo_err_msg(&err));
    char got[8 * XO_PORT_SPEC_TEXT] = "";
    for (size_t i = 0; i < n; i++) {
        char one[XO_PORT_SPEC_TEXT];
        xo_port_spec_format(one, &out[i]);
        strcat(got, one);
        strcat(got, " ");
    }
    assert_string_equal(got, want);
}

static void test_port_ranges(void **state)
{
    (void)state;
    expect_expand("8080:80", 8, "8080:80/tcp ");
    expect_expand("8000-8002:80-82/udp", 8,
                  "8000:80/udp 8001:81/udp 8002:82/udp ");
    expect_expand("127.0.0.1:9000-9001:9000-9001", 8,
                  "127.0.0.1:9000:9000/tcp 127.0.0.1:9001:9001/tcp ");
    expect_expand("80-82", 8, "80/tcp 81/tcp 82/tcp ");
    expect_expand("1.2.3.4::53-54/udp", 8, "1.2.3.4::53/udp 1.2.3.4::54/udp ");
    expect_expand("7000-7009:80", 1, "7000-7009:80/tcp ");
    struct xo_port_spec out[4];
    size_t n = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_port_spec_expand(out, 4, &n, "80-84", &err), -1);
    assert_int_equal(err.errnum, E2BIG);
    assert_string_equal(xo_err_msg(&err),
                        "\"80-84\": 5 ports, more than the 4 left of 64");
    xo_err_clear(&err);
    /* A port to choose clashes with nothing until it is chosen. */
    struct xo_port_spec a, b;
    assert_int_equal(xo_port_spec_parse(&a, "80", &err), 0);
    assert_int_equal(xo_port_spec_parse(&b, "81", &err), 0);
    assert_false(xo_port_spec_clash(&a, &b));
    a.host_port = b.host_port = 32768;
    assert_true(xo_port_spec_clash(&a, &b));
}

static struct xo_port_spec port(const char *spec)
{
    struct xo_port_spec p;
    xo_err err = XO_ERR_INIT;
    if (xo_port_spec_parse(&p, spec, &err) < 0)
        fail_msg("\"%s\": %s", spec, xo_err_msg(&err));
    return p;
}

/* Where each form is published, and which pairs would take the same
 * packets (Docker's rules: no HOSTIP is both families, 0.0.0.0 and [::]
 * every address of one). */
static void test_port_families(void **state)
{
    (void)state;
    struct xo_port_spec any = port("8080:80"), v4 = port("10.0.0.1:8080:80"),
                        all4 = port("0.0.0.0:8080:80"),
                        v6 = port("[2001:db8::1]:8080:80"),
                        all6 = port("[::]:8080:80"),
                        other6 = port("[2001:db8::2]:8080:80"),
                        v6udp = port("[2001:db8::1]:8080:80/udp");
    assert_int_equal(any.family, AF_UNSPEC);
    assert_int_equal(v4.family, AF_INET);
    assert_int_equal(v6.family, AF_INET6);
    assert_string_equal(v6.host_ip, "2001:db8::1");
    assert_true(xo_port_spec_has_family(&any, AF_INET));
    assert_true(xo_port_spec_has_family(&any, AF_INET6));
    assert_true(xo_port_spec_has_family(&v4, AF_INET));
    assert_false(xo_port_spec_has_family(&v4, AF_INET6));
    assert_false(xo_port_spec_has_family(&v6, AF_INET));
    assert_true(xo_port_spec_has_family(&all6, AF_INET6));
    assert_null(xo_port_spec_host_addr(&any));
    assert_null(xo_port_spec_host_addr(&all4));
    assert_null(xo_port_spec_host_addr(&all6));
    assert_string_equal(xo_port_spec_host_addr(&v4), "10.0.0.1");
    assert_string_equal(xo_port_spec_host_addr(&v6), "2001:db8::1");

    assert_true(xo_port_spec_clash(&any, &v6));
    assert_true(xo_port_spec_clash(&v4, &any));
    assert_true(xo_port_spec_clash(&all6, &v6));
    assert_true(xo_port_spec_clash(&v6, &v6));
    assert_true(xo_port_spec_clash(&all4, &v4));
    assert_false(xo_port_spec_clash(&v4, &v6));
    assert_false(xo_port_spec_clash(&all4, &all6));
    assert_false(xo_port_spec_clash(&all4, &v6));
    assert_false(xo_port_spec_clash(&v6, &other6));
    assert_false(xo_port_spec_clash(&v6, &v6udp));
}

/* ---- MAC addresses and DNS names ------------------------------------- */

static void test_macs(void **state)
{
    (void)state;
    unsigned char m[6];
    assert_int_equal(xo_mac_parse(m, "00:16:3E:0a:ff:C7"), 0);
    assert_memory_equal(m, "\x00\x16\x3e\x0a\xff\xc7", 6);
    assert_int_equal(xo_mac_parse(NULL, "00:16:3e:0a:ff:c7"), 0);
    static const char *const bad[] = {
        NULL,
        "",
        "00:16:3e:0a:ff",
        "00:16:3e:0a:ff:c7:",
        "00:16:3e:0a:ff:c7 ",
        "00-16-3e-0a-ff-c7",
        "00:16:3e:0a:ff: 7",
        "00:16:3e:0a:ff:+7",
        "0:016:3e:0a:ff:c7",
        "00:16:3e:0g:ff:c7",
        "00:16:3e:0a:ff:c7x",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(m, 0x55, sizeof(m));
        assert_int_equal(xo_mac_parse(m, bad[i]), -1);
        assert_int_equal(m[0], 0x55); /* untouched on failure */
        assert_false(xo_mac_valid_unicast(bad[i]));
    }
    assert_true(xo_mac_valid_unicast("00:16:3e:0a:ff:c7"));
    assert_true(xo_mac_valid_unicast("fe:ff:ff:ff:ff:ff"));
    /* Multicast (the first byte's low bit), broadcast among them. */
    assert_false(xo_mac_valid_unicast("01:00:5e:00:00:01"));
    assert_false(xo_mac_valid_unicast("ff:ff:ff:ff:ff:ff"));
    assert_false(xo_mac_valid_unicast("33:33:00:00:00:01"));
}

static void test_dns_names(void **state)
{
    (void)state;
    char l63[64], l64[65], long_name[300];
    memset(l63, 'a', 63);
    l63[63] = '\0';
    memset(l64, 'a', 64);
    l64[64] = '\0';
    assert_true(xo_dns_name_valid("corp.example", 253));
    assert_true(xo_dns_name_valid("default", 253));
    assert_true(xo_dns_name_valid("a-1.B-2.c", 253));
    assert_true(xo_dns_name_valid(l63, 253));
    assert_false(xo_dns_name_valid(l64, 253)); /* a label over 63 bytes */
    static const char *const bad[] = {
        NULL,   "",    ".",   "a.",  ".a",
        "a..b", "a b", "a_b", "a/b", "\xc3\xa9t\xc3\xa9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(xo_dns_name_valid(bad[i], 253));
    /* The whole name's limit is the caller's: 4 labels of 63 and dots. */
    snprintf(long_name, sizeof(long_name), "%s.%s.%s.%s", l63, l63, l63, l63);
    assert_int_equal(strlen(long_name), 255);
    assert_false(xo_dns_name_valid(long_name, 253));
    assert_true(xo_dns_name_valid(long_name, 255));
    assert_false(xo_dns_name_valid("abcd", 3));
    assert_true(xo_dns_name_valid("abc", 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_port_ranges),
        cmocka_unit_test(test_port_families),
        cmocka_unit_test(test_macs),
        cmocka_unit_test(test_dns_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
