/*
 * monitor_main.c: xl-oci-monitor, one per container domain.  xl-oci
 * starts it detached (monitor_spawn.c), with its stdio on the domain's
 * monitor log; run by hand it stays in the foreground of the terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xs_client.h"
#include "monitor.h"
#include "monitor_placeholder.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: xl-oci-monitor [-v] --root DIR --xl-oci PATH [--unpause] NAME\n       xl-oci-monitor --root DIR [--terminal] --placeholder|--sandbox NAME\nWatch the container domain NAME: copy what its loader reports into\nDomainStatus, keep its console log, and run `xl-oci shutdown-action`\nwhen it shuts down.  Started by xl-oci; see xl-oci(1).\n  --root DIR      xl-oci's state root (as xl-oci --root)\n  --xl-oci PATH   the xl-oci binary to run for shutdown actions\n  --ready-fd N    write a byte to fd N once watching with the console open\n                  (xl-oci's handshake)\n  --unpause       unpause NAME at that moment (xl-oci create -F)\n  --placeholder   be xl-oci-runc's placeholder: copy NAME's console to\n                  stdout until it halts, exit with its exit code\n  --terminal      (with --placeholder) stdio is a pty's slave: pass its\n                  input to NAME's console too\n  --sandbox       be the placeholder of a pod's sandbox: hold the network\n                  namespace until SIGTERM/SIGINT/SIGHUP (exit 0)\n  -v              log debug messages too\n  -h, --help      this help\n");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"root", 1, NULL, 'r'},
        {"xl-oci", 1, NULL, 'x'},
        {"ready-fd", 1, NULL, 'f'},
        {"help", 0, NULL, 'h'},
        {"placeholder", 0, NULL, 'p'},
        {"sandbox", 0, NULL, 's'},
        {"terminal", 0, NULL, 't'},
        {"unpause", 0, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    struct monitor_opts o = {.ready_fd = -1};
    int opt, verbose = 0;
    bool placeholder = false, sandbox = false, terminal = false;
    while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            o.root = optarg;
            break;
        case 'x':
            o.xl_oci = optarg;
            break;
        case 'f': {
            char *end;
            long fd = strtol(optarg, &end, 10);
            if (*end || end == optarg || fd < 3 || fd > 1024) {
                fprintf(stderr, "xl-oci-monitor: bad --ready-fd '%s'\n",
                        optarg);
                return 2;
            }
            o.ready_fd = (int)fd;
            break;
        }
        case 'v':
            verbose++;
            break;
        case 'p':
            placeholder = true;
            break;
        case 's':
            placeholder = sandbox = true;
            break;
        case 't':
            terminal = true;
            break;
        case 'u':
            o.unpause = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (argc - optind != 1 || !o.root || !*o.root ||
        (!placeholder && (!o.xl_oci || !*o.xl_oci))) {
        usage(stderr);
        return 2;
    }
    o.name = argv[optind];
    /* The name becomes part of paths: refuse what could leave them. */
    if (!*o.name || strlen(o.name) > 64 || o.name[0] == '.' ||
        strchr(o.name, '/')) {
        fprintf(stderr, "xl-oci-monitor: bad domain name '%s'\n", o.name);
        return 2;
    }
    if (sandbox)
        return monitor_sandbox_run();
    if (placeholder) {
        struct xo_xs *xs = xo_xs_open();
        if (!xs) {
            fprintf(stderr, "xl-oci-monitor: cannot open xenstore\n");
            return 255;
        }
        int code = monitor_placeholder_run(xs, o.name, terminal);
        xo_xs_close(xs);
        return code;
    }
    xo_log_set_prefix("xl-oci-monitor");
    xo_log_set_level(verbose ? XO_LOG_DEBUG : XO_LOG_INFO);
    xo_err err = XO_ERR_INIT;
    if (monitor_run(&o, &err) < 0) {
        xo_log(XO_LOG_ERROR, "%s: %s", o.name, xo_err_msg(&err));
        xo_err_clear(&err);
        return 1;
    }
    return 0;
}
