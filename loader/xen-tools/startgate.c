/* startgate.c: waiting at the start gate (startgate.h). */
#include "loader/xen-tools/startgate.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "common/abi/start_gate.h"
#include "loader/xen-tools/report.h"

/*
 * How often the key is read while the gate is closed: from
 * GATE_FIRST_MS, doubling up to GATE_MAX_MS.  Not a watch: Debian's
 * static libxenstore.a, which the init links, has no reader thread, and
 * its xs_watch() failed with EINVAL in the lab (docs/decisions.md, "A
 * xenstore wrapper with our own names"); a gated guest costs xenstored
 * ten reads a second at most.  The gate is usually open before the guest gets here
 * (the boot takes longer than containerd's part between create and
 * start), so the interval rarely shows.
 */
#define GATE_FIRST_MS 10
#define GATE_MAX_MS 100

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

int startgate_wait(const sigset_t *stop, int *sig_r, xo_err *err)
{
    /* Relative paths are this domain's home. */
    struct xs_handle *xs = xs_open(0);
    int rc = -1;
    bool waiting = false;
    long interval_ms = GATE_FIRST_MS;
    if (!xs)
        return xo_err_sys(err, "start gate: cannot reach xenstore");
    for (;;) {
        enum start_gate g = START_GATE_CLOSED;
        int r = read_gate(xs, &g, err);
        if (r < 0)
            goto out;
        if (r == 0 && waiting) {
            xo_err_set(err, ENOENT,
                       "start gate: xenstore " START_GATE_KEY
                       " was removed before it opened");
            goto out;
        }
        if (r == 0 || g == START_GATE_OPEN) {
            rc = 0;
            goto out;
        }
        if (!waiting) {
            report_marker("waiting for start");
            waiting = true;
        }
        /* The pause between reads, in which a stop request (the signals
         * the caller blocked) ends the wait. */
        struct timespec ts = {.tv_sec = interval_ms / 1000,
                              .tv_nsec = (interval_ms % 1000) * 1000000L};
        siginfo_t si;
        int sig = sigtimedwait(stop, &si, &ts);
        if (sig == SIGPWR || sig == SIGTERM || sig == SIGINT) {
            *sig_r = sig;
            rc = 1;
            goto out;
        }
        /* SIGCHLD or SIGHUP: nothing to do; EAGAIN: time to look. */
        if (interval_ms < GATE_MAX_MS)
            interval_ms =
                interval_ms * 2 > GATE_MAX_MS ? GATE_MAX_MS : interval_ms * 2;
    }
out:
    xs_close(xs);
    return rc;
}
