/*
 * cmd_domain.c: the commands on existing container domains: list, status,
 * stop, destroy, wait.  Each reads DomainStatus from xenstore; the ones
 * that report status first make sure every domain has a live monitor
 * (monitor_recover), so what they show is the truth.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/json.h"
#include "common/log.h"
#include "volattach.h"
#include "monitor_spawn.h"
#include "state.h"
#include "status.h"
#include "status_run.h"
#include "status_json.h"
#include "metastore.h"
#include "xen.h"
#include <libxl_utils.h>
#include "xl_oci.h"
#include "common/fault.h"
#include "common/json_build.h"
#include "common/table.h"
#include "journal.h"
#include "netattach.h"
#include "share_views.h"
#include "nohyper.h"
#include "common/xenlight_lib.h"

static bool state_final(const struct domain_status *st)
{
    return domain_state_is_final(st->state);
}

static int open_status(struct xen_handles *h, xo_err *err)
{
    if (xen_open_xs(h, err) < 0)
        return -1;
    monitor_recover(h->xs, cmd_state_root());
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void format_uptime(char *buf, size_t len, const struct domain_status *st)
{
    struct tm tm = {0};
    /* Restarting: nothing runs during the backoff; the last run's start
     * would count the wait as up (as docker ps says Restarting then). */
    if (state_final(st) || st->state == DOMAIN_STATE_RESTARTING ||
        !st->started[0] || !strptime(st->started, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        snprintf(buf, len, "-"); /* may truncate: a column of list */
        return;
    }
    long s = (long)(time(NULL) - timegm(&tm));
    if (s < 0)
        s = 0;
    /* may truncate: a column of list */
    snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

/*
 * The container's addresses for `list`: every IPv4 then IPv6 address of
 * every interface, without prefix, comma-separated; "-" for none.
 */
static void format_addresses(char *buf, size_t len,
                             const struct domain_status *st)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int v6 = 0; v6 < 2; v6++)
        for (size_t i = 0; i < st->n_net; i++) {
            char list[GUEST_REPORT_NET_LIST_MAX + 1], *save = NULL;
            /* cannot truncate: DomainStatus keeps lists to this limit */
            snprintf(list, sizeof(list), "%s",
                     v6 ? st->net[i].ipv6 : st->net[i].ipv4);
            for (char *t = strtok_r(list, " ", &save); t;
                 t = strtok_r(NULL, " ", &save)) {
                t[strcspn(t, "/")] = '\0';
                int n = snprintf(buf + used, len - used, "%s%s",
                                 used ? "," : "", t);
                if (n < 0 || (size_t)n >= len - used)
                    return;
                used += (size_t)n;
            }
        }
    if (!used || state_final(st))
        snprintf(buf, len, "-"); /* may truncate: a column of list */
}

static void print_json(json_object *o)
{
    char *s = xo_json_to_string(o);
    fputs(s, stdout);
    free(s);
}

/*
 * The containers whose state dir outlived their DomainStatus (a Xen
 * container's, lost with xenstore when dom0 went down): "down" for one
 * that was running then (cmd_container_down), else "halted"; a row each,
 * or a JSON object with name and state.  `listed` holds the names shown
 * already.
 */
static void list_down_without_status(struct xen_handles *h, char **listed,
                                     json_object *arr, struct xo_table *table)
{
    char **dirs = NULL;
    xo_err err = XO_ERR_INIT;
    if (state_domain_names(cmd_state_root(), &dirs, &err) < 0) {
        xo_err_clear(&err);
        return;
    }
    for (char **d = dirs; *d; d++) {
        bool seen = false;
        for (char **n = listed; *n && !seen; n++)
            seen = strcmp(*n, *d) == 0;
        if (seen || status_exists(h->xs, *d))
            continue;
        const char *state =
            cmd_container_down(cmd_state_root(), *d, false, NULL)
                ? CMD_STATE_DOWN
                : domain_state_to_string(DOMAIN_STATE_HALTED);
        if (arr) {
            json_object *o = xo_jobj();
            xo_jset(o, "name", xo_jstr(*d));
            xo_jset(o, "state", xo_jstr(state));
            xo_jpush(arr, o);
        } else {
            const char *row[] = {*d, "-", state, "-", "-", "-", "-"};
            xo_table_add(table, row);
        }
    }
    xo_strv_free(dirs);
}

/* Keys status_read() could not take (st->damaged), said on stderr: the
 * table and the text show them as unknown or absent. */
static void warn_damaged(const char *cmd, const struct domain_status *st)
{
    if (st->damaged[0])
        fprintf(
            stderr,
            "xl-oci %s: warning: %s: no value xl-oci writes in DomainStatus %s (a power loss may have emptied files of the state directory's store): shown as unknown\n",
            cmd, st->name, st->damaged);
}

