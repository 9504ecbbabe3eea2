/*
 * monitor.c: the per-domain monitor, the body of xl-oci-monitor (see
 * monitor.h).
 *
 * One poll loop over two fds: xenstore (watches on the guest's
 * data/xl-oci/, on @releaseDomain and on the console tty key) and the
 * console pty.  Domain death is seen through @releaseDomain plus
 * xc_domain_getinfo.  Nothing here links libxl: the monitor lives as long
 * as its domain, one per domain, so it stays small; the one thing that
 * needs libxl, the on_poweroff/on_reboot/on_crash action, is run by
 * `xl-oci shutdown-action` in a short-lived child.
 */
#include "monitor.h"
#include "monitor_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <xenctrl.h>
/* After xenctrl.h, which defines the integer types it needs. */
#include <xen/sched.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/xs_client.h"
#include "guest_report.h"
#include "journal.h"
#include "monitor_console.h"
#include "monitor_deadline.h"
#include "monitor_restart.h"
#include "state.h"
#include "monitor_pause.h"
#include "status.h"
#include "common/fault.h"
#include "common/pathfmt.h"

/* How often a plain `xl pause` is looked for (sync_pause). */
#define PAUSE_CHECK_MS 2000

/* Whatever error a guest may report fits DomainStatus's error. */
_Static_assert(GUEST_REPORT_VALUE_MAX <= DOMAIN_STATUS_ERROR_MAX,
               "guest error does not fit DomainStatus");

struct monitor {
    const struct monitor_opts *o;
    struct xo_xs *xs;
    xc_interface *xc;
    uint32_t domid;
    char uuid[40]; /* the domain's, from DomainStatus: guards domid reuse */
    /* Xen said "suspend" (xl save, migrate, checkpoint): the saver resumes
     * the domain or destroys it; neither is a shutdown of ours to act on. */
    bool suspended;
    char guest_dir[128];
    char tty_key[128];
    struct guest_report report;
    enum guest_phase published; /* last phase copied into the status */
    struct monitor_console con;
    bool paused; /* as Xen last said (sync_pause) */
    /* DomainStatus's state as last read, when its watch ("state") fired:
     * the pause look compares it with Xen's flag without asking
     * xenstored (50 monitors reading it every 2 s were a tenth of an
     * emulated CPU in xenstored and as much in the monitors). */
    enum domain_state status_state;
    bool have_status_state;
    char state_key[256];
    struct pause_tracker pause; /* monitor_pause.h */
    long long next_pause_look;  /* dom0 monotonic ms of sync_pause's look */
    /* oci_deadline (monitor_deadline.h), dom0 monotonic ms, -1 for none:
     * when the run's deadline is due, and once it fired, when the domain
     * is shut down if it is still there. */
    long long deadline_due;
    long long deadline_kill_at;
    /* Started with a run already published as started (a monitor that
     * replaces a killed one). */
    bool resumed_exec;
    /* monitor_spawn.h's handshake, -1 once answered; ready_by is when it
     * is answered even without a console (dom0 monotonic ms). */
    int ready_fd;
    long long ready_by;
    bool unpaused; /* o->unpause done */
};

/* How long the handshake waits for xenconsoled's pty (console/tty). */
#define READY_TTY_WAIT_MS 10000

/* Answers monitor_spawn()'s handshake: create unpauses the domain once it
 * has the answer, so it is given only when the guest's first byte of
 * output can no longer be missed (the console is open) and its first
 * report will be seen (the watches are set), as `xl create -c` attaches
 * its console before it unpauses. */
static void send_ready(struct monitor *m)
{
    monitor_ready_send(&m->ready_fd);
}

static void set_status(struct monitor *m, const char *field, const char *v)
{
    xo_err err = XO_ERR_INIT;
    XO_FAULT_POINT("monitor.status-write");
    if (status_set(m->xs, m->o->name, field, v, &err) < 0) {
        xo_warn("%s", xo_err_msg(&err));
        xo_err_clear(&err);
    }
}

static void set_state(struct monitor *m, enum domain_state s)
{
    set_status(m, DOMAIN_STATUS_KEY_STATE, domain_state_to_string(s));
}

