/* run.c: the entrypoint's life as a child of PID 1 (see run.h). */
#include "run.h"
#include "common/abi/exec_channel.h"
#include "common/abi/exec_path.h"
#include "maskpaths.h"
#include "stdio_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/guest_meminfo.h"
#include "common/alloc.h"
#include "common/fileio.h"
#include "privileges.h"
#include "report.h"

/* What a child that failed before or at exec tells its parent. */
struct child_error {
    int errnum;
    char what[256];
};

void run_block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGPWR);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigprocmask(SIG_BLOCK, set, NULL);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *env_get(char *const *env, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; env[i]; i++)
        if (!strncmp(env[i], key, kl) && env[i][kl] == '=')
            return env[i] + kl + 1;
    return NULL;
}

static _Noreturn void child_fail(int fd, int errnum, const char *what)
{
    struct child_error ce = {errnum, ""};
    /* may truncate: a message for the parent */
    snprintf(ce.what, sizeof(ce.what), "%s", what);
    if (write(fd, &ce, sizeof(ce)) < 0) {
        /* Nothing left to tell it with; the exit code still says 127. */
    }
    _exit(errnum == EACCES ? 126 : 127);
}

void run_exec_path(const char *file, char *const *argv, char *const *env)
{
    if (strchr(file, '/')) {
        execve(file, argv, env);
        return;
    }
    const char *path = env_get(env, "PATH");
    if (!path)
        path = XO_EXEC_DEFAULT_PATH;
    int saved = ENOENT;
    char buf[BS_MAX_STR * 2];
    while (*path) {
        size_t dl = strcspn(path, ":");
        if ((size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)dl, path, file) <
            sizeof(buf)) {
            execve(buf, argv, env);
            if (errno == EACCES)
                saved = EACCES;
            else if (errno != ENOENT && errno != ENOTDIR)
                return;
        }
        path += dl;
        if (*path == ':')
            path++;
    }
    errno = saved;
}

static _Noreturn void child(const struct boot_spec *spec,
                            const struct xo_user_ids *ids, char *const *env,
                            int errfd, struct stdio_relay *relay)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();
    if (relay && stdio_relay_child(relay) < 0)
        child_fail(errfd, errno, "stdout and stderr: the pipes");
    if (spec->stdin_null) {
        /* runc's stdin without a terminal: a reader gets end-of-file.
         * Read-write, as runc reopens a /dev/null stdio fd in the
         * container (reOpenDevNull). */
        int fd = open("/dev/null", O_RDWR);
        if (fd < 0 || (fd != STDIN_FILENO && dup2(fd, STDIN_FILENO) < 0))
            child_fail(errfd, errno, "stdin: /dev/null");
        if (fd != STDIN_FILENO)
            close(fd);
    }
    if (spec->terminal) {
        /* As runc's pty slave: the controlling terminal of the new
         * session (so ^C reaches the foreground), taken from whoever held
         * it (arg 1: we are still root), and "\n" written as "\r\n",
         * which guest_early() turned off for the plain console. */
        struct termios t;
        if (ioctl(STDIN_FILENO, TIOCSCTTY, 1) < 0)
            child_fail(errfd, errno, "terminal: TIOCSCTTY on the console");
        if (tcgetattr(STDOUT_FILENO, &t) == 0) {
            t.c_oflag |= OPOST | ONLCR;
            tcsetattr(STDOUT_FILENO, TCSANOW, &t);
        }
    }
    /*
     * PID 1 of its own PID namespace (run_container made it) needs a /proc
     * of that namespace, mounted in a mount namespace of its own: the
     * loader keeps the domain's /proc, where the kernel's poweroff helper
     * finds /proc/1/exe.
     */
    if (unshare(CLONE_NEWNS) < 0)
        child_fail(errfd, errno, "unshare(CLONE_NEWNS)");
    /* In place of the domain's /proc, not over it: /proc/self/mountinfo
     * lists one /proc, as under runc. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        umount2("/proc", MNT_DETACH) < 0 ||
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
            0)
        child_fail(errfd, errno, "mount /proc for the PID namespace");
    const char *what = "";
    if (mounts_mask_paths(spec, &what) < 0)
        child_fail(errfd, errno, what);
    if (run_become(spec, ids, spec->cwd, &what) < 0)
        child_fail(errfd, errno, what);
    /* Only fds 0-2 are the program's, as runc closes every other at exec:
     * ours are close-on-exec, but one the init inherited (the host test
     * mode's caller) would reach it.  errfd still reports a failed exec. */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    run_exec_path(spec->args[0], (char *const *)spec->args, env);
    child_fail(errfd, errno, spec->args[0]);
}

