/*
 * runc_exec.c: `xl-oci-runc exec [--process FILE] [--detach] [--pid-file
 * F] ID [CMD ARG...]`, as containerd's shim calls it (go-runc: --process
 * with the process's JSON, --detach, --pid-file).  The process runs in
 * the domain through the exec channel (exec_client.h); here a small
 * process of ours carries its stdio and exits with its exit code, and
 * with --detach that process's pid goes into the pid file, as runc's
 * exec'd process's does: the shim (its subreaper) waits for it.
 *
 * A terminal (--tty, or "terminal": true in --process) is a pty in the
 * guest (the exec channel's tty flag).  With --console-socket its host
 * end is a pty made here whose master goes to that socket (runc_console.h)
 * and whose slave the session relays, as its controlling terminal so
 * that a resize of the master (SIGWINCH) reaches the guest; without one
 * (not detached) it is our own stdin's terminal, as `xl-oci exec -t`.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/exec_channel.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "domcfg/runtime_spec.h"
#include "exec_client.h"
#include "runc.h"
#include "runc_console.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

struct exec_cli {
    const char *process, *pid_file, *console_socket, *id;
    bool detach, tty;
    char **cmd; /* operands after ID, or NULL */
    /* runc's flags for a command given after ID (with --process they are
     * ignored, as runc ignores them): --env entries added to the
     * container's, --cwd, --user "UID[:GID]". */
    const char *env[EXEC_MAX_ENV + 1];
    size_t n_env;
    const char *cwd;
    char user[32];
};

/* runc's --user: "UID" or "UID:GID", numbers (runc parses them so). */
static int parse_user(struct exec_cli *a, const char *v, xo_err *err)
{
    unsigned long id[2] = {0, 0};
    const char *p = v;
    int n = 0;
    for (; n < 2; n++) {
        char *end;
        errno = 0;
        if (*p < '0' || *p > '9' || (id[n] = strtoul(p, &end, 10), errno) ||
            id[n] > 0xfffffffeUL || (*end && (*end != ':' || n == 1)))
            return xo_err_set(
                err, EINVAL,
                "exec: --user %.64s: expected UID or UID:GID, numbers below 4294967295",
                v);
        if (!*end)
            break;
        p = end + 1;
    }
    if (n == 0)
        /* cannot truncate: 10 digits */
        snprintf(a->user, sizeof(a->user), "%lu", id[0]);
    else
        /* cannot truncate: two numbers of at most 10 digits */
        snprintf(a->user, sizeof(a->user), "%lu:%lu", id[0], id[1]);
    return 0;
}

static int parse(struct exec_cli *a, int argc, char **argv, xo_err *err)
{
    static const struct option opts[] = {
        {"process", 1, NULL, 'p'},  {"detach", 0, NULL, 'd'},
        {"pid-file", 1, NULL, 'P'}, {"console-socket", 1, NULL, 'c'},
        {"tty", 0, NULL, 't'},      {"env", 1, NULL, 'e'},
        {"cwd", 1, NULL, 'w'},      {"user", 1, NULL, 'u'},
        {NULL, 0, NULL, 0}};
    int opt;
    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:p:dtP:e:u:", opts, NULL)) != -1) {
        switch (opt) {
        case 'e':
            if (a->n_env == EXEC_MAX_ENV)
                return xo_err_set(err, E2BIG, "exec: more than %d --env",
                                  EXEC_MAX_ENV);
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return xo_err_set(err, EINVAL,
                                  "exec: --env %.64s: expected KEY=VALUE",
                                  optarg);
            a->env[a->n_env++] = optarg;
            break;
        case 'w':
            if (optarg[0] != '/')
                return xo_err_set(err, EINVAL,
                                  "exec: --cwd %.64s: must be an absolute path",
                                  optarg);
            a->cwd = optarg;
            break;
        case 'u':
            if (parse_user(a, optarg, err) < 0)
                return -1;
            break;
        case 'p':
            a->process = optarg;
            break;
        case 'd':
            a->detach = true;
            break;
        case 'P':
            a->pid_file = optarg;
            break;
        case 'c':
            a->console_socket = optarg;
            break;
        case 't':
            a->tty = true;
            break;
        case ':':
            return xo_err_set(err, EINVAL, "exec: option %s needs a value",
                              argv[optind - 1]);
        default:
            return xo_err_set(err, EINVAL, "exec: unknown option %s",
                              argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return xo_err_set(err, EINVAL, "exec: expected a container ID");
    a->id = argv[optind];
    a->cmd = optind + 1 < argc ? argv + optind + 1 : NULL;
    if (!a->process && !a->cmd)
        return xo_err_set(err, EINVAL,
                          "exec: --process FILE or a command is needed");
    if (a->process && a->cmd)
        return xo_err_set(err, EINVAL,
                          "exec: --process FILE and a command both given");
    return runc_check_id(a->id, err);
}

/* Makes the pty's slave (when >= 0) our controlling terminal, in a new
 * session: a resize of its master then signals SIGWINCH to us, which
 * exec_client_run() passes on.  Best effort: a process group leader (run
 * from a shell, not detached) cannot start a session and gets no resizes. */
static void take_terminal(int slave)
{
    if (slave >= 0 && setsid() >= 0)
        (void)ioctl(slave, TIOCSCTTY, 0);
}

/* The STARTED byte for the parent of a detached exec. */
static void started(void *arg)
{
    int fd = *(int *)arg;
    if (fd >= 0) {
        (void)xo_write_all(fd, "S", 1);
        close(fd);
        *(int *)arg = -1;
    }
}

/* The detached process: runs the session, exits with the code.  An error
 * before the start goes to the parent through `fd`. */
static _Noreturn void detached(struct exec_client_opts *o, int fd)
{
    int code = 1;
    xo_err err = XO_ERR_INIT;
    o->started = started;
    o->started_arg = &fd;
    if (exec_client_run(o, &code, &err) < 0) {
        if (fd >= 0) {
            (void)xo_write_all(fd, "E", 1);
            (void)xo_write_all(fd, xo_err_msg(&err), strlen(xo_err_msg(&err)));
        } else {
            xo_err_print(&err, "xl-oci-runc", stderr);
        }
    }
    _exit(code);
}

/* Waits for the detached process to start; its pid, or -1 with err. */
static int wait_started(pid_t pid, int fd, xo_err *err)
{
    char buf[1024];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof(buf) - 1 &&
           ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0 ||
            (n < 0 && errno == EINTR)))
        if (n > 0)
            len += (size_t)n;
    buf[len] = '\0';
    if (len >= 1 && buf[0] == 'S')
        return 0;
    waitpid(pid, NULL, 0);
    if (len > 1 && buf[0] == 'E')
        return xo_err_set(err, EIO, "%s", buf + 1);
    return xo_err_set(err, EIO, "exec: the process never started");
}

