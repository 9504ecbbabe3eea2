/* runc_hooks.c: running a runtime spec's hooks (runc_hooks.h). */
#include "runc_hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#include "common/alloc.h"
#include "common/json.h"
#include "common/json_build.h"
#include "common/log.h"
#include "common/pathfmt.h"

#define HOOK_OUTPUT_KEPT 1024 /* bytes of a failed hook's output shown */

int runc_hooks_check(const struct runtime_spec *rs, const char *spec_path,
                     xo_err *err)
{
    static const enum runtime_spec_hook_kind inside[] = {
        RUNTIME_HOOK_CREATE_CONTAINER, RUNTIME_HOOK_START_CONTAINER};
    for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++)
        if (rs->n_hooks[inside[i]])
            return xo_err_set(
                err, ENOTSUP,
                "%s: hooks.%s: these run in the container's namespaces, which are a Xen domain's with a kernel of its own; not supported",
                spec_path, runtime_spec_hook_kind(inside[i]));
    return 0;
}

bool runc_hooks_later(const struct runtime_spec *rs)
{
    return rs->n_hooks[RUNTIME_HOOK_POSTSTART] ||
           rs->n_hooks[RUNTIME_HOOK_POSTSTOP];
}

/* The state a hook reads on its stdin (runtime-spec runtime.md "State"). */
static char *hook_state(const struct runtime_spec *rs,
                        const struct runc_state *s, const char *status)
{
    json_object *o = xo_jobj();
    xo_jset(o, "ociVersion", xo_jstr("1.0.2"));
    xo_jset(o, "id", xo_jstr(s->id));
    xo_jset(o, "status", xo_jstr(status));
    xo_jset(o, "pid", xo_jint64(strcmp(status, "stopped") ? s->pid : 0));
    xo_jset(o, "bundle", xo_jstr(s->bundle));
    json_object *ann = xo_jobj();
    for (size_t i = 0; i < rs->n_annotations; i++)
        xo_jset(ann, rs->annotations[i].key, xo_jstr(rs->annotations[i].value));
    xo_jset(o, "annotations", ann);
    char *text = xo_json_to_string(o);
    json_object_put(o);
    return text;
}

/* The hook's process: stdin `in`, stdout and stderr `out`, nothing else
 * open, default signals; the hook's env, or ours when it gives none (as
 * runc's Go exec.Cmd with a nil Env).  Only async-signal-safe calls
 * after fork. */
static _Noreturn void exec_hook(const struct runtime_hook *h, int in, int out)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(127);
    close_range(3, ~0U, 0);
    char *argv0[] = {h->path, NULL};
    execve(h->path, h->args && h->n_args ? h->args : argv0,
           h->env ? h->env : environ);
    static const char msg[] = "cannot execute the hook's path\n";
    (void)!write(2, msg, sizeof(msg) - 1);
    _exit(127);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Feeds `state` to the hook's stdin and keeps the first bytes of its
 * output until it exits (not until EOF: a daemon it leaves may hold the
 * pipe) or its deadline passes.  *status_r: its wait status; returns
 * -1 on timeout (the hook killed), -2 when poll() failed or its exit
 * status could not be collected.
 */
static int supervise(pid_t pid, int pidfd, int in, int out, const char *state,
                     unsigned timeout, char *kept, size_t *kept_len,
                     int *status_r)
{
    size_t len = strlen(state), sent = 0;
    long long deadline = timeout ? now_ms() + (long long)timeout * 1000 : 0;
    bool out_open = true;
    for (;;) {
        /* poll() skips a negative fd: stdin once fed, output at EOF. */
        struct pollfd p[3] = {{pidfd, POLLIN, 0},
                              {out_open ? out : -1, POLLIN, 0},
                              {in, POLLOUT, 0}};
        int wait_ms = -1;
        if (deadline) {
            long long left = deadline - now_ms();
            if (left <= 0) {
                kill(pid, SIGKILL);
                waitpid(pid, status_r, 0);
                return -1;
            }
            wait_ms = left > 1000000 ? 1000000 : (int)left;
        }
        if (poll(p, 3, wait_ms) < 0 && errno != EINTR) {
            kill(pid, SIGKILL);
            waitpid(pid, status_r, 0);
            return -2;
        }
        if (in >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in, state + sent, len - sent);
            if (w > 0)
                sent += (size_t)w;
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                sent = len; /* it closed its stdin: what it read is enough */
            if (sent == len) {
                close(in);
                in = -1;
            }
        }
        if (out_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[4096];
            ssize_t r = read(out, buf, sizeof(buf));
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                out_open = false;
            if (r > 0 && *kept_len < HOOK_OUTPUT_KEPT) {
                size_t take = (size_t)r;
                if (take > HOOK_OUTPUT_KEPT - *kept_len)
                    take = HOOK_OUTPUT_KEPT - *kept_len;
                memcpy(kept + *kept_len, buf, take);
                *kept_len += take;
            }
        }
        if (p[0].revents & POLLIN) {
            if (waitpid(pid, status_r, 0) != pid)
                return -2; /* its status is lost: no success claimed */
            break;
        }
    }
    if (in >= 0)
        close(in);
    /* What it wrote before it exited, without waiting for EOF. */
    char buf[4096];
    ssize_t r;
    while (*kept_len < HOOK_OUTPUT_KEPT &&
           (r = read(out, buf, sizeof(buf))) > 0) {
        size_t take = (size_t)r;
        if (take > HOOK_OUTPUT_KEPT - *kept_len)
            take = HOOK_OUTPUT_KEPT - *kept_len;
        memcpy(kept + *kept_len, buf, take);
        *kept_len += take;
    }
    return 0;
}