void run_spec_groups(const struct boot_spec *spec, struct xo_user_ids *ids)
{
    if (!spec->ngroups)
        return;
    free(ids->groups);
    ids->groups = xo_xcalloc(spec->ngroups, sizeof(*ids->groups));
    for (size_t i = 0; i < spec->ngroups; i++)
        ids->groups[i] = (gid_t)spec->groups[i];
    ids->ngroups = spec->ngroups;
    ids->gid = ids->groups[0];
}

int run_become(const struct boot_spec *spec, const struct xo_user_ids *ids,
               const char *cwd, const char **what_r)
{
    if (privileges_before_user(spec, ids, what_r) < 0)
        return -1;
    *what_r = "setgroups";
    if (setgroups(ids->ngroups, ids->groups) < 0)
        return -1;
    *what_r = "setgid";
    if (setgid(ids->gid) < 0)
        return -1;
    *what_r = "setuid";
    if (setuid(ids->uid) < 0)
        return -1;
    if (privileges_after_user(spec, what_r) < 0)
        return -1;
    if (spec->has_umask)
        umask((mode_t)spec->umask);
    *what_r = cwd;
    return chdir(cwd);
}

/* Whether the entries `a` and `b` (KEY=VALUE or KEY alone) name one
 * KEY. */
static bool same_key(const char *a, const char *b)
{
    size_t kl = strcspn(a, "=");
    return kl == strcspn(b, "=") && !strncmp(a, b, kl);
}

size_t run_env_build(char **env, const char *const *base, size_t nbase,
                     const char *const *over, size_t nover, char *home,
                     size_t homesz, const struct xo_user_ids *ids, bool tty)
{
    size_t n = 0;
    for (size_t i = 0; i < nbase; i++) {
        /* An entry of `over` with the same KEY replaces this one, or,
         * as KEY alone, removes it. */
        bool replaced = false;
        for (size_t j = 0; j < nover && !replaced; j++)
            replaced = same_key(over[j], base[i]);
        if (!replaced)
            env[n++] = (char *)base[i];
    }
    /* Of `over`, the last entry of a KEY counts (as runc's Setenv of
     * each in turn, and Docker's merge), and KEY alone sets nothing. */
    for (size_t j = 0; j < nover; j++) {
        bool later = false;
        for (size_t k = j + 1; k < nover && !later; k++)
            later = same_key(over[k], over[j]);
        if (!later && strchr(over[j], '='))
            env[n++] = (char *)over[j];
    }
    env[n] = NULL;
    /* HOME absent or empty: the user's, as runc sets it when getenv
     * gives "" (an empty HOME in place, runc's "set only once"). */
    const char *h = env_get(env, "HOME");
    if (!h || !*h) {
        /* cannot truncate: home[300] holds "HOME=" and xo_user_ids' home,
         * which xo_user_resolve() filled checked */
        snprintf(home, homesz, "HOME=%s", ids->home[0] ? ids->home : "/");
        size_t at = n;
        for (size_t i = 0; h && i < n; i++)
            if (!strcmp(env[i], "HOME="))
                at = i;
        env[at] = home;
        if (at == n)
            n++;
    }
    if (tty && !env_get(env, "TERM"))
        env[n++] = EXEC_TTY_TERM;
    env[n] = NULL;
    return n;
}

static void print_exec_marker(const struct boot_spec *spec)
{
    char line[768];
    size_t len = 0;
    line[0] = '\0';
    for (size_t i = 0; i < spec->nargs && len < sizeof(line) - 1; i++)
        /* may truncate: a console marker; len past the end stops the loop */
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
                                i ? " " : "", spec->args[i]);
    report_marker("exec %s", line);
}

