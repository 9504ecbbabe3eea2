/* cmd_util.c: option parsing, usage and error printing for commands. */
#include "xl_oci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/pathfmt.h"

bool cmd_dryrun;
int cmd_verbose;

static const char *state_root;
static char state_root_abs[4096];

/*
 * A relative root is made absolute against the working directory once:
 * the monitor and the programs libxl runs work from "/", where
 * "relroot" would be another directory (a monitor made /relroot/status
 * and create failed).  A root too long to be made absolute is kept as
 * given; opening it names it.
 */
static const char *absolute(const char *dir)
{
    char cwd[2048];
    if (dir[0] == '/')
        cwd[0] = '\0';
    else if (!getcwd(cwd, sizeof(cwd)))
        return dir;
    /* A copy either way: `dir` may be the environment's own string,
     * which the setenv() below replaces. */
    if (xo_path_fmt(state_root_abs, sizeof(state_root_abs), NULL, "%s%s%s", cwd,
                    cwd[0] ? "/" : "", dir) < 0)
        return dir;
    return state_root_abs;
}

const char *cmd_state_root(void)
{
    if (state_root)
        return state_root;
    const char *env = getenv("XL_OCI_ROOT");
    if (env && *env) {
        cmd_set_state_root(env);
        return state_root;
    }
    return XO_STATE_ROOT;
}

bool cmd_state_root_given(void)
{
    const char *env = getenv("XL_OCI_ROOT");
    return state_root || (env && *env);
}

void cmd_set_state_root(const char *dir)
{
    state_root = absolute(dir);
    /* Programs libxl runs for us (vif-xl-oci, the monitor's actions) find
     * the same state root through the environment they inherit. */
    setenv("XL_OCI_ROOT", state_root, 1);
}

/* PREFIX/lib/xl-oci/SUB for the PREFIX/bin/xl-oci running, if it exists. */
static const char *beside_binary(char *buf, size_t len, const char *sub)
{
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash || slash - exe < 4 || strncmp(slash - 4, "/bin", 4) != 0)
        return NULL;
    slash[-4] = '\0';
    /* exe is under 2048 bytes and sub a short literal: fits in 4096. */
    if (xo_path_fmt(buf, len, NULL, "%s/lib/xl-oci/%s", exe, sub) < 0)
        return NULL;
    return access(buf, F_OK) == 0 ? buf : NULL;
}

const char *cmd_default_loader(void)
{
    static char buf[4096];
    const char *env = getenv("XL_OCI_LOADER_DIR");
    if (env && *env)
        return env;
    /* An installed xl-oci finds the loader installed beside it
     * (PREFIX/bin/xl-oci -> PREFIX/lib/xl-oci/loader/xen-tools), so a
     * `make install prefix=...` or DESTDIR copy stays consistent. */
    const char *dir = beside_binary(buf, sizeof(buf), "loader/xen-tools");
    return dir ? dir : XO_LOADER_DIR;
}

/* $XL_OCI_HOTPLUG_DIR/NAME, else beside the binary, else the configured
 * $(hotplugdir)/NAME, into buf; NULL when that path does not fit. */
static const char *hotplug_path(char *buf, size_t len, const char *name,
                                xo_err *err)
{
    const char *env = getenv("XL_OCI_HOTPLUG_DIR");
    if (env && *env)
        return xo_path_fmt(buf, len, err, "%s/%s", env, name) < 0 ? NULL : buf;
    char sub[64];
    if (xo_path_fmt(sub, sizeof(sub), err, "hotplug/%s", name) < 0)
        return NULL;
    if (beside_binary(buf, len, sub))
        return buf;
    return xo_path_fmt(buf, len, err, "%s/%s", XO_HOTPLUG_DIR, name) < 0 ? NULL
                                                                         : buf;
}

int cmd_block_script(const char **script_r, xo_err *err)
{
    static char buf[4096];
    const char *path = hotplug_path(buf, sizeof(buf), "block-loop", err);
    if (!path)
        return xo_err_wrap(err, "block-loop hotplug script");
    *script_r = access(path, X_OK) == 0 ? path : NULL;
    return 0;
}

const char *cmd_vif_script(xo_err *err)
{
    static char buf[4096];
    const char *path = hotplug_path(buf, sizeof(buf), "vif-xl-oci", err);
    if (!path)
        xo_err_wrap(err, "vif-xl-oci hotplug script");
    return path;
}

