/*
 * cmd_kill.c: `xl-oci kill [-s SIGNAL] NAME`: a signal to the container's
 * process 1, as `docker kill` sends one (SIGKILL unless -s says).  A
 * domain's goes through the exec channel (the loader signals the
 * entrypoint, as for `xl-oci-runc kill`), a NOHYPER container's through
 * `runc kill`.  SIGKILL and the container's own stop signal end its
 * restart policy first, as docker kill marks such a container to exit
 * (moby's ExitOnNext); any other signal (SIGHUP to reload, SIGUSR1 to
 * reopen logs) leaves the policy alone: a container that exits of it
 * restarts as after any other exit.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/xenlight_lib.h"
#include "domcfg/signals.h"
#include "exec_client.h"
#include "journal.h"
#include "monitor_spawn.h"
#include "nohyper.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

/* A domain's: through its exec channel.  Without one (a loader older
 * than exec), SIGKILL destroys the domain with 137 as its exit code, as
 * xl-oci-runc kill does; any other signal cannot be delivered. */
static int kill_xen(struct xen_handles *h, const struct domain_status *st,
                    int sig, xo_err *err)
{
    xo_err cerr = XO_ERR_INIT;
    if (exec_client_signal(cmd_state_root(), st->name, (uint32_t)st->domid, sig,
                           &cerr) == 0)
        return 0;
    if (cerr.errnum != ETIMEDOUT || sig != SIGKILL) {
        xo_err_set(err, cerr.errnum, "%s", xo_err_msg(&cerr));
        xo_err_clear(&cerr);
        return -1;
    }
    xo_err_clear(&cerr);
    /* Only while it is still this container: the channel's wait let a
     * destroy, even a create of the name, come in between. */
    char code[16];
    /* cannot truncate: a small number */
    snprintf(code, sizeof(code), "%d", 128 + SIGKILL);
    const struct status_change killed[] = {{DOMAIN_STATUS_KEY_EXIT_CODE, code}};
    if (xen_open(h, err) < 0 ||
        status_update(h->xs, st->name, st->uuid, killed, 1, err) < 0)
        return -1;
    if (xo_xl.domain_destroy(h->ctx, (uint32_t)st->domid, NULL))
        return xo_err_set(err, EIO, "libxl could not destroy %s (domid %ld)",
                          st->name, st->domid);
    return 0;
}

/* Whether `sig` ends the container for good: SIGKILL, or its own stop
 * signal (the runtime spec's annotation, which create writes for both
 * kinds of container). */
static int ends_it(const char *name, int sig, bool *ends_r, xo_err *err)
{
    char dir[4096];
    int stop_sig;
    long grace;
    *ends_r = sig == SIGKILL;
    if (*ends_r)
        return 0;
    if (state_domain_dir(dir, sizeof(dir), cmd_state_root(), name, err) < 0 ||
        nohyper_stop_params(dir, &stop_sig, &grace, err) < 0)
        return -1;
    *ends_r = sig == stop_sig;
    return 0;
}

/* "SIGHUP", "SIGRTMIN+3": the name docker events gives a kill's signal. */
static void signal_name(char *buf, size_t size, int sig)
{
    const char *abbrev = sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;
    if (abbrev) /* cannot truncate: "SIG" and at most 6 letters */
        snprintf(buf, size, "SIG%s", abbrev);
    else /* cannot truncate: "SIGRTMIN+" and two digits */
        snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
}

/* How long SIGKILL waits for the end to be recorded, in ms (docker kill
 * waits 10 s for the exit, then returns). */
#define KILL_END_WAIT_MS 10000

