/*
 * exec_session.c: one session of the exec channel (see exec_session.h).
 * Everything dom0 sends is checked by common/abi/exec_channel.c before it
 * is used; a refused message ends the session with an ERROR and a console
 * marker.  The process runs as the entrypoint does (run.c's env, user,
 * privileges and PATH rules), inside the container's PID and mount
 * namespaces.
 */
#include "exec_session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/exec_channel.h"
#include "common/alloc.h"
#include "common/user.h"
#include "pod_container.h"
#include "report.h"
#include "run.h"

/* How long a pipe may stay silent after the process exited before the
 * session ends anyway: a background child may hold it open forever. */
#define DRAIN_MS 200

struct session {
    const struct boot_spec *spec;
    const struct exec_pod_base *base;
    pid_t ctr;
    struct exec_link *link;
    uint32_t flags; /* EXEC_FLAG_*: the REQUEST's or the CONTAINER's */
    pid_t pid;
    int in_fd;  /* the process's stdin (pipe or pty master), -1 closed */
    int out_fd; /* stdout, or the pty master */
    int err_fd; /* stderr, -1 with a pty */
    int pty;    /* the pty master, -1 without */
    int status;
    bool exited;
    size_t pend_len, pend_off; /* stdin bytes not yet taken by the process */
};

/* Statics: the reader and request are 64 KiB each; the server is one
 * process serving one session at a time. */
static struct exec_reader reader;
static struct exec_request request;
static uint8_t frame[EXEC_FRAME_MAX];
static uint8_t pending[EXEC_PAYLOAD_MAX];

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Sends a frame the encoder made; a failed encode is our bug, logged. */
static int send_frame(struct session *s, long n, const char *why)
{
    if (n < 0) {
        report_marker("exec: cannot encode a reply: %s", why);
        return -1;
    }
    /* Replies are small; wait for the ring to take them whole. */
    uint64_t end = now_ms() + 5000;
    while (s->link->space(s->link->ctx) < (size_t)n) {
        if (now_ms() > end)
            return -1;
        struct pollfd p = {s->link->fd(s->link->ctx), POLLIN, 0};
        if (poll(&p, 1, 100) > 0)
            s->link->ack(s->link->ctx);
    }
    return s->link->send(s->link->ctx, frame, (size_t)n);
}

static void send_error(struct session *s, int errnum, const char *text)
{
    const char *why = "";
    send_frame(s, exec_error_encode(frame, sizeof(frame), errnum, text, &why),
               why);
}

/* The process, after fork: into the container, then as the entrypoint. */
static _Noreturn void child(struct session *s, int mntfd, int rootfd, int errfd,
                            bool tty, int fds[3])
{
    const struct exec_request *req = &request;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setns(mntfd, CLONE_NEWNS) < 0)
        exec_child_fail(errfd, errno, "setns(mount namespace)");
    /* The container's own root, which need not be its namespace's root
     * (setns puts us there): a pod container's is a pivot from a chroot
     * (pod_container.h). */
    if (fchdir(rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
        exec_child_fail(errfd, errno, "chroot to the container's root");
    setsid();
    if (tty) {
        /* The peer of the master, by the master (no path: the slave's
         * name is the container's devpts', resolved in its namespace). */
        int t = ioctl(s->pty, TIOCGPTPEER, O_RDWR | O_NOCTTY);
        if (t < 0 || ioctl(t, TIOCSCTTY, 0) < 0)
            exec_child_fail(errfd, errno, "the pty");
        fds[0] = fds[1] = fds[2] = t;
    }
    for (int i = 0; i < 3; i++)
        if (dup2(fds[i], i) < 0)
            exec_child_fail(errfd, errno, "dup2");
    /* Nothing of the server's reaches the process (errfd closes at exec,
     * which is how the server learns it succeeded). */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    xo_err err = XO_ERR_INIT;
    struct xo_user_ids ids;
    const char *user = req->user[0] ? req->user : s->spec->user;
    if (xo_user_resolve(&ids, user, "/etc", &err) < 0)
        exec_child_fail(errfd, err.errnum ? err.errnum : EINVAL,
                        xo_err_msg(&err));
    if (!req->user[0])
        run_spec_groups(s->spec, &ids);
    /* The terminal is the process's user's, as runc gives a console. */
    if (tty && fchown(0, ids.uid, (gid_t)-1) < 0)
        exec_child_fail(errfd, errno, "chown the pty");
    char **env = xo_xcalloc(s->spec->nenv + req->nenv + 3, sizeof(*env));
    static char home[300];
    run_env_build(env, s->spec->env, s->spec->nenv, req->env, req->nenv, home,
                  sizeof(home), &ids, tty);
    const char *what = "";
    if (run_become(s->spec, &ids, req->cwd[0] ? req->cwd : s->spec->cwd,
                   &what) < 0)
        exec_child_fail(errfd, errno, what);
    run_exec_path(req->args[0], (char *const *)req->args, env);
    exec_child_exec_failed(errfd, errno, req->args[0]);
}

/*
 * Opens a pty master in the container's own devpts instance (its
 * /dev/pts/ptmx, reached through its process 1's root), so that the
 * process's /dev/pts/N exists where it runs; the window is rows x cols.
 */
static int open_pty(pid_t ctr, uint16_t rows, uint16_t cols)
{
    char path[64];
    /* cannot truncate: a pid in 64 bytes */
    snprintf(path, sizeof(path), "/proc/%d/root/dev/pts/ptmx", (int)ctr);
    int m = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0)
        return -1;
    int unlock = 0;
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCSWINSZ, &ws) < 0) {
        close(m);
        return -1;
    }
    return m;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* A pod container's session (CONTAINER): its decoded spec, NULL for a
 * REQUEST's. */
