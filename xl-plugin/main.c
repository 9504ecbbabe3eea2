/*
 * main.c: xl-oci's entry point.  Global options, then the command.  No
 * libxl or xenstore handle is opened here: only the commands that touch a
 * domain open them, so everything else works where no Xen runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "xl_oci.h"

void cmd_print_help(FILE *f);
void cmd_print_unknown(const char *name);

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"root", 1, NULL, 'r'},
        {"help", 0, NULL, 'h'},
        {"version", 0, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    /* getopt names argv[0] in its messages: "xl-oci", not the path it
     * was run by (helper-84). */
    if (argc > 0)
        argv[0] = "xl-oci";
    /* '+': stop at the command name, its options are its own. */
    while ((opt = getopt_long(argc, argv, "+vNh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'v':
            cmd_verbose++;
            break;
        case 'N':
            cmd_dryrun = true;
            break;
        case 'r':
            if (!*optarg) {
                fprintf(stderr, "xl-oci: --root needs a directory\n");
                return XO_EXIT_USAGE;
            }
            cmd_set_state_root(optarg);
            break;
        case 'h':
            cmd_print_help(stdout);
            return XO_EXIT_OK;
        case 'V':
            printf("xl-oci %s\n", XO_VERSION);
            return XO_EXIT_OK;
        default:
            cmd_print_help(stderr);
            return XO_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cmd_print_help(stderr);
        return XO_EXIT_USAGE;
    }
    xo_log_set_level(cmd_verbose >= 2   ? XO_LOG_DEBUG
                     : cmd_verbose == 1 ? XO_LOG_INFO
                                        : XO_LOG_WARN);
    const struct cmd_spec *cmd = cmd_find(argv[optind]);
    if (!cmd) {
        cmd_print_unknown(argv[optind]);
        return XO_EXIT_USAGE;
    }
    if (cmd_dryrun && !cmd->can_dryrun) {
        fprintf(stderr, "xl-oci: command '%s' does not support -N\n",
                cmd->name);
        return XO_EXIT_USAGE;
    }
    /* Hand the command its own argv, as xl does: argv[0] is its name. */
    argc -= optind;
    argv += optind;
    optind = 0; /* glibc: 0 re-initialises getopt for the new argv */
    return cmd->fn(argc, argv);
}
