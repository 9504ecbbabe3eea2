/*
 * cmd_start.c: `xl-oci start NAME...`: a halted container runs again, as
 * `docker start` starts a stopped one.  It is the same container (state
 * dir, app.cfg as create read it, leases, writable layer, volumes) on a
 * new run: a Xen one's domain is created from its saved libxl config, as
 * the restart policy and autostart create it; a NOHYPER one's root is
 * mounted again and its monitor runs it through runc (cmd_start_again).
 * Its restart count starts from 0 and its restart policy applies again
 * (a stop or a kill had ended it).  A container that runs already is
 * left as it is, as docker start leaves it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xenlight_lib.h"
#include "create.h"
#include "monitor_spawn.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

/* What the last run left in DomainStatus that the new one must not show
 * (cmd_start_again writes the rest anew).  More than autostart clears:
 * a host restart keeps the restart count (as Docker's RestartCount
 * survives its daemon's restart), a start begins a new run. */
static const char *const last_run[] = {
    DOMAIN_STATUS_KEY_PID,          DOMAIN_STATUS_KEY_EXIT_CODE,
    DOMAIN_STATUS_KEY_FINISHED,     DOMAIN_STATUS_KEY_ERROR,
    DOMAIN_STATUS_KEY_ENDED_BY,     DOMAIN_STATUS_KEY_STARTED,
    DOMAIN_STATUS_KEY_STARTED_MS,   DOMAIN_STATUS_KEY_STOP_REQUESTED,
    DOMAIN_STATUS_KEY_RESTARTS,     DOMAIN_STATUS_KEY_LAST_EXIT_CODE,
    DOMAIN_STATUS_KEY_NEXT_RESTART, DOMAIN_STATUS_KEY_RESTART_STREAK,
    DOMAIN_STATUS_KEY_NET,          DOMAIN_STATUS_KEY_OOM_KILLED,
};

/* A halted Xen container whose domain is still there (on_poweroff =
 * "preserve" keeps it; known by its UUID, whatever its name) cannot get a
 * second one; nor can one whose name another domain has taken meanwhile
 * (checked before anything changes: helper-69's start left the container
 * broken for good).  h is open. */
static int check_no_domain(struct xen_handles *h,
                           const struct domain_status *st, xo_err *err)
{
    uint32_t domid;
    if (st->uuid[0] && xen_container_domid(h, st->name, st, &domid) == 0)
        return xo_err_set(
            err, EEXIST,
            "%s: its halted domain (domid %u) is still there (on_poweroff = \"preserve\"?): run 'xl destroy %u' first",
            st->name, domid, domid);
    if (xo_xl.name_to_domid(h->ctx, st->name, &domid) == 0)
        return xo_err_set(
            err, EEXIST,
            "%s: a Xen domain of that name that is not this container's exists (domid %u): rename or destroy it with xl, then start again",
            st->name, domid);
    return 0;
}

/* How long start waits for a halting container to halt, in ms: a stop's
 * default grace (10 s) and its SIGKILL. */
#define START_HALTING_WAIT_MS 15000

/* 1 when `name` was started, 0 when it runs already, 2 when it is
 * halting (nothing done), -1 with err. */
