/*
 * cmd_status_view.c: DomainStatus as every command shows and acts on it
 * (xl_oci.h).  A NOHYPER container whose process and monitor are gone
 * still has a status that says it runs, with a pid that is no longer its;
 * list, status, inspect and stats show it as down, and the commands that
 * act on a running container refuse it the same way (helper-65: inspect
 * said running, pause and update called runc on it).
 */
#include <errno.h>
#include <stdio.h>

#include "common/json_build.h"
#include "status.h"
#include "status_json.h"
#include "xl_oci.h"

#define DOWN_ERROR                                                             \
    "its process and its monitor are gone (the host restarted, or the monitor was killed): how it ended is unknown"

bool cmd_status_view(const char *root, struct domain_status *st)
{
    if (!cmd_container_down(root, st->name, true, st))
        return false;
    st->pid = -1;
    if (!st->error[0])
        /* cannot truncate: the message fits DOMAIN_STATUS_ERROR_MAX */
        snprintf(st->error, sizeof(st->error), "%s", DOWN_ERROR);
    return true;
}

json_object *cmd_status_json(const char *root, struct domain_status *st)
{
    bool down = cmd_status_view(root, st);
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
