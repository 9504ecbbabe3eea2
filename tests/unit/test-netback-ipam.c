/*
 * test-netback-ipam.c: address management on a network in memory
 * (netback/ipam.c) and its state files (netback/store.c): the pool order,
 * static addresses, exhaustion, a restart keeping its lease, MAC
 * collisions, and leases.json surviving a save and load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/json.h"
#include "netback/ipam.h"
#include "netback/store.h"

static void make_net(struct nb_state *st, const char *name, const char *subnet,
                     const char *gw, const char *ipv6)
{
    xo_err err = XO_ERR_INIT;
    memset(st, 0, sizeof(*st));
    snprintf(st->net.name, sizeof(st->net.name), "%s", name);
    snprintf(st->net.bridge, sizeof(st->net.bridge), "xloci-%s", name);
    snprintf(st->net.subnet, sizeof(st->net.subnet), "%s", subnet);
    snprintf(st->net.gateway4, sizeof(st->net.gateway4), "%s", gw);
    if (ipv6) {
        st->net.has_ipv6 = true;
        snprintf(st->net.subnet6, sizeof(st->net.subnet6), "%s/64", ipv6);
        snprintf(st->net.gateway6, sizeof(st->net.gateway6), "%s1", ipv6);
    }
    st->net.mtu = 1500;
    assert_int_equal(nb_state_derive(st, &err), 0);
}

static const char *assign(struct nb_state *st, const char *c, const char *ip)
{
    struct netback_lease *l;
    xo_err err = XO_ERR_INIT;
    if (nb_ipam_assign(st, c, 0, ip, &l, &err) < 0) {
        static char msg[256];
        snprintf(msg, sizeof(msg), "ERR %s", xo_err_msg(&err));
        xo_err_clear(&err);
        return msg;
    }
    return l->ipv4;
}

static void test_pool(void **state)
{
    (void)state;
    struct nb_state st;
    make_net(&st, "t", "10.1.0.0/29", "10.1.0.1", "fd00:1::");
    assert_string_equal(assign(&st, "a", NULL), "10.1.0.2");
    assert_string_equal(st.leases[0].ipv6, "fd00:1::2");
    assert_string_equal(assign(&st, "b", NULL), "10.1.0.3");
    /* A restart: the same lease, whatever else happened. */
    assert_string_equal(assign(&st, "a", NULL), "10.1.0.2");
    assert_int_equal(st.n_leases, 2);
    assert_string_equal(assign(&st, "c", NULL), "10.1.0.4");
    assert_string_equal(assign(&st, "d", NULL), "10.1.0.5");
    assert_string_equal(assign(&st, "e", NULL), "10.1.0.6");
    assert_string_equal(assign(&st, "f", NULL),
                        "ERR network t: no free address left in 10.1.0.0/29 "
                        "(5 leases; xl-oci network inspect t lists them, and "
                        "xl-oci network up releases those of creates that "
                        "were killed)");
    /* A freed address is taken again only after the rest of the pool
     * (host-local's order: a name's old address is not reused at once). */
    assert_true(nb_ipam_remove(&st, "b"));
    assert_false(nb_ipam_remove(&st, "b"));
    assert_string_equal(assign(&st, "f", NULL), "10.1.0.3");
    nb_state_dispose(&st);
}

/* DNS ignores case: a second name that differs only in case is refused;
 * so is one that differs in '_' for '-', as a name with '_' also answers
 * as its host name (helper-80: My_App and my-app both answered my-app). */
static void test_names_without_case(void **state)
{
    (void)state;
    struct nb_state st;
    make_net(&st, "t", "10.1.0.0/24", "10.1.0.1", NULL);
    assert_string_equal(assign(&st, "web", NULL), "10.1.0.2");
    assert_string_equal(
        assign(&st, "Web", NULL),
        "ERR container Web: network t has container web, the same DNS name "
        "(names are compared without case, '_' as '-')");
    assert_int_equal(st.n_leases, 1);
    assert_string_equal(assign(&st, "web2", NULL), "10.1.0.3");
    assert_string_equal(assign(&st, "My_App", NULL), "10.1.0.4");
    assert_string_equal(
        assign(&st, "my-app", NULL),
        "ERR container my-app: network t has container My_App, the same DNS "
        "name (names are compared without case, '_' as '-')");
    assert_string_equal(assign(&st, "my-app2", NULL), "10.1.0.5");
    nb_state_dispose(&st);
}