struct pod_start {
    struct exec_container msg;
    struct boot_spec spec;
    char name[32];
};

/* Receives one fd sent with SCM_RIGHTS on `sock`; -1 when none came (the
 * child failed first and closed its end). */
static int recv_fd(int sock)
{
    char byte;
    struct iovec iov = {&byte, 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    struct msghdr m = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
    ssize_t n;
    do
        n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&m) : NULL;
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

/*
 * Where the process is born: the container's PID namespace for a REQUEST
 * (*mntns_r: its mount namespace, *root_r its process 1's root, both
 * joined by the child), a new one for a pod container.  0, or -1 after an
 * ERROR went to dom0.
 */
static int enter_pid_namespace(struct session *s, const struct pod_start *pod,
                               int *mntns_r, int *root_r)
{
    if (pod) {
        if (unshare(CLONE_NEWPID) < 0) {
            send_error(s, errno, "unshare(PID namespace)");
            return -1;
        }
        return 0;
    }
    char path[64];
    /* cannot truncate: a pid in 64 bytes */
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)s->ctr);
    int pidns = open(path, O_RDONLY | O_CLOEXEC);
    /* cannot truncate: a pid in 64 bytes */
    snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)s->ctr);
    *mntns_r = open(path, O_RDONLY | O_CLOEXEC);
    /* cannot truncate: a pid in 64 bytes */
    snprintf(path, sizeof(path), "/proc/%d/root", (int)s->ctr);
    *root_r = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    if (pidns < 0 || *mntns_r < 0 || *root_r < 0) {
        send_error(s, ESRCH, "the container's process 1 is gone");
        rc = -1;
    } else if (setns(pidns, CLONE_NEWPID) < 0) {
        /* Children from now on are born in the container's PID
         * namespace. */
        send_error(s, errno, "setns(PID namespace)");
        rc = -1;
    }
    if (pidns >= 0)
        close(pidns);
    return rc;
}

/* Starts the process, a REQUEST's or (pod) a pod container's; 0, or -1
 * after an ERROR went to dom0. */
