/*
 * placeholder_main.c: xl-oci-placeholder, the process xl-oci-runc create
 * leaves for containerd's shim (monitor_placeholder.h): one per
 * container, alive as long as it is.  A program of its own, static and
 * linked with nothing but libc and our xenstore client (no libxenctrl, no
 * json-c, none of the monitor's code), because every page of its text
 * that it maps counts in what a container costs dom0 beside its monitor.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/xs_client.h"
#include "monitor_placeholder.h"
#include "placeholder_pod_member.h"

static void usage(FILE *f)
{
    fputs(
        "Usage: xl-oci-placeholder --root DIR [--terminal | --sandbox |\n                           --pod-member CDIR --pod-disk XVD] NAME\nBe xl-oci-runc's placeholder for container NAME: copy its console to\nstdout until it halts, then exit with its exit code.  Started by\nxl-oci-runc create; see xl-oci-placeholder(1).\n  --root DIR   xl-oci's state root (as xl-oci --root)\n  --terminal   stdio is a pty's slave: pass its input to NAME's console too\n  --sandbox    be the placeholder of a pod's sandbox: hold the network\n               namespace until SIGTERM/SIGINT/SIGHUP (exit 0)\n  --pod-member CDIR\n               be the placeholder of a pod's member container whose\n               xl-oci-runc state directory is CDIR, in pod domain NAME:\n               after its start, run it there and relay its output\n  --pod-disk XVD\n               with --pod-member: the member's root disk in NAME (xvdb),\n               connected in its guest before the member runs\n  -h, --help   this help\n",
        f);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"root", 1, NULL, 'r'},       {"help", 0, NULL, 'h'},
        {"sandbox", 0, NULL, 's'},    {"terminal", 0, NULL, 't'},
        {"pod-member", 1, NULL, 'p'}, {"pod-disk", 1, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    const char *root = NULL, *member = NULL, *disk = NULL;
    bool sandbox = false, terminal = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            root = optarg;
            break;
        case 's':
            sandbox = true;
            break;
        case 't':
            terminal = true;
            break;
        case 'p':
            member = optarg;
            break;
        case 'd':
            disk = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    /* --root is the state root of the commands that started us; the
     * placeholder reads DomainStatus and the console log, found by name. */
    if (argc - optind != 1 || !root || !*root ||
        (sandbox + terminal + (member != NULL)) > 1 || (member && !*member) ||
        !member != !disk || (disk && !*disk)) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[optind];
    /* The name becomes part of paths: refuse what could leave them. */
    if (!*name || strlen(name) > 64 || name[0] == '.' || strchr(name, '/')) {
        fprintf(stderr, "xl-oci-placeholder: bad domain name '%s'\n", name);
        return 2;
    }
    if (sandbox)
        return monitor_sandbox_run();
    struct xo_xs *xs = xo_xs_open();
    if (!xs) {
        fprintf(stderr, "xl-oci-placeholder: cannot open xenstore\n");
        return 255;
    }
    int code = member ? placeholder_pod_member_run(xs, root, member, name, disk)
                      : monitor_placeholder_run(xs, name, terminal);
    xo_xs_close(xs);
    return code;
}