int main_list(int argc, char **argv)
{
    bool json = cmd_json_option(argc, argv, "list", 0);
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    if (open_status(&h, &err) < 0) {
        xen_close(&h);
        return cmd_fail(&err);
    }
    /* An empty list from a mistyped --root would look like no container
     * (helper-65); the default root is absent until the first create. */
    if (cmd_state_root_given() && access(cmd_state_root(), F_OK) < 0 &&
        errno == ENOENT)
        fprintf(
            stderr,
            "xl-oci: warning: the state root %s does not exist: no container was created with it\n",
            cmd_state_root());
    char **names = status_list(h.xs, &err);
    if (!names) {
        xen_close(&h);
        return cmd_fail(&err);
    }
    json_object *arr = json ? xo_jarr() : NULL;
    static const struct xo_table_col cols[] = {
        {"NAME", 20, false, 0},     {"ID", 5, true, 0},
        {"STATE", 10, false, 0},    {"IMAGE", 19, false, 0},
        {"UPTIME", 10, true, 0},    {"EXIT", 4, true, 0},
        {"ADDRESSES", 0, false, 0},
    };
    struct xo_table table;
    xo_table_init(&table, cols, 7);
    for (char **n = names; *n; n++) {
        struct domain_status st;
        if (status_read(h.xs, *n, &st, &err) < 0) {
            xo_err_clear(&err);
            continue;
        }
        if (json) {
            xo_jpush(arr, cmd_status_json(h.xs, cmd_state_root(), &st));
            continue;
        }
        warn_damaged("list", &st);
        bool down = cmd_status_view(h.xs, cmd_state_root(), &st);
        char id[24] = "-", code[16] = "-", up[32], addrs[512];
        if (st.domid >= 0 && !state_final(&st))
            /* cannot truncate: a long is at most 20 digits and a sign */
            snprintf(id, sizeof(id), "%ld", st.domid);
        if (st.exit_code >= 0)
            /* cannot truncate: an int is at most 10 digits and a sign */
            snprintf(code, sizeof(code), "%d", st.exit_code);
        format_uptime(up, sizeof(up), &st);
        format_addresses(addrs, sizeof(addrs), &st);
        /* The digest's first 12 hex digits, as `images` shows it. */
        char image[20];
        /* cannot truncate: at most 19 bytes by the precision */
        snprintf(image, sizeof(image), "%.19s", st.image[0] ? st.image : "-");
        const char *row[] = {st.name,
                             id,
                             down ? CMD_STATE_DOWN
                                  : domain_state_to_string(st.state),
                             image,
                             down ? "-" : up,
                             code,
                             down ? "-" : addrs};
        xo_table_add(&table, row);
    }
    list_down_without_status(&h, names, arr, &table);
    if (json) {
        print_json(arr);
        json_object_put(arr);
    } else {
        xo_table_print(&table, stdout);
    }
    xo_strv_free(names);
    xen_close(&h);
    return XO_EXIT_OK;
}

static const char *or_dash(const char *s)
{
    return s[0] ? s : "-";
}

int main_status(int argc, char **argv)
{
    bool json = cmd_json_option(argc, argv, "status", 1);
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    struct domain_status st;
    if (open_status(&h, &err) < 0 ||
        status_read(h.xs, argv[optind], &st, &err) < 0) {
        xen_close(&h);
        return cmd_fail(&err);
    }
    /* As list says it: recorded running, but process and monitor gone;
     * recorded creating by a create that was killed. */
    if (json) {
        json_object *o = cmd_status_json(h.xs, cmd_state_root(), &st);
        xen_close(&h);
        print_json(o);
        json_object_put(o);
        return XO_EXIT_OK;
    }
    warn_damaged("status", &st);
    bool down = cmd_status_view(h.xs, cmd_state_root(), &st);
    xen_close(&h);
    printf("name:       %s\nstate:      %s\nmode:       %s\n", st.name,
           down ? CMD_STATE_DOWN : domain_state_to_string(st.state),
           st.nohyper ? DOMAIN_MODE_NOHYPER : DOMAIN_MODE_XEN);
    if (st.domid >= 0)
        printf("domid:      %ld\n", st.domid);
    if (st.pid > 0)
        printf("pid:        %ld\n", st.pid);
    /* A value not set is "-", as list and inspect show it (helper-110:
     * "error:" followed by nothing read as a cut-off line). */
    printf("uuid:       %s\nimage:      %s\ncreated:    %s\nstarted:    %s\n",
           or_dash(st.uuid), or_dash(st.image), or_dash(st.created),
           or_dash(st.started));
    if (st.started_ms >= 0)
        printf("started-ms: %lld\n", st.started_ms);
    printf("finished:   %s\n", or_dash(st.finished));
    if (st.exit_code >= 0)
        printf("exit-code:  %d\n", st.exit_code);
    if (st.oom_killed)
        printf("oom-killed: 1\n");
    printf("error:      %s\nrestarts:   %ld\n", or_dash(st.error), st.restarts);
    printf("restart-policy: %s\n",
           st.restart_policy[0] ? st.restart_policy : "no");
    if (st.last_exit_code >= 0)
        printf("last-exit-code: %d\n", st.last_exit_code);
    if (st.next_restart[0])
        printf("next-restart: %s\n", st.next_restart);
    if (st.restart_streak >= 0)
        printf("restart-streak: %ld\n", st.restart_streak);
    if (st.deadline_s > 0)
        printf("deadline:   %ld s\n", st.deadline_s);
    if (st.stop_timeout_s >= 0)
        printf("stop-timeout: %ld s\n", st.stop_timeout_s);
    if (st.stop_requested)
        printf("stop-requested: 1\n");
    if (st.ended_by[0])
        printf("ended-by:   %s\n", st.ended_by);
    if (st.damaged[0])
        printf("damaged:    %s\n", st.damaged);
    for (size_t i = 0; i < st.n_net; i++)
        printf("net%u:       %s ipv4 %s ipv6 %s\n", st.net[i].index,
               st.net[i].mac, st.net[i].ipv4[0] ? st.net[i].ipv4 : "-",
               st.net[i].ipv6[0] ? st.net[i].ipv6 : "-");
    return XO_EXIT_OK;
}

/*
 * cmd_container_gone() said so: asked again under the global lock, which
 * a NOHYPER create holds until its monitor runs and a monitor holds while
 * it restarts the container, so neither can be caught half-way; *st is
 * read again.  1 (gone; the lock's fd in *lock_r, close it when done), 0
 * (not gone after all: final, or alive), -1 with err.
 */
