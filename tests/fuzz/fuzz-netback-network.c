/*
 * fuzz-netback-network.c: libFuzzer target for a network's network.json
 * (netback/store.c, nb_store_load()), the settings `network create`
 * wrote and every attach, hotplug and `network inspect` reads back, which
 * an admin may have edited or a crash cut short (the netback target
 * fuzzes leases.json beside a fixed network.json; this one the other
 * way round, with no leases.json).  A network loaded is the one asked
 * for, on a valid bridge name, with an MTU in range and a gateway inside
 * its subnet (and IPv6 prefix); a failure says why.  Built without
 * libFuzzer, main() replays corpus files.
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

static char root[] = "/tmp/fuzz-netback-network.XXXXXX";
static char net[160];

static void init_once(void)
{
    if (net[0])
        return;
    fuzz_netdir_make(root);
    snprintf(net, sizeof(net), "%s/networks/lan/network.json", root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    FILE *f = fopen(net, "w");
    if (!f)
        abort();
    if (size)
        fwrite(data, 1, size, f);
    fclose(f);
    struct nb_state st;
    xo_err err = XO_ERR_INIT;
    if (nb_store_load(&st, root, "lan", &err) == 0) {
        const struct netback_network *n = &st.net;
        if (strcmp(n->name, "lan") != 0 || !nb_valid_ifname(n->bridge) ||
            n->mtu < NETBACK_MTU_MIN || n->mtu > NETBACK_MTU_MAX ||
            n->prefix4 < 8 || n->prefix4 > 30 ||
            !nb_cidr4_is_host(&st.subnet, st.gw4) ||
            (n->has_ipv6 && !nb_prefix6_contains(&st.prefix6, &st.gw6)) ||
            st.n_leases != 0 || err.msg)
            __builtin_trap();
        nb_state_dispose(&st);
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    return 0;
}
