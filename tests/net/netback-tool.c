/*
 * netback-tool: netback's lease calls as a command, for the network tier
 * (tests/tiers/56-network.sh), which has no Xen and so no create/destroy
 * to make them:
 *   netback-tool attach [-n] NETWORK CONTAINER [IP]   prints the attachment
 *   netback-tool release CONTAINER
 *   netback-tool publish [-n] NETWORK CONTAINER SPEC...
 *   netback-tool unpublish CONTAINER
 *   netback-tool online BRIDGE MAC DEVICE     as the vif hotplug's online
 *   netback-tool offline DEVICE
 * -n is NETBACK_ATTACH_DRY_RUN.  The state root is $XL_OCI_ROOT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netback/netback.h"

static int fail(xo_err *err)
{
    xo_err_print(err, "netback-tool", stderr);
    return 1;
}

int main(int argc, char **argv)
{
    const char *root = getenv("XL_OCI_ROOT");
    xo_err err = XO_ERR_INIT;
    if (argc < 3 || !root) {
        fprintf(stderr, "usage: see tests/net/netback-tool.c\n");
        return 2;
    }
    const char *cmd = argv[1];
    unsigned flags = 0;
    argv += 2;
    argc -= 2;
    if (argc && strcmp(argv[0], "-n") == 0) {
        flags = NETBACK_ATTACH_DRY_RUN;
        argv++;
        argc--;
    }
    if (strcmp(cmd, "attach") == 0 && (argc == 2 || argc == 3)) {
        struct netback_attachment a;
        if (netback_attach(root, argv[0], argv[1], 0,
                           argc == 3 ? argv[2] : NULL, flags, &a, &err) < 0)
            return fail(&err);
        printf("network=%s bridge=%s mac=%s ipv4=%s/%u gateway4=%s ipv6=%s/%u "
               "gateway6=%s mtu=%u dns=%s search=%s\n",
               a.network, a.bridge, a.mac, a.ipv4, a.prefix4, a.gateway4,
               a.ipv6, a.prefix6, a.gateway6, a.mtu, a.dns, a.search);
        return 0;
    }
    if (strcmp(cmd, "release") == 0 && argc == 1)
        return netback_release(root, argv[0], NULL, &err) < 0 ? fail(&err) : 0;
    if (strcmp(cmd, "online") == 0 && argc == 3)
        return netback_vif_online(root, argv[0], argv[1], argv[2], NULL, &err) <
                       0
                   ? fail(&err)
                   : 0;
    if (strcmp(cmd, "offline") == 0 && argc == 1)
        return netback_vif_offline(root, argv[0], &err) < 0 ? fail(&err) : 0;
    if (strcmp(cmd, "unpublish") == 0 && argc == 1)
        return netback_unpublish(root, argv[0], &err) < 0 ? fail(&err) : 0;
    if (strcmp(cmd, "publish") == 0 && argc >= 2) {
        /* Each argument an oci_ports entry, ranges expanded as domcfg
         * does; more than NETBACK_PORTS_MAX is left for netback to refuse. */
        struct xo_port_spec ports[NETBACK_PORTS_MAX + 1];
        size_t n = 0;
        for (int i = 2; i < argc && n <= NETBACK_PORTS_MAX; i++) {
            size_t got = 0;
            if (xo_port_spec_expand(ports + n, NETBACK_PORTS_MAX + 1 - n, &got,
                                    argv[i], &err) < 0) {
                xo_err_wrap(&err, "oci_ports");
                return fail(&err);
            }
            n += got;
        }
        if (netback_publish(root, argv[0], argv[1], ports, n, flags, &err) < 0)
            return fail(&err);
        return 0;
    }
    fprintf(stderr, "netback-tool: bad command line\n");
    return 2;
}
