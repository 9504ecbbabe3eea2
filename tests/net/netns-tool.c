/*
 * netns-tool: netns.h as a command, for the orchestrator-network tier
 * (tests/tiers/58-netns-splice.sh):
 *   netns-tool read NS            prints the interface (exit 0), or "none"
 *                                 (exit 3) when there is only lo
 *   netns-tool splice NS DEV      reads NS, then splices DEV to its interface
 *   netns-tool splice-to NS DEV IFNAME MTU
 *                                 splices without reading (splice's own
 *                                 errors: a namespace or interface missing)
 * Errors are printed as the command layer does; exit 1.  Whatever the
 * outcome, the process must be back in its own network namespace: exit 4
 * when it is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "netback/netns.h"

static int fail(xo_err *err)
{
    xo_err_print(err, "netns-tool", stderr);
    return 1;
}

static void print(const struct nb_netns_iface *f)
{
    printf("name=%s ifindex=%u mac=%02x:%02x:%02x:%02x:%02x:%02x mtu=%u "
           "ipv4=%s gateway4=%s ipv6=%s gateway6=%s\n",
           f->name, f->ifindex, f->mac[0], f->mac[1], f->mac[2], f->mac[3],
           f->mac[4], f->mac[5], f->mtu, f->ipv4, f->gateway4, f->ipv6,
           f->gateway6);
}

static int run(int argc, char **argv)
{
    xo_err err = XO_ERR_INIT;
    struct nb_netns_iface f;
    memset(&f, 0, sizeof(f));
    if (argc == 3 && strcmp(argv[1], "read") == 0) {
        int r = nb_netns_read(argv[2], &f, &err);
        if (r < 0)
            return fail(&err);
        if (r == 0) {
            printf("none\n");
            return 3;
        }
        print(&f);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "splice") == 0) {
        int r = nb_netns_read(argv[2], &f, &err);
        if (r < 0)
            return fail(&err);
        if (r == 0) {
            fprintf(stderr, "netns-tool: %s has only lo\n", argv[2]);
            return 1;
        }
        return nb_netns_splice(argv[2], argv[3], &f, &err) < 0 ? fail(&err) : 0;
    }
    if (argc == 6 && strcmp(argv[1], "splice-to") == 0 &&
        strlen(argv[4]) < sizeof(f.name)) {
        memcpy(f.name, argv[4], strlen(argv[4]) + 1);
        f.mtu = (unsigned)strtoul(argv[5], NULL, 10);
        return nb_netns_splice(argv[2], argv[3], &f, &err) < 0 ? fail(&err) : 0;
    }
    fprintf(stderr, "usage: see tests/net/netns-tool.c\n");
    return 2;
}

/* The namespace the thread is in, by inode; 0 when it cannot be told. */
static ino_t netns_now(void)
{
    struct stat st;
    return stat(NB_NETNS_SELF, &st) == 0 ? st.st_ino : 0;
}

int main(int argc, char **argv)
{
    ino_t before = netns_now();
    int r = run(argc, argv);
    if (!before || netns_now() != before) {
        fprintf(stderr, "netns-tool: left in another network namespace\n");
        return 4;
    }
    return r;
}
