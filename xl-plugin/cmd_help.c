/* cmd_help.c: `xl-oci help [COMMAND]` and `xl-oci version`. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "xl_oci.h"
#include "common/pathfmt.h"
#include "common/typo.h"

void cmd_print_help(FILE *f);
void cmd_print_unknown(const char *name);

/* Docker's verbs that xl-oci has under another name or not at all: what
 * to run instead (the typo suggestions offered "rmi" for rm, "stats" for
 * start). */
static const struct {
    const char *docker, *here;
} docker_verbs[] = {
    {"rm", "'xl-oci destroy NAME'"},
    {"ps", "'xl-oci list'"},
    {"run", "'xl-oci create APP.CFG' (it starts the container)"},
    {"restart", "'xl-oci stop NAME', then 'xl-oci start NAME'"},
    {"top", "'xl-oci exec NAME ps'"},
};

/* "unknown command" with the commands one or two typos away (their first
 * word: "volum" suggests "volume"), not the whole list; for one of
 * Docker's verbs, what does its job here. */
void cmd_print_unknown(const char *name)
{
    fprintf(stderr, "xl-oci: unknown command '%s'\n", name);
    for (size_t i = 0; i < sizeof(docker_verbs) / sizeof(*docker_verbs); i++)
        if (strcmp(name, docker_verbs[i].docker) == 0) {
            fprintf(stderr, "For docker %s, run %s.\n", name,
                    docker_verbs[i].here);
            return;
        }
    int shown = 0;
    for (int i = 0; i < cmd_table_size; i++) {
        const char *c = cmd_table[i].name;
        size_t w = strcspn(c, " ");
        /* The first word once: "volume create", "volume ls" are "volume". */
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = strcspn(cmd_table[j].name, " ") == w &&
                   strncmp(cmd_table[j].name, c, w) == 0;
        if (seen)
            continue;
        char word[32];
        if (w >= sizeof(word))
            continue;
        memcpy(word, c, w);
        word[w] = '\0';
        if (strcmp(name, word) != 0 && !xo_typo_close(name, word))
            continue;
        fprintf(stderr, "%s '%s'", shown++ ? "," : "Did you mean", word);
    }
    if (shown)
        fprintf(stderr, "?\n");
    fprintf(stderr, "Run 'xl-oci help' for the list of commands.\n");
}

void cmd_print_help(FILE *f)
{
    fprintf(
        f,
        "Usage: xl-oci [-v] [-N] [--root DIR] COMMAND [ARGS]\n\nRun OCI container images as Xen domains.\n\nGlobal options:\n  -v          more verbose output (repeatable)\n  -N          dry run: show what would be done (create; other commands\n              refuse it)\n  --root DIR  state root (default $XL_OCI_ROOT or " XO_STATE_ROOT
        ")\n  --version   print the version\n  -h, --help  print this help\n\nCommands:\n");
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
        /* As `xl-oci NAME` says it: the near commands, then where the
         * list is (helper-106: "help strat" named none). */
        if (*sep)
            fprintf(stderr, "xl-oci: unknown command '%s %s'\n", argv[optind],
                    sub);
        else
            cmd_print_unknown(argv[optind]);
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
