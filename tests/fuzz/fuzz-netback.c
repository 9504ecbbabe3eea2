/*
 * fuzz-netback.c: libFuzzer target for what netback reads that others
 * could have written: a network's leases.json (loaded with a fixed
 * network.json, as every attach and hotplug does) and, line by line, the
 * oci_ports, subnet, IPv6 prefix and MAC syntaxes.  Built without
 * libFuzzer, main() replays corpus files (tests/fuzz/corpus/netback/).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/inet.h"
#include "netback/addr.h"
#include "netback/store.h"
#include "fuzz_util.h"
#include "replay.h"

static char root[] = "/tmp/fuzz-netback.XXXXXX";
static char leases[128];

static void init_once(void)
{
    if (leases[0])
        return;
    char p[160];
    fuzz_netdir_make(root);
    snprintf(p, sizeof(p), "%s/networks/lan/network.json", root);
    FILE *f = fopen(p, "w");
    if (!f)
        abort();
    fputs("{\"version\":1,\"name\":\"lan\",\"bridge\":\"xloci-lan\","
          "\"subnet\":\"10.1.0.0/24\",\"gateway\":\"10.1.0.1\","
          "\"ipv6\":\"fd00:1::/64\",\"gateway6\":\"fd00:1::1\","
          "\"mode\":\"nat\",\"mtu\":1500}",
          f);
    fclose(f);
    snprintf(leases, sizeof(leases), "%s/networks/lan/leases.json", root);
}

/* What format() writes, parse() reads back as the same port. */
static void port_round_trip(const struct xo_port_spec *p)
{
    struct xo_port_spec q;
    char out[XO_PORT_SPEC_TEXT];
    xo_port_spec_format(out, p);
    if (xo_port_spec_parse(&q, out, NULL) < 0 ||
        strcmp(q.host_ip, p->host_ip) != 0 || q.family != p->family ||
        q.host_port != p->host_port || q.container_port != p->container_port ||
        q.udp != p->udp)
        abort();
}

static void parse_lines(const uint8_t *data, size_t size)
{
    char line[256];
    size_t i = 0;
    while (i < size) {
        size_t n = 0;
        while (i < size && data[i] != '\n' && n < sizeof(line) - 1)
            line[n++] = (char)data[i++];
        line[n] = '\0';
        i++;
        struct xo_port_spec port;
        struct nb_cidr4 c;
        struct in6_addr p6;
        uint8_t mac[6];
        xo_err err = XO_ERR_INIT;
        if (xo_port_spec_parse(&port, line, &err) == 0)
            port_round_trip(&port);
        nb_parse_cidr4(&c, line, 8, 30, "--subnet", &err);
        nb_parse_prefix6(&p6, line, "--ipv6", &err);
        xo_mac_parse(mac, line);
        nb_valid_network_name(line);
        nb_valid_ifname(line);
        xo_err_clear(&err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    FILE *f = fopen(leases, "w");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    struct nb_state st;
    xo_err err = XO_ERR_INIT;
    if (nb_store_load(&st, root, "lan", &err) == 0)
        nb_state_dispose(&st);
    xo_err_clear(&err);
    parse_lines(data, size);
    return 0;
}