static int start_one(struct xen_handles *h, const char *name, xo_err *err)
{
    const char *root = cmd_state_root();
    struct domain_status st;
    xo_err not_found = XO_ERR_INIT;
    bool have = status_read(h->xs, name, &st, &not_found) == 0;
    bool down = cmd_container_down(root, name, have, &st);
    if (!have && !down) {
        xo_err_set(err, not_found.errnum, "%s", xo_err_msg(&not_found));
        xo_err_clear(&not_found);
        return -1;
    }
    xo_err_clear(&not_found);
    /* Under the global lock: "creating" with nothing behind it is what a
     * killed create left, broken as list shows it (it said "start it once
     * it is halted", which it never will be). */
    if (have && cmd_create_killed(h->xs, root, &st, true))
        return xo_err_set(
            err, EINVAL,
            "%s is broken (its create was killed before it finished): destroy it and create it again",
            name);
    if (have && !down && st.state != DOMAIN_STATE_HALTED) {
        if (st.state == DOMAIN_STATE_RUNNING ||
            st.state == DOMAIN_STATE_BOOTING ||
            st.state == DOMAIN_STATE_PAUSED ||
            st.state == DOMAIN_STATE_RESTARTING) {
            printf("%s is already %s\n", name,
                   domain_state_to_string(st.state));
            return 0;
        }
        if (st.state == DOMAIN_STATE_BROKEN)
            return xo_err_set(
                err, EINVAL,
                "%s is broken (%s): destroy it and create it again", name,
                st.error[0] ? st.error : "no error recorded");
        if (st.state == DOMAIN_STATE_HALTING)
            return 2; /* main_start waits for it to halt */
        return xo_err_set(err, EBUSY, "%s is %s: start it once it is halted",
                          name, domain_state_to_string(st.state));
    }
    bool nohyper = have && st.nohyper;
    if (!nohyper &&
        (xen_open(h, err) < 0 || (have && check_no_domain(h, &st, err) < 0)))
        return -1;
    struct rendered r;
    create_rendered_init(&r);
    int rc = -1;
    if (create_parse_saved_cfg(&r, root, name, err) < 0)
        goto out;
    for (size_t i = 0; have && i < sizeof(last_run) / sizeof(*last_run); i++)
        /* A NOHYPER container's interfaces are its leases', which it
         * keeps, written once by create (no loader reports them again as
         * a domain's does): they stay (helper-80: status and list lost
         * the address after a stop and start). */
        if (!(nohyper && strcmp(last_run[i], DOMAIN_STATUS_KEY_NET) == 0) &&
            status_remove_field(h->xs, name, last_run[i], err) < 0)
            goto out;
    if (cmd_start_again(h, name, nohyper, &r, err) < 0 ||
        state_run_set(root, name, STATE_RUN_RUNNING, err) < 0)
        goto out;
    /* A NOHYPER program that could not be run at all (its monitor waited
     * for runc's start, and set the error): an error, as docker start
     * fails then, and as create says it (helper-65: "Started", exit 0). */
    if (nohyper && status_read(h->xs, name, &st, err) == 0 && st.pid <= 0 &&
        st.error[0]) {
        xo_err_set(err, ENOEXEC, "%s did not start (exit %d): %s", name,
                   st.exit_code, st.error);
        goto out;
    }
    xo_err_clear(err);
    rc = 1;
out:
    create_rendered_dispose(&r);
    return rc;
}

int main_start(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "start", 1)) != -1)
        ;
    cmd_container_umask();
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    if (xen_open_xs(&h, &err) < 0)
        return cmd_fail(&err);
    monitor_recover(h.xs, cmd_state_root());
    /* A Ctrl-C, SIGTERM or hangup is noted, not obeyed: each start
     * finishes (helper-91: one cut short left the container "booting"
     * for ever, with no process, and start said it was already booting). */
    cmd_interrupt_defer();
    int rc = XO_EXIT_OK;
    /* Each name under the global lock, as create and the restart policy
     * change containers; an error for each that fails, as docker start. */
    for (int i = optind; i < argc; i++) {
        int r;
        for (int tries = 0;; tries++) {
            int lock = state_lock(cmd_state_root(), &err);
            r = lock < 0 ? -1 : start_one(&h, argv[i], &err);
            if (lock >= 0)
                close(lock);
            if (r != 2)
                break;
            if (tries > 0) {
                r = -1;
                xo_err_set(&err, EBUSY,
                           "%s is halting: start it once it is halted",
                           argv[i]);
                break;
            }
            /* Halting: its monitor is recording an exit (a few ms), or a
             * stop waits out its grace.  Waited for without the lock (the
             * monitor takes it for the final state), then start acts on
             * how it ended, as after the stop; it refused at once, even
             * beside the monitor's own few ms (helper-103). */
            enum domain_state now;
            xo_err werr = XO_ERR_INIT;
            status_wait_while(h.xs, argv[i],
                              STATUS_STATE_BIT(DOMAIN_STATE_HALTING),
                              START_HALTING_WAIT_MS, &now, &werr);
            xo_err_clear(&werr);
        }
        if (r < 0)
            rc = cmd_fail(&err);
        else if (r == 1)
            printf("Started %s\n", argv[i]);
        xo_err_clear(&err);
    }
    cmd_interrupt_restore();
    xen_close(&h);
    return rc;
}
