/*
 * nohyper_monitor.c: `xl-oci nohyper-monitor NAME`, the monitor of a
 * NOHYPER container (nohyper.h), started detached by create as
 * xl-oci-monitor is for a domain.  It is the container's subreaper: runc
 * create leaves the container's process 1 behind and exits, the process
 * is reparented here, and its exit status is the container's, as under
 * containerd's shim.  It runs `runc create` and `runc start` with the
 * container's stdout and stderr on a pipe it copies into the console log
 * (nohyper_relay.h), publishes DomainStatus (running,
 * then halted with the exit code), then deletes the container in runc
 * and unmounts its root.  The state stays until `xl-oci destroy`.  Its
 * restart policy (monitor_restart.h) starts the container again after
 * the backoff, with the root still mounted, as Docker keeps a restarted
 * container's writable layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "journal.h"
#include "monitor_deadline.h"
#include "monitor_restart.h"
#include "monitor_spawn.h"
#include "nohyper.h"
#include "nohyper_dns.h"
#include "nohyper_relay.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

#define PID_FILE "container.pid"

/* Tells create that we are done starting (monitor_spawn.h). */
static void ready(int *fd)
{
    monitor_ready_send(fd);
}

static long read_pid(const char *dir, xo_err *err)
{
    char path[4096], *text = NULL;
    if (xo_path_fmt(path, sizeof(path), err, "%s/" PID_FILE, dir) < 0 ||
        xo_read_file(&text, NULL, path, 64, err) < 0)
        return -1;
    char *end;
    long pid = strtol(text, &end, 10);
    bool ok = end != text && (*end == '\0' || *end == '\n') && pid > 1;
    free(text);
    if (!ok)
        return xo_err_set(err, EINVAL, "%s: not a pid", path);
    return pid;
}

/* What start() returns when the container's program could not be run
 * (not found, not runnable): an exit, with *code_r 127 or 126, as a
 * domain's loader and Docker give it, not a broken container. */
#define START_NOT_RUN (-2)

/* How long the output copier may take after the container's process 1
 * exited (its PID namespace, and so every writer, goes with it). */
#define RELAY_DRAIN_MS 2000

/* runc create + start (start() below), their output, and ours for the
 * log, on the relay's pipe; the container's pid, START_NOT_RUN with
 * *code_r and err saying why, or -1 with err. */
static long create_start(const char *root, const char *name, const char *dir,
                         struct nohyper_relay *relay, int *code_r, xo_err *err)
{
    char pidfile[4096];
    if (xo_path_fmt(pidfile, sizeof(pidfile), err, "%s/" PID_FILE, dir) < 0)
        return -1;
    const char *create[] = {"create", "--bundle", dir, "--pid-file",
                            pidfile,  name,       NULL};
    if (nohyper_forget_stale(root, name, err) < 0)
        return -1;
    char *text = NULL;
    int rc = nohyper_runc_logged(root, create, relay->wr, &text, err);
    char why[512];
    int code =
        rc > 0 && text ? nohyper_create_code(text, why, sizeof(why)) : -1;
    /* Any other failure says runc's reason too ("unable to apply caps:
     * operation not permitted"), not only where to look for it. */
    bool said = rc > 0 && code < 0 && text &&
                nohyper_runc_error(text, why, sizeof(why));
    free(text);
    if (code > 0) {
        *code_r = code;
        xo_err_set(err, code == 127 ? ENOENT : EACCES,
                   "the container's program could not be run: %s", why);
        /* The reason in the container's log too, as a loader marker,
         * after what runc wrote there. */
        dprintf(relay->wr, "xl-oci: %s\n", xo_err_msg(err));
        xo_err e = XO_ERR_INIT;
        nohyper_delete(root, name, &e); /* what runc create left */
        xo_err_clear(&e);
        return START_NOT_RUN;
    }
    /* runc's message starts with what we say already. */
    const char *own = "runc create failed: ";
    if (rc > 0 && said)
        return xo_err_set(
            err, EIO, "runc create failed (exit %d): %s", rc,
            strncmp(why, own, strlen(own)) == 0 ? why + strlen(own) : why);
    if (rc > 0)
        return xo_err_set(
            err, EIO,
            "runc create failed (exit %d; its message is in the log: xl-oci logs %s)",
            rc, name);
    long pid = rc < 0 ? -1 : read_pid(dir, err);
    if (pid < 0)
        return -1;
    const char *go[] = {"start", name, NULL};
    rc = nohyper_runc(root, go, relay->wr, err);
    if (rc > 0)
        return xo_err_set(err, EIO, "runc start failed (exit %d)", rc);
    return rc < 0 ? -1 : pid;
}

