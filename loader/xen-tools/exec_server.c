/*
 * exec_server.c: the exec server process and its transport, a
 * libxenvchan server with dom0 as the peer (see exec_server.h and
 * docs/decisions.md "exec channel: vchan").
 */
#include "exec_server.h"

#include <errno.h>
#include <fcntl.h>
#include <libxenvchan.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/abi/exec_channel.h"
#include "exec_server_pool.h"
#include "exec_session.h"
#include "report.h"

/* Failures to offer the channel in a row before the server gives up:
 * without the modules or xenstore it would only fill the console. */
#define OFFER_TRIES 5

/* How a slot's server exits (serve_slot): served, could not offer (counts
 * towards OFFER_TRIES), or its client left before the session began. */
enum { SLOT_SERVED = 0, SLOT_NO_OFFER = 2, SLOT_CLIENT_GONE = 3 };

static int vc_recv(void *ctx, void *buf, size_t n)
{
    struct libxenvchan *vc = ctx;
    if (libxenvchan_is_open(vc) == 0 && !libxenvchan_data_ready(vc))
        return -1;
    if (!libxenvchan_data_ready(vc))
        return 0;
    return libxenvchan_read(vc, buf, n);
}

static size_t vc_space(void *ctx)
{
    int s = libxenvchan_buffer_space(ctx);
    return s > 0 ? (size_t)s : 0;
}

static int vc_send(void *ctx, const void *buf, size_t n)
{
    struct libxenvchan *vc = ctx;
    if (libxenvchan_is_open(vc) != 1)
        return -1;
    return libxenvchan_write(vc, buf, n) == (int)n ? 0 : -1;
}

static int vc_fd(void *ctx)
{
    return libxenvchan_fd_for_select(ctx);
}

static void vc_ack(void *ctx)
{
    libxenvchan_wait(ctx);
}

/* This slot's report to the supervisor (serve_slot): one process serves
 * one session. */
static int slot_report_fd = -1;
static int slot_number = -1;

/* Writes one byte to the supervisor; SIGPIPE held (with the supervisor
 * gone the write fails, and the session must still be served).  Blocked,
 * not ignored: an ignored signal would stay ignored in the process the
 * session execs. */
static void report_byte(unsigned char b)
{
    sigset_t pipe_set, prev;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_set, &prev);
    ssize_t n;
    do
        n = write(slot_report_fd, &b, 1);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    sigprocmask(SIG_SETMASK, &prev, NULL);
}

/* The session runs a pod container: SLOT_POD_BIT | slot. */
#define SLOT_POD_BIT 0x80u
static void vc_pod(void *ctx)
{
    (void)ctx;
    report_byte((unsigned char)(SLOT_POD_BIT | (unsigned)slot_number));
}

/* The vchan's xenstore directory: /local/domain/<our domid>/... */
static int channel_path(struct xs_handle *xs, char *buf, size_t size)
{
    unsigned len = 0;
    char *domid = xs_read(xs, XBT_NULL, "domid", &len);
    if (!domid)
        return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(domid, &end, 10);
    int bad = errno || *end || end == domid || v >= 0x7ff0;
    free(domid);
    if (bad)
        return -1;
    int n = snprintf(buf, size, "/local/domain/%lu/%s", v, EXEC_CHANNEL_XS_DIR);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* Waits until dom0 connects: 0, or -1 when the channel broke. */
static int wait_client(struct libxenvchan *vc)
{
    while (libxenvchan_is_open(vc) == 2) {
        struct pollfd p = {libxenvchan_fd_for_select(vc), POLLIN, 0};
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            return -1;
        if (p.revents & POLLIN)
            libxenvchan_wait(vc);
    }
    return libxenvchan_is_open(vc) == 1 ? 0 : -1;
}

/*
 * The server runs after the switch to the container's root, whose /dev
 * (devfs.c) has no Xen devices, and libxenvchan opens xenbus, gntalloc
 * and evtchn for every session: a devtmpfs on /dev in a mount namespace
 * of the server's own gives them to it without showing them to the
 * container.  The processes it runs join the container's namespace.
 */
static int own_dev(void)
{
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID | MS_NOEXEC, NULL) < 0)
        return -1;
    return 0;
}

/*
 * One slot's server: offers a channel at `path`, tells the supervisor
 * (one byte, the slot) when a client has connected, serves that one
 * session and exits.  A new process per session: libxenvchan's server
 * serves one client, and the keys it writes are removed when it closes.
 */
static _Noreturn void serve_slot(const struct boot_spec *spec,
                                 const struct exec_pod_base *pod, pid_t ctr_pid,
                                 const char *path, int slot, int report_fd)
{
    struct libxenvchan *vc = libxenvchan_server_init(
        NULL, 0, path, EXEC_CHANNEL_RING_TO_GUEST, EXEC_CHANNEL_RING_TO_DOM0);
    if (!vc) {
        report_marker("exec: cannot offer the channel at %s: %m", path);
        _exit(SLOT_NO_OFFER);
    }
    vc->blocking = 0;
    if (wait_client(vc) < 0) {
        libxenvchan_close(vc);
        _exit(SLOT_CLIENT_GONE);
    }
    slot_report_fd = report_fd;
    slot_number = slot;
    report_byte((unsigned char)slot);
    struct exec_link link = {vc,    vc_recv, vc_space, vc_send,
                             vc_fd, vc_ack,  vc_pod};
    exec_session_serve(spec, pod, ctr_pid, &link);
    close(report_fd);
    libxenvchan_close(vc);
    _exit(0);
}