static int do_kill(const char *name, int sig, xo_err *err)
{
    struct xen_handles h = {0};
    struct domain_status st;
    bool ends;
    int rc = -1;
    if (xen_open_xs(&h, err) < 0)
        return -1;
    monitor_recover(h.xs, cmd_state_root());
    if (status_read(h.xs, name, &st, err) < 0)
        goto out;
    bool down = cmd_container_down(cmd_state_root(), name, true, &st);
    /* Halting: a stop waits out its grace, and a kill is the way out, as
     * docker kill is during a slow docker stop (helper-85: refused). */
    if (down ||
        (st.state != DOMAIN_STATE_RUNNING && st.state != DOMAIN_STATE_PAUSED &&
         st.state != DOMAIN_STATE_HALTING)) {
        xo_err_set(err, EINVAL, "%s is not running (state %s)", name,
                   down ? CMD_STATE_DOWN : domain_state_to_string(st.state));
        goto out;
    }
    /* A paused domain runs nothing that could take the signal; SIGKILL
     * resumes it first, as docker kill unpauses a container it kills. */
    if (st.state == DOMAIN_STATE_PAUSED) {
        if (sig != SIGKILL) {
            xo_err_set(err, EINVAL,
                       "%s is paused and takes no signal: unpause it first",
                       name);
            goto out;
        }
        if (cmd_set_paused(name, false, err) < 0)
            goto out;
    }
    if (ends_it(name, sig, &ends, err) < 0)
        goto out;
    /* Ended by the user: no restart, and autostart leaves it (state.h). */
    if (ends &&
        (cmd_end_policy(&h, name, err) < 0 ||
         state_run_set(cmd_state_root(), name, STATE_RUN_STOPPED, err) < 0))
        goto out;
    if ((st.nohyper ? nohyper_kill(cmd_state_root(), name, sig, err)
                    : kill_xen(&h, &st, sig, err)) < 0) {
        /* It ended since its status was read (a stop beside this kill, or
         * its own exit): said as for one ended before, not as runc's
         * failure (helper-103). */
        if (st.nohyper && !nohyper_alive(cmd_state_root(), name)) {
            xo_err_clear(err);
            xo_err_set(err, EINVAL, "%s is not running (it ended meanwhile)",
                       name);
        }
        goto out;
    }
    struct event_record ev;
    journal_record_init(&ev, EVENT_KILLED, name);
    signal_name(ev.detail, sizeof(ev.detail), sig);
    journal_emit(cmd_state_root(), &ev);
    /* SIGKILL returns once the end is recorded, as docker kill waits for
     * the container to exit: `kill; start` found it halting (helper-85).
     * Bounded: the signal went, which is what kill promises. */
    /* Its monitor killed, nothing records the end: finished here, as
     * stop finishes it (it said running, with the dead process's pid, for
     * good: helper-103). */
    if (sig == SIGKILL && st.nohyper &&
        !state_monitor_alive(cmd_state_root(), name)) {
        xo_err werr = XO_ERR_INIT;
        cmd_nohyper_wait_end(
            &h, name, KILL_END_WAIT_MS,
            "killed while its monitor was gone: its exit code was not recorded",
            &werr);
        xo_err_clear(&werr);
    } else if (sig == SIGKILL) {
        enum domain_state now;
        xo_err werr = XO_ERR_INIT;
        status_wait_while(h.xs, name,
                          STATUS_STATE_BIT(DOMAIN_STATE_RUNNING) |
                              STATUS_STATE_BIT(DOMAIN_STATE_PAUSED) |
                              STATUS_STATE_BIT(DOMAIN_STATE_HALTING),
                          KILL_END_WAIT_MS, &now, &werr);
        xo_err_clear(&werr);
    }
    rc = 0;
out:
    xen_close(&h);
    return rc;
}

int main_kill(int argc, char **argv)
{
    static const struct option longopts[] = {{"signal", 1, NULL, 's'},
                                             {NULL, 0, NULL, 0}};
    int sig = SIGKILL, opt;
    while ((opt = cmd_getopt(argc, argv, "s:", longopts, "kill", 1)) != -1) {
        if (opt == 's' && (sig = signal_from_string(optarg)) < 0) {
            fprintf(
                stderr,
                "xl-oci kill: -s: \"%s\" is no signal (HUP, SIGHUP, RTMIN+3 or 1-64)\n",
                optarg);
            return XO_EXIT_USAGE;
        }
    }
    /* Each name, as docker kill does, an error for each that fails. */
    int rc = XO_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        xo_err err = XO_ERR_INIT;
        if (do_kill(argv[i], sig, &err) < 0)
            rc = cmd_fail(&err);
    }
    return rc;
}
