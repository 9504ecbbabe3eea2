/*
 * monitor.c: the per-domain monitor (see monitor.h).
 *
 * One poll loop over two fds: xenstore (watches on the guest's
 * data/xl-oci/, on @releaseDomain and on the console tty key) and the
 * console pty.  Domain death is seen through @releaseDomain plus
 * libxl_domain_info, which avoids a second event loop.
 */
#include "monitor.h"

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

#include "common/fileio.h"
#include "common/json.h"
#include "common/log.h"
#include "guest_report.h"
#include "loopdev.h"
#include "state.h"
#include "status.h"

#define LOG_MAX_DEFAULT (1024 * 1024)

struct monitor {
    const char *root, *name;
    struct xen_handles h;
    uint32_t domid;
    char guest_dir[128];
    char tty_key[128];
    struct guest_report report;
    enum guest_phase published; /* last phase copied into the status */
    int tty_fd, log_fd;
    size_t log_size, log_max;
    libxl_domain_config d_config;
    bool have_config;
    long restarts;
};

static void log_open(struct monitor *m)
{
    char path[4096];
    xo_err err = XO_ERR_INIT;
    if (xo_mkdir_p(state_log_dir(), 0750, &err) < 0) {
        xo_warn("%s", xo_err_msg(&err));
        xo_err_clear(&err);
    }
    state_log_path(path, sizeof(path), m->name);
    m->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    struct stat st;
    m->log_size =
        m->log_fd >= 0 && fstat(m->log_fd, &st) == 0 ? (size_t)st.st_size : 0;
}

/* Appends console bytes; rotates NAME.log to NAME.log.1 past the cap. */
static void log_write(struct monitor *m, const char *buf, size_t len)
{
    if (m->log_fd < 0)
        return;
    if (m->log_size + len > m->log_max) {
        char path[4096], old[4200];
        state_log_path(path, sizeof(path), m->name);
        snprintf(old, sizeof(old), "%s.1", path);
        rename(path, old);
        close(m->log_fd);
        log_open(m);
    }
    if (xo_write_all(m->log_fd, buf, len) == 0)
        m->log_size += len;
}