/* One hook; `where` is "hooks.KIND[N]". */
static int run_one(const struct runtime_hook *h, const char *where,
                   const char *state, xo_err *err)
{
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return xo_err_sys(err, "%s (%s): pipe", where, h->path);
    if (pipe2(out, O_CLOEXEC) < 0) {
        close(in[0]);
        close(in[1]);
        return xo_err_sys(err, "%s (%s): pipe", where, h->path);
    }
    /* An ignored SIGCHLD (inherited from our caller) would have the
     * kernel reap the hook, and its exit status would be lost. */
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old_chld;
    sigaction(SIGCHLD, &dfl, &old_chld);
    pid_t pid = fork();
    if (pid == 0)
        exec_hook(h, in[0], out[1]);
    close(in[0]);
    close(out[1]);
    int pidfd = pid > 0 ? pidfd_open(pid, 0) : -1;
    if (pid < 0 || pidfd < 0) {
        int e = errno;
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        close(in[1]);
        close(out[0]);
        sigaction(SIGCHLD, &old_chld, NULL);
        errno = e;
        return xo_err_sys(err, "%s (%s): cannot start it", where, h->path);
    }
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    /* A hook that exits before it read its stdin must not kill us. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    char kept[HOOK_OUTPUT_KEPT + 1];
    size_t kept_len = 0;
    int st = 0;
    int sup = supervise(pid, pidfd, in[1], out[0], state, h->timeout, kept,
                        &kept_len, &st);
    sigaction(SIGPIPE, &old, NULL);
    sigaction(SIGCHLD, &old_chld, NULL);
    close(pidfd);
    close(out[0]);
    kept[kept_len] = '\0';
    /* One line of printable text in messages and logs. */
    for (size_t i = 0; i < kept_len; i++)
        if ((unsigned char)kept[i] < 0x20 || (unsigned char)kept[i] == 0x7f)
            kept[i] = ' ';
    if (sup == -2)
        return xo_err_set(err, EIO, "%s (%s): its exit status was lost: %s",
                          where, h->path, kept);
    if (sup == -1)
        return xo_err_set(err, ETIMEDOUT,
                          "%s (%s): did not finish in %u s (killed): %s", where,
                          h->path, h->timeout, kept);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFSIGNALED(st))
        return xo_err_set(err, EIO, "%s (%s): killed by signal %d: %s", where,
                          h->path, WTERMSIG(st), kept);
    return xo_err_set(err, EIO, "%s (%s): exited %d: %s", where, h->path,
                      WEXITSTATUS(st), kept);
}

/* The hooks of `kind` in order: up to the first failure (its error in
 * *err), or, with `warn`, every one, each failure a warning. */
static int run_kind(const struct runtime_spec *rs,
                    enum runtime_spec_hook_kind kind,
                    const struct runc_state *s, const char *status, bool warn,
                    xo_err *err)
{
    if (!rs->n_hooks[kind])
        return 0;
    char *state = hook_state(rs, s, status);
    int rc = 0;
    for (size_t i = 0; i < rs->n_hooks[kind] && (warn || rc == 0); i++) {
        char where[64];
        /* cannot truncate: a kind's name and an index below 32 */
        snprintf(where, sizeof(where), "hooks.%s[%zu]",
                 runtime_spec_hook_kind(kind), i);
        rc = run_one(&rs->hooks[kind][i], where, state, err);
        if (rc < 0 && warn) {
            xo_log(XO_LOG_WARN, "%s", xo_err_msg(err));
            xo_err_clear(err);
        }
    }
    free(state);
    return warn ? 0 : rc;
}

int runc_hooks_run(const struct runtime_spec *rs,
                   enum runtime_spec_hook_kind kind, const struct runc_state *s,
                   const char *status, xo_err *err)
{
    return run_kind(rs, kind, s, status, false, err);
}

void runc_hooks_warn(const struct runtime_spec *rs,
                     enum runtime_spec_hook_kind kind,
                     const struct runc_state *s, const char *status)
{
    xo_err err = XO_ERR_INIT;
    run_kind(rs, kind, s, status, true, &err);
}

void runc_hooks_run_later(const char *dir, enum runtime_spec_hook_kind kind,
                          const struct runc_state *s, const char *status)
{
    char path[4200];
    xo_err err = XO_ERR_INIT;
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    if (xo_path_fmt(path, sizeof(path), &err, "%s/" RUNC_HOOKS_SPEC, dir) < 0 ||
        access(path, F_OK) < 0) {
        xo_err_clear(&err);
        return;
    }
    if (runtime_spec_load(&rs, path, &err) < 0)
        xo_log(XO_LOG_WARN, "%s hooks not run: %s",
               runtime_spec_hook_kind(kind), xo_err_msg(&err));
    else
        runc_hooks_warn(&rs, kind, s, status);
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
}