const struct cmd_spec *cmd_find(const char *name)
{
    for (int i = 0; i < cmd_table_size; i++)
        if (strcmp(cmd_table[i].name, name) == 0)
            return &cmd_table[i];
    return NULL;
}

void cmd_print_usage(const struct cmd_spec *cmd, bool to_stderr)
{
    FILE *f = to_stderr ? stderr : stdout;
    /* -N only where the command takes it (main() refuses it elsewhere). */
    /* No trailing blank after a command without operands (autostart). */
    fprintf(f, "Usage: xl-oci [-v] %s[--root DIR] %s%s%s\n\n%s.\n",
            cmd->can_dryrun ? "[-N] " : "", cmd->name, *cmd->usage ? " " : "",
            cmd->usage, cmd->desc);
    if (cmd->options)
        fprintf(f, "\nOptions:\n\n%s", cmd->options);
}

/*
 * How many operands the command's usage line allows: its <...> and
 * [WORD] tokens ([options] and [-x ...] are options), or -1 when it
 * repeats one ("...").
 */
static int max_operands(const struct cmd_spec *spec)
{
    if (!spec || !spec->usage || strstr(spec->usage, "..."))
        return -1;
    int n = 0;
    for (const char *p = spec->usage; *p;) {
        p += strspn(p, " ");
        if (*p == '<' ||
            (*p == '[' && p[1] != '-' && strncmp(p, "[options]", 9) != 0))
            n++;
        p += strcspn(p, " ");
    }
    return n;
}

int cmd_getopt(int argc, char **argv, const char *shortopts,
               const struct option *longopts, const char *cmd, int min_args)
{
    static const struct option help_only[] = {{"help", 0, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    struct option all[32];
    int n = 0;
    for (const struct option *o = longopts; o && o->name && n < 30; o++)
        all[n++] = *o;
    all[n++] = help_only[0];
    all[n] = help_only[1];

    char opts[64];
    /* The command table's short options, a literal of a few letters; a
     * leading '+' (stop at the first operand) must stay first. */
    bool plus = shortopts[0] == '+';
    if (xo_path_fmt(opts, sizeof(opts), NULL, "%sh%s", plus ? "+" : "",
                    shortopts + plus) < 0)
        abort();
    const struct cmd_spec *spec = cmd_find(cmd);
    /* getopt names argv[0] in its messages ("unrecognized option"): make
     * that "xl-oci list", as our own usage errors say, not a bare "list".
     * A command name too long for it keeps its own argv[0]. */
    static char prog[80];
    if (argc > 0 &&
        xo_path_fmt(prog, sizeof(prog), NULL, "xl-oci %s", cmd) >= 0)
        argv[0] = prog;
    int opt = getopt_long(argc, argv, opts, all, NULL);
    if (opt == 'h') {
        if (spec)
            cmd_print_usage(spec, false);
        exit(XO_EXIT_OK);
    }
    if (opt == '?' || opt == ':') {
        if (spec)
            cmd_print_usage(spec, true);
        exit(XO_EXIT_USAGE);
    }
    if (opt == -1 && argc - optind < min_args) {
        fprintf(stderr, "xl-oci %s: '%s' requires at least %d argument%s\n\n",
                cmd, cmd, min_args, min_args == 1 ? "" : "s");
        if (spec)
            cmd_print_usage(spec, true);
        exit(XO_EXIT_USAGE);
    }
    /* More operands than the usage line names: a typo, or a second name
     * the command would silently ignore (`status a b`). */
    int max = max_operands(spec);
    if (opt == -1 && max >= 0 && argc - optind > max) {
        fprintf(stderr, "xl-oci %s: unexpected argument '%s'\n\n", cmd,
                argv[optind + max]);
        cmd_print_usage(spec, true);
        exit(XO_EXIT_USAGE);
    }
    return opt;
}

bool cmd_json_option(int argc, char **argv, const char *cmd, int min_args)
{
    static const struct option longopts[] = {{"json", 0, NULL, 'j'},
                                             {NULL, 0, NULL, 0}};
    bool json = false;
    int opt;
    while ((opt = cmd_getopt(argc, argv, "j", longopts, cmd, min_args)) != -1)
        if (opt == 'j')
            json = true;
    return json;
}

int cmd_fail(xo_err *err)
{
    xo_err_print(err, "xl-oci", stderr);
    return XO_EXIT_FAIL;
}