static int write_pid(const char *path, pid_t pid, xo_err *err)
{
    char text[24];
    /* cannot truncate: a pid has at most 10 digits */
    int n = snprintf(text, sizeof(text), "%d", (int)pid);
    return xo_write_file_atomic(path, text, (size_t)n, 0644, err);
}

/* How long exec waits for a started container's entrypoint (a domain
 * boots for about a second; under QEMU's TCG several). */
#define EXEC_BOOT_WAIT_MS 30000

/*
 * A started container whose guest has not yet reported its entrypoint
 * (state booting) is about to run: kubelet runs a postStart hook as soon
 * as start returns, so exec waits for it, watching the state, instead of
 * refusing.  0 with *st re-read once running; -1 when it ends, stays
 * booting past EXEC_BOOT_WAIT_MS, or was never started.
 */
static int wait_running(struct xo_xs *xs, const struct runc_state *s,
                        struct domain_status *st, xo_err *err)
{
    if (st->state != DOMAIN_STATE_BOOTING || !s->started)
        return 0;
    enum domain_state state;
    if (status_wait_while(xs, s->name, STATUS_STATE_BIT(DOMAIN_STATE_BOOTING),
                          EXEC_BOOT_WAIT_MS, &state, err) < 0)
        return -1;
    return status_read(xs, s->name, st, err);
}

/* Same uid, gid and additionalGids (as a set) in both processes? */
static bool same_user(const struct runtime_process *a,
                      const struct runtime_process *b)
{
    if (a->uid != b->uid || a->gid != b->gid)
        return false;
    for (int pass = 0; pass < 2; pass++) {
        const struct runtime_process *x = pass ? b : a, *y = pass ? a : b;
        for (size_t i = 0; i < x->n_additional_gids; i++) {
            size_t j = 0;
            while (j < y->n_additional_gids &&
                   y->additional_gids[j] != x->additional_gids[i])
                j++;
            if (j == y->n_additional_gids && x->additional_gids[i] != y->gid)
                return false;
        }
    }
    return true;
}

/*
 * The user an exec'd process runs as: "" (the container's own, with the
 * groups its boot spec carries: CRI's fsGroup and supplementalGroups,
 * which /etc/group does not give) when the process object names the
 * container's user, as CRI's execs do; else "UID:GID", whose groups the
 * loader takes from the image's /etc/group.
 */
