/*
 * cmd_status_view.c: DomainStatus as every command shows and acts on it
 * (xl_oci.h).  A NOHYPER container whose process and monitor are gone
 * still has a status that says it runs, with a pid that is no longer its;
 * list, status, inspect and stats show it as down, and the commands that
 * act on a running container refuse it the same way (helper-65: inspect
 * said running, pause and update called runc on it).  A NOHYPER create
 * killed before its monitor ran leaves a status that says "creating"; they
 * show it as broken, as a create that fails with -k leaves it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/json_build.h"
#include "nohyper.h"
#include "state.h"
#include "status.h"
#include "status_json.h"
#include "xen.h"
#include "xl_oci.h"

#define DOWN_ERROR                                                             \
    "its process and its monitor are gone (the host restarted, or the monitor was killed): how it ended is unknown"

#define CREATE_KILLED_ERROR                                                    \
    "its create was killed before it finished: xl-oci destroy removes what it left"

/* See xl_oci.h.  A NOHYPER create holds the global lock from before its
 * status says "creating" until its monitor runs the container, or its
 * undo is done. */
bool cmd_create_killed(struct xo_xs *xs, const char *root,
                       const struct domain_status *st, bool locked)
{
    if (st->state != DOMAIN_STATE_CREATING ||
        (!st->nohyper && xen_host_present()) ||
        state_monitor_alive(root, st->name))
        return false;
    if (locked)
        return !nohyper_alive(root, st->name);
    /* Only tried: while anyone holds the lock, the create may be under
     * way, and the status is shown as it is. */
    xo_err e = XO_ERR_INIT;
    int lock = state_trylock(root, &e);
    if (lock < 0) {
        xo_err_clear(&e);
        return false;
    }
    /* The create may have ended since *st was read: it reads again.  The
     * uuid tells another container of the name (a destroy and a create
     * meanwhile) from this one. */
    struct domain_status now;
    bool killed = status_read(xs, st->name, &now, &e) == 0 &&
                  now.state == DOMAIN_STATE_CREATING &&
                  strcmp(now.uuid, st->uuid) == 0 &&
                  !nohyper_alive(root, st->name);
    xo_err_clear(&e);
    close(lock);
    return killed;
}

bool cmd_status_view(struct xo_xs *xs, const char *root,
                     struct domain_status *st)
{
    if (cmd_create_killed(xs, root, st, false)) {
        st->state = DOMAIN_STATE_BROKEN;
        st->pid = -1;
        if (!st->error[0])
            /* cannot truncate: the message fits DOMAIN_STATUS_ERROR_MAX */
            snprintf(st->error, sizeof(st->error), "%s", CREATE_KILLED_ERROR);
        return false;
    }
    if (!cmd_container_down(root, st->name, true, st))
        return false;
    st->pid = -1;
    if (!st->error[0])
        /* cannot truncate: the message fits DOMAIN_STATUS_ERROR_MAX */
        snprintf(st->error, sizeof(st->error), "%s", DOWN_ERROR);
    return true;
}

json_object *cmd_status_json(struct xo_xs *xs, const char *root,
                             struct domain_status *st)
{
    bool down = cmd_status_view(xs, root, st);
    json_object *o = status_to_json(st);
    if (down)
        xo_jset(o, "state", xo_jstr(CMD_STATE_DOWN));
    return o;
}

int cmd_refuse_down(const char *root, const struct domain_status *st,
                    xo_err *err)
{
    if (!cmd_container_down(root, st->name, true, st))
        return 0;
    return xo_err_set(
        err, ESRCH,
        "%s is down: its process and its monitor are gone (xl-oci autostart or destroy it)",
        st->name);
}
