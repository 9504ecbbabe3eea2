/*
 * cmd_exec.c: `xl-oci exec [-t] [-i] [-u USER] [-e KEY=VALUE] [-w DIR]
 * NAME CMD [ARG...]`: runs a process in a running container and exits
 * with its exit code.  A Xen domain's goes through the exec channel
 * (exec_client.h); a NOHYPER container's through `runc exec`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/abi/exec_channel.h"
#include "common/alloc.h"
#include "common/pathfmt.h"
#include "common/user.h"
#include "exec_client.h"
#include "nohyper.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

struct exec_args {
    bool tty, interactive;
    const char *user, *cwd;
    const char *env[EXEC_MAX_ENV + 1];
    size_t nenv;
    const char *name;
    char **cmd; /* NULL-terminated */
};

/* runc exec's --user takes numbers only: a name is resolved with the
 * container's own /etc, as the loader does in a domain. */
static int nohyper_user(char *buf, size_t len, const char *root,
                        const struct exec_args *a, char ***gids_r, xo_err *err)
{
    char etc[4096];
    struct xo_user_ids ids = {0};
    *gids_r = NULL;
    if (state_domain_file(etc, sizeof(etc), root, a->name, "rootfs/etc", err) <
            0 ||
        xo_user_resolve(&ids, a->user, etc, err) < 0)
        return -1;
    /* cannot truncate: two numbers of at most 10 digits */
    snprintf(buf, len, "%u:%u", (unsigned)ids.uid, (unsigned)ids.gid);
    char **gids = xo_xcalloc(ids.ngroups + 1, sizeof(*gids));
    for (size_t i = 1; i < ids.ngroups; i++)
        gids[i - 1] =
            xo_xasprintf("--additional-gids=%u", (unsigned)ids.groups[i]);
    xo_user_ids_dispose(&ids);
    *gids_r = gids;
    return 0;
}

static int exec_nohyper(const char *root, const struct exec_args *a,
                        int *code_r, xo_err *err)
{
    size_t ncmd = 0, ngids = 0;
    while (a->cmd[ncmd])
        ncmd++;
    char user[32], cwd[4200], **gids = NULL;
    const char **args = NULL;
    int rc = -1;
    if (a->user) {
        if (nohyper_user(user, sizeof(user), root, a, &gids, err) < 0)
            goto out;
        while (gids[ngids])
            ngids++;
    }
    /* exec, --tty, --user U, gids, --cwd, --env E per entry, NAME, CMD */
    args = xo_xcalloc(6 + ngids + 2 * a->nenv + 1 + ncmd + 1, sizeof(*args));
    size_t n = 0;
    args[n++] = "exec";
    if (a->tty)
        args[n++] = "--tty";
    if (a->user) {
        args[n++] = "--user";
        args[n++] = user;
        for (size_t i = 0; i < ngids; i++)
            args[n++] = gids[i];
    }
    if (a->cwd) {
        if (xo_path_fmt(cwd, sizeof(cwd), err, "--cwd=%s", a->cwd) < 0)
            goto out;
        args[n++] = cwd;
    }
    for (size_t i = 0; i < a->nenv; i++) {
        args[n++] = "--env";
        args[n++] = a->env[i];
    }
    args[n++] = a->name;
    for (size_t i = 0; i < ncmd; i++)
        args[n++] = a->cmd[i];
    args[n] = NULL;
    /* runc takes the first of stderr, stdout, stdin that is a terminal
     * as its console; with none, a pty of ours (decided before stdin
     * becomes /dev/null). */
    bool bridge = a->tty && !isatty(STDIN_FILENO) && !isatty(STDOUT_FILENO) &&
                  !isatty(STDERR_FILENO);
    if (!a->interactive) {
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null < 0 || dup2(null, 0) < 0) {
            xo_err_sys(err, "/dev/null");
            goto out;
        }
        close(null);
    }
    rc = nohyper_exec(root, args, bridge, err);
    if (rc >= 0) {
        *code_r = rc;
        rc = 0;
    }