static int confirm_gone(struct xen_handles *h, const char *name,
                        struct domain_status *st, int *lock_r, xo_err *err)
{
    int lock = state_lock(cmd_state_root(), err);
    if (lock < 0)
        return -1;
    if (status_read(h->xs, name, st, err) < 0) {
        close(lock);
        return -1;
    }
    if (state_final(st) || !cmd_container_gone(cmd_state_root(), name, st)) {
        close(lock);
        return 0;
    }
    *lock_r = lock;
    return 1;
}

/*
 * Waits until DomainStatus is final; returns 0, or -1 after `ms`, when
 * it is down for good (ESRCH) or another container took the name (a
 * destroy and a create meanwhile: ENOENT, as one destroyed).  With
 * `run_end`, also returns 1 when the run going on as the wait began (the
 * next one, if it began in a restart's backoff) ended and the restart
 * policy will start it again: the container is restarting with that
 * run's restart count (the backoff is 1 s or more, the look every 0.2 s).
 */
static int wait_final(struct xen_handles *h, const char *name, long ms,
                      bool run_end, struct domain_status *st, xo_err *err)
{
    /* The container this wait began on: another of the same name (a
     * destroy, then a create) is not it. */
    char uuid[sizeof(st->uuid)] = "";
    long run = 0;
    /* When the wait began on a run (not in a restart's backoff): its
     * start, dom0 monotonic ms, or -1. */
    long long run_started = -1;
    struct domain_status cur;
    for (long waited = 0;; waited += 200) {
        /* *st keeps the last status of this container: a destroy in the
         * backoff leaves its last run's code for wait. */
        if (status_read(h->xs, name, &cur, err) < 0)
            return -1;
        if (!uuid[0]) {
            /* cannot truncate: a copy of the same field */
            snprintf(uuid, sizeof(uuid), "%s", cur.uuid);
        } else if (strcmp(uuid, cur.uuid) != 0) {
            return xo_err_set(
                err, ENOENT,
                "%s was destroyed (another container has the name now)", name);
        }
        *st = cur;
        /* status_read reads restarts before next-restart, the reverse of
         * the order a restart changes them in (status_run.h), so the
         * restart itself is never taken for a run's end. */
        if (waited == 0) {
            run = status_wait_run(st);
            if (!run_end && st->state != DOMAIN_STATE_RESTARTING)
                run_started = st->started_ms;
            XO_FAULT_POINT("wait-final.first-look");
        }
        if (state_final(st))
            return 0;
        /* Started again since (a start beside a stop: start clears
         * started-ms, the new run sets its own): the run this wait was
         * bringing down has ended, its final state come and gone between
         * two looks; waiting on the new run timed the stop out
         * (helper-103's seed 721). */
        if (run_started >= 0 && st->started_ms != run_started)
            return 0;
        if (run_end && status_run_ended(st, run))
            return 1;
        /* A monitor killed in the backoff is replaced by the next xl-oci
         * command: this one, which may wait for long. */
        if (st->state == DOMAIN_STATE_RESTARTING &&
            !state_monitor_alive(cmd_state_root(), name))
            monitor_recover(h->xs, cmd_state_root());
        /* Nothing will ever make it final: no process, no monitor. */
        int lock = -1, gone = 0;
        if (cmd_container_gone(cmd_state_root(), name, st) &&
            (gone = confirm_gone(h, name, st, &lock, err)) < 0)
            return -1;
        if (lock >= 0)
            close(lock);
        if (!gone && state_final(st))
            return 0;
        if (gone)
            return xo_err_set(
                err, ESRCH,
                "%s is down: its process and its monitor are gone (xl-oci autostart or destroy it)",
                name);
        /* Nor will a create that was killed (it waited for ever). */
        if (cmd_create_killed(h->xs, cmd_state_root(), st, false))
            return xo_err_set(
                err, ESRCH,
                "%s is broken: its create was killed before it finished (xl-oci destroy it)",
                name);
        if (ms >= 0 && waited >= ms)
            return xo_err_set(err, ETIMEDOUT, "%s did not halt within %ld s",
                              name, ms / 1000);
        sleep_ms(200);
    }
}

/* The exit code of the last "exited" event of `name` the reader `r`
 * (positioned before the wait) finds, or -1. */
static int journaled_exit(struct journal_reader *r, const char *name)
{
    int code = -1;
    const char *line;
    size_t len;
    xo_err e = XO_ERR_INIT;
    struct event_record ev;
    while (journal_reader_next(r, &line, &len, &e) == 1)
        if (journal_decode(line, len, &ev, &e) == 0 &&
            ev.type == EVENT_EXITED && strcmp(ev.name, name) == 0 &&
            ev.exit_code >= 0)
            code = ev.exit_code;
    xo_err_clear(&e);
    return code;
}

/* The code of the run that made `st` restarting: its exit-code, which
 * stays until the restart, else the policy's last-exit-code; -1 if none. */
static int restarting_code(const struct domain_status *st)
{
    return st->exit_code >= 0 ? st->exit_code : st->last_exit_code;
}

