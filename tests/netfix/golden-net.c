/*
 * golden-net.c: `xl-oci create -N` for golden cases with managed networks
 * (tests/tiers/20-golden.sh runs it for a case holding a net-fixture),
 * without netback.  It renders through the same domcfg calls as create:
 * app.cfg -> domain_config -> one domcfg_attach_network() per oci_network
 * entry -> libxl JSON, runtime spec, boot spec.  Only the attachments
 * come from the fixture instead of netback, so the golden files show what
 * domcfg makes of them.
 *
 *   golden-net FIXTURE APP.CFG RUNTIME-SPEC-OUT BOOT-SPEC-OUT > libxl.json
 *
 * FIXTURE: one network per line, fields separated by blanks ("-" = none):
 *   NAME BRIDGE A.B.C.D/N GATEWAY4 PREFIX6::/N GATEWAY6 MTU DNS SEARCH
 * The container's IPv4 address is ip= when given, else the subnet's
 * address number 10 + the vif's index; its IPv6 address has the same host
 * number in the prefix; its MAC is vif_default_mac(name, vif index).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/json.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "domcfg/vif.h"

struct fixture_net {
    char name[32], bridge[16], subnet[24], gw4[16], prefix6[48], gw6[48];
    char dns[48], search[64];
    unsigned mtu;
};

static const char *opt(const char *s)
{
    return strcmp(s, "-") == 0 ? NULL : s;
}

static int find_net(struct fixture_net *n, const char *path, const char *name,
                    xo_err *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return xo_err_sys(err, "%s", path);
    char line[512];
    int found = 0;
    while (!found && fgets(line, sizeof(line), f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        memset(n, 0, sizeof(*n));
        if (sscanf(line, "%31s %15s %23s %15s %47s %47s %u %47s %63s", n->name,
                   n->bridge, n->subnet, n->gw4, n->prefix6, n->gw6, &n->mtu,
                   n->dns, n->search) != 9) {
            fclose(f);
            return xo_err_set(err, EINVAL, "%s: bad line: %s", path, line);
        }
        found = strcmp(n->name, name) == 0;
    }
    fclose(f);
    return found ? 0
                 : xo_err_set(err, ENOENT, "network %s: no such network", name);
}

/* The subnet's address number `host` ("10.88.0.0/24", 12 -> .12). */
static void host_addr(char *out, size_t len, const char *subnet, unsigned host,
                      unsigned *prefix_r)
{
    char base[24];
    snprintf(base, sizeof(base), "%.*s", (int)strcspn(subnet, "/"), subnet);
    *prefix_r = (unsigned)atoi(strchr(subnet, '/') + 1);
    struct in_addr a;
    inet_pton(AF_INET, base, &a);
    a.s_addr = htonl(ntohl(a.s_addr) + host);
    inet_ntop(AF_INET, &a, out, (socklen_t)len);
}

static void host_addr6(char *out, size_t len, const char *prefix, unsigned host,
                       unsigned *prefix_r)
{
    char base[48];
    snprintf(base, sizeof(base), "%.*s", (int)strcspn(prefix, "/"), prefix);
    *prefix_r = (unsigned)atoi(strchr(prefix, '/') + 1);
    struct in6_addr a;
    inet_pton(AF_INET6, base, &a);
    a.s6_addr[14] = (uint8_t)(host >> 8);
    a.s6_addr[15] = (uint8_t)host;
    inet_ntop(AF_INET6, &a, out, (socklen_t)len);
}

static int attach_all(struct domain_config *dc, const char *fixture,
                      xo_err *err)
{
    size_t n = domcfg_network_count(dc);
    for (size_t i = 0, vif = 0; i < n; i++, vif++) {
        while (!dc->vifs[vif].network)
            vif++;
        const struct dc_vif *v = &dc->vifs[vif];
        struct fixture_net net;
        if (find_net(&net, fixture, v->network, err) < 0)
            return -1;
        char mac[18], ip[INET_ADDRSTRLEN], ip6[INET6_ADDRSTRLEN];
        unsigned prefix4 = 0, prefix6 = 0;
        if (vif_default_mac(mac, dc->name, (unsigned)vif, err) < 0)
            return -1;
        host_addr(ip, sizeof(ip), net.subnet, 10 + (unsigned)vif, &prefix4);
        if (opt(net.prefix6))
            host_addr6(ip6, sizeof(ip6), net.prefix6, 10 + (unsigned)vif,
                       &prefix6);
        struct dc_net_attachment a = {
            .network = net.name,
            .bridge = net.bridge,
            .mac = mac,
            .script = "/golden/hotplug/vif-xl-oci",
            .ipv4 = v->static_ip ? v->static_ip : ip,
            .prefix4 = prefix4,
            .gateway4 = opt(net.gw4),
            .ipv6 = opt(net.prefix6) ? ip6 : NULL,
            .prefix6 = prefix6,
            .gateway6 = opt(net.gw6),
            .mtu = net.mtu,
            .dns = {opt(net.dns)},
            .n_dns = opt(net.dns) ? 1 : 0,
            .search = opt(net.search),
        };
        if (domcfg_attach_network(dc, i, &a, err) < 0)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: golden-net FIXTURE APP.CFG RUNTIME BOOT\n");
        return 2;
    }
    const char *loader = getenv("XL_OCI_LOADER_DIR");
    struct domcfg_opts opts = {.state_root = "/golden/state",
                               .default_loader = loader ? loader : "/"};
    struct app_cfg *ac = NULL;
    struct domain_config dc;
    libxl_domain_config d;
    domain_config_init(&dc);
    libxl_domain_config_init(&d);
    json_object *spec = NULL;
    char *json = NULL, *spec_text = NULL;
    void *blob = NULL;
    size_t blob_len = 0;
    xo_err err = XO_ERR_INIT;
    int rc = 1;
    if (app_cfg_read(&ac, argv[2], &err) < 0 ||
        domcfg_from_app_cfg(&dc, ac, &opts, &err) < 0 ||
        attach_all(&dc, argv[1], &err) < 0 ||
        domcfg_to_libxl(&d, &dc, ac, &err) < 0 ||
        domcfg_libxl_json(&json, &d, &err) < 0 ||
        domcfg_to_runtime_spec(&spec, &dc, &err) < 0 ||
        domcfg_to_boot_spec(&blob, &blob_len, &dc, &err) < 0 ||
        !(spec_text = xo_json_to_string(spec)) ||
        xo_write_file_atomic(argv[3], spec_text, strlen(spec_text), 0644,
                             &err) < 0 ||
        xo_write_file_atomic(argv[4], blob, blob_len, 0644, &err) < 0) {
        fprintf(stderr, "xl-oci: %s\n", xo_err_msg(&err));
        goto out;
    }
    fputs(json, stdout);
    rc = 0;
out:
    xo_err_clear(&err);
    free(json);
    free(spec_text);
    free(blob);
    json_object_put(spec);
    libxl_domain_config_dispose(&d);
    domain_config_dispose(&dc);
    app_cfg_free(ac);
    return rc;
}