static void test_gateway_inside_pool(void **state)
{
    (void)state;
    struct nb_state st;
    make_net(&st, "t", "10.1.0.0/30", "10.1.0.2", NULL);
    assert_string_equal(assign(&st, "a", NULL), "10.1.0.1");
    assert_string_equal(st.leases[0].ipv6, "");
    assert_string_equal(assign(&st, "b", NULL),
                        "ERR network t: no free address left in 10.1.0.0/30 "
                        "(1 leases; xl-oci network inspect t lists them, and "
                        "xl-oci network up releases those of creates that "
                        "were killed)");
    nb_state_dispose(&st);
}

static void test_static(void **state)
{
    (void)state;
    struct nb_state st;
    make_net(&st, "t", "10.1.0.0/24", "10.1.0.1", NULL);
    assert_string_equal(assign(&st, "db", "10.1.0.9"), "10.1.0.9");
    assert_true(st.leases[0].is_static);
    assert_string_equal(assign(&st, "x", "10.1.0.9"),
                        "ERR network t: ip=10.1.0.9 is in use by container db "
                        "(if there is no such container, a create of it was "
                        "killed: xl-oci destroy db releases it)");
    assert_string_equal(assign(&st, "x", "10.2.0.9"),
                        "ERR network t: ip=10.2.0.9 is outside 10.1.0.0/24");
    assert_string_equal(assign(&st, "x", "10.1.0.1"),
                        "ERR network t: ip=10.1.0.1 is the gateway's address");
    assert_string_equal(assign(&st, "x", "10.1.0.0"),
                        "ERR network t: ip=10.1.0.0 is the network or "
                        "broadcast address of 10.1.0.0/24");
    assert_string_equal(assign(&st, "x", "10.1.0.255"),
                        "ERR network t: ip=10.1.0.255 is the network or "
                        "broadcast address of 10.1.0.0/24");
    assert_string_equal(assign(&st, "x", "10.1.0.300"),
                        "ERR network t: ip=10.1.0.300 is not an IPv4 address");
    assert_string_equal(assign(&st, "x/y", NULL),
                        "ERR container name \"x/y\" is not valid");
    /* None of the refusals left a lease. */
    assert_int_equal(st.n_leases, 1);
    /* A pool allocation skips the static address. */
    assign(&st, "a", "10.1.0.2");
    assert_string_equal(assign(&st, "b", NULL), "10.1.0.3");
    /* The same container asking for another address moves to it. */
    assert_string_equal(assign(&st, "db", "10.1.0.10"), "10.1.0.10");
    assert_int_equal(st.n_leases, 3);
    nb_state_dispose(&st);
}

static void test_mac_collision(void **state)
{
    (void)state;
    struct nb_state st;
    make_net(&st, "default", "10.1.0.0/24", "10.1.0.1", NULL);
    assign(&st, "web", NULL);
    assert_string_equal(st.leases[0].mac, "00:16:3e:0a:3a:5a");
    /* Give another lease web's MAC: a new "web" lease elsewhere must then
     * take the next attempt's MAC (printf 'default/web/1' | sha256sum). */
    snprintf(st.leases[0].container, sizeof(st.leases[0].container), "other");
    assign(&st, "web", NULL);
    assert_string_equal(st.leases[1].mac, "00:16:3e:49:9f:c7");
    nb_state_dispose(&st);
}