int main_wait(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "wait", 1)) != -1)
        ;
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    struct domain_status st;
    /* At the journal's end before the wait: a destroy that kills the
     * container meanwhile removes its status, but journals its exit
     * (137) first, which docker wait returns then. */
    struct journal_reader jr;
    xo_err je = XO_ERR_INIT;
    bool have_jr = journal_reader_open(&jr, cmd_state_root(), false, &je) == 0;
    xo_err_clear(&je);
    bool existed = false;
    int ended = 0;
    if (open_status(&h, &err) == 0 &&
        (existed = status_read(h.xs, argv[optind], &st, &err) == 0))
        /* From here an end is seen, in DomainStatus or the journal; a
         * script (lab 17) waits for this line before it ends the run. */
        xo_debug("waiting for %s (%s)", argv[optind],
                 domain_state_to_string(st.state));
    if (!existed ||
        (ended = wait_final(&h, argv[optind], -1, true, &st, &err)) < 0) {
        int code = existed && have_jr ? journaled_exit(&jr, argv[optind]) : -1;
        /* Destroyed while it waited to restart: no exit was journaled
         * since the wait began; its last run's code, as docker wait
         * returns for docker rm -f of a restarting container. */
        if (code < 0 && existed && err.errnum == ENOENT &&
            st.state == DOMAIN_STATE_RESTARTING)
            code = restarting_code(&st);
        if (have_jr)
            journal_reader_close(&jr);
        xen_close(&h);
        if (code >= 0)
            return code;
        return cmd_fail(&err);
    }
    if (have_jr)
        journal_reader_close(&jr);
    xen_close(&h);
    /* A run that ended with a restart to come returns as docker wait
     * does at each exit: the policy recorded its code before it set
     * restarting, and the code stays until the restart. */
    if (ended == 1 && restarting_code(&st) >= 0)
        return restarting_code(&st);
    if (ended == 1) {
        xo_err_set(&err, EIO, "%s: its run ended without an exit code (%s)",
                   st.name, domain_state_to_string(st.state));
        return cmd_fail(&err);
    }
    if (st.exit_code >= 0)
        return st.exit_code;
    /* An error that names the container already is not prefixed again
     * ("bk: bk did not start", helper-65). */
    size_t nl = strlen(st.name);
    bool named = !strncmp(st.error, st.name, nl) && st.error[nl] == ' ';
    xo_err_set(&err, EIO, "%s%s%s", named ? "" : st.name, named ? "" : ": ",
               st.error[0] ? st.error : "halted without an exit code");
    return cmd_fail(&err);
}

/* See xl_oci.h.  stop-requested is set under the global lock, which the
 * monitor holds while it restarts: the restart is wholly before this or
 * never. */
int cmd_end_policy(struct xen_handles *h, const char *name, xo_err *err)
{
    const char *root = cmd_state_root();
    struct domain_status st;
    XO_FAULT_POINT("end-policy.lock");
    int lock = state_lock(root, err);
    if (lock < 0)
        return -1;
    /* Read first: a destroy that had the lock before us removed the
     * status, which a write would make again (stop-requested alone, which
     * a new container of the name took over: it never restarted). */
    int rc = status_read(h->xs, name, &st, err) < 0 ||
                     status_set(h->xs, name, DOMAIN_STATUS_KEY_STOP_REQUESTED,
                                "1", err) < 0
                 ? -1
                 : 1;
    close(lock);
    if (rc < 0 || st.state != DOMAIN_STATE_RESTARTING)
        return rc;
    /* Halted in its backoff: no restart is due any more. */
    long pid = state_monitor_pid(root, name);
    if (pid > 1 && state_monitor_alive(root, name) &&
        kill((pid_t)pid, SIGUSR1) == 0 &&
        wait_final(h, name, 10000, false, &st, err) == 0)
        return status_remove_field(h->xs, name, DOMAIN_STATUS_KEY_NEXT_RESTART,
                                   err) < 0
                   ? -1
                   : 0;
    xo_err_clear(err);
    /* No monitor to do it: the container is not running, finish it (the
     * lock is gone: unless a destroy came first). */
    const struct status_change halted[] = {
        {DOMAIN_STATUS_KEY_PID, NULL},
        {DOMAIN_STATUS_KEY_NEXT_RESTART, NULL},
        {DOMAIN_STATUS_KEY_STATE, domain_state_to_string(DOMAIN_STATE_HALTED)},
    };
    if ((st.nohyper && nohyper_teardown(root, name, true, err) < 0) ||
        status_update(h->xs, name, st.uuid, halted, 3, err) < 0)
        return -1;
    return 0;
}

/* A NOHYPER container with no process and no monitor: nothing will
 * record its end, so it is finished here as its monitor would have, once
 * confirm_gone() says so under the global lock, `why` its error (no exit
 * code: none was recorded).  1 when it was finished, 0 when it was not
 * gone after all (*st says what it is), -1 with err. */
static int finish_down(struct xen_handles *h, const char *name,
                       struct domain_status *st, const char *why, xo_err *err)
{
    int lock = -1;
    int r = confirm_gone(h, name, st, &lock, err);
    if (r <= 0)
        return r;
    r = nohyper_teardown(cmd_state_root(), name, true, err) < 0 ||
                status_remove_field(h->xs, name, DOMAIN_STATUS_KEY_PID, err) <
                    0 ||
                status_set(h->xs, name, DOMAIN_STATUS_KEY_ERROR, why, err) <
                    0 ||
                status_set_state(h->xs, name, DOMAIN_STATE_HALTED, err) < 0
            ? -1
            : 1;
    close(lock);
    return r;
}

/* What status says of a container stop ended while its monitor was gone
 * (killed): the stop signal reached it, nothing recorded its exit code. */
#define STOPPED_UNRECORDED                                                     \
    "stopped while its monitor was gone: its exit code was not recorded"

/* Waits up to `ms` for NOHYPER container `name` to reach a final state;
 * when neither its process nor its monitor is there to bring it (ESRCH),
 * finishes it as down here.  0, or -1 with err. */
static int wait_or_finish_down(struct xen_handles *h, const char *name, long ms,
                               struct domain_status *st, xo_err *err)
{
    if (wait_final(h, name, ms, false, st, err) == 0)
        return 0;
    if (err->errnum != ESRCH)
        return -1;
    xo_err_clear(err);
    return finish_down(h, name, st, STOPPED_UNRECORDED, err) < 0 ? -1 : 0;
}

