/* cmd_help.c: `xl-oci help [COMMAND]` and `xl-oci version`. */
#include <stdio.h>

#include "xl_oci.h"
#include "common/pathfmt.h"

void cmd_print_help(FILE *f);

void cmd_print_help(FILE *f)
{
    fprintf(
        f,
        "Usage: xl-oci [-v] [-N] [--root DIR] COMMAND [ARGS]\n\nRun OCI container images as Xen domains.\n\nGlobal options:\n  -v          more verbose output (repeatable)\n  -N          dry run: show what would be done\n  --root DIR  state root (default $XL_OCI_ROOT or " XO_STATE_ROOT
        ")\n  --version   print the version\n\nCommands:\n");
    for (int i = 0; i < cmd_table_size; i++)
        fprintf(f, "  %-16s %s\n", cmd_table[i].name, cmd_table[i].desc);
    fprintf(f, "\nRun 'xl-oci help COMMAND' for a command's options.\n");
}

int main_help(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "help", 0)) != -1)
        ;
    if (optind >= argc) {
        cmd_print_help(stdout);
        return XO_EXIT_OK;
    }
    /* Two words name a subcommand: "help network create". */
    char name[64];
    const char *sep = optind + 1 < argc ? " " : "";
    const char *sub = optind + 1 < argc ? argv[optind + 1] : "";
    /* No command has a name this long; a cut one must not match one. */
    const struct cmd_spec *c = xo_path_fmt(name, sizeof(name), NULL, "%s%s%s",
                                           argv[optind], sep, sub) < 0
                                   ? NULL
                                   : cmd_find(name);
    if (!c) {
        fprintf(stderr, "xl-oci: unknown command '%s%s%s'\n", argv[optind], sep,
                sub);
        return XO_EXIT_USAGE;
    }
    cmd_print_usage(c, false);
    return XO_EXIT_OK;
}

int main_version(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "version", 0)) != -1)
        ;
    printf("xl-oci %s\n", XO_VERSION);
    return XO_EXIT_OK;
}
