/* monitor_deadline.c: oci_deadline in the monitors (see
 * monitor_deadline.h). */
#include "monitor_deadline.h"

#include <stdio.h>

#include "common/log.h"
#include "journal.h"

long long monitor_deadline_due(const struct domain_status *st)
{
    if (st->deadline_s <= 0 || st->started_ms < 0 || st->ended_by[0])
        return -1;
    return st->started_ms + (long long)st->deadline_s * 1000;
}

long long monitor_deadline_kill_at(long long due_ms, long stop_timeout_s,
                                   long margin_s)
{
    if (stop_timeout_s < 0)
        stop_timeout_s = 10; /* domcfg's default, for a status without it */
    return due_ms + ((long long)stop_timeout_s + margin_s) * 1000;
}

int monitor_deadline_timeout(long long now_ms, long long at_ms, int cap_ms)
{
    if (at_ms < 0)
        return cap_ms;
    long long left = at_ms > now_ms ? at_ms - now_ms : 0;
    if (cap_ms >= 0 && left > cap_ms)
        return cap_ms;
    return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

int monitor_deadline_reached(struct xo_xs *xs, const char *root,
                             const char *name, long deadline_s, xo_err *err)
{
    xo_info("%s ran longer than its deadline of %ld s: stopping it", name,
            deadline_s);
    struct event_record ev;
    journal_record_init(&ev, EVENT_DEADLINE, name);
    /* may truncate: the journal keeps at most EVENT_TEXT_MAX */
    snprintf(ev.detail, sizeof(ev.detail), "ran longer than %ld s", deadline_s);
    journal_emit(root, &ev);
    return status_set(xs, name, DOMAIN_STATUS_KEY_ENDED_BY,
                      DOMAIN_ENDED_BY_DEADLINE, err);
}
