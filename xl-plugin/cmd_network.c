/*
 * cmd_network.c: `xl-oci network create|ls|inspect|rm|up`, thin commands
 * over netback/ (netback.h).  `network` alone dispatches to the rows
 * "network SUB" of the command table, so each has its own usage and help.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/json_build.h"
#include "common/table.h"
#include "common/pathfmt.h"
#include "netback/netback.h"
#include "xl_oci.h"
#include "xl-plugin/netattach.h"
#include "xl-plugin/state.h"

int main_network(int argc, char **argv)
{
    char name[64];
    if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0) {
        /* asked for: stdout; a usage error: stderr, as xl-oci alone */
        fprintf(
            argc < 2 ? stderr : stdout,
            "Usage: xl-oci network create|ls|inspect|rm|up [ARGS]\n\nManage container networks.  'xl-oci network SUB --help' for a subcommand's options.\n");
        return argc < 2 ? XO_EXIT_USAGE : XO_EXIT_OK;
    }
    /* A sub-command name that does not fit matches no command. */
    const struct cmd_spec *cmd =
        xo_path_fmt(name, sizeof(name), NULL, "network %s", argv[1]) < 0
            ? NULL
            : cmd_find(name);
    if (!cmd || cmd->fn == main_network) {
        fprintf(stderr, "xl-oci: unknown network command '%s'\n", argv[1]);
        return XO_EXIT_USAGE;
    }
    optind = 0;
    return cmd->fn(argc - 1, argv + 1);
}

static void print_json(json_object *o)
{
    char *s = xo_json_to_string(o);
    fputs(s, stdout);
    free(s);
}

int main_network_create(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"subnet", 1, NULL, 's'}, {"gateway", 1, NULL, 'g'},
        {"ipv6", 1, NULL, '6'},   {"mode", 1, NULL, 'm'},
        {"mtu", 1, NULL, 'M'},    {"bridge", 1, NULL, 'b'},
        {NULL, 0, NULL, 0}};
    struct netback_network_spec spec = {.mode = NETBACK_MODE_NAT};
    xo_err err = XO_ERR_INIT;
    int opt;
    bool seen[6] = {false};
    while ((opt = cmd_getopt(argc, argv, "", longopts, "network create", 1)) !=
           -1) {
        /* One value each: a second --subnet is no second subnet. */
        for (size_t i = 0; i < 6; i++)
            if (opt == longopts[i].val) {
                if (seen[i]) {
                    fprintf(stderr, "xl-oci network create: --%s given twice\n",
                            longopts[i].name);
                    return XO_EXIT_USAGE;
                }
                seen[i] = true;
            }
        switch (opt) {
        case 's':
            spec.subnet = optarg;
            break;
        case 'g':
            spec.gateway = optarg;
            break;
        case '6':
            spec.ipv6 = optarg;
            break;
        case 'm':
            if (netback_mode_from_string(&spec.mode, optarg, &err) < 0)
                return cmd_fail(&err);
            break;
        case 'M': {
            /* Digits only: strtoul takes "-1" for 4294967295. */
            unsigned long v = 0;
            size_t k = 0;
            while (optarg[k] >= '0' && optarg[k] <= '9' && v <= 65535)
                v = v * 10 + (unsigned long)(optarg[k++] - '0');
            if (!k || optarg[k] || v > 65535) {
                xo_err_set(
                    &err, EINVAL,
                    "--mtu \"%.32s\" is not a number of bytes (1280 to 9000)",
                    optarg);
                return cmd_fail(&err);
            }
            spec.mtu = (unsigned)v;
            break;
        }
        case 'b':
            spec.bridge = optarg;
            break;
        }
    }
    if (argc - optind == 1 && !spec.subnet) {
        fprintf(
            stderr,
            "xl-oci network create: --subnet CIDR is required (an IPv4 subnet, e.g. 10.89.0.0/24)\n");
        return XO_EXIT_USAGE;
    }
    if (argc - optind != 1) {
        cmd_print_usage(cmd_find("network create"), true);
        return XO_EXIT_USAGE;
    }
    spec.name = argv[optind];
    struct netback_network net;
    if (netback_network_create(cmd_state_root(), &spec, &net, &err) < 0)
        return cmd_fail(&err);
    printf("%s\n", net.name);
    return XO_EXIT_OK;
}