static int spawn(struct session *s, const struct pod_start *pod)
{
    const struct exec_request *req = &request;
    uint32_t flags = pod ? pod->msg.flags : req->flags;
    uint16_t rows = pod ? pod->msg.rows : req->rows;
    uint16_t cols = pod ? pod->msg.cols : req->cols;
    int mntns = -1, root = -1, ep[2] = {-1, -1}, ptys[2] = {-1, -1};
    int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1};
    int rc = -1;
    s->flags = flags;
    if (enter_pid_namespace(s, pod, &mntns, &root) < 0)
        goto out;
    int fds[3] = {-1, -1, -1};
    bool tty = flags & EXEC_FLAG_TTY;
    if (tty && pod) {
        /* The pty is made in the container's devpts, once it has one. */
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ptys) < 0) {
            send_error(s, errno, "socketpair");
            goto out;
        }
    } else if (tty) {
        s->pty = open_pty(s->ctr, rows, cols);
        if (s->pty < 0) {
            send_error(s, errno, "cannot open a pty");
            goto out;
        }
    } else {
        int null = -1;
        if (!(flags & EXEC_FLAG_STDIN))
            null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if ((null < 0 && pipe2(in, O_CLOEXEC) < 0) ||
            pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0) {
            if (null >= 0)
                close(null);
            send_error(s, errno, "pipe");
            goto out;
        }
        if (null >= 0)
            in[0] = null;
        fds[0] = in[0];
        fds[1] = out[1];
        fds[2] = er[1];
    }
    if (pipe2(ep, O_CLOEXEC) < 0) {
        send_error(s, errno, "pipe");
        goto out;
    }
    s->pid = fork();
    if (s->pid < 0) {
        send_error(s, errno, "fork");
        goto out;
    }
    if (s->pid == 0 && pod)
        pod_container_child(s->base, &pod->spec, pod->name, ep[1], fds, ptys[1],
                            rows, cols);
    if (s->pid == 0)
        child(s, mntns, root, ep[1], tty, fds);
    close_fd(&ep[1]);
    close_fd(&ptys[1]);
    if (ptys[0] >= 0)
        s->pty = recv_fd(ptys[0]);
    struct exec_child_error ce;
    ssize_t n;
    do
        n = read(ep[0], &ce, sizeof(ce));
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)sizeof(ce) || (tty && s->pty < 0)) {
        if (n != (ssize_t)sizeof(ce))
            ce = (struct exec_child_error){EIO, false, "no pty came"};
        ce.what[sizeof(ce.what) - 1] = '\0';
        char msg[EXEC_ERROR_MAX];
        /* may truncate: a message, cut to the channel's limit */
        snprintf(msg, sizeof(msg), "%s: %s: %s", pod ? "container" : "exec",
                 ce.what, strerror(ce.errnum));
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = -1;
        send_error(s, ce.errnum | (ce.at_exec ? 0 : (int)EXEC_ERROR_SETUP),
                   msg);
        goto out;
    }
    if (tty) {
        s->in_fd = s->out_fd = s->pty;
    } else {
        s->in_fd = (flags & EXEC_FLAG_STDIN) ? in[1] : -1;
        in[1] = -1;
        s->out_fd = out[0];
        s->err_fd = er[0];
        out[0] = er[0] = -1;
    }
    if (s->in_fd >= 0)
        fcntl(s->in_fd, F_SETFL, O_NONBLOCK);
    const char *why = "";
    send_frame(s, exec_started_encode(frame, sizeof(frame), &why), why);
    rc = 0;
out:
    close_fd(&mntns);
    close_fd(&root);
    close_fd(&ep[0]);
    close_fd(&ep[1]);
    close_fd(&ptys[0]);
    close_fd(&ptys[1]);
    for (int i = 0; i < 2; i++) {
        close_fd(&in[i]);
        close_fd(&out[i]);
        close_fd(&er[i]);
    }
    if (rc < 0)
        close_fd(&s->pty);
    return rc;
}

/* Takes bytes from dom0 into the reader; -1 when dom0 has gone. */
static int pull(struct session *s)
{
    uint8_t buf[4096];
    for (;;) {
        size_t room = exec_reader_room(&reader);
        if (!room)
            return 0;
        int n = s->link->recv(s->link->ctx, buf,
                              room < sizeof(buf) ? room : sizeof(buf));
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        exec_reader_feed(&reader, buf, (size_t)n);
    }
}

