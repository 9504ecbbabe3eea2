/* monitor_spawn.c: starting xl-oci-monitor (see monitor_spawn.h). */
#include "monitor_spawn.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "state.h"
#include "status.h"

/* The xl-oci binary, which the monitor runs for shutdown actions: this
 * one, or when this is another program of ours (xl-oci-runc) the xl-oci
 * beside it (they are built and installed side by side). */
static int self_path(char *buf, size_t len, xo_err *err)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0 || (size_t)n >= len - 1)
        return xo_err_sys(err, "cannot read /proc/self/exe");
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    char *base = slash ? slash + 1 : buf;
    if (strcmp(base, "xl-oci") != 0 &&
        xo_path_fmt(base, len - (size_t)(base - buf), err, "xl-oci") < 0)
        return -1;
    return 0;
}

/* $ENV_VAR, else `prog` beside this binary (all of them are installed
 * to bindir, and all are in build/ in the build tree). */
static int sibling_program(char *buf, size_t len, const char *prog,
                           const char *env_var, xo_err *err)
{
    const char *env = getenv(env_var);
    if (env && *env) {
        if (xo_path_fmt(buf, len, err, "%s", env) < 0)
            return xo_err_wrap(err, "%s", env_var);
    } else {
        if (self_path(buf, len, err) < 0)
            return -1;
        char *slash = strrchr(buf, '/');
        size_t dir = slash ? (size_t)(slash - buf) + 1 : 0;
        if (xo_path_fmt(buf + dir, len - dir, err, "%s", prog) < 0)
            return -1;
    }
    if (access(buf, X_OK) < 0)
        return xo_err_sys(err, "cannot run the %s program %s", prog, buf);
    return 0;
}

int monitor_program(char *buf, size_t len, xo_err *err)
{
    return sibling_program(buf, len, "xl-oci-monitor", "XL_OCI_MONITOR", err);
}

int monitor_placeholder_program(char *buf, size_t len, xo_err *err)
{
    return sibling_program(buf, len, "xl-oci-placeholder", "XL_OCI_PLACEHOLDER",
                           err);
}

struct monitor_argv {
    char monitor[4096], self[4096], root[4096], name[128];
    char *argv[10];
};

/* xl-oci-monitor --root ROOT --xl-oci SELF NAME, or for a NOHYPER
 * container this binary's `--root ROOT nohyper-monitor NAME`. */
static int build_argv(struct monitor_argv *a, const char *root,
                      const char *name, bool nohyper, xo_err *err)
{
    if (self_path(a->self, sizeof(a->self), err) < 0 ||
        (!nohyper && monitor_program(a->monitor, sizeof(a->monitor), err) < 0))
        return -1;
    if (xo_path_fmt(a->root, sizeof(a->root), err, "%s", root) < 0 ||
        xo_path_fmt(a->name, sizeof(a->name), err, "%s", name) < 0)
        return xo_err_wrap(err, "monitor arguments");
    char **v = a->argv;
    if (nohyper) {
        *v++ = a->self;
        *v++ = "--root";
        *v++ = a->root;
        *v++ = "nohyper-monitor";
        *v++ = a->name;
        *v = NULL;
        return 0;
    }
    *v++ = a->monitor;
    *v++ = "--root";
    *v++ = a->root;
    *v++ = "--xl-oci";
    *v++ = a->self;
    *v++ = a->name;
    *v = NULL;
    return 0;
}

/* argv with `--ready-fd FD` before the name (monitor_spawn.h). */
static void add_ready_fd(struct monitor_argv *a, char fdbuf[16], int fd)
{
    size_t n = 0;
    while (a->argv[n])
        n++;
    char *name = a->argv[n - 1];
    /* cannot truncate: an int has at most 11 characters */
    snprintf(fdbuf, 16, "%d", fd);
    a->argv[n - 1] = "--ready-fd";
    a->argv[n] = fdbuf;
    a->argv[n + 1] = name;
    a->argv[n + 2] = NULL;
}