int main_network_ls(int argc, char **argv)
{
    bool json = cmd_json_option(argc, argv, "network ls", 0);
    xo_err err = XO_ERR_INIT;
    char **names = NULL;
    size_t n = 0;
    if (netback_network_list(&names, &n, cmd_state_root(), &err) < 0)
        return cmd_fail(&err);
    json_object *arr = json ? xo_jarr() : NULL;
    static const struct xo_table_col cols[] = {
        {"NAME", 16, false, 0},   {"BRIDGE", 15, false, 0},
        {"SUBNET", 18, false, 0}, {"MODE", 8, false, 0},
        {"MTU", 5, true, 0},      {"LEASES", 6, true, 0},
    };
    struct xo_table table;
    xo_table_init(&table, cols, 6);
    int rc = XO_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        struct netback_network net;
        struct netback_lease *leases = NULL;
        size_t nl = 0;
        if (netback_network_inspect(&net, &leases, &nl, cmd_state_root(),
                                    names[i], &err) < 0) {
            rc = cmd_fail(&err);
            continue;
        }
        if (json) {
            json_object *o = netback_network_to_json(&net);
            xo_jset(o, "leases", xo_jint((int)nl));
            xo_jpush(arr, o);
        } else {
            char mtu[16], count[24];
            /* cannot truncate: numbers in 16 and 24 bytes */
            snprintf(mtu, sizeof(mtu), "%u", net.mtu);
            /* cannot truncate: a size_t in 24 bytes */
            snprintf(count, sizeof(count), "%zu", nl);
            const char *row[] = {net.name,   net.bridge,
                                 net.subnet, netback_mode_to_string(net.mode),
                                 mtu,        count};
            xo_table_add(&table, row);
        }
        netback_leases_free(leases, nl);
    }
    if (json) {
        print_json(arr);
        json_object_put(arr);
    } else {
        xo_table_print(&table, stdout);
    }
    xo_strv_free(names);
    return rc;
}

static json_object *lease_json(const struct netback_lease *l)
{
    json_object *o = xo_jobj(), *ports;
    char p[XO_PORT_SPEC_TEXT];
    xo_jset(o, "container", xo_jstr(l->container));
    xo_jset(o, "mac", xo_jstr(l->mac));
    xo_jset(o, "ipv4", xo_jstr(l->ipv4));
    if (l->ipv6[0])
        xo_jset(o, "ipv6", xo_jstr(l->ipv6));
    xo_jset(o, "static", xo_jbool(l->is_static));
    xo_jset(o, "vif_index", xo_jint((int)l->vif_index));
    if (l->vif[0])
        xo_jset(o, "vif", xo_jstr(l->vif));
    ports = xo_jarr();
    for (size_t i = 0; i < l->n_ports; i++) {
        xo_port_spec_format(p, &l->ports[i]);
        xo_jpush(ports, xo_jstr(p));
    }
    xo_jset(o, "ports", ports);
    return o;
}