static void tty_try_open(struct monitor *m)
{
    if (m->tty_fd >= 0)
        return;
    unsigned n = 0;
    char *tty = xs_read(m->h.xs, XBT_NULL, m->tty_key, &n);
    if (!tty)
        return;
    /* The key is written by xenconsoled in dom0, but check it anyway. */
    if (strncmp(tty, "/dev/pts/", 9) == 0 && !strstr(tty, "..")) {
        m->tty_fd = open(tty, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        struct termios t;
        if (m->tty_fd >= 0 && tcgetattr(m->tty_fd, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(m->tty_fd, TCSANOW, &t);
        }
    }
    free(tty);
}

static void tty_drain(struct monitor *m)
{
    char buf[4096];
    for (;;) {
        ssize_t r = read(m->tty_fd, buf, sizeof(buf));
        if (r > 0) {
            log_write(m, buf, (size_t)r);
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        /* EOF or EIO: the console went away with the domain. */
        close(m->tty_fd);
        m->tty_fd = -1;
        return;
    }
}

static void set_status(struct monitor *m, const char *field, const char *v)
{
    xo_err err = XO_ERR_INIT;
    if (status_set(m->h.xs, m->name, field, v, &err) < 0) {
        xo_warn("%s", xo_err_msg(&err));
        xo_err_clear(&err);
    }
}

/* Reads every key the guest wrote, refusing anything not well-formed. */
static void read_guest(struct monitor *m)
{
    unsigned n = 0;
    char **keys = xs_directory(m->h.xs, XBT_NULL, m->guest_dir, &n);
    /* A guest could create thousands of keys; look at a bounded few. */
    for (unsigned i = 0; keys && i < n && i < 16; i++) {
        char path[256], why[160];
        snprintf(path, sizeof(path), "%s/%s", m->guest_dir, keys[i]);
        unsigned len = 0;
        char *v = xs_read(m->h.xs, XBT_NULL, path, &len);
        if (!v)
            continue;
        if (guest_report_accept(&m->report, keys[i], v, len, why, sizeof(why)) <
            0)
            xo_warn("domain %s (%u): ignoring guest value: %s", m->name,
                    m->domid, why);
        free(v);
    }
    free(keys);

    struct guest_report *r = &m->report;
    if (r->phase == m->published)
        return;
    char now[32];
    status_now(now, sizeof(now));
    if (r->phase == GUEST_PHASE_EXEC && m->published < GUEST_PHASE_EXEC) {
        char ms[32];
        snprintf(ms, sizeof(ms), "%lld", status_monotonic_ms());
        set_status(m, "started", now);
        set_status(m, "started-ms", ms);
        set_status(m, "state", "running");
    }
    if (r->phase == GUEST_PHASE_EXITED && r->has_exit_code) {
        char code[8];
        snprintf(code, sizeof(code), "%d", r->exit_code);
        set_status(m, "exit-code", code);
        set_status(m, "finished", now);
    }
    if (r->phase == GUEST_PHASE_FAILED) {
        set_status(m, "error", r->error[0] ? r->error : "loader failed");
        set_status(m, "finished", now);
    }
    m->published = r->phase;
}

static int watch_domain(struct monitor *m)
{
    snprintf(m->guest_dir, sizeof(m->guest_dir), "/local/domain/%u/data/xl-oci",
             m->domid);
    snprintf(m->tty_key, sizeof(m->tty_key), "/local/domain/%u/console/tty",
             m->domid);
    memset(&m->report, 0, sizeof(m->report));
    m->published = GUEST_PHASE_NONE;
    if (!xs_watch(m->h.xs, m->guest_dir, "guest") ||
        !xs_watch(m->h.xs, m->tty_key, "tty"))
        return -1;
    return 0;
}

static void unwatch_domain(struct monitor *m)
{
    xs_unwatch(m->h.xs, m->guest_dir, "guest");
    xs_unwatch(m->h.xs, m->tty_key, "tty");
    if (m->tty_fd >= 0) {
        tty_drain(m);
        close(m->tty_fd);
        m->tty_fd = -1;
    }
}

static const char *action_name(libxl_action_on_shutdown a)
{
    return libxl_action_on_shutdown_to_string(a);
}

/* Creates the domain again from the saved config (on_*=restart). */
static int restart_domain(struct monitor *m)
{
    uint32_t domid = 0;
    libxl_domain_destroy(m->h.ctx, m->domid, NULL);
    /* The saved config names files; attach them afresh, as create does. */
    libxl_domain_config d;
    libxl_domain_config_init(&d);
    libxl_domain_config_copy(m->h.ctx, &d, &m->d_config);
    struct loop_holds loops;
    xo_err err = XO_ERR_INIT;
    int rc = loop_attach_disks(&d, &loops, &err);
    if (rc == 0) {
        rc = libxl_domain_create_new(m->h.ctx, &d, &domid, NULL, NULL);
        loop_holds_release(&loops);
    } else {
        xo_warn("restart of %s: %s", m->name, xo_err_msg(&err));
        xo_err_clear(&err);
    }
    libxl_domain_config_dispose(&d);
    if (rc)
        return -1;
    if (libxl_domain_unpause(m->h.ctx, domid, NULL)) {
        libxl_domain_destroy(m->h.ctx, domid, NULL);
        return -1;
    }
    m->domid = domid;
    m->restarts++;
    char buf[32];
    snprintf(buf, sizeof(buf), "%u", domid);
    set_status(m, "domid", buf);
    snprintf(buf, sizeof(buf), "%ld", m->restarts);
    set_status(m, "restarts", buf);
    set_status(m, "state", "booting");
    set_status(m, "exit-code", "");
    set_status(m, "error", "");
    return 0;
}

/*
 * The domain shut down or vanished.  Records the outcome, then applies
 * the configured action.  Returns 1 to keep monitoring (restarted), 0 when
 * the monitor's job is done.
 */
static int domain_ended(struct monitor *m, bool vanished,
                        libxl_shutdown_reason reason)
{
    if (!vanished)
        read_guest(m); /* the last words, before anything is destroyed */
    unwatch_domain(m);
    char now[32];
    status_now(now, sizeof(now));
    const struct guest_report *r = &m->report;
    if (!r->has_exit_code || r->phase != GUEST_PHASE_EXITED)
        set_status(m, "finished", now);
    const char *final = "halted";
    if (r->phase == GUEST_PHASE_FAILED) {
        final = "broken";
    } else if (!vanished && reason != LIBXL_SHUTDOWN_REASON_POWEROFF &&
               reason != LIBXL_SHUTDOWN_REASON_REBOOT &&
               r->phase != GUEST_PHASE_EXITED) {
        final = "broken";
        set_status(m, "error",
                   reason == LIBXL_SHUTDOWN_REASON_CRASH
                       ? "the domain crashed"
                       : "the domain shut down unexpectedly");
    }
    if (vanished || !m->have_config) {
        set_status(m, "state", final);
        return 0;
    }

    libxl_action_on_shutdown a = m->d_config.on_poweroff;
    if (reason == LIBXL_SHUTDOWN_REASON_REBOOT)
        a = m->d_config.on_reboot;
    else if (reason == LIBXL_SHUTDOWN_REASON_CRASH)
        a = m->d_config.on_crash;
    xo_info("domain %s (%u) shut down (%s): %s", m->name, m->domid,
            libxl_shutdown_reason_to_string(reason), action_name(a));
    /* The final state is written only once the action is done, so `wait`
     * and `destroy` never race a destroy (and its hotplug scripts, which
     * detach loop devices) still in progress here. */
    set_status(m, "state", "halting");
    switch (a) {
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
    case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART:
        if (restart_domain(m) == 0 && watch_domain(m) == 0)
            return 1;
        set_status(m, "state", "broken");
        set_status(m, "error", "restart failed");
        return 0;
    case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
        break;
    default:
        libxl_domain_destroy(m->h.ctx, m->domid, NULL);
        break;
    }
    set_status(m, "state", final);
    return 0;
}

/* Checks the domain after @releaseDomain; returns 1 while it runs. */
static int check_domain(struct monitor *m)
{
    libxl_dominfo info;
    libxl_dominfo_init(&info);
    int rc = libxl_domain_info(m->h.ctx, &info, m->domid);
    int alive = 1;
    if (rc == ERROR_DOMAIN_NOTFOUND || (rc == 0 && info.dying)) {
        alive = domain_ended(m, true, LIBXL_SHUTDOWN_REASON_UNKNOWN);
    } else if (rc == 0 && info.shutdown) {
        alive = domain_ended(m, false, info.shutdown_reason);
    }
    libxl_dominfo_dispose(&info);
    return alive;
}

static int load_config(struct monitor *m, xo_err *err)
{
    char path[4096];
    char *json = NULL;
    snprintf(path, sizeof(path), "%s/domains/%s/domain-config.json", m->root,
             m->name);
    if (xo_read_file(&json, NULL, path, 1024 * 1024, err) < 0)
        return -1;
    int rc = libxl_domain_config_from_json(m->h.ctx, &m->d_config, json);
    free(json);
    if (rc)
        return xo_err_set(err, EINVAL, "%s: libxl cannot read it", path);
    m->have_config = true;
    return 0;
}

int monitor_run(const char *root, const char *name, xo_err *err)
{
    struct monitor m = {.root = root, .name = name, .tty_fd = -1, .log_fd = -1};
    int lock_fd = state_monitor_lock(root, name, err);
    if (lock_fd < 0)
        return -1; /* another monitor holds it: nothing to do */
    libxl_domain_config_init(&m.d_config);
    const char *cap = getenv("XL_OCI_LOG_MAX");
    m.log_max = cap && atol(cap) > 4096 ? (size_t)atol(cap) : LOG_MAX_DEFAULT;
    int rc = -1;
    struct domain_status st;
    if (xen_open(&m.h, err) < 0 || status_read(m.h.xs, name, &st, err) < 0)
        goto out;
    if (st.domid < 0) {
        xo_err_set(err, ENOENT, "domain %s has no domid", name);
        goto out;
    }
    m.domid = (uint32_t)st.domid;
    m.restarts = st.restarts;
    if (load_config(&m, err) < 0) {
        xo_warn("%s; restart actions disabled", xo_err_msg(err));
        xo_err_clear(err);
    }
    log_open(&m);
    if (watch_domain(&m) < 0 || !xs_watch(m.h.xs, "@releaseDomain", "rel")) {
        xo_err_sys(err, "xenstore: cannot watch domain %u", m.domid);
        goto out;
    }
    /* The domain may have ended while no monitor ran. */
    int alive = check_domain(&m);
    while (alive) {
        struct pollfd p[2] = {{.fd = xs_fileno(m.h.xs), .events = POLLIN},
                              {.fd = m.tty_fd, .events = POLLIN}};
        if (poll(p, m.tty_fd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            xo_err_sys(err, "poll");
            goto out;
        }
        if (m.tty_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            tty_drain(&m);
        if (!(p[0].revents & POLLIN))
            continue;
        unsigned n = 0;
        char **ev = xs_read_watch(m.h.xs, &n);
        if (!ev)
            continue;
        const char *token = ev[XS_WATCH_TOKEN];
        if (strcmp(token, "guest") == 0)
            read_guest(&m);
        else if (strcmp(token, "tty") == 0)
            tty_try_open(&m);
        else if (strcmp(token, "rel") == 0)
            alive = check_domain(&m);
        free(ev);
    }
    rc = 0;
out:
    if (m.tty_fd >= 0)
        close(m.tty_fd);
    if (m.log_fd >= 0)
        close(m.log_fd);
    libxl_domain_config_dispose(&m.d_config);
    xen_close(&m.h);
    close(lock_fd);
    return rc;
}

/* The monitor's own diagnostics go to <logdir>/<name>.monitor.log. */
static void monitor_daemonize(const char *name)
{
    char path[4096];
    xo_err err = XO_ERR_INIT;
    xo_mkdir_p(state_log_dir(), 0750, &err);
    xo_err_clear(&err);
    snprintf(path, sizeof(path), "%s/%s.monitor.log", state_log_dir(), name);
    int null = open("/dev/null", O_RDWR);
    int log = open(path, O_WRONLY | O_CREAT | O_APPEND, 0640);
    if (null >= 0) {
        dup2(null, 0);
        dup2(log >= 0 ? log : null, 1);
        dup2(log >= 0 ? log : null, 2);
    }
    if (null > 2)
        close(null);
    if (log > 2)
        close(log);
    setsid();
    if (chdir("/") < 0)
        _exit(1);
    signal(SIGHUP, SIG_IGN);
    xo_log_set_prefix("xl-oci-monitor");
    xo_log_set_level(XO_LOG_INFO);
}

int monitor_spawn(struct xen_handles *h, const char *root, const char *name,
                  xo_err *err)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return xo_err_sys(err, "cannot fork the monitor");
    if (pid == 0) {
        /* The parent's libxl and xenstore handles are not ours to use. */
        if (h && h->ctx)
            libxl_postfork_child_noexec(h->ctx);
        /* Nothing of the parent's may live on in the monitor: above all
         * not the global lock's fd, whose flock the monitor would hold for
         * the domain's whole life and so block every later create. */
        close_range(3, ~0U, 0);
        pid_t grandchild = fork();
        if (grandchild != 0)
            _exit(grandchild < 0 ? 1 : 0);
        monitor_daemonize(name);
        xo_err merr = XO_ERR_INIT;
        if (monitor_run(root, name, &merr) < 0 && merr.msg)
            xo_log(XO_LOG_ERROR, "%s: %s", name, xo_err_msg(&merr));
        xo_err_clear(&merr);
        _exit(0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return xo_err_set(err, ECHILD, "the monitor of %s did not start", name);
    return 0;
}

void monitor_recover(struct xen_handles *h, const char *root)
{
    char **names = NULL;
    xo_err err = XO_ERR_INIT;
    if (status_list(h->xs, &names, &err) < 0) {
        xo_err_clear(&err);
        return;
    }
    for (char **n = names; *n; n++) {
        struct domain_status st;
        if (status_read(h->xs, *n, &st, &err) < 0) {
            xo_err_clear(&err);
            continue;
        }
        bool final = strcmp(st.state, "halted") == 0 ||
                     strcmp(st.state, "broken") == 0 ||
                     strcmp(st.state, "creating") == 0;
        if (final || st.domid < 0 || !state_domain_exists(root, *n) ||
            state_monitor_alive(root, *n))
            continue;
        xo_info("no monitor for %s: starting one", *n);
        if (monitor_spawn(h, root, *n, &err) < 0) {
            xo_warn("%s", xo_err_msg(&err));
            xo_err_clear(&err);
        }
    }
    xo_strv_free(names);
}