/* Writes pending stdin to the process as far as it takes it. */
static void push_stdin(struct session *s)
{
    while (s->pend_off < s->pend_len && s->in_fd >= 0) {
        ssize_t n =
            write(s->in_fd, pending + s->pend_off, s->pend_len - s->pend_off);
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            /* The process closed its stdin: what dom0 sends is dropped. */
            if (s->in_fd == s->pty)
                s->in_fd = -1;
            else
                close_fd(&s->in_fd);
            break;
        }
        s->pend_off += (size_t)n;
    }
    s->pend_len = s->pend_off = 0;
}

/* One frame from dom0 in a running session: 0, or -1 to end it. */
static int handle(struct session *s, const struct exec_frame *f)
{
    const char *why = "";
    switch (f->type) {
    case EXEC_MSG_STDIN:
        if (!(s->flags & EXEC_FLAG_STDIN))
            return 0; /* -i was not asked for: ignored, like a closed tty */
        if (f->len == 0) {
            if (s->pty >= 0) {
                /* end of input on a terminal is its EOF character */
                pending[0] = 4;
                s->pend_len = 1;
            } else if (s->in_fd != s->pty) {
                close_fd(&s->in_fd);
            }
        } else {
            memcpy(pending, f->payload, f->len);
            s->pend_len = f->len;
        }
        s->pend_off = 0;
        push_stdin(s);
        return 0;
    case EXEC_MSG_RESIZE: {
        uint16_t rows, cols;
        if (exec_resize_decode(f->payload, f->len, &rows, &cols, &why) < 0)
            break;
        struct winsize ws = {.ws_row = rows, .ws_col = cols};
        if (s->pty >= 0)
            ioctl(s->pty, TIOCSWINSZ, &ws);
        return 0;
    }
    case EXEC_MSG_SIGNAL: {
        int sig;
        enum exec_signal_target t;
        if (exec_signal_decode(f->payload, f->len, &sig, &t, &why) < 0)
            break;
        if (!s->exited)
            kill(t == EXEC_SIGNAL_CONTAINER ? s->ctr : s->pid, sig);
        return 0;
    }
    default:
        why = "message not valid inside a session";
        break;
    }
    report_marker("exec: refused from dom0: %s", why);
    send_error(s, EINVAL, why);
    return -1;
}

/* Sends up to one chunk of *fd's output; closes *fd at its end. */
static int relay_output(struct session *s, int *fd, enum exec_msg_type type)
{
    size_t space = s->link->space(s->link->ctx);
    if (space <= EXEC_HDR_LEN)
        return 0;
    size_t max = space - EXEC_HDR_LEN;
    if (max > EXEC_DATA_CHUNK)
        max = EXEC_DATA_CHUNK;
    static uint8_t buf[EXEC_DATA_CHUNK];
    ssize_t n = read(*fd, buf, max);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (n <= 0) {
        /* EOF, or EIO from a pty whose last slave closed. */
        if (*fd == s->pty) {
            s->pty = -1;
            s->in_fd = -1;
        }
        close_fd(fd);
        return 0;
    }
    const char *why = "";
    long len =
        exec_data_encode(frame, sizeof(frame), type, buf, (size_t)n, &why);
    return len < 0 ? -1 : s->link->send(s->link->ctx, frame, (size_t)len);
}

static void reap(struct session *s, bool block)
{
    int st;
    if (s->pid > 0 && waitpid(s->pid, &st, block ? 0 : WNOHANG) == s->pid) {
        s->exited = true;
        s->status = WIFEXITED(st)     ? WEXITSTATUS(st)
                    : WIFSIGNALED(st) ? 128 + WTERMSIG(st)
                                      : 255;
    }
}

/* Kills what is left of the process (its session) and reaps it. */
static void end_process(struct session *s)
{
    if (s->pid > 0 && !s->exited) {
        kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
        reap(s, true);
    }
}