/* The container started with its stdout and stderr on a pipe `relay`
 * copies into the log (nohyper_relay.h); the copier outlives this call
 * only when the container runs. */
static long start(const char *root, const char *name, const char *dir,
                  struct nohyper_relay *relay, int *code_r, xo_err *err)
{
    if (nohyper_relay_start(relay, name, err) < 0)
        return -1;
    long pid = create_start(root, name, dir, relay, code_r, err);
    /* From now on only the container holds the pipe's write end. */
    nohyper_relay_close_writer(relay);
    if (pid < 0)
        nohyper_relay_finish(relay, RELAY_DRAIN_MS);
    return pid;
}

/* Reaps every child that exited; 1 with `pid`'s exit code (the way a
 * shell gives it) in *code_r once it is among them, 0 while it runs, -1
 * when it was never ours to wait for (ECHILD). */
static int reap(pid_t pid, int *code_r)
{
    for (;;) {
        int ws;
        pid_t p = waitpid(-1, &ws, WNOHANG);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            return -1;
        if (p == 0)
            return 0;
        if (p != pid)
            continue; /* a leftover of runc's, reparented to us */
        *code_r = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
        return 1;
    }
}

/*
 * The deadline's stop (monitor_deadline.h): a paused container is
 * resumed (frozen, it could not act on the signal), then gets its stop
 * signal; the kill follows after its stop timeout.
 */
static void deadline_stop(struct xo_xs *xs, const char *root, const char *name,
                          long deadline_s, int sig)
{
    xo_err err = XO_ERR_INIT;
    struct domain_status st;
    if (monitor_deadline_reached(xs, root, name, deadline_s, &err) < 0 ||
        (status_read(xs, name, &st, &err) == 0 &&
         st.state == DOMAIN_STATE_PAUSED &&
         cmd_set_paused(name, false, &err) < 0) ||
        nohyper_kill(root, name, sig, &err) < 0) {
        xo_warn("%s: deadline: %s", name, xo_err_msg(&err));
        xo_err_clear(&err);
    }
}

/*
 * Waits until `pid` exits and returns its exit code (-1 if it was never
 * ours).  SIGCHLD is blocked (run()), so the wait is sigtimedwait on it,
 * which also wakes us for the run's deadline: the stop signal `sig` at
 * the due time, SIGKILL `grace` seconds later.
 */
static int wait_container(struct xo_xs *xs, const char *root, const char *name,
                          pid_t pid, int sig, long grace)
{
    struct domain_status st;
    xo_err err = XO_ERR_INIT;
    long long due = -1, kill_at = -1;
    long deadline_s = 0;
    if (status_read(xs, name, &st, &err) == 0) {
        due = monitor_deadline_due(&st);
        deadline_s = st.deadline_s;
    }
    xo_err_clear(&err);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    for (;;) {
        int code = -1, r = reap(pid, &code);
        if (r != 0)
            return code;
        long long now = status_monotonic_ms();
        if (due >= 0 && now >= due) {
            deadline_stop(xs, root, name, deadline_s, sig);
            kill_at = monitor_deadline_kill_at(due, grace, 0);
            due = -1;
        }
        if (kill_at >= 0 && now >= kill_at) {
            kill_at = -1;
            xo_warn("%s did not stop after its deadline: SIGKILL", name);
            if (nohyper_kill(root, name, SIGKILL, &err) < 0) {
                xo_warn("%s", xo_err_msg(&err));
                xo_err_clear(&err);
            }
        }
        int wait_ms =
            monitor_deadline_timeout(now, due >= 0 ? due : kill_at, -1);
        if (wait_ms < 0) {
            sigwaitinfo(&chld, NULL);
        } else {
            struct timespec ts = {wait_ms / 1000, (wait_ms % 1000) * 1000000L};
            sigtimedwait(&chld, NULL, &ts);
        }
    }
}

