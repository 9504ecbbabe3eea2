/*
 * test-net-request.c: managed network requests in domcfg:
 * domcfg_attach_network() taking what the command layer
 * resolved (and refusing what it must not render).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "common/abi/boot_spec.h"
#include "domcfg/domcfg.h"
#include "domcfg/net_request.h"

/* A domain with one vif= line and two oci_network vifs. */
static void setup_dc(struct domain_config *dc)
{
    domain_config_init(dc);
    dc->name = strdup("c1");
    /* Just enough of the rest for a boot spec. */
    dc->hostname = strdup("c1");
    dc->args = calloc(2, sizeof(char *));
    dc->args[0] = strdup("/bin/true");
    dc->n_args = 1;
    dc->cwd = strdup("/");
    dc->user = strdup("");
    dc->rootfs_fstype = strdup("erofs");
    dc->stop_signal = 15;
    strcpy(dc->vifs[0].mac, "00:16:3e:00:00:01");
    dc->vifs[0].bridge = strdup("xenbr0");
    dc->vifs[1].network = strdup("front");
    dc->vifs[2].network = strdup("back");
    dc->vifs[2].static_ip = strdup("10.90.0.50");
    dc->n_vifs = 3;
}

static struct dc_net_attachment front(void)
{
    return (struct dc_net_attachment){
        .network = "front",
        .bridge = "xloci-front",
        .mac = "00:16:3E:AA:BB:CC",
        .script = "/usr/lib/xl-oci/hotplug/vif-xl-oci",
        .ipv4 = "10.89.0.5",
        .prefix4 = 24,
        .gateway4 = "10.89.0.1",
        .ipv6 = "fd00:89::5",
        .prefix6 = 64,
        .gateway6 = "fd00:89::1",
        .mtu = 1400,
        .dns = {"10.89.0.1"},
        .n_dns = 1,
        .search = "front",
    };
}

/* The rendered spec's version, and whether network/dns-forward is set. */
static uint32_t spec_forwards(struct domain_config *dc, bool *forward)
{
    void *blob = NULL;
    size_t len = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, dc, &err), 0);
    int net = fdt_path_offset(blob, "/" BOOT_SPEC_NODE_NETWORK);
    assert_true(net >= 0);
    *forward = fdt_getprop(blob, net, BOOT_SPEC_PROP_DNS_FORWARD, NULL);
    const fdt32_t *v = fdt_getprop(blob, 0, BOOT_SPEC_PROP_VERSION, NULL);
    assert_non_null(v);
    uint32_t version = fdt32_to_cpu(*v);
    free(blob);
    return version;
}

static void expect_refused(struct domain_config *dc, size_t index,
                           const struct dc_net_attachment *a, const char *why)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(domcfg_attach_network(dc, index, a, &err), -1);
    if (!strstr(xo_err_msg(&err), why))
        fail_msg("expected '%s' in '%s'", why, xo_err_msg(&err));
    xo_err_clear(&err);
}

static void test_attach(void **state)
{
    (void)state;
    struct domain_config dc;
    setup_dc(&dc);
    assert_int_equal(domcfg_network_count(&dc), 2);

    /* Before attaching, nothing renders. */
    void *blob = NULL;
    size_t len = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, &dc, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "oci_network front (vif 1)"));
    xo_err_clear(&err);

    struct dc_net_attachment a = front();
    a.network = "back";
    expect_refused(&dc, 0, &a, "attachment is for network back");
    a = front();
    a.mac = "01:16:3e:aa:bb:cc"; /* multicast */
    expect_refused(&dc, 0, &a, "bad MAC");
    a = front();
    a.ipv4 = "10.89.0.300";
    expect_refused(&dc, 0, &a, "bad IPv4 address");
    a = front();
    a.prefix4 = 33;
    expect_refused(&dc, 0, &a, "bad IPv4 address");
    a = front();
    a.ipv6 = "fd00:89::5/64";
    expect_refused(&dc, 0, &a, "bad IPv6 address");
    a = front();
    a.mtu = 1000; /* below IPv6's 1280 */
    expect_refused(&dc, 0, &a, "MTU 1000 not in 1280..65535");
    a = front();
    a.bridge = "a-bridge-name-too-long";
    expect_refused(&dc, 0, &a, "bad bridge name");
    a = front();
    a.dns[0] = "dns.example";
    expect_refused(&dc, 0, &a, "is not an IP address");
    a = front();
    a.search = "bad domain";
    expect_refused(&dc, 0, &a, "bad search domain");
    a = front();
    expect_refused(&dc, 2, &a, "no entry 2");
    /* Refusals left the vif as it was. */
    assert_false(dc.vifs[1].attached);
    assert_null(dc.vifs[1].bridge);

    a = front();
    assert_int_equal(domcfg_attach_network(&dc, 0, &a, &err), 0);
    expect_refused(&dc, 0, &a, "attached twice");
    /* One network's name server: resolv.conf names it, no forwarder
     * (the other vif is not attached yet: render it as if it were not
     * there). */
    bool forward = true;
    dc.n_vifs = 2;
    assert_true(spec_forwards(&dc, &forward) < 10);
    assert_false(forward);
    /* The same with an oci_dns server before it: forwarded, or that
     * server's NXDOMAIN would hide the network's names (helper-80). */
    dc.n_dns_cfg = 1;
    assert_int_equal(spec_forwards(&dc, &forward), 11); /* dns-domains */
    assert_true(forward);
    dc.n_dns_cfg = 0;
    dc.n_vifs = 3;
    const struct dc_vif *v = &dc.vifs[1];
    assert_string_equal(v->mac, "00:16:3e:aa:bb:cc");
    assert_string_equal(v->bridge, "xloci-front");
    assert_string_equal(v->ip, "10.89.0.5/24");
    assert_string_equal(v->ip6, "fd00:89::5/64");
    assert_string_equal(v->gateway6, "fd00:89::1");
    assert_int_equal(v->mtu, 1400);

    struct dc_net_attachment b = {
        .network = "back",
        .bridge = "xloci-back",
        .mac = "00:16:3e:aa:bb:cd",
        .ipv4 = "10.90.0.51", /* not what ip= asked for */
        .prefix4 = 24,
        .dns = {"10.90.0.1", "10.89.0.1"},
        .n_dns = 2,
        .search = "back",
    };
    expect_refused(&dc, 1, &b, "asked for ip=10.90.0.50, attached with");
    b.ipv4 = "10.90.0.50";
    assert_int_equal(domcfg_attach_network(&dc, 1, &b, &err), 0);
    /* DNS servers and search domains merged, each once. */
    assert_int_equal(dc.n_dns, 2);
    assert_string_equal(dc.dns[1], "10.90.0.1");
    assert_int_equal(dc.n_search, 2);
    assert_string_equal(dc.search[1], "back");
    /* Each server's domain is the network that gave it first (boot spec
     * dns-domains: a name under it is asked of that server alone). */
    assert_string_equal(dc.dns_domain[0], "front");
    assert_string_equal(dc.dns_domain[1], "back");
    /* Two networks' name servers: the loader forwards to both. */
    assert_int_equal(spec_forwards(&dc, &forward), 11);
    assert_true(forward);
    domain_config_dispose(&dc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
