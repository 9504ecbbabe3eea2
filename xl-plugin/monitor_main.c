/*
 * monitor_main.c: xl-oci-monitor, one per container domain.  xl-oci
 * starts it detached (monitor_spawn.c), with its stdio on the domain's
 * monitor log; run by hand it stays in the foreground of the terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "monitor.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: xl-oci-monitor [-v] --root DIR --xl-oci PATH [--ready-fd N] [--unpause] NAME\nWatch the container domain NAME: copy what its loader reports into\nDomainStatus, keep its console log, and run `xl-oci shutdown-action`\nwhen it shuts down.  Started by xl-oci; see xl-oci(1).\n  --root DIR      xl-oci's state root (as xl-oci --root)\n  --xl-oci PATH   the xl-oci binary to run for shutdown actions\n  --ready-fd N    write a byte to fd N once watching with the console open\n                  (xl-oci's handshake)\n  --unpause       unpause NAME at that moment (xl-oci create -F)\n  -v              log debug messages too\n  -h, --help      this help\n");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"root", 1, NULL, 'r'},     {"xl-oci", 1, NULL, 'x'},
        {"ready-fd", 1, NULL, 'f'}, {"help", 0, NULL, 'h'},
        {"unpause", 0, NULL, 'u'},  {NULL, 0, NULL, 0},
    };
    struct monitor_opts o = {.ready_fd = -1};
    int opt, verbose = 0;
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
    if (argc - optind != 1 || !o.root || !*o.root || !o.xl_oci || !*o.xl_oci) {
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