/* See xl_oci.h. */
int cmd_nohyper_wait_end(struct xen_handles *h, const char *name, long ms,
                         const char *why, xo_err *err)
{
    struct domain_status st;
    if (wait_final(h, name, ms, false, &st, err) == 0)
        return 0;
    if (err->errnum != ESRCH)
        return -1;
    xo_err_clear(err);
    return finish_down(h, name, &st, why, err) < 0 ? -1 : 0;
}

/*
 * Stops a NOHYPER container the way the loader stops a domain's: its stop
 * signal, then SIGKILL after its grace period; after `timeout` seconds
 * we stop waiting (its monitor records the exit, 137 for the kill).
 */
static int stop_nohyper(struct xen_handles *h, const char *name, long timeout,
                        xo_err *err)
{
    const char *root = cmd_state_root();
    char dir[4096];
    int sig;
    long grace;
    struct domain_status st;
    if (state_domain_dir(dir, sizeof(dir), root, name, err) < 0 ||
        nohyper_stop_params(dir, &sig, &grace, err) < 0)
        return -1;
    int r = cmd_end_policy(h, name, err);
    if (r <= 0)
        return r;
    /* Halting only over a state that still runs, read again under the
     * global lock, which the monitor takes for its final state: an exit it
     * recorded meanwhile is not overwritten (it stayed halting for good). */
    int lock = state_lock(root, err);
    if (lock < 0)
        return -1;
    if (status_read(h->xs, name, &st, err) < 0) {
        close(lock);
        return -1;
    }
    /* Ended meanwhile, or ending (the monitor writes halting before its
     * final state): wait for that.  Any other state, one a power loss
     * left unreadable among them, is stopped (helper-67). */
    if (state_final(&st) || st.state == DOMAIN_STATE_HALTING) {
        close(lock);
        /* as long as this stop would have waited (another stop's grace) */
        return wait_or_finish_down(
            h, name, (timeout > 10 ? timeout : 10) * 1000, &st, err);
    }
    /* Paused since stop_one read it running (a pause that ran between):
     * frozen, it would take its stop signal only at the SIGKILL, its
     * grace lost (helper-103).  Resumed here, under the lock: a pause
     * after this finds it halting and is refused. */
    if (st.state == DOMAIN_STATE_PAUSED) {
        const char *args[] = {"resume", name, NULL};
        r = nohyper_runc(root, args, -1, err);
        if (r > 0)
            xo_err_set(err, EIO, "runc resume %s failed (exit %d)", name, r);
        if (r != 0) {
            close(lock);
            return -1;
        }
        journal_note(root, EVENT_UNPAUSED, name, NULL);
    }
    r = status_set_state(h->xs, name, DOMAIN_STATE_HALTING, err);
    close(lock);
    if (r < 0)
        return -1;
    if (nohyper_kill(root, name, sig, err) < 0) {
        /* It may have exited in between: then its status says so. */
        xo_err_clear(err);
        /* Nothing left to bring it down (a destroy or start cut short):
         * finished there, not left "halting" (helper-91). */
        if (wait_or_finish_down(h, name, 2000, &st, err) == 0)
            return 0;
        xo_err_clear(err);
        return xo_err_set(err, ESRCH, "cannot signal %s", name);
    }
    long first = grace < timeout ? grace : timeout;
    if (wait_final(h, name, first * 1000, false, &st, err) == 0)
        return 0;
    /* ESRCH: it ended, but its monitor was gone to record it. */
    if (err->errnum == ESRCH) {
        xo_err_clear(err);
        return finish_down(h, name, &st, STOPPED_UNRECORDED, err) < 0 ? -1 : 0;
    }
    if (err->errnum != ETIMEDOUT)
        return -1;
    xo_err_clear(err);
    if (nohyper_kill(root, name, SIGKILL, err) < 0)
        xo_err_clear(err);
    long rest = timeout - first > 10 ? timeout - first : 10;
    if (wait_final(h, name, rest * 1000, false, &st, err) == 0)
        return 0;
    if (err->errnum != ESRCH)
        return -1;
    xo_err_clear(err);
    return finish_down(h, name, &st, STOPPED_UNRECORDED, err) < 0 ? -1 : 0;
}

/* One container's stop, for main_stop: its exit status.  `timeout` is
 * -t's, or 30 when not given (then the container's own grace decides). */