/* Reads the slots' "connected" bytes (the pipe is non-blocking); 0 when
 * any came, so the supervisor knows a client was served. */
static int take_reports(struct exec_server_pool *pool, int fd)
{
    unsigned char buf[EXEC_CHANNEL_SLOTS * 2];
    int any = -1;
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] & SLOT_POD_BIT)
                exec_server_pool_pod(pool, buf[i] & ~SLOT_POD_BIT);
            else if (exec_server_pool_connected(pool, buf[i]) == 0)
                any = 0;
        }
    return any;
}

/* Offers end, and dom0 is told (EXEC_CHANNEL_DISABLED_KEY): its kill must
 * fail saying so, not take the domain for one without exec and power it
 * off. */
static _Noreturn void give_up(struct xs_handle *xs, const char *base)
{
    report_marker("exec: giving up; exec disabled");
    char path[160];
    /* cannot truncate: base is < 128 bytes */
    snprintf(path, sizeof(path), "%s/%s", base, EXEC_CHANNEL_DISABLED_KEY);
    xs_write(xs, XBT_NULL, path, "1", 1);
    _exit(1);
}

/*
 * The supervisor: keeps one channel on offer while fewer than
 * EXEC_CHANNEL_SLOTS sessions run (common/abi/exec_channel.h), each slot
 * served by a process of its own, so a long session (kubectl exec -it)
 * never holds up a probe's exec or a kill.  Gives up after OFFER_TRIES
 * offers in a row end without a client.
 */
static _Noreturn void serve(const struct boot_spec *spec,
                            const struct exec_pod_base *pod, pid_t ctr_pid)
{
    char base[128];
    if (own_dev() < 0) {
        report_marker(
            "exec: cannot mount the server's /dev: %m; exec disabled");
        _exit(1);
    }
    struct xs_handle *xs = xs_open(0);
    if (!xs || channel_path(xs, base, sizeof(base)) < 0) {
        report_marker("exec: no xenstore home: %m; exec disabled");
        _exit(1);
    }
    int rfd[2];
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    int sfd = -1;
    if (pipe2(rfd, O_CLOEXEC | O_NONBLOCK) < 0 ||
        sigprocmask(SIG_BLOCK, &chld, &old) < 0 ||
        (sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
        report_marker("exec: cannot supervise the channel: %m; exec disabled");
        _exit(1);
    }
    struct exec_server_pool pool;
    exec_server_pool_init(&pool);
    int fails = 0;
    for (;;) {
        int slot = exec_server_pool_next(&pool);
        if (slot >= 0) {
            char path[160];
            /* cannot truncate: base is < 128 bytes and slot < 100 */
            snprintf(path, sizeof(path), "%s/%d", base, slot);
            pid_t pid = fork();
            if (pid == 0) {
                close(rfd[0]);
                close(sfd);
                xs_close(xs);
                sigprocmask(SIG_SETMASK, &old, NULL);
                serve_slot(spec, pod, ctr_pid, path, slot, rfd[1]);
            }
            if (pid < 0) {
                report_marker("exec: fork: %m");
                if (++fails == OFFER_TRIES)
                    give_up(xs, base);
                sleep(1);
                continue;
            }
            exec_server_pool_offered(&pool, slot, pid);
        }
        struct pollfd p[2] = {{rfd[0], POLLIN, 0}, {sfd, POLLIN, 0}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            _exit(1);
        if (take_reports(&pool, rfd[0]) == 0)
            fails = 0;
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
            ;
        pid_t pid;
        int st;
        bool unconnected;
        while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
            /* Reports again, after the reap: a child that connected and
             * has already ended wrote its byte before it exited, and its
             * exit must not be taken for a failed offer. */
            if (take_reports(&pool, rfd[0]) == 0)
                fails = 0;
            int gone = exec_server_pool_exited(&pool, pid, &unconnected);
            if (gone < 0)
                continue;
            bool clean = WIFEXITED(st) && (WEXITSTATUS(st) == SLOT_SERVED ||
                                           WEXITSTATUS(st) == SLOT_CLIENT_GONE);
            if (!clean) {
                /* Killed, or no close of its own: its keys may still be
                 * there, naming grants and a port that get reused (its
                 * slot is offered again only after this). */
                char path[160];
                /* cannot truncate: as above */
                snprintf(path, sizeof(path), "%s/%d", base, gone);
                xs_rm(xs, XBT_NULL, path);
            }
            bool gone_client =
                WIFEXITED(st) && WEXITSTATUS(st) == SLOT_CLIENT_GONE;
            if (!unconnected || gone_client)
                continue;
            if (++fails == OFFER_TRIES)
                give_up(xs, base);
            sleep(1);
        }
    }
}

pid_t exec_server_start(const struct boot_spec *spec,
                        const struct exec_pod_base *pod, int *pid_fd_r)
{
    int pfd[2];
    *pid_fd_r = -1;
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        report_marker("exec: pipe: %m; exec disabled");
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        report_marker("exec: fork: %m; exec disabled");
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        close(pfd[1]);
        pid_t ctr = 0;
        ssize_t n;
        do
            n = read(pfd[0], &ctr, sizeof(ctr));
        while (n < 0 && errno == EINTR);
        close(pfd[0]);
        if (n != (ssize_t)sizeof(ctr) || ctr <= 1)
            _exit(0); /* the entrypoint never started */
        serve(spec, pod, ctr);
    }
    close(pfd[0]);
    *pid_fd_r = pfd[1];
    return pid;
}
