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
#include "common/fault.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "common/user.h"
#include "exec_client.h"
#include "image/volume.h"
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

/* Resolves exec's -u with the container's /etc as it is now (the
 * container may have changed it).  The rootfs is the container's to
 * shape: its files are opened inside it only (a symlinked /etc must not
 * reach the host's users) and a FIFO in their place must not hang us. */
static int resolve_user(struct xo_user_ids *ids, const char *root,
                        const struct exec_args *a, xo_err *err)
{
    char rootfs[4096], *passwd = NULL, *group = NULL;
    /* Errors name the container's /etc, not a bare "/etc" an admin
     * takes for the host's (helper-106: "(read from /etc/passwd)"). */
    char *etc = xo_xasprintf("%s's /etc", a->name);
    int rc =
        state_domain_file(rootfs, sizeof(rootfs), root, a->name, "rootfs",
                          err) < 0 ||
                volume_read_etc(rootfs, &passwd, &group, err) < 0 ||
                xo_user_resolve_db(ids, a->user, passwd, group, etc, err) < 0
            ? -1
            : 0;
    free(etc);
    free(passwd);
    free(group);
    return rc;
}

/* Writes the process of `a` (nohyper_exec_process) to a memfd, *fd_r,
 * that runc inherits and opens as `path` (/proc/self/fd/N): it holds the -e
 * values, and unlike a file it is gone with us however we end (a SIGKILL
 * left a file behind).  A -u name is resolved with the container's own
 * /etc, as the loader does in a domain. */
static int write_process(int *fd_r, char *path, size_t len, const char *root,
                         const struct exec_args *a, xo_err *err)
{
    char dir[4096], *json = NULL;
    struct xo_user_ids ids = {0};
    int rc = -1, fd = -1;
    if (state_domain_dir(dir, sizeof(dir), root, a->name, err) < 0 ||
        (a->user && resolve_user(&ids, root, a, err) < 0))
        goto out;
    struct nohyper_exec_req r = {
        .args = (const char *const *)a->cmd,
        .terminal = a->tty,
        .user = a->user ? &ids : NULL,
        .cwd = a->cwd,
        .env = a->env,
        .nenv = a->nenv,
    };
    if (nohyper_exec_process(&json, dir, &r, err) < 0)
        goto out;
    if ((fd = nohyper_runc_memfd("runc's process file", path, len, err)) < 0)
        goto out;
    if (xo_write_all(fd, json, strlen(json)) < 0) {
        xo_err_sys(err, "cannot write runc's process file");
        goto out;
    }
    *fd_r = fd;
    fd = -1;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(json);
    xo_user_ids_dispose(&ids);
    return rc;
}

static int exec_nohyper(const char *root, const struct exec_args *a,
                        int *code_r, xo_err *err)
{
    char process[64], arg[80];
    int pfd = -1;
    if (write_process(&pfd, process, sizeof(process), root, a, err) < 0)
        return -1;
    int rc = -1;
    /* cannot truncate: 10 bytes and a path of at most 63 */
    snprintf(arg, sizeof(arg), "--process=%s", process);
    const char *args[] = {"exec", arg, a->name, NULL};
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
    XO_FAULT_POINT("exec-nohyper.before-runc");
    bool unstarted = false;
    rc = nohyper_exec(root, args, bridge, &unstarted, err);
    /* runc could not start the process because the container ended since
     * it was found running: said with its name, as docker exec says it,
     * after runc's own words ("error executing setns process"). */
    if (rc >= 0 && unstarted && !nohyper_alive(root, a->name)) {
        xo_err_set(err, ESRCH, "%s is not running (it ended as exec started)",
                   a->name);
        rc = -1;
        goto out;
    }
    if (rc >= 0) {
        *code_r = rc;
        rc = 0;
    }
out:
    close(pfd);
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

extern char **environ;

/* The entry "KEY=VALUE" of our own environment, or NULL. */
static const char *own_env_entry(const char *key)
{
    size_t n = strlen(key);
    for (char **e = environ; *e; e++)
        if (strncmp(*e, key, n) == 0 && (*e)[n] == '=')
            return *e;
    return NULL;
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
            /* "" is the container's own user, as docker exec -u "" and
             * a domain's exec take it (NOHYPER took it as root). */
            a.user = *optarg ? optarg : NULL;
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
            if (eq == optarg || !*optarg) {
                fprintf(stderr, "xl-oci exec: -e %s: not KEY=VALUE or KEY\n",
                        optarg);
                return XO_EXIT_USAGE;
            }
            /* KEY alone: this environment's KEY=VALUE, as docker exec -e
             * KEY passes it; when it is not set here, KEY alone, which
             * removes KEY from the process's environment, as Docker's
             * daemon takes a name without a value. */
            const char *entry = eq ? optarg : own_env_entry(optarg);
            if (!entry)
                entry = optarg;
            if (a.nenv == EXEC_MAX_ENV) {
                fprintf(stderr, "xl-oci exec: more than %d -e\n", EXEC_MAX_ENV);
                return XO_EXIT_USAGE;
            }
            a.env[a.nenv++] = entry;
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
        status_read_target(h.xs, a.name, &st, &err) < 0 ||
        cmd_refuse_down(root, &st, &err) < 0)
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