/* guest_report_source over the monitor's xenstore handle. */
static char *source_read(void *ctx, const char *rel, unsigned *len)
{
    struct monitor *m = ctx;
    char path[256];
    if (xo_path_fmt(path, sizeof(path), NULL, "%s/%s", m->guest_dir, rel) < 0)
        return NULL; /* rel is one of the report's short keys: cannot happen */
    return xo_xs_read(m->xs, path, len);
}

static char **source_list(void *ctx, const char *rel, unsigned *n)
{
    struct monitor *m = ctx;
    char path[256];
    if (xo_path_fmt(path, sizeof(path), NULL, "%s%s%s", m->guest_dir,
                    *rel ? "/" : "", rel) < 0)
        return NULL;
    return xo_xs_directory(m->xs, path, n);
}

static void source_refused(void *ctx, const char *why)
{
    struct monitor *m = ctx;
    xo_warn("domain %s (%u): ignoring guest value: %s", m->o->name, m->domid,
            why);
}

/* The deadline of the current run from DomainStatus (monitor_deadline.h):
 * due at started-ms + deadline; when a monitor before us already fired
 * it (ended-by), only the kill is left. */
static void deadline_load(struct monitor *m)
{
    struct domain_status st;
    xo_err err = XO_ERR_INIT;
    m->deadline_due = m->deadline_kill_at = -1;
    if (status_read(m->xs, m->o->name, &st, &err) < 0) {
        xo_err_clear(&err);
        return;
    }
    m->deadline_due = monitor_deadline_due(&st);
    if (st.ended_by[0] && st.deadline_s > 0 && st.started_ms >= 0)
        m->deadline_kill_at = monitor_deadline_kill_at(
            st.started_ms + (long long)st.deadline_s * 1000, st.stop_timeout_s,
            DOMAIN_STATUS_KILL_MARGIN_S);
}

/*
 * The run's deadline passed: the orderly poweroff `xl-oci stop` asks for
 * (control/shutdown, as libxl writes it for a PV domain), which the
 * loader turns into the stop signal and, after oci_stop_timeout,
 * SIGKILL.  A paused domain is unpaused first, or it could not act on it.
 * If it is still there DOMAIN_STATUS_KILL_MARGIN_S after that, Xen shuts
 * it down.
 */
static void deadline_check(struct monitor *m)
{
    long long now = status_monotonic_ms();
    if (m->deadline_due >= 0 && now >= m->deadline_due) {
        struct domain_status st;
        xo_err err = XO_ERR_INIT;
        if (status_read(m->xs, m->o->name, &st, &err) < 0 ||
            monitor_deadline_reached(m->xs, m->o->root, m->o->name,
                                     st.deadline_s, &err) < 0) {
            xo_warn("%s", xo_err_msg(&err));
            xo_err_clear(&err);
        }
        m->deadline_kill_at = monitor_deadline_kill_at(
            m->deadline_due, st.stop_timeout_s, DOMAIN_STATUS_KILL_MARGIN_S);
        m->deadline_due = -1;
        if (m->paused && xc_domain_unpause(m->xc, m->domid) < 0)
            xo_warn("cannot unpause domain %u: %s", m->domid, strerror(errno));
        char path[64];
        if (xo_path_fmt(path, sizeof(path), NULL,
                        "/local/domain/%u/control/shutdown", m->domid) < 0 ||
            !xo_xs_write(m->xs, path, "poweroff", strlen("poweroff")))
            xo_warn("domain %u: cannot ask for a poweroff: %s", m->domid,
                    strerror(errno));
    }
    if (m->deadline_kill_at >= 0 && now >= m->deadline_kill_at) {
        m->deadline_kill_at = -1;
        xo_warn(
            "domain %s (%u) did not stop after its deadline: shutting it down",
            m->o->name, m->domid);
        if (xc_domain_shutdown(m->xc, m->domid, SHUTDOWN_poweroff) < 0)
            xo_warn("cannot shut down domain %u: %s", m->domid,
                    strerror(errno));
    }
}

/* Reads every key the guest wrote, refusing anything not well-formed
 * (guest_report_read: the phase first, then the rest). */
