/* status_json.c: DomainStatus as JSON (see status_json.h). */
#include "status_json.h"

#include <stdio.h>
#include <string.h>

#include "common/json_build.h"

/* "A B" address list -> JSON array of "A", "B". */
static json_object *addr_array(const char *list)
{
    json_object *a = xo_jarr();
    char buf[GUEST_REPORT_NET_LIST_MAX + 1];
    /* cannot truncate: DomainStatus keeps lists to the same limit */
    snprintf(buf, sizeof(buf), "%s", list);
    char *save = NULL;
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        xo_jpush(a, xo_jstr(t));
    return a;
}

static json_object *networks_json(const struct domain_status *st)
{
    json_object *arr = xo_jarr();
    for (size_t i = 0; i < st->n_net; i++) {
        const struct domain_status_net *n = &st->net[i];
        json_object *o = xo_jobj();
        xo_jset(o, "interface", xo_jint64(n->index));
        xo_jset(o, "mac", xo_jstr(n->mac));
        xo_jset(o, "ipv4", addr_array(n->ipv4));
        xo_jset(o, "ipv6", addr_array(n->ipv6));
        xo_jpush(arr, o);
    }
    return arr;
}

/* A field not set yet (kept as "" in DomainStatus) is null, as the
 * numbers not set are: a reader tests one thing, not two. */
static json_object *opt_str(const char *s)
{
    return s && s[0] ? xo_jstr(s) : NULL;
}

json_object *status_to_json(const struct domain_status *st)
{
    json_object *o = xo_jobj();
    xo_jset(o, "name", xo_jstr(st->name));
    xo_jset(o, "state", xo_jstr(domain_state_to_string(st->state)));
    xo_jset(o, "mode",
            xo_jstr(st->nohyper ? DOMAIN_MODE_NOHYPER : DOMAIN_MODE_XEN));
    xo_jset(o, "domid", st->domid >= 0 ? xo_jint64(st->domid) : NULL);
    xo_jset(o, "pid", st->pid > 0 ? xo_jint64(st->pid) : NULL);
    xo_jset(o, "uuid", opt_str(st->uuid));
    xo_jset(o, "image", opt_str(st->image));
    xo_jset(o, "created", opt_str(st->created));
    xo_jset(o, "started", opt_str(st->started));
    xo_jset(o, "started_ms",
            st->started_ms >= 0 ? xo_jint64(st->started_ms) : NULL);
    xo_jset(o, "finished", opt_str(st->finished));
    xo_jset(o, "exit_code", st->exit_code >= 0 ? xo_jint(st->exit_code) : NULL);
    xo_jset(o, "error", opt_str(st->error));
    xo_jset(o, "oom_killed", xo_jbool(st->oom_killed));
    xo_jset(o, "restarts", xo_jint64(st->restarts));
    xo_jset(o, "restart_policy",
            xo_jstr(st->restart_policy[0] ? st->restart_policy : "no"));
    xo_jset(o, "last_exit_code",
            st->last_exit_code >= 0 ? xo_jint(st->last_exit_code) : NULL);
    xo_jset(o, "next_restart", opt_str(st->next_restart));
    xo_jset(o, "deadline",
            st->deadline_s > 0 ? xo_jint64(st->deadline_s) : NULL);
    xo_jset(o, "ended_by", opt_str(st->ended_by));
    xo_jset(o, "damaged", opt_str(st->damaged));
    xo_jset(o, "stop_timeout",
            st->stop_timeout_s >= 0 ? xo_jint64(st->stop_timeout_s) : NULL);
    xo_jset(o, "restart_streak",
            st->restart_streak >= 0 ? xo_jint64(st->restart_streak) : NULL);
    xo_jset(o, "stop_requested", xo_jbool(st->stop_requested));
    xo_jset(o, "networks", networks_json(st));
    return o;
}