/* Marks the container running (its pid, start times) and journals it. */
static int publish_running(struct xo_xs *xs, const char *root, const char *name,
                           long pid, xo_err *err)
{
    char now[32];
    status_now(now, sizeof(now));
    if (status_setf(xs, name, DOMAIN_STATUS_KEY_PID, err, "%ld", pid) < 0 ||
        status_set(xs, name, DOMAIN_STATUS_KEY_STARTED, now, err) < 0 ||
        status_setf(xs, name, DOMAIN_STATUS_KEY_STARTED_MS, err, "%lld",
                    status_monotonic_ms()) < 0 ||
        status_set(xs, name, DOMAIN_STATUS_KEY_EXIT_CODE, "", err) < 0 ||
        status_set(xs, name, DOMAIN_STATUS_KEY_FINISHED, "", err) < 0 ||
        status_set(xs, name, DOMAIN_STATUS_KEY_ENDED_BY, "", err) < 0 ||
        status_set(xs, name, DOMAIN_STATUS_KEY_OOM_KILLED, "", err) < 0 ||
        status_set_state(xs, name, DOMAIN_STATE_RUNNING, err) < 0)
        return -1;
    journal_note(root, EVENT_STARTED, name, NULL);
    xo_info("%s runs as pid %ld", name, pid);
    return 0;
}

/* Records the exit; journals it.  The pid goes: the number is free for
 * the host's next process, which a script reading it must not signal (as
 * docker inspect's State.Pid is 0 then). */
static int publish_exit(struct xo_xs *xs, const char *root, const char *name,
                        int code, xo_err *err)
{
    char now[32];
    status_now(now, sizeof(now));
    xo_info("%s exited with %d", name, code);
    /* Read before runc deletes the cgroup (the teardown, the restart). */
    bool oom = nohyper_oom_killed(root, name);
    if ((code >= 0 && status_setf(xs, name, DOMAIN_STATUS_KEY_EXIT_CODE, err,
                                  "%d", code) < 0) ||
        (oom &&
         status_set(xs, name, DOMAIN_STATUS_KEY_OOM_KILLED, "1", err) < 0) ||
        status_set(xs, name, DOMAIN_STATUS_KEY_FINISHED, now, err) < 0 ||
        status_remove_field(xs, name, DOMAIN_STATUS_KEY_PID, err) < 0)
        return -1;
    struct event_record ev;
    journal_record_init(&ev, EVENT_EXITED, name);
    ev.exit_code = code;
    if (oom)
        journal_set_text(ev.detail, EVENT_DETAIL_OOM_KILLED);
    journal_emit(root, &ev);
    return 0;
}

/*
 * The restart policy's wait, then the start again, under the global lock
 * so that a `stop` (which sets stop-requested under it) comes wholly
 * before (no start) or after (it stops what runs).  The new pid, 0 when
 * a stop ended the policy, START_NOT_RUN (*code_r, err) when the program
 * could not be run again, -1 with err.
 */
static long restart_after_backoff(struct xo_xs *xs, const char *root,
                                  const char *name, const char *dir,
                                  struct nohyper_relay *relay, long long due,
                                  int *code_r, xo_err *err)
{
    while (!monitor_restart_stop_requested(xs, name) &&
           monitor_restart_sleep(due))
        ; /* woken: look at stop-requested again */
    int lock = state_lock(root, err);
    if (lock < 0)
        return -1;
    long pid = 0;
    if (!monitor_restart_stop_requested(xs, name)) {
        xo_info("%s: restarting", name);
        if (nohyper_delete(root, name, err) < 0 ||
            (pid = start(root, name, dir, relay, code_r, err)) == -1 ||
            monitor_restart_done(xs, name, err) < 0 ||
            (pid > 0 && publish_running(xs, root, name, pid, err) < 0))
            pid = -1;
    }
    close(lock);
    return pid;
}

/*
 * The end of a run in DomainStatus (halting, the exit code), waiting for
 * room when the state file system is full (ENOSPC, EDQUOT): the monitor
 * exited there, the exit code lost, the restart policy not applied,
 * runc's container and the mounts left, and `status` blamed a reboot
 * (helper-67).  It says so once on stderr and tries again every 5 s; a
 * destroy ends the wait (it stops the monitor).
 */
