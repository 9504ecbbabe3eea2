/* monitor_restart.c: the restart policy in the monitors (see
 * monitor_restart.h). */
#include "monitor_restart.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/abi/restart_policy.h"
#include "common/pathfmt.h"
#include "common/log.h"
#include "journal.h"
#include "state.h"
#include "status.h"

/* A DomainStatus number, or `none` when absent or not one. */
static long long read_number(struct xo_xs *xs, const char *name,
                             const char *key, long long none)
{
    char path[256];
    unsigned n = 0;
    if (xo_path_fmt(path, sizeof(path), NULL, DOMAIN_STATUS_BASE "/%s/%s", name,
                    key) < 0)
        return none; /* cannot happen: status_read checked the name */
    char *v = xo_xs_read(xs, path, &n);
    if (!v)
        return none;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    bool ok = n > 0 && !errno && *end == '\0' && x >= 0;
    free(v);
    return ok ? x : none;
}

static int read_text(struct xo_xs *xs, const char *name, const char *key,
                     char *buf, size_t len)
{
    char path[256];
    unsigned n = 0;
    buf[0] = '\0';
    if (xo_path_fmt(path, sizeof(path), NULL, DOMAIN_STATUS_BASE "/%s/%s", name,
                    key) < 0)
        return -1; /* cannot happen: status_read checked the name */
    char *v = xo_xs_read(xs, path, &n);
    if (!v)
        return -1;
    int rc = n < len && strlen(v) == n ? 0 : -1;
    if (rc == 0)
        memcpy(buf, v, (size_t)n + 1);
    free(v);
    return rc;
}

bool monitor_restart_stop_requested(struct xo_xs *xs, const char *name)
{
    return read_number(xs, name, DOMAIN_STATUS_KEY_STOP_REQUESTED, 0) == 1;
}

int monitor_restart_plan(struct xo_xs *xs, const char *root, const char *name,
                         int code, long long ran_ms, long long *due_ms_r,
                         xo_err *err)
{
    char text[RESTART_POLICY_TEXT_MAX + 1], when[32];
    struct restart_policy p = {.mode = RESTART_NO};
    if (read_text(xs, name, DOMAIN_STATUS_KEY_RESTART_POLICY, text,
                  sizeof(text)) == 0 &&
        restart_policy_parse(text, &p) < 0)
        p.mode = RESTART_NO; /* only create writes it, from a checked cfg */
    long restarts = (long)read_number(xs, name, DOMAIN_STATUS_KEY_RESTARTS, 0);
    if (code >= 0 && status_setf(xs, name, DOMAIN_STATUS_KEY_LAST_EXIT_CODE,
                                 err, "%d", code) < 0)
        return -1;
    /* A run its deadline ended is over, as a stopped one is. */
    char ended_by[16];
    bool deadline = read_text(xs, name, DOMAIN_STATUS_KEY_ENDED_BY, ended_by,
                              sizeof(ended_by)) == 0 &&
                    strcmp(ended_by, DOMAIN_ENDED_BY_DEADLINE) == 0;
    if (!restart_policy_wants(&p, code, restarts) || deadline ||
        monitor_restart_stop_requested(xs, name))
        return 0;
    long streak =
        (long)read_number(xs, name, DOMAIN_STATUS_KEY_RESTART_STREAK, 0);
    long long delay = restart_backoff_ms(streak, ran_ms, &streak);
    long long due = journal_now_ms() + delay;
    journal_format_time(when, sizeof(when), due);
    if (status_setf(xs, name, DOMAIN_STATUS_KEY_RESTART_STREAK, err, "%ld",
                    streak) < 0 ||
        status_set(xs, name, DOMAIN_STATUS_KEY_NEXT_RESTART, when, err) < 0 ||
        status_set_state(xs, name, DOMAIN_STATE_RESTARTING, err) < 0)
        return -1;
    struct event_record ev;
    journal_record_init(&ev, EVENT_RESTARTING, name);
    ev.exit_code = code;
    ev.restarts = restarts + 1;
    ev.delay_ms = delay;
    journal_emit(root, &ev);
    *due_ms_r = due;
    return 1;
}

long long monitor_restart_due(struct xo_xs *xs, const char *name)
{
    char when[40];
    long long due;
    if (read_text(xs, name, DOMAIN_STATUS_KEY_NEXT_RESTART, when,
                  sizeof(when)) < 0 ||
        journal_parse_rfc3339(when, &due) < 0)
        return journal_now_ms();
    return due;
}

int monitor_restart_done(struct xo_xs *xs, const char *name, xo_err *err)
{
    long restarts = (long)read_number(xs, name, DOMAIN_STATUS_KEY_RESTARTS, 0);
    /* next-restart first: wait (wait_final) takes restarting with
     * next-restart for the backoff, restarting without it for the restart
     * itself. */
    if (status_remove_field(xs, name, DOMAIN_STATUS_KEY_NEXT_RESTART, err) <
            0 ||
        status_setf(xs, name, DOMAIN_STATUS_KEY_RESTARTS, err, "%ld",
                    restarts + 1) < 0)
        return -1;
    return 0;
}

bool monitor_restart_sleep(long long due_ms)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    for (;;) {
        long long left = due_ms - journal_now_ms();
        if (left <= 0)
            return false;
        struct timespec ts = {(time_t)(left / 1000), (left % 1000) * 1000000L};
        int sig = sigtimedwait(&set, NULL, &ts);
        if (sig == SIGUSR1)
            return true;
        if (sig < 0 && errno != EAGAIN && errno != EINTR)
            return false;
    }
}

void monitor_restart_note_end(struct xo_xs *xs, const char *root,
                              const char *name)
{
    struct domain_status st;
    xo_err err = XO_ERR_INIT;
    if (status_read(xs, name, &st, &err) == 0 &&
        domain_state_is_final(st.state) &&
        state_run_get(root, name) != STATE_RUN_STOPPED &&
        state_domain_exists(root, name) &&
        state_run_set(root, name, STATE_RUN_ENDED, &err) < 0)
        xo_warn("%s", xo_err_msg(&err));
    xo_err_clear(&err);
}