/* Writes `v` to /proc/self/oom_score_adj; false when refused. */
static bool write_oom_score_adj(const char *v)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = write(fd, v, strlen(v)) == (ssize_t)strlen(v);
    close(fd);
    return ok;
}

void monitor_oom_protect(void)
{
    if (!getenv(MONITOR_OOM_ENV)) {
        char v[16] = "";
        int fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, v, sizeof(v) - 1) : -1;
        if (fd >= 0)
            close(fd);
        if (n <= 0)
            return;
        v[n] = '\0';
        v[strcspn(v, "\n")] = '\0';
        setenv(MONITOR_OOM_ENV, v, 1);
    }
    char mine[16];
    /* cannot truncate: an int */
    snprintf(mine, sizeof(mine), "%d", MONITOR_OOM_SCORE_ADJ);
    (void)write_oom_score_adj(mine);
}

void monitor_oom_restore(void)
{
    const char *v = getenv(MONITOR_OOM_ENV);
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : 0;
    /* The kernel's range; anything else is not ours to write. */
    if (v && end != v && !*end && n >= -1000 && n <= 1000)
        (void)write_oom_score_adj(v);
    unsetenv(MONITOR_OOM_ENV);
}

int monitor_exec(const char *root, const char *name, bool unpause, xo_err *err)
{
    static struct monitor_argv a;
    if (build_argv(&a, root, name, false, err) < 0)
        return -1;
    if (unpause) {
        /* `--unpause` before the name */
        size_t n = 0;
        while (a.argv[n])
            n++;
        a.argv[n] = a.argv[n - 1];
        a.argv[n - 1] = "--unpause";
        a.argv[n + 1] = NULL;
    }
    fflush(NULL);
    /* The monitor gets no handle of ours (xenstore socket, locks). */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    monitor_oom_protect();
    execv(a.argv[0], a.argv);
    return xo_err_sys(err, "cannot run %s", a.argv[0]);
}

/* In the detached child: stdio on the monitor log, a session of its own. */
static void detach(const char *name)
{
    char path[4096];
    xo_err err = XO_ERR_INIT;
    xo_mkdir_p(state_log_dir(), 0750, &err);
    xo_err_clear(&err);
    int null = open("/dev/null", O_RDWR);
    /* No one to tell here: a log path that does not fit means no log (the
     * monitor's own log_open() reports it). */
    int log = xo_path_fmt(path, sizeof(path), NULL, "%s/%s.monitor.log",
                          state_log_dir(), name) < 0
                  ? -1
                  : open(path, O_WRONLY | O_CREAT | O_APPEND, 0640);
    if (null >= 0) {
        dup2(null, 0);
        dup2(log >= 0 ? log : null, 1);
        dup2(log >= 0 ? log : null, 2);
    }
    if (null > 2)
        close(null);
    if (log > 2)
        close(log);
    setsid();
    if (chdir("/") < 0)
        _exit(1);
    signal(SIGHUP, SIG_IGN);
}