/* Moves bytes both ways until the process exited and its output ended. */
static void relay(struct session *s)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    /* Once the process exited, its output is drained until both pipes end
     * or nothing came for DRAIN_MS. */
    uint64_t drain_end = 0;
    reap(s, false);
    for (;;) {
        if (s->exited && !drain_end)
            drain_end = now_ms() + DRAIN_MS;
        if (s->exited && (s->out_fd < 0 && s->err_fd < 0))
            break;
        if (drain_end && now_ms() >= drain_end)
            break;
        bool room = s->link->space(s->link->ctx) > EXEC_HDR_LEN;
        struct pollfd p[4] = {
            {s->link->fd(s->link->ctx), POLLIN, 0},
            {room ? s->out_fd : -1, POLLIN, 0},
            {room ? s->err_fd : -1, POLLIN, 0},
            {sfd, POLLIN, 0},
        };
        /* The timeout only bounds a missed wake-up; events drive it. */
        if (poll(p, 4, drain_end ? DRAIN_MS : 1000) < 0 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN)
            s->link->ack(s->link->ctx);
        if (p[3].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof(si)) > 0) {
            }
            reap(s, false);
        }
        if ((p[1].revents || p[2].revents) && drain_end)
            drain_end = now_ms() + DRAIN_MS;
        if (p[1].revents && relay_output(s, &s->out_fd, EXEC_MSG_STDOUT) < 0)
            break;
        if (p[2].revents && relay_output(s, &s->err_fd, EXEC_MSG_STDERR) < 0)
            break;
        /* dom0's messages wait while the process has not taken the last
         * stdin: that is the back pressure on a flood. */
        if (s->pend_len) {
            push_stdin(s);
            continue;
        }
        if (pull(s) < 0) {
            report_marker("exec: dom0 left the session");
            break;
        }
        struct exec_frame f;
        const char *why = "";
        int r = 0;
        while (!s->pend_len && (r = exec_reader_next(&reader, &f, &why)) == 1)
            if (handle(s, &f) < 0)
                goto out;
        if (r < 0) {
            report_marker("exec: refused from dom0: %s", why);
            send_error(s, EINVAL, why);
            goto out;
        }
    }
    if (s->exited) {
        const char *why = "";
        send_frame(s, exec_exit_encode(frame, sizeof(frame), s->status, &why),
                   why);
    }
out:
    end_process(s);
    if (sfd >= 0)
        close(sfd);
}

/* Waits for the first frame: 1, 0 on timeout or dom0 leaving, -1 refused
 * (*why set). */
static int first_frame(struct session *s, struct exec_frame *f,
                       const char **why)
{
    uint64_t end = now_ms() + EXEC_SESSION_FIRST_MS;
    for (;;) {
        if (pull(s) < 0)
            return 0;
        int r = exec_reader_next(&reader, f, why);
        if (r != 0)
            return r;
        uint64_t now = now_ms();
        if (now >= end)
            return 0;
        struct pollfd p = {s->link->fd(s->link->ctx), POLLIN, 0};
        if (poll(&p, 1, (int)(end - now)) > 0)
            s->link->ack(s->link->ctx);
    }
}

/* The CONTAINER message's spec, read and checked; 0, or -1 after an
 * ERROR went to dom0.  Static: the spec's blob is up to 64 KiB. */
static int pod_start_read(struct session *s, const struct exec_frame *f,
                          struct pod_start *pod)
{
    const char *why = "";
    if (exec_container_decode(&pod->msg, f->payload, f->len, &why) < 0) {
        report_marker("exec: refused from dom0: %s", why);
        send_error(s, EINVAL, why);
        return -1;
    }
    if (!s->base || s->base->root_fd < 0) {
        send_error(s, ENOTSUP, "this domain runs no pod containers");
        return -1;
    }
    xo_err err = XO_ERR_INIT;
    char msg[EXEC_ERROR_MAX];
    if (boot_spec_parse(&pod->spec, pod->msg.spec, pod->msg.spec_len, &err) <
        0) {
        /* may truncate: a message, cut to the channel's limit */
        snprintf(msg, sizeof(msg), "container: boot spec: %s",
                 xo_err_msg(&err));
        xo_err_clear(&err);
        report_marker("exec: %s", msg);
        send_error(s, EINVAL, msg);
        return -1;
    }
    if (pod_container_check(s->spec, &pod->spec, &why) < 0) {
        report_marker("exec: refused from dom0: %s", why);
        send_error(s, EINVAL, why);
        return -1;
    }
    /* cannot truncate: a pid in 32 bytes */
    snprintf(pod->name, sizeof(pod->name), "%d", (int)getpid());
    report_marker("exec: pod container %s: %s", pod->name, pod->spec.args[0]);
    return 0;
}