static int stop_one(const char *name, long timeout, bool timeout_given)
{
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    struct domain_status st;
    if (open_status(&h, &err) < 0 || status_read(h.xs, name, &st, &err) < 0)
        goto fail;
    /* The container this stop is for: st is read again below, and may be
     * another's of the name by then (a destroy and a create). */
    char uuid[sizeof(st.uuid)];
    memcpy(uuid, st.uuid, sizeof(uuid));
    XO_FAULT_POINT("stop.status-read");
    /* What a killed create left is broken, as list shows it. */
    if (cmd_create_killed(h.xs, cmd_state_root(), &st, false))
        st.state = DOMAIN_STATE_BROKEN;
    if (state_final(&st)) {
        printf("%s is already %s\n", name, domain_state_to_string(st.state));
        xen_close(&h);
        return XO_EXIT_OK;
    }
    /* Without -t, the container's own grace (oci_stop_timeout) is let run
     * out, as docker stop takes --stop-timeout, with 10 s for the kill
     * and the halt after it. */
    if (!timeout_given && st.stop_timeout_s + 10 > timeout)
        timeout = st.stop_timeout_s + 10;
    if (cmd_container_down(cmd_state_root(), name, true, &st)) {
        int r = finish_down(
            &h, name, &st,
            "down when stopped: its process and its monitor were gone, how it ended is unknown",
            &err);
        if (r < 0)
            goto fail;
        if (r == 1) {
            if (state_run_set(cmd_state_root(), name, STATE_RUN_STOPPED, &err) <
                0)
                goto fail;
            printf(
                "%s was down (its process and its monitor were gone); now halted\n",
                name);
            journal_note(cmd_state_root(), EVENT_STOPPED, name, NULL);
            xen_close(&h);
            return XO_EXIT_OK;
        }
        if (state_final(&st)) {
            printf("%s is already %s\n", name,
                   domain_state_to_string(st.state));
            xen_close(&h);
            return XO_EXIT_OK;
        }
        /* Alive after all (its create or restart was under way). */
    }
    /* The user ended it: autostart leaves it alone (state.h). */
    if (state_run_set(cmd_state_root(), name, STATE_RUN_STOPPED, &err) < 0)
        goto fail;
    /* A paused container cannot act on its stop signal.  A NOHYPER one
     * is resumed by stop_nohyper, under the lock; a domain here, where
     * another stop may have unpaused it meanwhile ("not paused": two
     * stops at once failed one, helper-103). */
    if (st.state == DOMAIN_STATE_PAUSED && !st.nohyper &&
        cmd_set_paused(name, false, &err) < 0) {
        if (err.errnum != EINVAL)
            goto fail;
        xo_err_clear(&err);
    }
    if (st.nohyper) {
        if (stop_nohyper(&h, name, timeout, &err) < 0)
            goto fail;
        journal_note(cmd_state_root(), EVENT_STOPPED, name, NULL);
        xen_close(&h);
        return XO_EXIT_OK;
    }
    int r = cmd_end_policy(&h, name, &err);
    if (r < 0)
        goto fail;
    if (r == 0) {
        journal_note(cmd_state_root(), EVENT_STOPPED, name, NULL);
        xen_close(&h);
        return XO_EXIT_OK;
    }
    if (xen_open(&h, &err) < 0)
        goto fail;
    /* The guest kernel's orderly poweroff reaches the loader, which sends
     * the container its stop signal and escalates to SIGKILL after its
     * grace period; after -t seconds we stop waiting and destroy. */
    const struct status_change halting[] = {
        {DOMAIN_STATUS_KEY_STATE, domain_state_to_string(DOMAIN_STATE_HALTING)},
    };
    if (status_update(h.xs, name, uuid, halting, 1, &err) < 0 &&
        err.errnum == ESTALE)
        goto fail;
    xo_err_clear(&err);
    /* A domain already shutting down (a crash loop's exit, which the
     * monitor ends as halted now that stop-requested is set) refuses the
     * request: then waiting is all there is to do. */
    /* Its action (a destroy, hotplug scripts) takes its time: wait as
     * long as -t says (lab 17: 10 s were too few under emulation). */
    if (xo_xl.domain_shutdown(h.ctx, (uint32_t)st.domid, NULL) &&
        wait_final(&h, name, (timeout > 10 ? timeout : 10) * 1000, false, &st,
                   &err) < 0) {
        xo_err_clear(&err);
        xo_err_set(&err, EIO, "libxl could not shut down %s (domid %ld)", name,
                   st.domid);
        goto fail;
    }
    if (wait_final(&h, name, timeout * 1000, false, &st, &err) < 0) {
        if (err.errnum != ETIMEDOUT)
            goto fail;
        xo_err_clear(&err);
        xo_xl.domain_destroy(h.ctx, (uint32_t)st.domid, NULL);
        wait_final(&h, name, 10000, false, &st, &err);
        xo_err_clear(&err);
        char why[64];
        /* cannot truncate: a long is at most 20 digits */
        snprintf(why, sizeof(why), "destroyed after not stopping within %ld s",
                 timeout);
        const struct status_change halted[] = {
            {DOMAIN_STATUS_KEY_ERROR, why},
            {DOMAIN_STATUS_KEY_STATE,
             domain_state_to_string(DOMAIN_STATE_HALTED)},
        };
        status_update(h.xs, name, uuid, halted, 2, &err);
        xo_err_clear(&err);
    }
    journal_note(cmd_state_root(), EVENT_STOPPED, name, NULL);
    xen_close(&h);
    return XO_EXIT_OK;
fail:
    xen_close(&h);
    return cmd_fail(&err);
}

struct stop_args {
    const char *name;
    long timeout;
    bool timeout_given;
};

static int stop_work(void *p)
{
    const struct stop_args *a = p;
    return stop_one(a->name, a->timeout, a->timeout_given);
}

int main_stop(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"time", 1, NULL, 't'}, {"timeout", 1, NULL, 't'}, {NULL, 0, NULL, 0}};
    long timeout = 30;
    bool timeout_given = false;
    int opt;
    while ((opt = cmd_getopt(argc, argv, "t:", longopts, "stop", 1)) != -1) {
        if (opt == 't') {
            char *end;
            timeout = strtol(optarg, &end, 10);
            timeout_given = true;
            if (!*optarg || *end || timeout < 0 || timeout > 86400) {
                fprintf(stderr,
                        "xl-oci stop: -t '%s': needs seconds (0-86400)\n",
                        optarg);
                return XO_EXIT_USAGE;
            }
        }
    }
    /* Each name in turn, as docker stop takes several; an error for each
     * that fails. */
    int rc = XO_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        /* Detached: a stop interrupted in its grace period is finished
         * all the same (cmd_detach.c). */
        struct stop_args a = {argv[i], timeout, timeout_given};
        int r = cmd_run_detached(stop_work, &a);
        if (r != XO_EXIT_OK)
            rc = r;
    }
    return rc;
}