static int record_end(struct xo_xs *xs, const char *root, const char *name,
                      int code, xo_err *err)
{
    for (unsigned n = 0;; n++) {
        if (status_set_state(xs, name, DOMAIN_STATE_HALTING, err) == 0 &&
            publish_exit(xs, root, name, code, err) == 0)
            return 0;
        if (err->errnum != ENOSPC && err->errnum != EDQUOT)
            return -1;
        if (n == 0)
            xo_warn(
                "%s: exited with %d, but its status cannot be written (%s): trying again every 5 s until there is room",
                name, code, xo_err_msg(err));
        xo_err_clear(err);
        sleep(5);
    }
}

static int run(const char *root, const char *name, int ready_fd, xo_err *err)
{
    struct xen_handles h = {0};
    char dir[4096];
    int lock = -1, rc = -1, dns = 0;
    struct nohyper_relay relay = {.wr = -1, .pid = 0};
    long pid = 0;
    int not_run = 0;
    long long due = 0;
    struct domain_status st;
    if (state_domain_dir(dir, sizeof(dir), root, name, err) < 0 ||
        xen_open_xs(&h, err) < 0)
        goto out;
    if ((lock = state_monitor_lock(root, name, err)) < 0) {
        ready(&ready_fd); /* another monitor has it: nothing to do */
        goto out;
    }
    /* SIGUSR1 wakes us in a restart's backoff (monitor_restart.h);
     * SIGCHLD is taken by sigtimedwait in wait_container. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigaddset(&usr1, SIGCHLD);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    /* Our children's orphans, above all the container, become ours. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        xo_err_sys(err, "cannot become a subreaper");
        goto broken;
    }
    if (status_read(h.xs, name, &st, err) < 0)
        goto out;
    /* The deadline's stop signal and grace; a config without them (none
     * is written without both) gets SIGTERM and domcfg's 10 s. */
    int stop_sig = SIGTERM;
    long stop_grace = 10;
    xo_err pe = XO_ERR_INIT;
    if (nohyper_stop_params(dir, &stop_sig, &stop_grace, &pe) < 0) {
        xo_warn("%s", xo_err_msg(&pe));
        xo_err_clear(&pe);
        stop_sig = SIGTERM;
        stop_grace = 10;
    }
    /* The DNS forwarder, for as long as this monitor runs: bound before
     * the container's first query. */
    if ((dns = nohyper_dns_start(dir, err)) < 0) {
        dns = 0;
        goto broken;
    }
    if (st.state == DOMAIN_STATE_RESTARTING) {
        /* A monitor killed in the backoff: go on where it was. */
        ready(&ready_fd);
        due = monitor_restart_due(h.xs, name);
        xo_info("%s: continuing the restart backoff", name);
    } else {
        pid = start(root, name, dir, &relay, &not_run, err);
        if (pid == -1 ||
            (pid > 0 && publish_running(h.xs, root, name, pid, err) < 0))
            goto broken;
        /* A program that could not run: create waits until its exit is
         * recorded (below), so it reports an exit, not a boot. */
        if (pid > 0)
            ready(&ready_fd);
    }
    for (;;) {
        if (due) {
            pid = restart_after_backoff(h.xs, root, name, dir, &relay, due,
                                        &not_run, err);
            if (pid == -1)
                goto restart_failed;
            if (pid == 0)
                break; /* stopped in the backoff */
        }
        long long started = status_monotonic_ms();
        int code = pid == START_NOT_RUN
                       ? not_run
                       : wait_container(h.xs, root, name, (pid_t)pid, stop_sig,
                                        stop_grace);
        /* Its last lines in the log before `wait` reports the exit. */
        nohyper_relay_finish(&relay, RELAY_DRAIN_MS);
        if (pid == START_NOT_RUN) {
            /* An exit that says why, as a domain's failed phase does. */
            xo_err e = XO_ERR_INIT;
            status_set(h.xs, name, DOMAIN_STATUS_KEY_ERROR, xo_err_msg(err),
                       &e);
            xo_err_clear(&e);
            xo_err_clear(err);
        }
        /* Halting first, as a domain's monitor does once it is down: the
         * exit code and the end go in before the final state, which
         * comes after the teardown, and none may be read with "running"
         * (helper-65: list right after kill showed running with 137). */
        if (record_end(h.xs, root, name, code, err) < 0)
            goto out;
        int plan = monitor_restart_plan(
            h.xs, root, name, code, status_monotonic_ms() - started, &due, err);
        if (plan != 0)
            ready(&ready_fd); /* restarting (or broken): create may go on */
        if (plan < 0)
            goto broken;
        if (plan == 0)
            break;
    }
    /* Halted: the writable layer stays for `start` (destroy drops it). */
halted:
    nohyper_dns_stop(dns); /* out of the namespace before it goes */
    dns = 0;
    rc = nohyper_teardown(root, name, true, err);
    xo_err e = XO_ERR_INIT;
    /* Under the global lock, as stop sets halting: one comes wholly
     * after the other.  Not while create or start waits for our ready
     * (a program that could not run ends before it): they hold the lock
     * for as long, so no stop runs meanwhile, and taking it would wait
     * for them, which wait for us. */
    int final_lock = ready_fd >= 0 ? -1 : state_lock(root, &e);
    xo_err_clear(&e);
    status_set_state(h.xs, name,
                     rc == 0 ? DOMAIN_STATE_HALTED : DOMAIN_STATE_BROKEN, &e);
    if (final_lock >= 0)
        close(final_lock);
    if (rc < 0) {
        status_set(h.xs, name, DOMAIN_STATUS_KEY_ERROR, xo_err_msg(err), &e);
        journal_note(root, EVENT_BROKEN, name, xo_err_msg(err));
    }
    xo_err_clear(&e);
    monitor_restart_note_end(h.xs, root, name);
    goto out;
restart_failed:;
    /* A restart that could not run (a share's directory gone meanwhile):
     * halted with the error, as Docker leaves a container whose restart
     * failed exited, so `start` runs it once the cause is gone; the
     * writable layer stays (helper-85: broken for good, and destroy was
     * the only way out, dropping the layer). */
    xo_warn("%s: restart failed: %s", name, xo_err_msg(err));
    {
        xo_err re = XO_ERR_INIT;
        status_setf(h.xs, name, DOMAIN_STATUS_KEY_ERROR, &re,
                    "restart failed: %s", xo_err_msg(err));
        xo_err_clear(&re);
        /* No restart to come: next-restart is for restarting only. */
        status_remove_field(h.xs, name, DOMAIN_STATUS_KEY_NEXT_RESTART, &re);
        xo_err_clear(&re);
        journal_note(root, EVENT_RESTART_FAILED, name, xo_err_msg(err));
    }
    xo_err_clear(err);
    goto halted;
broken:;
    /* Create waits for us and reads what went wrong from DomainStatus. */
    xo_err be = XO_ERR_INIT;
    status_set(h.xs, name, DOMAIN_STATUS_KEY_ERROR, xo_err_msg(err), &be);
    status_set_state(h.xs, name, DOMAIN_STATE_BROKEN, &be);
    journal_note(root, EVENT_BROKEN, name, xo_err_msg(err));
    xo_err_clear(&be);
    nohyper_dns_stop(dns);
    dns = 0;
    nohyper_teardown(root, name, true, &be);
    xo_err_clear(&be);
    monitor_restart_note_end(h.xs, root, name);
out:
    nohyper_dns_stop(dns);
    nohyper_relay_finish(&relay, RELAY_DRAIN_MS);
    ready(&ready_fd);
    if (lock >= 0)
        close(lock);
    xen_close(&h);
    return rc;
}

int main_nohyper_monitor(int argc, char **argv)
{
    static const struct option longopts[] = {{"ready-fd", 1, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    int opt, ready_fd = -1;
    while ((opt = cmd_getopt(argc, argv, "", longopts, "nohyper-monitor", 1)) !=
           -1) {
        if (opt == 'f') {
            char *end;
            long fd = strtol(optarg, &end, 10);
            if (*end || end == optarg || fd < 3 || fd > 1024) {
                fprintf(stderr, "xl-oci nohyper-monitor: bad --ready-fd\n");
                return XO_EXIT_USAGE;
            }
            ready_fd = (int)fd;
        }
    }
    xo_log_set_prefix("xl-oci nohyper-monitor");
    xo_err err = XO_ERR_INIT;
    if (run(cmd_state_root(), argv[optind], ready_fd, &err) < 0) {
        xo_log(XO_LOG_ERROR, "%s: %s", argv[optind], xo_err_msg(&err));
        xo_err_clear(&err);
        return XO_EXIT_FAIL;
    }
    return XO_EXIT_OK;
}