static void test_attachment(void **state)
{
    (void)state;
    struct nb_state st;
    struct netback_attachment a;
    make_net(&st, "lan", "10.1.0.0/24", "10.1.0.1", "fd00:1::");
    assign(&st, "web", NULL);
    nb_ipam_attachment(&st, &st.leases[0], &a);
    assert_string_equal(a.bridge, "xloci-lan");
    assert_string_equal(a.ipv4, "10.1.0.2");
    assert_int_equal(a.prefix4, 24);
    assert_string_equal(a.gateway4, "10.1.0.1");
    assert_string_equal(a.ipv6, "fd00:1::2");
    assert_int_equal(a.prefix6, 64);
    assert_string_equal(a.gateway6, "fd00:1::1");
    assert_string_equal(a.dns, "10.1.0.1");
    assert_string_equal(a.search, "lan");
    /* Isolated: no default route, DNS still on the bridge. */
    st.net.mode = NETBACK_MODE_ISOLATED;
    nb_ipam_attachment(&st, &st.leases[0], &a);
    assert_string_equal(a.gateway4, "");
    assert_string_equal(a.gateway6, "");
    assert_string_equal(a.dns, "10.1.0.1");
    nb_state_dispose(&st);
}

static void test_store_roundtrip(void **state)
{
    (void)state;
    char root[] = "/tmp/test-netback-XXXXXX";
    struct nb_state st, back;
    xo_err err = XO_ERR_INIT;
    assert_non_null(mkdtemp(root));
    make_net(&st, "lan", "10.1.0.0/24", "10.1.0.1", "fd00:1::");
    assert_int_equal(nb_store_create(root, &st, &err), 0);
    assert_int_equal(nb_store_create(root, &st, &err), -1);
    assert_string_equal(xo_err_msg(&err), "network lan already exists");
    assign(&st, "web", NULL);
    assign(&st, "db", "10.1.0.9");
    st.leases[0].ports = calloc(1, sizeof(struct xo_port_spec));
    assert_int_equal(xo_port_spec_parse(st.leases[0].ports, "8080:80", &err),
                     0);
    st.leases[0].n_ports = 1;
    snprintf(st.leases[0].vif, sizeof(st.leases[0].vif), "vif3.0");
    assert_int_equal(nb_store_save_leases(root, &st, &err), 0);
    assert_int_equal(nb_store_load(&back, root, "lan", &err), 0);
    assert_int_equal(back.n_leases, 2);
    assert_string_equal(back.leases[0].mac, st.leases[0].mac);
    assert_string_equal(back.leases[0].vif, "vif3.0");
    assert_int_equal(back.leases[0].n_ports, 1);
    assert_int_equal(back.leases[0].ports[0].host_port, 8080);
    assert_true(back.leases[1].is_static);
    assert_string_equal(back.net.gateway6, "fd00:1::1");
    /* The pool continues where it stopped before the save. */
    assert_string_equal(assign(&back, "c", NULL), "10.1.0.3");
    nb_state_dispose(&back);

    /* A lease file naming an address outside the subnet is refused. */
    char path[256];
    snprintf(path, sizeof(path), "%s/networks/lan/leases.json", root);
    const char *bad = "{\"version\":1,\"leases\":[{\"container\":\"x\","
                      "\"vif_index\":0,\"mac\":\"00:16:3e:00:00:01\","
                      "\"ipv4\":\"10.9.0.2\"}]}";
    assert_int_equal(xo_write_file_atomic(path, bad, strlen(bad), 0644, &err),
                     0);
    assert_int_equal(nb_store_load(&back, root, "lan", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "lease of \"x\" is malformed"));
    assert_int_equal(nb_store_load(&back, root, "../etc", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "is not valid"));
    assert_int_equal(nb_store_load(&back, root, "nope", &err), -1);
    assert_string_equal(xo_err_msg(&err), "no network nope");

    char **names = NULL;
    size_t n = 0;
    assert_int_equal(nb_store_list(&names, &n, root, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "lan");
    xo_strv_free(names);
    assert_int_equal(nb_store_remove(root, "lan", &err), 0);
    snprintf(path, sizeof(path), "%s/networks", root);
    rmdir(path);
    assert_int_equal(rmdir(root), 0);
    xo_err_clear(&err);
    nb_state_dispose(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_names_without_case),
        cmocka_unit_test(test_gateway_inside_pool),
        cmocka_unit_test(test_static),
        cmocka_unit_test(test_mac_collision),
        cmocka_unit_test(test_attachment),
        cmocka_unit_test(test_store_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