static int status_code(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 255;
}

/*
 * The guest's memory figures for `xl-oci stats` (common/abi/guest_meminfo.h):
 * read from /proc/meminfo through `fd` (opened before the entrypoint ran,
 * so the container cannot swap the file under PID 1), written when either
 * figure moved by GUEST_MEMINFO_STEP_KB since the last write.
 */
struct meminfo_tick {
    int fd;
    unsigned long long total, avail;
    bool written;
};

static void meminfo_sample(struct meminfo_tick *m)
{
    char buf[4096];
    ssize_t n = m->fd < 0 ? -1 : pread(m->fd, buf, sizeof(buf), 0);
    unsigned long long t, a;
    if (n <= 0 || guest_meminfo_parse(buf, (size_t)n, &t, &a) < 0)
        return;
    if (m->written && t + GUEST_MEMINFO_STEP_KB > m->total &&
        t < m->total + GUEST_MEMINFO_STEP_KB &&
        a + GUEST_MEMINFO_STEP_KB > m->avail &&
        a < m->avail + GUEST_MEMINFO_STEP_KB)
        return;
    report_meminfo(t, a);
    m->total = t;
    m->avail = a;
    m->written = true;
}

/* How long the entrypoint's pipes may stay silent after it exited before
 * PID 1 goes on: a background child may hold them open for ever. */
#define RELAY_DRAIN_MS 200

/* One signal PID 1 waits for, read from its signalfd: 0 when none is
 * pending, else the signal. */
static int next_signal(int sfd)
{
    struct signalfd_siginfo si;
    ssize_t n = read(sfd, &si, sizeof(si));
    return n == (ssize_t)sizeof(si) ? (int)si.ssi_signo : 0;
}

/* Waits for `pid`, reaping every other child, honouring stop requests and
 * copying the entrypoint's output pipes (relay, or NULL with a terminal)
 * to the console; samples the memory figures every GUEST_MEMINFO_PERIOD_MS
 * meanwhile. */
static int supervise(pid_t pid, const struct boot_spec *spec,
                     const sigset_t *set, int sfd, struct meminfo_tick *mem,
                     struct stdio_relay *relay)
{
    bool stopping = false, killed = false;
    uint64_t deadline = 0, next_sample = now_ms();
    for (;;) {
        uint64_t now = now_ms();
        if (now >= next_sample) {
            meminfo_sample(mem);
            next_sample = now + GUEST_MEMINFO_PERIOD_MS;
        }
        uint64_t until = next_sample;
        if (stopping && !killed && deadline < until)
            until = deadline;
        uint64_t left = until > now ? until - now : 0;
        struct pollfd fds[1 + STDIO_RELAY_STREAMS];
        fds[0] = (struct pollfd){sfd, POLLIN, 0};
        size_t n = relay ? stdio_relay_fill(relay, fds + 1) : 0;
        int sig = 0;
        if (sfd < 0) {
            /* No signalfd (no memory for it): wait as before; the
             * entrypoint then writes to the console itself (no relay). */
            struct timespec ts = {(time_t)(left / 1000),
                                  (long)(left % 1000) * 1000000};
            siginfo_t si;
            sig = sigtimedwait(set, &si, &ts);
            if (sig < 0)
                sig = 0;
        } else if (poll(fds, 1 + n, (int)left) > 0) {
            if (n)
                stdio_relay_pump(relay, fds + 1, n);
            if (fds[0].revents & POLLIN)
                sig = next_signal(sfd);
        }
        if (!sig) {
            if (stopping && !killed && now_ms() >= deadline) {
                report_marker("grace period over: SIGKILL");
                kill(-1, SIGKILL);
                killed = true;
            }
            continue;
        }
        if (sig == SIGCHLD) {
            int st;
            pid_t r;
            while ((r = waitpid(-1, &st, WNOHANG)) > 0)
                if (r == pid) {
                    if (relay)
                        stdio_relay_drain(relay, RELAY_DRAIN_MS);
                    if (sfd >= 0)
                        close(sfd);
                    return status_code(st);
                }
            continue;
        }
        if (sig == SIGHUP || stopping)
            continue;
        stopping = true;
        report_marker("stopping: signal %u, grace %us", spec->stop_signal,
                      spec->stop_timeout);
        kill(pid, (int)spec->stop_signal);
        deadline = now_ms() + (uint64_t)spec->stop_timeout * 1000;
    }
}