/* See xl_oci.h.  A monitor SIGKILL has not ended after 2.5 s sleeps in
 * the kernel and runs no more of its code once it wakes, but one this
 * command cannot signal at all runs on (helper-92: a destroy from another
 * PID namespace removed the status and state under a live monitor, which
 * then wrote "halted" into a new container's status of the name and tore
 * that container down). */
int cmd_stop_monitor(const char *root, const char *name, xo_err *err)
{
    long pid = state_monitor_pid(root, name);
    int kill_errno = 0;
    /* 0: the lock's holder is in a PID namespace this one cannot see, and
     * the pid in the file may be another process here: none is sent a
     * signal. */
    for (int i = 0; pid != 0 && i < 50 && state_monitor_alive(root, name);
         i++) {
        if (pid > 1 && kill((pid_t)pid, i < 25 ? SIGTERM : SIGKILL) < 0)
            kill_errno = errno;
        sleep_ms(100);
    }
    if (!state_monitor_alive(root, name))
        return 0;
    if (kill_errno == EPERM)
        return xo_err_set(
            err, EPERM,
            "%s: its monitor (pid %ld) may not be sent a signal by this command: nothing was removed",
            name, pid);
    if (pid == 0)
        return xo_err_set(
            err, ESRCH,
            "%s: its monitor holds %s/domains/%s/monitor.lock from another PID namespace, one this command cannot see (/proc/locks): run destroy where the monitor runs; nothing was removed",
            name, root, name);
    if (pid <= 1 || kill_errno == ESRCH)
        return xo_err_set(
            err, ESRCH,
            "%s: its monitor holds %s/domains/%s/monitor.lock, but the pid there (%ld) is no process this command can signal (is it in another PID namespace than the monitor?): nothing was removed",
            name, root, name, pid);
    return xo_err_set(
        err, EBUSY,
        "%s: its monitor (pid %ld) did not end within 5 s of SIGTERM and SIGKILL: nothing was removed; try again once it has",
        name, pid);
}

/* Removes a container's state dir holding its annotations lock, so that
 * no annotate writes into the dir while it goes (metastore.h). */
static int remove_state_dir(const char *root, const char *name, const char *dir,
                            xo_err *err)
{
    xo_err ignore = XO_ERR_INIT;
    int lock = metastore_lock(root, name, &ignore); /* none: no dir */
    xo_err_clear(&ignore);
    int rc = state_remove_dir(dir, err);
    if (lock >= 0)
        close(lock);
    return rc;
}

/* A container destroy ends while it runs: its end goes into the journal
 * as its monitor would have written it, 137 for the kill (docker rm -f's
 * "die" event), before "destroyed". */
static void note_killed(const char *root, const char *name,
                        const struct domain_status *st)
{
    if (st->state != DOMAIN_STATE_RUNNING && st->state != DOMAIN_STATE_PAUSED &&
        st->state != DOMAIN_STATE_HALTING && st->state != DOMAIN_STATE_BOOTING)
        return;
    struct event_record ev;
    journal_record_init(&ev, EVENT_EXITED, name);
    ev.exit_code = 128 + SIGKILL;
    journal_emit(root, &ev);
}

/* destroy of a NOHYPER container (or of anything on a host without Xen):
 * its monitor stopped, runc's container deleted (its end journaled when
 * it `ran`, *st its status), its root unmounted, its DomainStatus and
 * state removed; tolerant of a half-created one. */
static int destroy_nohyper(struct xen_handles *h, const char *name, bool ran,
                           const struct domain_status *st, xo_err *err)
{
    const char *root = cmd_state_root();
    char dir[4096];
    /* Not running by intent from here on, so that a reader seeing the
     * monitor gone meanwhile does not call it down, "how it ended is
     * unknown" (helper-85: status said so during every destroy). */
    xo_err ignore = XO_ERR_INIT;
    enum state_run was = state_run_get(root, name);
    state_run_set(root, name, STATE_RUN_STOPPED, &ignore);
    xo_err_clear(&ignore);
    if (cmd_stop_monitor(root, name, err) < 0) {
        /* Nothing removed: the container runs on as it did. */
        if (was != STATE_RUN_UNKNOWN)
            state_run_set(root, name, was, &ignore);
        xo_err_clear(&ignore);
        return -1;
    }
    XO_FAULT_POINT("destroy-nohyper.monitor-stopped");
    if (nohyper_teardown(root, name, false, err) < 0)
        return -1;
    /* Journaled at once, before any later step can fail or be killed:
     * the destroy that repairs finds the process gone (not `ran`). */
    if (ran)
        note_killed(root, name, st);
    XO_FAULT_POINT("destroy-nohyper.torn-down");
    /* The veths went with the teardown: the leases, published ports and
     * DNS names go now, as a domain's do once its vifs are gone. */
    if (netattach_release(root, name, NULL, err) < 0)
        return -1;
    if (state_domain_dir(dir, sizeof(dir), root, name, err) < 0 ||
        status_remove(h->xs, name, err) < 0 ||
        remove_state_dir(root, name, dir, err) < 0)
        return -1;
    return 0;
}

int cmd_destroy(const char *name, xo_err *errp)
{
    return cmd_destroy_keep(name, false, NULL, errp);
}