out:
    for (size_t i = 0; gids && gids[i]; i++)
        free(gids[i]);
    free(gids);
    free(args);
    return rc;
}

static int exec_xen(const char *root, struct xo_xs *xs,
                    const struct exec_args *a, const struct domain_status *st,
                    int *code_r, xo_err *err)
{
    struct exec_client_opts o = {
        .root = root,
        .xs = xs,
        .name = a->name,
        .domid = (uint32_t)st->domid,
        .args = (const char *const *)a->cmd,
        .env = a->env,
        .user = a->user,
        .cwd = a->cwd,
        .tty = a->tty,
        .interactive = a->interactive,
        .in_fd = STDIN_FILENO,
        .out_fd = STDOUT_FILENO,
        .err_fd = STDERR_FILENO,
    };
    return exec_client_run(&o, code_r, err);
}

int main_exec(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"tty", 0, NULL, 't'},     {"interactive", 0, NULL, 'i'},
        {"user", 1, NULL, 'u'},    {"env", 1, NULL, 'e'},
        {"workdir", 1, NULL, 'w'}, {NULL, 0, NULL, 0}};
    xo_stamp("exec", "begins");
    struct exec_args a = {0};
    int opt;
    /* '+': options end at NAME, so CMD's own options stay CMD's. */
    while ((opt = cmd_getopt(argc, argv, "+tiu:e:w:", longopts, "exec", 2)) !=
           -1) {
        switch (opt) {
        case 't':
            a.tty = true;
            break;
        case 'i':
            a.interactive = true;
            break;
        case 'u':
            a.user = optarg;
            break;
        case 'w':
            if (optarg[0] != '/') {
                fprintf(stderr, "xl-oci exec: -w %s: not an absolute path\n",
                        optarg);
                return XO_EXIT_USAGE;
            }
            a.cwd = optarg;
            break;
        case 'e': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                fprintf(stderr, "xl-oci exec: -e %s: not KEY=VALUE\n", optarg);
                return XO_EXIT_USAGE;
            }
            if (a.nenv == EXEC_MAX_ENV) {
                fprintf(stderr, "xl-oci exec: more than %d -e\n", EXEC_MAX_ENV);
                return XO_EXIT_USAGE;
            }
            a.env[a.nenv++] = optarg;
            break;
        }
        }
    }
    a.name = argv[optind];
    a.cmd = argv + optind + 1;
    if (a.tty && !isatty(STDIN_FILENO) && a.interactive) {
        fprintf(stderr, "xl-oci exec: -t -i: stdin is not a terminal\n");
        return XO_EXIT_USAGE;
    }
    const char *root = cmd_state_root();
    struct xen_handles h = {0};
    struct domain_status st;
    xo_err err = XO_ERR_INIT;
    int code = 1;
    if (xen_open_xs(&h, &err) < 0 ||
        status_read_target(h.xs, a.name, &st, &err) < 0)
        goto fail;
    if (st.state != DOMAIN_STATE_RUNNING) {
        xo_err_set(&err, EINVAL, "%s is %s, not running", a.name,
                   domain_state_to_string(st.state)
                       ? domain_state_to_string(st.state)
                       : "in no known state");
        goto fail;
    }
    if (!st.nohyper && st.domid <= 0) {
        xo_err_set(&err, EINVAL, "%s is running but has no domain id", a.name);
        goto fail;
    }
    xo_stamp("exec", "status read: domid %ld", (long)st.domid);
    /* A domain's handle goes on to the exec client (its watch and the
     * offer's removal): one connection to xenstored per exec, not two. */
    if (st.nohyper)
        xen_close(&h);
    if ((st.nohyper ? exec_nohyper(root, &a, &code, &err)
                    : exec_xen(root, h.xs, &a, &st, &code, &err)) < 0) {
        xo_err_print(&err, "xl-oci", stderr);
        xo_err_clear(&err);
    }
    xen_close(&h);
    return code;
fail:
    xen_close(&h);
    return cmd_fail(&err);
}