/* The pipes of a relay that never ran, or NULL. */
static void relay_close(struct stdio_relay *rel)
{
    if (rel) {
        stdio_relay_parent(rel);
        stdio_relay_drain(rel, 0);
    }
}

int run_container(const struct boot_spec *spec, const struct xo_user_ids *ids,
                  const sigset_t *set, int pid_fd, int *code_r, xo_err *err)
{
    /* The spec's env, HOME and the NULL: freed by the exit of PID 1. */
    char **env = xo_xcalloc(spec->nenv + 2, sizeof(*env));
    static char home[300];
    run_env_build(env, spec->env, spec->nenv, NULL, 0, home, sizeof(home), ids,
                  false);

    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return xo_err_sys(err, "pipe");
    /* The signals stay blocked: PID 1 reads them from a signalfd, beside
     * the output pipes.  Without a terminal, stdout and stderr are pipes,
     * as runc's; without a signalfd to wait beside them, the console. */
    int sfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
    struct stdio_relay relay, *rel = spec->terminal || sfd < 0 ? NULL : &relay;
    if (rel && stdio_relay_open(rel, err) < 0) {
        close(pfd[0]);
        close(pfd[1]);
        close(sfd);
        *code_r = 127;
        return -1;
    }
    /* The entrypoint is PID 1 of its own PID namespace, as under runc; the
     * loader stays PID 1 of the domain, reaps and relays stop requests. */
    if (unshare(CLONE_NEWPID) < 0) {
        close(pfd[0]);
        close(pfd[1]);
        relay_close(rel);
        if (sfd >= 0)
            close(sfd);
        *code_r = 127;
        return xo_err_sys(err, "unshare(CLONE_NEWPID)");
    }
    print_exec_marker(spec);
    report_phase(GUEST_PHASE_EXEC);
    /* Without /proc the figures are just not reported. */
    struct meminfo_tick mem = {.fd =
                                   open("/proc/meminfo", O_RDONLY | O_CLOEXEC)};
    pid_t pid = fork();
    if (pid < 0) {
        if (mem.fd >= 0)
            close(mem.fd);
        close(pfd[0]);
        close(pfd[1]);
        relay_close(rel);
        if (sfd >= 0)
            close(sfd);
        *code_r = 127;
        return xo_err_sys(err, "fork");
    }
    if (pid == 0) {
        close(pfd[0]);
        child(spec, ids, env, pfd[1], rel);
    }
    close(pfd[1]);
    if (rel)
        stdio_relay_parent(rel);
    if (pid_fd >= 0) {
        if (xo_write_all(pid_fd, &pid, sizeof(pid)) < 0)
            report_marker("warning: exec server not told the pid: %m");
        close(pid_fd);
    }
    struct child_error ce;
    ssize_t n;
    do
        n = read(pfd[0], &ce, sizeof(ce));
    while (n < 0 && errno == EINTR);
    close(pfd[0]);
    int code = supervise(pid, spec, set, sfd, &mem, rel);
    if (mem.fd >= 0)
        close(mem.fd);
    if (n == (ssize_t)sizeof(ce)) {
        ce.what[sizeof(ce.what) - 1] = '\0';
        *code_r = code;
        errno = ce.errnum;
        return xo_err_sys(err, "exec %s", ce.what);
    }
    *code_r = code;
    return 0;
}

void run_kill_all(unsigned ms)
{
    kill(-1, SIGKILL);
    uint64_t end = now_ms() + ms;
    struct timespec step = {0, 2 * 1000 * 1000};
    while (now_ms() < end) {
        pid_t r = waitpid(-1, NULL, WNOHANG);
        if (r < 0 && errno == ECHILD)
            return;
        if (r == 0)
            nanosleep(&step, NULL);
    }
}