static void read_guest(struct monitor *m)
{
    const struct guest_report_source src = {m, source_read, source_list,
                                            source_refused};
    guest_report_read(&m->report, &src);

    struct guest_report *r = &m->report;
    if (r->phase == m->published)
        return;
    char now[32], ms[32], code[8];
    status_now(now, sizeof(now));
    /* cannot truncate: a long long is at most 20 digits */
    snprintf(ms, sizeof(ms), "%lld", status_monotonic_ms());
    struct guest_status_field f[GUEST_STATUS_MAX_FIELDS];
    size_t nf = guest_report_status_fields(f, r, m->published, now, ms, code);
    for (size_t i = 0; i < nf; i++)
        set_status(m, f[i].key, f[i].value);
    bool started = guest_report_started(r->phase, m->published);
    m->published = r->phase;
    if (started) {
        journal_note(m->o->root, EVENT_STARTED, m->o->name, NULL);
        deadline_load(m); /* from the started-ms just written */
    }
}

static int watch_domain(struct monitor *m)
{
    if (xo_path_fmt(m->guest_dir, sizeof(m->guest_dir), NULL,
                    "/local/domain/%u/" GUEST_REPORT_DIR, m->domid) < 0 ||
        xo_path_fmt(m->tty_key, sizeof(m->tty_key), NULL,
                    "/local/domain/%u/console/tty", m->domid) < 0)
        return -1;
    memset(&m->report, 0, sizeof(m->report));
    m->published = GUEST_PHASE_NONE;
    m->paused = false; /* a new domain (sync_pause) */
    memset(&m->pause, 0, sizeof(m->pause));
    m->deadline_due = m->deadline_kill_at = -1; /* until it starts */
    if (!xo_xs_watch(m->xs, m->guest_dir, "guest") ||
        !xo_xs_watch(m->xs, m->tty_key, "tty"))
        return -1;
    return 0;
}

static void unwatch_domain(struct monitor *m)
{
    xo_xs_unwatch(m->xs, m->guest_dir, "guest");
    xo_xs_unwatch(m->xs, m->tty_key, "tty");
    if (m->con.tty_fd >= 0) {
        monitor_console_drain(&m->con);
        monitor_console_final_drain(&m->con);
        if (m->con.tty_fd >= 0)
            close(m->con.tty_fd);
        m->con.tty_fd = -1;
    }
}

/* Xen's SHUTDOWN_* codes under the names libxl gives them. */
static const char *reason_name(unsigned reason)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
    };
    if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
        return names[reason];
    return "unknown";
}

/*
 * Runs `xl-oci --root ROOT shutdown-action NAME DOMID REASON`, which
 * applies the configured action with libxl.  Its messages go where ours
 * go (the monitor's log).  Returns its exit status, or -1.
 */