void exec_session_serve(const struct boot_spec *spec,
                        const struct exec_pod_base *base, pid_t ctr_pid,
                        struct exec_link *link)
{
    struct session s = {.spec = spec,
                        .base = base,
                        .ctr = ctr_pid,
                        .link = link,
                        .pid = -1,
                        .in_fd = -1,
                        .out_fd = -1,
                        .err_fd = -1,
                        .pty = -1};
    exec_reader_init(&reader, EXEC_SIDE_GUEST);
    struct exec_frame f;
    const char *why = "";
    int r = first_frame(&s, &f, &why);
    if (r == 0) {
        report_marker("exec: no request from dom0; session closed");
        return;
    }
    if (r < 0)
        goto refused;
    if (f.type == EXEC_MSG_SIGNAL) {
        int sig;
        enum exec_signal_target t;
        if (exec_signal_decode(f.payload, f.len, &sig, &t, &why) < 0)
            goto refused;
        if (t != EXEC_SIGNAL_CONTAINER) {
            why = "a signal to a process before any request";
            goto refused;
        }
        /* The answer goes before the signal: a process 1 that exits on
         * it ends the domain, and the loader's kill of what is left
         * would take this session before dom0 heard the signal went
         * (seen in the lab: "no answer to signal 12" although the
         * entrypoint caught it). */
        if (kill(ctr_pid, 0) < 0) {
            send_error(&s, errno, "kill the container's process 1");
            return;
        }
        report_marker("exec: signal %d to the container", sig);
        send_frame(&s, exec_ok_encode(frame, sizeof(frame), &why), why);
        (void)kill(ctr_pid, sig);
        return;
    }
    static struct pod_start pod;
    bool is_pod = f.type == EXEC_MSG_CONTAINER;
    if (is_pod) {
        if (pod_start_read(&s, &f, &pod) < 0)
            return;
    } else if (f.type != EXEC_MSG_REQUEST) {
        why = "a session must begin with a request, a container or a signal";
        goto refused;
    } else if (exec_request_decode(&request, f.payload, f.len, &why) < 0) {
        goto refused;
    }
    /* Into a pod container: its namespaces, user, env and privileges in
     * place of the domain's container's. */
    static struct boot_spec target;
    bool have_target = false;
    if (!is_pod && request.target[0]) {
        xo_err err = XO_ERR_INIT;
        if (pod_container_find(base, request.target, &target, &s.ctr, &err) <
            0) {
            char msg[EXEC_ERROR_MAX];
            /* may truncate: a message, cut to the channel's limit */
            snprintf(msg, sizeof(msg), "exec: %s", xo_err_msg(&err));
            report_marker("%s", msg);
            send_error(&s, err.errnum ? err.errnum : EINVAL, msg);
            xo_err_clear(&err);
            return;
        }
        have_target = true;
        s.spec = &target;
    }
    if (is_pod && link->pod)
        link->pod(link->ctx);
    int spawned = spawn(&s, is_pod ? &pod : NULL);
    if (spawned == 0 && is_pod) {
        /* Found by exec from now on (pod_registry.c). */
        xo_err err = XO_ERR_INIT;
        if (pod_container_register(base, &pod.spec, pod.msg.spec,
                                   pod.msg.spec_len, s.pid, &err) < 0)
            report_marker("exec: pod container %s: %s (no exec into it)",
                          pod.name, xo_err_msg(&err));
        xo_err_clear(&err);
    }
    if (spawned == 0)
        relay(&s);
    if (have_target)
        boot_spec_free(&target);
    if (is_pod) {
        pod_container_unregister(base, &pod.spec);
        pod_container_cleanup(base, pod.name);
    }
    if (spawned < 0)
        return;
    if (s.pty >= 0) {
        /* in_fd and out_fd are the master too */
        s.in_fd = s.out_fd = -1;
        close_fd(&s.pty);
    }
    close_fd(&s.in_fd);
    close_fd(&s.out_fd);
    close_fd(&s.err_fd);
    return;
refused:
    report_marker("exec: refused from dom0: %s", why);
    send_error(&s, EINVAL, why);
}
