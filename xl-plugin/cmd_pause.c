/*
 * cmd_pause.c: `xl-oci pause NAME` and `xl-oci unpause NAME`.  A Xen
 * domain is paused by libxl (its vCPUs stop being scheduled, as `xl
 * pause` does; the Xen monitor also notices a plain `xl pause`), a
 * NOHYPER container by `runc pause` (the cgroup freezer).  DomainStatus
 * says "paused" meanwhile, and the journal gets paused/unpaused.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "journal.h"
#include "monitor_spawn.h"
#include "nohyper.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"
#include "common/xenlight_lib.h"

/* The state a container goes back to when unpaused: running once its
 * entrypoint ran, else still booting (created with create -p). */
static enum domain_state resumed_state(const struct domain_status *st)
{
    return st->started[0] ? DOMAIN_STATE_RUNNING : DOMAIN_STATE_BOOTING;
}

int cmd_set_paused(const char *name, bool pause, xo_err *err)
{
    struct xen_handles h = {0};
    struct domain_status st;
    int lock = -1, rc = -1;
    const char *verb = pause ? "pause" : "unpause";
    /* Under the global lock: a restart or a destroy is wholly before or
     * after, so the state we check is the state we change. */
    if (xen_open_xs(&h, err) < 0)
        return -1;
    monitor_recover(h.xs, cmd_state_root());
    if ((lock = state_lock(cmd_state_root(), err)) < 0 ||
        status_read(h.xs, name, &st, err) < 0 ||
        cmd_refuse_down(cmd_state_root(), &st, err) < 0)
        goto out;
    if (pause && st.state != DOMAIN_STATE_RUNNING &&
        st.state != DOMAIN_STATE_BOOTING) {
        xo_err_set(err, EINVAL, "%s is not running (state %s)", name,
                   domain_state_to_string(st.state));
        goto out;
    }
    if (!pause && st.state != DOMAIN_STATE_PAUSED) {
        xo_err_set(err, EINVAL, "%s is not paused (state %s)", name,
                   domain_state_to_string(st.state));
        goto out;
    }
    if (st.nohyper) {
        const char *args[] = {pause ? "pause" : "resume", name, NULL};
        int r = nohyper_runc(cmd_state_root(), args, -1, err);
        if (r > 0)
            xo_err_set(err, EIO, "runc %s %s failed (exit %d)", args[0], name,
                       r);
        if (r != 0)
            goto out;
    } else {
        /* The state first: the monitor follows changes of Xen's paused
         * flag (a plain xl pause), and finding the state already agreeing
         * it neither writes it nor journals the change a second time. */
        if (xen_open(&h, err) < 0 ||
            status_set_state(h.xs, name,
                             pause ? DOMAIN_STATE_PAUSED : resumed_state(&st),
                             err) < 0)
            goto out;
        int r = pause ? xo_xl.domain_pause(h.ctx, (uint32_t)st.domid, NULL)
                      : xo_xl.domain_unpause(h.ctx, (uint32_t)st.domid, NULL);
        if (r) {
            xo_err_set(err, EIO, "libxl could not %s %s (domid %ld)", verb,
                       name, st.domid);
            xo_err e = XO_ERR_INIT;
            status_set_state(h.xs, name, st.state, &e);
            xo_err_clear(&e);
            goto out;
        }
    }
    if (st.nohyper &&
        status_set_state(h.xs, name,
                         pause ? DOMAIN_STATE_PAUSED : resumed_state(&st),
                         err) < 0)
        goto out;
    journal_note(cmd_state_root(), pause ? EVENT_PAUSED : EVENT_UNPAUSED, name,
                 NULL);
    rc = 0;
out:
    if (lock >= 0)
        close(lock);
    xen_close(&h);
    return rc;
}

/* pause or unpause of each name, as docker's take several; an error
 * for each that fails. */
static int set_paused_each(int argc, char **argv, bool pause)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, pause ? "pause" : "unpause",
                             1)) != -1)
        ;
    int rc = XO_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        xo_err err = XO_ERR_INIT;
        if (cmd_set_paused(argv[i], pause, &err) < 0)
            rc = cmd_fail(&err);
    }
    return rc;
}

int main_pause(int argc, char **argv)
{
    return set_paused_each(argc, argv, true);
}

int main_unpause(int argc, char **argv)
{
    return set_paused_each(argc, argv, false);
}