static int spawn(const char *root, const char *name, bool nohyper, xo_err *err)
{
    struct monitor_argv *a = xo_xmalloc(sizeof(*a));
    int rc = -1, pfd[2] = {-1, -1};
    char fdbuf[16];
    if (build_argv(a, root, name, nohyper, err) < 0)
        goto out;
    /* The readiness handshake of monitor_spawn.h: the write end is fd 3
     * in the monitor. */
    add_ready_fd(a, fdbuf, 3);
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        xo_err_sys(err, "pipe");
        goto out;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        xo_err_sys(err, "cannot fork the monitor");
        goto out;
    }
    if (pid == 0) {
        /* Nothing of the parent's may live on in the monitor: above all
         * not the global lock's fd, whose flock the monitor would hold for
         * the domain's whole life and so block every later create. */
        int keep = pfd[1] != 3 ? dup2(pfd[1], 3) : pfd[1];
        if (keep != 3)
            _exit(1);
        fcntl(keep, F_SETFD, 0); /* the monitor's --ready-fd */
        close_range(keep + 1, ~0U, 0);
        pid_t grandchild = fork();
        if (grandchild != 0)
            _exit(grandchild < 0 ? 1 : 0);
        detach(name);
        monitor_oom_protect();
        execv(a->argv[0], a->argv);
        int e = errno;
        (void)!write(keep, &e, sizeof(e));
        _exit(127);
    }
    close(pfd[1]);
    pfd[1] = -1;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        xo_err_set(err, ECHILD, "the monitor of %s did not start", name);
        goto out;
    }
    /* MONITOR_READY (one byte), exec's errno (an int), or EOF. */
    unsigned char buf[sizeof(int)];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof(buf) &&
           ((n = read(pfd[0], buf + got, sizeof(buf) - got)) > 0 ||
            (n < 0 && errno == EINTR)))
        if (n > 0) {
            got += (size_t)n;
            if (got == 1 && buf[0] == MONITOR_READY)
                break;
        }
    if (got == 1 && buf[0] == MONITOR_READY) {
        rc = 0;
    } else if (got == sizeof(int)) {
        int e;
        memcpy(&e, buf, sizeof(e));
        errno = e;
        xo_err_sys(err, "cannot run the monitor %s", a->argv[0]);
    } else {
        xo_err_set(
            err, ECHILD,
            "the monitor of %s exited before it was ready (see %s/%s.monitor.log)",
            name, state_log_dir(), name);
    }
out:
    if (pfd[0] >= 0)
        close(pfd[0]);
    if (pfd[1] >= 0)
        close(pfd[1]);
    free(a);
    return rc;
}

int monitor_spawn(const char *root, const char *name, xo_err *err)
{
    return spawn(root, name, false, err);
}

int monitor_spawn_nohyper(const char *root, const char *name, xo_err *err)
{
    return spawn(root, name, true, err);
}

void monitor_recover(struct xo_xs *xs, const char *root)
{
    xo_err err = XO_ERR_INIT;
    /* Only while no create, destroy or shutdown action runs: a destroy
     * stops the monitor before it removes the domain and DomainStatus, and
     * a monitor started in between would write "halted" back after it
     * (lab 16-loops: a parallel loop's `status` did).  Busy: the next
     * command recovers.  A root that does not exist has nothing to
     * recover, and a read-only command must not make it (a mistyped
     * --root). */
    if (access(root, F_OK) < 0)
        return;
    int lock = state_trylock(root, &err);
    if (lock < 0) {
        xo_err_clear(&err);
        return;
    }
    char **names = status_list(xs, &err);
    for (char **n = names; n && *n; n++) {
        struct domain_status st;
        if (status_read(xs, *n, &st, &err) < 0) {
            xo_err_clear(&err);
            continue;
        }
        /* A NOHYPER monitor can take over only a container waiting in
         * its restart backoff: a running one's process is not its child. */
        if (st.nohyper) {
            if (st.state != DOMAIN_STATE_RESTARTING ||
                !state_domain_exists(root, *n) || state_monitor_alive(root, *n))
                continue;
            xo_info("no monitor for %s: starting one", *n);
            if (monitor_spawn_nohyper(root, *n, &err) < 0) {
                xo_warn("%s", xo_err_msg(&err));
                xo_err_clear(&err);
            }
            continue;
        }
        bool final = domain_state_is_final(st.state) ||
                     st.state == DOMAIN_STATE_CREATING;
        if (final || st.domid < 0 || !state_domain_exists(root, *n) ||
            state_monitor_alive(root, *n))
            continue;
        /* Read again now that the monitor is known gone: a monitor writes
         * the final state before it exits, and one that did so between
         * the read above and the look at its lock must not get a second
         * monitor recording the same exit again (lab 17 saw "exited"
         * journaled twice). */
        if (status_read(xs, *n, &st, &err) < 0) {
            xo_err_clear(&err);
            continue;
        }
        if (domain_state_is_final(st.state))
            continue;
        xo_info("no monitor for %s: starting one", *n);
        if (monitor_spawn(root, *n, &err) < 0) {
            xo_warn("%s", xo_err_msg(&err));
            xo_err_clear(&err);
        }
    }
    xo_strv_free(names);
    close(lock);
}