int main_network_inspect(int argc, char **argv)
{
    bool json = cmd_json_option(argc, argv, "network inspect", 1);
    xo_err err = XO_ERR_INIT;
    struct netback_network net;
    struct netback_lease *leases = NULL;
    size_t n = 0;
    if (netback_network_inspect(&net, &leases, &n, cmd_state_root(),
                                argv[optind], &err) < 0)
        return cmd_fail(&err);
    if (json) {
        json_object *o = netback_network_to_json(&net), *arr = xo_jarr();
        for (size_t i = 0; i < n; i++)
            xo_jpush(arr, lease_json(&leases[i]));
        xo_jset(o, "leases", arr);
        print_json(o);
        json_object_put(o);
    } else {
        printf("name:     %s\nbridge:   %s\nsubnet:   %s\ngateway:  %s\n",
               net.name, net.bridge, net.subnet, net.gateway4);
        if (net.has_ipv6)
            printf("ipv6:     %s\ngateway6: %s\n", net.subnet6, net.gateway6);
        printf("mode:     %s\nmtu:      %u\n\n",
               netback_mode_to_string(net.mode), net.mtu);
        static const struct xo_table_col cols[] = {
            {"CONTAINER", 20, false, 0}, {"MAC", 17, false, 0},
            {"IPV4", 15, false, 0},      {"IPV6", 24, false, 0},
            {"PORTS", 0, false, 0},
        };
        struct xo_table table;
        xo_table_init(&table, cols, 5);
        for (size_t i = 0; i < n; i++) {
            const struct netback_lease *l = &leases[i];
            char ports[256] = "", p[XO_PORT_SPEC_TEXT];
            for (size_t j = 0; j < l->n_ports; j++) {
                xo_port_spec_format(p, &l->ports[j]);
                if (strlen(ports) + strlen(p) + 2 < sizeof(ports))
                    strcat(strcat(ports, j ? "," : ""), p);
            }
            const char *row[] = {l->container, l->mac, l->ipv4,
                                 l->ipv6[0] ? l->ipv6 : "-", ports};
            xo_table_add(&table, row);
        }
        xo_table_print(&table, stdout);
    }
    netback_leases_free(leases, n);
    return XO_EXIT_OK;
}

/* Releases the leases on network `name` of containers that no longer
 * exist (a create killed after leasing), saying so.  Under state_lock:
 * no create is between its lease and its state dir. */
static int release_gone(const char *root, const char *name, xo_err *err)
{
    struct netback_network net;
    struct netback_lease *leases = NULL;
    size_t n = 0;
    if (netback_network_inspect(&net, &leases, &n, root, name, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (state_domain_exists(root, leases[i].container))
            continue;
        rc = netattach_release(root, leases[i].container, NULL, err);
        if (rc == 0)
            printf(
                "released the lease of %s, a container that no longer exists\n",
                leases[i].container);
    }
    netback_leases_free(leases, n);
    return rc;
}

int main_network_rm(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "network rm", 1)) != -1)
        ;
    xo_err err = XO_ERR_INIT;
    int rc = XO_EXIT_OK;
    const char *root = cmd_state_root();
    int lock = state_lock(root, &err);
    if (lock < 0)
        return cmd_fail(&err);
    for (int i = optind; i < argc; i++)
        if (release_gone(root, argv[i], &err) < 0 ||
            netback_network_rm(root, argv[i], &err) < 0)
            rc = cmd_fail(&err);
    close(lock);
    return rc;
}

/* netback_exists_fn: a container exists while its state dir does. */
static int container_exists(void *opaque, const char *name)
{
    return state_domain_exists(opaque, name) ? 1 : 0;
}

int main_network_up(int argc, char **argv)
{
    static const struct option longopts[] = {{"keep-leases", 0, NULL, 'k'},
                                             {NULL, 0, NULL, 0}};
    bool keep = false;
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", longopts, "network up", 0)) != -1)
        if (opt == 'k')
            keep = true;
    if (argc - optind > 1) {
        cmd_print_usage(cmd_find("network up"), true);
        return XO_EXIT_USAGE;
    }
    xo_err err = XO_ERR_INIT;
    unsigned released = 0;
    const char *root = cmd_state_root();
    /* A create holds the state lock from its lease to its state dir:
     * behind it, a lease without a container is one a create left. */
    int lock = keep ? -1 : state_lock(root, &err);
    if (!keep && lock < 0)
        return cmd_fail(&err);
    int rc = netback_network_up(root, optind < argc ? argv[optind] : NULL,
                                keep ? NULL : container_exists, (void *)root,
                                &released, &err);
    if (lock >= 0)
        close(lock);
    if (rc < 0)
        return cmd_fail(&err);
    if (released)
        printf("released %u lease%s of containers that no longer exist\n",
               released, released == 1 ? "" : "s");
    return XO_EXIT_OK;
}