static void exec_user(char *user, size_t size, const struct runc_state *s,
                      const struct runtime_process *pr)
{
    char spec[4200];
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    xo_err e = XO_ERR_INIT;
    bool own =
        xo_path_fmt(spec, sizeof(spec), &e, "%s/config.json", s->bundle) >= 0 &&
        runtime_spec_load(&rs, spec, &e) == 0 && same_user(pr, &rs.process);
    xo_err_clear(&e);
    runtime_spec_dispose(&rs);
    user[0] = '\0';
    if (!own)
        /* cannot truncate: two numbers of at most 10 digits */
        snprintf(user, size, "%u:%u", pr->uid, pr->gid);
}

int runc_exec(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    struct exec_cli a = {0};
    struct runc_state s;
    struct xen_handles h = {0};
    struct domain_status st;
    struct runtime_process pr = {0};
    char user[32] = "";
    struct runc_pty pty = {.master = -1, .slave = -1};
    int rc = -1, pfd[2] = {-1, -1};
    if (parse(&a, argc, argv, err) < 0 || runc_state_read(g, a.id, &s, err) < 0)
        return -1;
    /* A pod's member: its process runs in the pod's domain, in the
     * member's namespaces (the REQUEST's target, its root device there). */
    if (s.pod[0]) {
        if (!s.started || s.pid <= 1 || kill((pid_t)s.pid, 0) < 0)
            return xo_err_set(err, EINVAL, "exec: container %s is not running",
                              a.id);
        memcpy(s.name, s.pod, sizeof(s.name));
    }
    if (xen_open_xs(&h, err) < 0 || status_read(h.xs, s.name, &st, err) < 0 ||
        wait_running(h.xs, &s, &st, err) < 0)
        goto out;
    if (st.state != DOMAIN_STATE_RUNNING || st.domid < 0) {
        xo_err_set(err, EINVAL, "exec: container %s is not running", a.id);
        goto out;
    }
    if (a.process) {
        if (runtime_spec_process_load(&pr, a.process, err) < 0)
            goto out;
        a.tty = a.tty || pr.terminal;
        exec_user(user, sizeof(user), &s, &pr);
    }
    struct exec_client_opts o = {
        .root = cmd_state_root(),
        .name = s.name,
        .domid = (uint32_t)st.domid,
        .target = s.pod[0] ? s.pod_vdev : NULL,
        .args = (const char *const *)(a.process ? pr.args : a.cmd),
        .env =
            a.process ? (const char *const *)pr.env : (a.n_env ? a.env : NULL),
        .user = a.process ? user : a.user,
        .cwd = a.process ? pr.cwd : a.cwd,
        .interactive = true,
        .in_fd = STDIN_FILENO,
        .out_fd = STDOUT_FILENO,
        .err_fd = STDERR_FILENO,
        .tty = a.tty,
    };
    /* runc's rules for a terminal and the socket. */
    if (a.tty && a.detach && !a.console_socket) {
        xo_err_set(
            err, EINVAL,
            "exec: a terminal for a detached process needs --console-socket");
        goto out;
    }
    if (a.console_socket && !a.tty) {
        xo_err_set(err, EINVAL,
                   "exec: --console-socket is for a terminal (--tty)");
        goto out;
    }
    if (a.console_socket) {
        if (runc_pty_open(&pty, err) < 0 ||
            runc_console_send(a.console_socket, &pty, err) < 0)
            goto out;
        o.in_fd = o.out_fd = o.err_fd = pty.slave;
    }
    if (!a.detach) {
        int code = 1;
        xen_close(&h);
        take_terminal(pty.slave);
        rc = exec_client_run(&o, &code, err);
        runc_pty_close(&pty);
        runtime_spec_process_dispose(&pr);
        if (rc == 0)
            exit(code); /* runc exec exits with the process's code */
        return -1;
    }
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        xo_err_sys(err, "pipe");
        goto out;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        xo_err_sys(err, "fork");
        goto out;
    }
    if (pid == 0) {
        close(pfd[0]);
        xen_close(&h);
        take_terminal(pty.slave);
        /* With a terminal the process's stdio is the pty: ours must go, or
         * the caller reading our output (go-runc, for the shim's exec -t)
         * waits for its EOF until the process ends, while the process
         * waits for the input the shim sends only after we exit. */
        int null = pty.slave >= 0 ? open("/dev/null", O_RDWR) : -1;
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            if (null > STDERR_FILENO)
                close(null);
        }
        detached(&o, pfd[1]);
    }
    close(pfd[1]);
    pfd[1] = -1;
    if (wait_started(pid, pfd[0], err) < 0)
        goto out;
    if (a.pid_file && write_pid(a.pid_file, pid, err) < 0) {
        kill(pid, SIGKILL);
        goto out;
    }
    rc = 0;
out:
    if (pfd[0] >= 0)
        close(pfd[0]);
    if (pfd[1] >= 0)
        close(pfd[1]);
    runc_pty_close(&pty);
    runtime_spec_process_dispose(&pr);
    xen_close(&h);
    return rc;
}