static int run_action(struct monitor *m, const char *reason)
{
    char domid[16];
    /* cannot truncate: a 32-bit domid is at most 10 digits */
    snprintf(domid, sizeof(domid), "%u", m->domid);
    char *argv[] = {(char *)m->o->xl_oci,
                    "-v",
                    "--root",
                    (char *)m->o->root,
                    "shutdown-action",
                    (char *)m->o->name,
                    domid,
                    (char *)reason,
                    NULL};
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        xo_warn("cannot fork for the shutdown action: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* Our blocked SIGUSR1 is no concern of the action's (libxl's
         * children, the domain's hotplug scripts). */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execv(argv[0], argv);
        fprintf(stderr, "xl-oci-monitor: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int restart_after_backoff(struct monitor *m, long long due);

/*
 * The container is over (`final`, halted or broken; `st` its status now):
 * journals it, then the restart policy (monitor_restart.h) either starts
 * it again after the backoff, through `xl-oci shutdown-action NAME 0
 * restart-policy`, or the final state is written.  Returns 1 to keep
 * monitoring (a new domain), 0 when done.
 */
static int ended(struct monitor *m, enum domain_state final,
                 const struct domain_status *st)
{
    const struct guest_report *r = &m->report;
    int code =
        r->has_exit_code && r->phase == GUEST_PHASE_EXITED ? r->exit_code : -1;
    struct event_record ev;
    journal_record_init(
        &ev, final == DOMAIN_STATE_BROKEN ? EVENT_BROKEN : EVENT_EXITED,
        m->o->name);
    ev.exit_code = code;
    if (r->oom_killed)
        journal_set_text(ev.detail, EVENT_DETAIL_OOM_KILLED);
    if (final == DOMAIN_STATE_BROKEN)
        journal_set_text(ev.error, st->error[0] ? st->error : "broken");
    journal_emit(m->o->root, &ev);
    long long ran =
        st->started_ms >= 0 ? status_monotonic_ms() - st->started_ms : 0;
    long long due;
    xo_err err = XO_ERR_INIT;
    int plan = monitor_restart_plan(m->xs, m->o->root, m->o->name, code, ran,
                                    &due, &err);
    if (plan < 0) {
        xo_warn("restart policy: %s", xo_err_msg(&err));
        xo_err_clear(&err);
    }
    if (plan <= 0) {
        set_state(m, final);
        return 0;
    }
    if (!restart_after_backoff(m, due))
        return 0;
    if (watch_domain(m) == 0)
        return 1;
    xo_warn("xenstore: cannot watch restarted domain %u", m->domid);
    return 0;
}

static void handle_text(char *buf, size_t len, const xen_domain_handle_t h);

/* Whether the domain the monitor watched is still in Xen (dying or
 * not); an error reading it counts as present. */
static bool domain_present(struct monitor *m)
{
    xc_dominfo_t info;
    int n = xc_domain_getinfo(m->xc, m->domid, 1, &info);
    if (n < 0)
        return errno != ESRCH;
    if (n == 0 || info.domid != m->domid)
        return false;
    char uuid[40];
    handle_text(uuid, sizeof(uuid), info.handle);
    return !m->uuid[0] || strcmp(uuid, m->uuid) == 0;
}

/*
 * The domain shut down (reason is a SHUTDOWN_* code) or vanished.
 * Records the outcome, then has the configured action applied.  Returns
 * 1 to keep monitoring (the domain was restarted), 0 when done.
 */
static int domain_ended(struct monitor *m, bool vanished, unsigned reason)
{
    /* Whoever waits for our handshake must not wait for the shutdown
     * action (it may run xl-oci, which may want this monitor's lock). */
    m->unpaused = true; /* nothing left to unpause */
    send_ready(m);
    if (!vanished)
        read_guest(m); /* the last words, before anything is destroyed */
    unwatch_domain(m);
    /* A destroy that removed DomainStatus first (an xl-oci destroy stops
     * this monitor before it destroys; this is for one that could not):
     * no write, which would make the node again (helper-88). */
    if (vanished && !status_exists(m->xs, m->o->name))
        return 0;
    char now[32];
    status_now(now, sizeof(now));
    const struct guest_report *r = &m->report;
    if (!r->has_exit_code || r->phase != GUEST_PHASE_EXITED)
        set_status(m, DOMAIN_STATUS_KEY_FINISHED, now);
    enum domain_state final = DOMAIN_STATE_HALTED;
    if (r->phase == GUEST_PHASE_FAILED) {
        final = DOMAIN_STATE_BROKEN;
    } else if (!vanished && reason != SHUTDOWN_poweroff &&
               reason != SHUTDOWN_reboot && r->phase != GUEST_PHASE_EXITED) {
        final = DOMAIN_STATE_BROKEN;
        set_status(m, DOMAIN_STATUS_KEY_ERROR,
                   reason == SHUTDOWN_crash
                       ? "the domain crashed"
                       : "the domain shut down unexpectedly");
    }
    if (vanished) {
        struct domain_status st;
        xo_err err = XO_ERR_INIT;
        if (status_read(m->xs, m->o->name, &st, &err) < 0) {
            xo_err_clear(&err);
            return 0; /* removed meanwhile (destroy) */
        }
        if (m->suspended)
            set_status(
                m, DOMAIN_STATUS_KEY_ERROR,
                "the domain was suspended and then destroyed (xl save or migrate): xl-oci does not follow a domain restored elsewhere");
        /* Gone with no exit code: neither its loader's report nor an
         * xl-oci kill (which records 128+N first) ended it, but `xl
         * destroy` or Xen itself; say so, or `status` said nothing at all
         * (helper-69). */
        else if (st.exit_code < 0 && !st.error[0] &&
                 !(r->has_exit_code && r->phase == GUEST_PHASE_EXITED))
            set_status(
                m, DOMAIN_STATUS_KEY_ERROR,
                "the domain was destroyed outside xl-oci (xl destroy, or Xen itself): its program's exit code is unknown");
        return ended(m, final, &st);
    }

    xo_info("domain %s (%u) shut down (%s)", m->o->name, m->domid,
            reason_name(reason));
    /* The final state is written only once the action is done, so `wait`
     * and `destroy` never race a destroy (and its hotplug scripts, which
     * detach loop devices) still in progress. */
    set_state(m, DOMAIN_STATE_HALTING);
    int rc = run_action(m, reason_name(reason));

    struct domain_status st;
    xo_err err = XO_ERR_INIT;
    if (status_read(m->xs, m->o->name, &st, &err) < 0) {
        /* Removed meanwhile (destroy): nothing left to report to. */
        xo_err_clear(&err);
        return 0;
    }
    if (rc == 0 && st.domid >= 0 && (uint32_t)st.domid != m->domid &&
        st.state == DOMAIN_STATE_BOOTING) {
        /* Restarted by on_poweroff/on_reboot/on_crash: the run that
         * ended is in the journal all the same. */
        struct event_record ev;
        journal_record_init(&ev, EVENT_EXITED, m->o->name);
        ev.exit_code = r->has_exit_code && r->phase == GUEST_PHASE_EXITED
                           ? r->exit_code
                           : -1;
        if (r->oom_killed)
            journal_set_text(ev.detail, EVENT_DETAIL_OOM_KILLED);
        journal_emit(m->o->root, &ev);
        m->domid = (uint32_t)st.domid;
        XO_COPY_STR(m->uuid, st.uuid);
        if (watch_domain(m) == 0)
            return 1;
        xo_warn("xenstore: cannot watch restarted domain %u", m->domid);
        return 0;
    }
    if (st.state != DOMAIN_STATE_HALTING)
        return 0; /* the action wrote the outcome */
    if (rc == SHUTDOWN_ACTION_EXIT_RESTART_FAILED) {
        /* The restart could not run: the run's exit, then why, then
         * halted (the action left it halting with the error). */
        int more = ended(m, final, &st);
        journal_note(m->o->root, EVENT_RESTART_FAILED, m->o->name,
                     st.error[0] ? st.error : "restart failed");
        return more;
    }
    if (rc != 0 && domain_present(m)) {
        final = DOMAIN_STATE_BROKEN;
        set_status(m, DOMAIN_STATUS_KEY_ERROR,
                   "the shutdown action failed (see the monitor's log)");
    } else if (rc != 0) {
        /* Killed or failed once the domain was destroyed (a restart's
         * first step): nothing of it is left in Xen, so the container is
         * down, and `start` runs it again, as after a restart that
         * failed. */
        set_status(
            m, DOMAIN_STATUS_KEY_ERROR,
            "the shutdown action failed after destroying the domain (see the monitor's log)");
    }
    return ended(m, final, &st);
}

/*
 * The restart policy's backoff, then the domain created again from its
 * saved config by `xl-oci shutdown-action NAME DOMID restart-policy`
 * (which takes the global lock and checks stop-requested under it, so a
 * `stop` comes wholly before or after).  Returns 1 with m->domid the
 * new domain's (not watched yet), 0 when none was made (stopped, or it
 * failed: the action wrote the outcome).
 */
static int restart_after_backoff(struct monitor *m, long long due)
{
    while (!monitor_restart_stop_requested(m->xs, m->o->name) &&
           monitor_restart_sleep(due))
        ; /* woken by stop: look again */
    xo_info("domain %s: restart policy: creating it again", m->o->name);
    int rc = run_action(m, MONITOR_RESTART_REASON);
    struct domain_status st;
    xo_err err = XO_ERR_INIT;
    if (status_read(m->xs, m->o->name, &st, &err) < 0) {
        xo_err_clear(&err);
        return 0;
    }
    if (rc == 0 && st.state == DOMAIN_STATE_BOOTING && st.domid >= 0 &&
        (uint32_t)st.domid != m->domid) {
        m->domid = (uint32_t)st.domid;
        XO_COPY_STR(m->uuid, st.uuid);
        return 1;
    }
    if (st.state == DOMAIN_STATE_RESTARTING) {
        /* The action could not run: nothing else will start it.  Halted
         * with the error, as the action leaves a restart that failed, so
         * `start` can run it. */
        set_status(
            m, DOMAIN_STATUS_KEY_ERROR,
            "restart failed: the shutdown action did not complete (see the monitor's log)");
        journal_note(m->o->root, EVENT_RESTART_FAILED, m->o->name,
                     "the shutdown action did not complete");
        if (status_remove_field(m->xs, m->o->name,
                                DOMAIN_STATUS_KEY_NEXT_RESTART, &err) < 0)
            xo_err_clear(&err);
        set_state(m, DOMAIN_STATE_HALTED);
    }
    return 0;
}

/*
 * Follows a pause or unpause made behind our back (`xl pause`): Xen
 * sends no event for it, so the loop looks every PAUSE_CHECK_MS and
 * monitor_pause_decide() says when Xen's flag and DomainStatus's state
 * have disagreed long enough to be someone's pause.  A change `xl-oci
 * pause` already wrote is not journaled twice.
 */
static void sync_pause(struct monitor *m, bool paused)
{
    m->paused = paused;
    /* Born paused (create unpauses it once we watch): no read needed. */
    if (!paused)
        m->pause.ran = true;
    if (!m->pause.ran)
        return;
    if (!m->have_status_state)
        return; /* no DomainStatus (yet): nothing to compare with */
    enum domain_state state = m->status_state;
    if (!monitor_pause_decide(&m->pause, paused, state, status_monotonic_ms()))
        return;
    set_state(m, paused                             ? DOMAIN_STATE_PAUSED
                 : m->published >= GUEST_PHASE_EXEC ? DOMAIN_STATE_RUNNING
                                                    : DOMAIN_STATE_BOOTING);
    journal_note(m->o->root, paused ? EVENT_PAUSED : EVENT_UNPAUSED, m->o->name,
                 NULL);
}

/* Xen's domain handle as the text DomainStatus stores it. */
static void handle_text(char *buf, size_t len, const xen_domain_handle_t h)
{
    /* cannot truncate: callers give 37 bytes or more */
    snprintf(
        buf, len,
        "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
        h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10],
        h[11], h[12], h[13], h[14], h[15]);
}

/* Checks the domain after @releaseDomain; returns 1 while it runs. */
static int check_domain(struct monitor *m)
{
    xc_dominfo_t info;
    int n = xc_domain_getinfo(m->xc, m->domid, 1, &info);
    /* A domain destroyed meanwhile (by xl-oci-runc kill, xl destroy)
     * gives ESRCH rather than no entry: it is gone, not unreadable. */
    if (n < 0 && errno == ESRCH)
        n = 0;
    if (n < 0) {
        xo_warn("cannot get the info of domain %u: %s", m->domid,
                strerror(errno));
        return 1; /* try again at the next event */
    }
    bool gone = n == 0 || info.domid != m->domid;
    if (!gone && m->uuid[0]) {
        /* A domid reused by another domain is not ours. */
        char uuid[40];
        handle_text(uuid, sizeof(uuid), info.handle);
        gone = strcmp(uuid, m->uuid) != 0;
    }
    if (gone || info.dying)
        return domain_ended(m, true, 0);
    if (info.shutdown && info.shutdown_reason == SHUTDOWN_suspend) {
        /* As xl's own domain watch ignores it (helper-69: the
         * container's on_poweroff destroyed the domain xl save was still
         * writing, and the container was left broken). */
        if (!m->suspended)
            xo_info("domain %s (%u) suspended (xl save or migrate)", m->o->name,
                    m->domid);
        m->suspended = true;
        return 1;
    }
    if (info.shutdown)
        return domain_ended(m, false, info.shutdown_reason);
    m->suspended = false; /* resumed */
    sync_pause(m, info.paused);
    return 1;
}

/* The "state" watch fired (also once when it is set): the cached state. */
static void read_status_state(struct monitor *m)
{
    xo_err err = XO_ERR_INIT;
    m->have_status_state =
        status_read_state(m->xs, m->o->name, &m->status_state, &err) == 0;
    xo_err_clear(&err);
}

static int monitor_loop(struct monitor *m, xo_err *err)
{
    if (watch_domain(m) < 0 || !xo_xs_watch(m->xs, "@releaseDomain", "rel"))
        return xo_err_sys(err, "xenstore: cannot watch domain %u", m->domid);
    if (status_key_path(m->state_key, sizeof(m->state_key), m->o->name,
                        DOMAIN_STATUS_KEY_STATE, err) < 0)
        return -1;
    read_status_state(m);
    if (!xo_xs_watch(m->xs, m->state_key, "state"))
        return xo_err_sys(err, "xenstore: cannot watch %s", m->state_key);
    if (m->resumed_exec) {
        /* A monitor before us published this run's start: the guest's
         * exec phase is not a new start (started, its event, the
         * deadline all stay as they are). */
        m->published = GUEST_PHASE_EXEC;
        deadline_load(m);
    }
    /* Only a domain create has just built (paused, never started) waits
     * for its console before the handshake; any other monitor, started
     * to recover a running or ended domain, answers at once. */
    xc_dominfo_t info;
    if (xc_domain_getinfo(m->xc, m->domid, 1, &info) != 1 ||
        info.domid != m->domid || !info.paused || m->resumed_exec)
        send_ready(m);
    /* The domain may have ended while no monitor ran. */
    int alive = check_domain(m);
    m->next_pause_look = status_monotonic_ms() + PAUSE_CHECK_MS;
    m->ready_by = status_monotonic_ms() + READY_TTY_WAIT_MS;
    monitor_console_tty_open(&m->con, m->xs, m->tty_key);
    while (alive) {
        struct pollfd p[2] = {{.fd = xo_xs_fileno(m->xs), .events = POLLIN},
                              {.fd = m->con.tty_fd, .events = POLLIN}};
        deadline_check(m);
        long long now = status_monotonic_ms();
        if ((m->ready_fd >= 0 || (m->o->unpause && !m->unpaused)) &&
            (m->con.tty_fd >= 0 || now >= m->ready_by)) {
            if (m->con.tty_fd < 0)
                xo_warn(
                    "domain %s (%u): no console after %d s; output until it appears is not logged",
                    m->o->name, m->domid, READY_TTY_WAIT_MS / 1000);
            if (m->o->unpause && !m->unpaused) {
                m->unpaused = true;
                if (xc_domain_unpause(m->xc, m->domid) < 0)
                    xo_warn("cannot unpause domain %u: %s", m->domid,
                            strerror(errno));
            }
            send_ready(m);
        }
        if (now >= m->next_pause_look) {
            /* sync_pause's look, also while console output or xenstore
             * events keep poll from ever timing out */
            m->next_pause_look = now + PAUSE_CHECK_MS;
            alive = check_domain(m);
            continue;
        }
        /* Events read while waiting for a reply are already queued; the
         * deadline's next step and the next look wake us too. */
        int timeout = xo_xs_pending(m->xs)
                          ? 0
                          : monitor_deadline_timeout(
                                now,
                                m->deadline_due >= 0 ? m->deadline_due
                                                     : m->deadline_kill_at,
                                (int)(((m->ready_fd >= 0 ||
                                        (m->o->unpause && !m->unpaused)) &&
                                               m->ready_by < m->next_pause_look
                                           ? m->ready_by
                                           : m->next_pause_look) -
                                      now));
        int ready = poll(p, m->con.tty_fd >= 0 ? 2 : 1, timeout);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            return xo_err_sys(err, "poll");
        }
        /* Nothing new on the fds: a look or a deadline step is due, or
         * events wait in the queue (read below; going round again with
         * a zero timeout would spin). */
        if (ready == 0 && !xo_xs_pending(m->xs))
            continue;
        if (m->con.tty_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            monitor_console_drain(&m->con);
        if (xo_xs_lost(m->xs)) {
            /* Some events were dropped: look at everything again. */
            read_guest(m);
            read_status_state(m);
            monitor_console_tty_open(&m->con, m->xs, m->tty_key);
            alive = check_domain(m);
            continue;
        }
        if (!xo_xs_pending(m->xs) && !(p[0].revents & (POLLIN | POLLHUP)))
            continue;
        unsigned n = 0;
        char **ev = xo_xs_read_watch(m->xs, &n);
        if (!ev) {
            if (errno == EIO || errno == E2BIG || errno == EBADMSG)
                return xo_err_sys(err, "xenstore connection");
            continue;
        }
        const char *token = ev[XS_WATCH_TOKEN];
        if (strcmp(token, "guest") == 0)
            read_guest(m);
        else if (strcmp(token, "tty") == 0)
            monitor_console_tty_open(&m->con, m->xs, m->tty_key);
        else if (strcmp(token, "rel") == 0)
            alive = check_domain(m);
        else if (strcmp(token, "state") == 0)
            read_status_state(m);
        free(ev);
    }
    return 0;
}

int monitor_run(const struct monitor_opts *o, xo_err *err)
{
    struct monitor m = {
        .o = o, .con = {.tty_fd = -1, .log = {.name = o->name, .fd = -1}}};
    int lock_fd = state_monitor_lock(o->root, o->name, err);
    m.ready_fd = o->ready_fd;
    if (lock_fd < 0) {
        /* Held by another monitor: cmd_stop_monitor will find that one. */
        if (err->errnum == EWOULDBLOCK)
            send_ready(&m);
        else if (m.ready_fd >= 0)
            close(m.ready_fd); /* EOF: not ready */
        return -1;
    }
    xo_err lerr = XO_ERR_INIT;
    if (console_log_max(&m.con.log.max, &lerr) < 0) {
        /* create refused such a value; one set for the monitor alone. */
        xo_warn("%s; the cap is %d bytes", xo_err_msg(&lerr),
                CONSOLE_LOG_DEFAULT_MAX);
        xo_err_clear(&lerr);
    }
    int rc = -1;
    struct domain_status st;
    m.xs = xo_xs_open();
    if (!m.xs) {
        xo_err_sys(err, "cannot open xenstore");
        goto out;
    }
    m.xc = xc_interface_open(NULL, NULL, 0);
    if (!m.xc) {
        xo_err_sys(err, "cannot open the Xen control interface");
        goto out;
    }
    if (status_read(m.xs, o->name, &st, err) < 0)
        goto out;
    if (st.domid < 0) {
        xo_err_set(err, ENOENT, "domain %s has no domid", o->name);
        goto out;
    }
    m.domid = (uint32_t)st.domid;
    XO_COPY_STR(m.uuid, st.uuid);
    m.resumed_exec = st.started[0] && !domain_state_is_final(st.state) &&
                     st.state != DOMAIN_STATE_RESTARTING;
    m.deadline_due = m.deadline_kill_at = -1;
    monitor_console_open_log(&m.con);
    /* SIGUSR1 wakes us in a restart's backoff (monitor_restart.h). */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    if (st.state == DOMAIN_STATE_RESTARTING) {
        /* A monitor killed in the backoff: go on where it was.  There is
         * no domain to unpause: whoever started us need not wait out the
         * backoff. */
        send_ready(&m);
        xo_info("domain %s: continuing the restart backoff", o->name);
        if (!restart_after_backoff(&m, monitor_restart_due(m.xs, o->name))) {
            monitor_restart_note_end(m.xs, o->root, o->name);
            rc = 0;
            goto out;
        }
    }
    rc = monitor_loop(&m, err);
    monitor_restart_note_end(m.xs, o->root, o->name);
out:
    if (m.ready_fd >= 0)
        close(m.ready_fd); /* EOF: the monitor ended before it was ready */
    if (m.con.tty_fd >= 0)
        close(m.con.tty_fd);
    console_log_close(&m.con.log);
    if (m.xc)
        xc_interface_close(m.xc);
    if (m.xs)
        xo_xs_close(m.xs);
    close(lock_fd);
    return rc;
}
