/* startgate.c: waiting at the start gate (startgate.h). */
#include "loader/xen-tools/startgate.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/abi/start_gate.h"
#include "loader/xen-tools/report.h"

/* The gate's state into *g_r: 1, or 0 when the key does not exist, or -1
 * with err (a value dom0 never writes, or a read that failed). */
static int read_gate(struct xs_handle *xs, enum start_gate *g_r, xo_err *err)
{
    unsigned int len = 0;
    char *v = xs_read(xs, XBT_NULL, START_GATE_KEY, &len);
    if (!v)
        return errno == ENOENT
                   ? 0
                   : xo_err_sys(err, "start gate: xenstore " START_GATE_KEY
                                     " of this domain");
    int r = start_gate_from_string(v, len, g_r);
    free(v);
    if (r < 0)
        return xo_err_set(
            err, EINVAL,
            "start gate: xenstore " START_GATE_KEY
            " of this domain holds %u bytes that are neither \"closed\" nor \"open\"",
            len);
    return 1;
}

/* One signal out of `sfd`: the stop signal's number, or 0 for another
 * (SIGCHLD, SIGHUP) or none. */
static int stop_signal(int sfd)
{
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
        return 0;
    int sig = (int)si.ssi_signo;
    return sig == SIGPWR || sig == SIGTERM || sig == SIGINT ? sig : 0;
}

int startgate_wait(const sigset_t *stop, int *sig_r, xo_err *err)
{
    /* Relative paths are this domain's home. */
    struct xs_handle *xs = xs_open(0);
    int sfd = -1, rc = -1;
    bool watching = false;
    if (!xs)
        return xo_err_sys(err, "start gate: cannot reach xenstore");
    for (;;) {
        enum start_gate g = START_GATE_CLOSED;
        int r = read_gate(xs, &g, err);
        if (r < 0)
            goto out;
        if (r == 0 && watching) {
            xo_err_set(err, ENOENT,
                       "start gate: xenstore " START_GATE_KEY
                       " was removed before it opened");
            goto out;
        }
        if (r == 0 || g == START_GATE_OPEN) {
            rc = 0;
            goto out;
        }
        if (!watching) {
            /* The value is read again after the watch is set, so an
             * "open" written in between is not missed. */
            if (!xs_watch(xs, START_GATE_KEY, "start-gate")) {
                xo_err_sys(err, "start gate: cannot watch " START_GATE_KEY);
                goto out;
            }
            watching = true;
            sfd = signalfd(-1, stop, SFD_CLOEXEC);
            if (sfd < 0) {
                xo_err_sys(err, "start gate: signalfd");
                goto out;
            }
            report_marker("waiting for start");
            continue;
        }
        struct pollfd p[2] = {{.fd = xs_fileno(xs), .events = POLLIN},
                              {.fd = sfd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            xo_err_sys(err, "start gate: poll");
            goto out;
        }
        if (p[1].revents & POLLIN) {
            int sig = stop_signal(sfd);
            if (sig) {
                *sig_r = sig;
                rc = 1;
                goto out;
            }
        }
        if (p[0].revents & POLLIN) {
            unsigned int n = 0;
            free(xs_read_watch(xs, &n)); /* which key does not matter */
        } else if (p[0].revents) {
            xo_err_set(err, EIO,
                       "start gate: xenstore went away while waiting");
            goto out;
        }
    }
out:
    if (watching)
        xs_unwatch(xs, START_GATE_KEY, "start-gate");
    if (sfd >= 0)
        close(sfd);
    xs_close(xs);
    return rc;
}