int cmd_destroy_keep(const char *name, bool keep_volumes,
                     struct destroy_leftovers *left_r, xo_err *errp)
{
    const char *root = cmd_state_root();
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    struct domain_status st;
    int lock = -1;
    if (xen_open_xs(&h, &err) < 0)
        goto fail;
    /* Without Xen, everything here is NOHYPER; with it, DomainStatus says
     * which a container is. */
    bool nohyper = !xen_host_present() ||
                   (status_read(h.xs, name, &st, &err) == 0 && st.nohyper);
    xo_err_clear(&err);
    if (!nohyper && xen_open(&h, &err) < 0)
        goto fail;
    /* A domain's monitor applying on_poweroff is let finish: killed in the
     * middle of a destroy it would leave hotplug work (loop devices)
     * undone.  The action (xl-oci shutdown-action) takes the global lock
     * itself, so this waits without holding it; the action ends in a
     * final state, or in "booting" after a restart.  A NOHYPER container
     * "halting" is one a stop waits on for its grace: destroy kills it
     * at once, as docker rm -f during a docker stop. */
    for (int i = 0;
         !nohyper && i < 600 && status_read(h.xs, name, &st, &err) == 0 &&
         st.state == DOMAIN_STATE_HALTING && state_monitor_alive(root, name);
         i++)
        sleep_ms(200);
    xo_err_clear(&err);
    if ((lock = state_lock(root, &err)) < 0)
        goto fail;
    bool status_ok = status_read(h.xs, name, &st, &err) == 0;
    bool have_status = status_ok || status_exists(h.xs, name);
    xo_err_clear(&err);
    bool have_dir = state_domain_exists(root, name);
    if (!have_status && !have_dir) {
        /* A create killed after leasing left only leases (and the views
         * of its shares, its temporary state dir): release them, and say
         * so; with nothing left behind, there is no such container. */
        struct destroy_leftovers left = {0};
        if (netattach_release(root, name, &left.leases, &err) < 0)
            goto fail;
        if (share_views_release(root, name, &err) < 0)
            xo_err_clear(&err);
        left.tmpdirs = state_domain_tmpdirs_remove(root, name);
        if (!left.leases && !left.tmpdirs) {
            xo_err_set(&err, ENOENT, "no container domain named %s", name);
            goto fail;
        }
        if (left_r)
            *left_r = left;
        close(lock);
        xen_close(&h);
        return 0;
    }
    xo_err_clear(&err);
    /* Down (process and monitor gone) is not running: nothing to kill. */
    bool ran = status_ok && !cmd_container_down(root, name, true, &st);
    if (nohyper) {
        if (destroy_nohyper(&h, name, ran, &st, &err) < 0)
            goto fail;
        journal_note(root, EVENT_DESTROYED, name, NULL);
        close(lock);
        xen_close(&h);
        return 0;
    }
    /* Tolerant of a half-created domain: each part is removed if present. */
    if (cmd_stop_monitor(root, name, &err) < 0)
        goto fail;
    XO_FAULT_POINT("destroy.monitor-stopped");
    uint32_t domid;
    bool had_domain =
        xen_container_domid(&h, name, status_ok ? &st : NULL, &domid) == 0;
    if (had_domain && xo_xl.domain_destroy(h.ctx, domid, NULL)) {
        xo_err_set(&err, EIO, "libxl could not destroy %s (domid %u)", name,
                   domid);
        goto fail;
    }
    /* Its end is journaled before its status goes: a wait that sees the
     * status gone finds the 137 already there (lab 17 saw wait exit 1 in
     * between).  Only for the domain this call destroyed: a destroy run
     * again after a failure does not journal the end twice. */
    if (ran && had_domain)
        note_killed(root, name, &st);
    XO_FAULT_POINT("destroy.domain-destroyed");
    /* The vif is gone (its hotplug offline ran): release the leases, the
     * published ports and DNS names, so the addresses can be reused. */
    if (netattach_release(root, name, NULL, &err) < 0)
        goto fail;
    XO_FAULT_POINT("destroy.network-released");
    /* The disks are closed (the domain is gone): the container stops
     * using its volumes, and its anonymous ones go unless kept. */
    if (volattach_release(root, name, keep_volumes, &err) < 0)
        goto fail;
    char dir[4096];
    if (state_domain_dir(dir, sizeof(dir), root, name, &err) < 0)
        goto fail;
    if (status_remove(h.xs, name, &err) < 0)
        goto fail;
    XO_FAULT_POINT("destroy.status-removed");
    if (remove_state_dir(root, name, dir, &err) < 0)
        goto fail;
    journal_note(root, EVENT_DESTROYED, name, NULL);
    close(lock);
    xen_close(&h);
    return 0;
fail:
    if (lock >= 0)
        close(lock);
    xen_close(&h);
    *errp = err;
    return -1;
}

int main_destroy(int argc, char **argv)
{
    int opt;
    static const struct option longopts[] = {{"keep-volumes", 0, NULL, 'k'},
                                             {NULL, 0, NULL, 0}};
    bool keep = false;
    while ((opt = cmd_getopt(argc, argv, "", longopts, "destroy", 1)) != -1)
        if (opt == 'k')
            keep = true;
    /* A Ctrl-C, SIGTERM or hangup is noted, not obeyed: the destroy under
     * way finishes, and no further name is begun (helper-91: one cut
     * short after the monitor stopped left the container "running" for
     * ever, with no process). */
    cmd_interrupt_defer();
    /* Each name, as docker rm -f takes several; an error for each. */
    int rc = XO_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        xo_err err = XO_ERR_INIT;
        struct destroy_leftovers left = {0};
        if (cmd_interrupted(&err) < 0) {
            xo_err_clear(&err);
            xo_err_set(&err, EINTR, "%s: not destroyed: interrupted", argv[i]);
            rc = cmd_fail(&err);
            continue;
        }
        if (cmd_destroy_keep(argv[i], keep, &left, &err) < 0) {
            rc = cmd_fail(&err);
            continue;
        }
        if (left.leases || left.tmpdirs)
            printf(
                "%s: no such container; released what a killed create of it left: %u network lease%s, %u temporary state dir%s\n",
                argv[i], left.leases, left.leases == 1 ? "" : "s", left.tmpdirs,
                left.tmpdirs == 1 ? "" : "s");
    }
    cmd_interrupt_restore();
    return rc;
}
