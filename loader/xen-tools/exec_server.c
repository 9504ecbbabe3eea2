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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/abi/exec_channel.h"
#include "exec_session.h"
#include "report.h"

/* Failures to offer the channel in a row before the server gives up:
 * without the modules or xenstore it would only fill the console. */
#define OFFER_TRIES 5

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

/* The vchan's xenstore directory: /local/domain/<our domid>/... */
static int channel_path(char *buf, size_t size)
{
    struct xs_handle *xs = xs_open(0);
    if (!xs)
        return -1;
    unsigned len = 0;
    char *domid = xs_read(xs, XBT_NULL, "domid", &len);
    xs_close(xs);
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

static _Noreturn void serve(const struct boot_spec *spec, pid_t ctr_pid)
{
    char path[128];
    if (own_dev() < 0) {
        report_marker(
            "exec: cannot mount the server's /dev: %m; exec disabled");
        _exit(1);
    }
    if (channel_path(path, sizeof(path)) < 0) {
        report_marker("exec: no xenstore home: %m; exec disabled");
        _exit(1);
    }
    int fails = 0;
    for (;;) {
        /* A new server per session: libxenvchan's server serves one
         * client, and the keys it writes are removed when it closes. */
        struct libxenvchan *vc =
            libxenvchan_server_init(NULL, 0, path, EXEC_CHANNEL_RING_TO_GUEST,
                                    EXEC_CHANNEL_RING_TO_DOM0);
        if (!vc) {
            report_marker("exec: cannot offer the channel: %m");
            if (++fails == OFFER_TRIES) {
                report_marker("exec: giving up; exec disabled");
                _exit(1);
            }
            sleep(1);
            continue;
        }
        fails = 0;
        vc->blocking = 0;
        if (wait_client(vc) == 0) {
            struct exec_link link = {vc,      vc_recv, vc_space,
                                     vc_send, vc_fd,   vc_ack};
            exec_session_serve(spec, ctr_pid, &link);
        }
        libxenvchan_close(vc);
    }
}

pid_t exec_server_start(const struct boot_spec *spec, int *pid_fd_r)
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
        serve(spec, ctr);
    }
    close(pfd[0]);
    *pid_fd_r = pfd[1];
    return pid;
}
