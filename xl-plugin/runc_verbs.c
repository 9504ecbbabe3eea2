/*
 * runc_verbs.c: xl-oci-runc's verbs on an existing container (runc.h):
 * start, state, kill, delete, ps, pause/resume, features.  Each finds the
 * domain by the name create recorded and acts on it through libxl and
 * DomainStatus, as the xl-oci commands do.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/json.h"
#include "common/json_build.h"
#include "common/pathfmt.h"
#include "common/table.h"
#include "exec_client.h"
#include "image/bundle_rootfs.h"
#include "runc.h"
#include "runc_binds.h"
#include "runc_hooks.h"
#include "runc_pod.h"
#include "runc_pod_member.h"
#include "runc_network.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xen_gate.h"
#include "xl_oci.h"
#include "common/xenlight_lib.h"

/* The verb's options: the ones in `flags` (each "--name" taking no
 * value) are accepted and reported in *set (bit i for flags[i]); the
 * operands follow: the container's ID and, with `signal`, an optional
 * signal (kill).  Returns the index of the first operand. */
static int operands(int argc, char **argv, const char *const *flags,
                    unsigned *set, bool signal, xo_err *err)
{
    int i = 1;
    *set = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        /* "--" ends the options, as runc's flag parser takes it. */
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        unsigned bit = 0;
        for (; flags && flags[bit]; bit++)
            if (strcmp(argv[i], flags[bit]) == 0)
                break;
        if (!flags || !flags[bit])
            return xo_err_set(err, EINVAL, "%s: unknown option %s", argv[0],
                              argv[i]);
        *set |= 1u << bit;
    }
    if (argc - i < 1 || argc - i > 1 + signal)
        return xo_err_set(
            err, EINVAL, "%s: expected a container ID%s, not %d operands",
            argv[0], signal ? " and an optional signal" : "", argc - i);
    return i;
}

/* The container's state, DomainStatus and domain handles. */
struct target {
    struct runc_state s;
    struct domain_status st;
    bool have_status;
    struct xen_handles h;
};

static int find(const struct runc_global *g, const char *id, struct target *t,
                bool libxl, xo_err *err)
{
    memset(t, 0, sizeof(*t));
    if (runc_state_read(g, id, &t->s, err) < 0 ||
        (libxl ? xen_open(&t->h, err) : xen_open_xs(&t->h, err)) < 0)
        return -1;
    xo_err e = XO_ERR_INIT;
    t->have_status = status_read(t->h.xs, t->s.name, &t->st, &e) == 0;
    xo_err_clear(&e);
    return 0;
}

static bool placeholder_alive(const struct target *t)
{
    /* The same process, not one that reused its pid (helper-74: a reused
     * pid read "running", and delete --force SIGKILLed it). */
    return t->s.pid > 1 && kill((pid_t)t->s.pid, 0) == 0 &&
           (!t->s.pid_start || runc_proc_start(t->s.pid) == t->s.pid_start);
}

/* OCI runtime status of a container: created, running or stopped. */
static const char *oci_status(const struct target *t)
{
    /* No domain of its own: its placeholder is all it is (a member's runs
     * its session). */
    if (!runc_has_domain(&t->s))
        return !placeholder_alive(t) ? "stopped"
               : t->s.started        ? "running"
                                     : "created";
    /* The placeholder is the process containerd waits on: once it is
     * gone (the OOM killer, an admin's kill), the shim reports the task
     * stopped, and so does this, whatever the domain does, so that the
     * shim's plain `delete` destroys the domain (helper-71: delete was
     * refused, "not stopped: running", the task stuck, the domain up). */
    if (t->s.pid > 1 && !placeholder_alive(t))
        return "stopped";
    if (!t->have_status)
        return "stopped";
    /* Behind the start gate the domain runs, its entrypoint does not:
     * created until our own start opened the gate, whatever the guest
     * reports (xen_gate.h).  A container from before the gate was
     * created paused, and started once its entrypoint ran. */
    bool started = t->s.gated ? t->s.started : t->st.started[0] != '\0';
    switch (t->st.state) {
    case DOMAIN_STATE_CREATING:
        return "creating";
    case DOMAIN_STATE_PAUSED:
        /* Created and not yet started, or paused by `pause` (which runc
         * also reports as "paused"). */
        return started ? "paused" : "created";
    case DOMAIN_STATE_BOOTING:
    case DOMAIN_STATE_RUNNING:
    case DOMAIN_STATE_HALTING:
        return !t->s.gated || started ? "running" : "created";
    default:
        return "stopped";
    }
}

/* Opens the start gate of a container whose domain booted at create
 * (runc_state.gated): its late network first, which the guest reads
 * after the gate, then `started`, then the gate itself, so that no state
 * says "created" of an entrypoint that may run. */
static int start_gated(const struct runc_global *g, struct target *t,
                       xo_err *err)
{
    uint32_t domid = (uint32_t)t->st.domid;
    if (runc_network_start(&t->h, &t->s, domid, err) < 0)
        return -1;
    t->s.started = true;
    if (runc_state_write(g, &t->s, err) < 0)
        return -1;
    if (xen_gate_write(t->h.xs, domid, START_GATE_OPEN, err) < 0) {
        xo_err e = XO_ERR_INIT;
        t->s.started = false;
        runc_state_write(g, &t->s, &e);
        xo_err_clear(&e);
        return -1;
    }
    return 0;
}

int runc_start(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    unsigned set;
    struct target t = {0};
    int i = operands(argc, argv, NULL, &set, false, err);
    if (i < 0 || find(g, argv[i], &t, true, err) < 0)
        goto fail;
    if (strcmp(oci_status(&t), "created") != 0) {
        xo_err_set(err, EINVAL, "cannot start a container that is %s",
                   oci_status(&t));
        goto fail;
    }
    if (!runc_has_domain(&t.s)) {
        t.s.started = true;
        if (runc_state_write(g, &t.s, err) < 0)
            goto fail;
        char dir[4096];
        xo_err e = XO_ERR_INIT;
        if (t.s.pod[0] &&
            (runc_state_dir(dir, sizeof(dir), g, t.s.id, err) < 0 ||
             runc_pod_member_start(dir, err) < 0)) {
            t.s.started = false;
            runc_state_write(g, &t.s, &e);
            xo_err_clear(&e);
            goto fail;
        }
    } else if (t.s.gated) {
        if (start_gated(g, &t, err) < 0)
            goto fail;
    } else {
        const struct status_change booting[] = {
            {DOMAIN_STATUS_KEY_STATE,
             domain_state_to_string(DOMAIN_STATE_BOOTING)},
        };
        if (runc_network_start(&t.h, &t.s, (uint32_t)t.st.domid, err) < 0 ||
            status_update(t.h.xs, t.s.name, t.st.uuid, booting, 1, err) < 0)
            goto fail;
        if (xo_xl.domain_unpause(t.h.ctx, (uint32_t)t.st.domid, NULL)) {
            xo_err_set(err, EIO, "libxl could not unpause %s (domid %ld)",
                       t.s.name, t.st.domid);
            goto fail;
        }
    }
    xen_close(&t.h);
    char dir[4096];
    if (runc_state_dir(dir, sizeof(dir), g, t.s.id, err) < 0)
        return -1;
    runc_hooks_run_later(dir, RUNTIME_HOOK_POSTSTART, &t.s, "running");
    return 0;
fail:
    xen_close(&t.h);
    return -1;
}

int runc_state_cmd(const struct runc_global *g, int argc, char **argv,
                   xo_err *err)
{
    unsigned set;
    struct target t = {0};
    int i = operands(argc, argv, NULL, &set, false, err);
    if (i < 0 || find(g, argv[i], &t, false, err) < 0) {
        xen_close(&t.h);
        return -1;
    }
    const char *status = oci_status(&t);
    json_object *o = xo_jobj();
    xo_jset(o, "ociVersion", xo_jstr("1.0.2"));
    xo_jset(o, "id", xo_jstr(t.s.id));
    xo_jset(o, "pid",
            xo_jint64(strcmp(status, "stopped") != 0 && placeholder_alive(&t)
                          ? t.s.pid
                          : 0));
    xo_jset(o, "status", xo_jstr(status));
    xo_jset(o, "bundle", xo_jstr(t.s.bundle));
    xo_jset(o, "rootfs", xo_jstr(t.s.volume));
    xo_jset(o, "created", xo_jstr(t.s.created));
    json_object *ann = xo_jobj();
    /* A member runs in its pod's domain. */
    xo_jset(ann, "org.xl-oci.domain", xo_jstr(t.s.pod[0] ? t.s.pod : t.s.name));
    if (t.have_status && t.st.domid >= 0)
        xo_jset(ann, "org.xl-oci.domid", xo_jint64(t.st.domid));
    xo_jset(o, "annotations", ann);
    char *text = xo_json_to_string(o);
    json_object_put(o);
    xen_close(&t.h);
    fputs(text, stdout);
    free(text);
    return 0;
}

/* Adds sig to s's pending signals (runc.h) and saves the state; a
 * standard signal already pending is not added again, as the kernel
 * keeps one of each.  EAGAIN when RUNC_MAX_PENDING are held. */
static int hold_signal(const struct runc_global *g, struct runc_state *s,
                       int sig, xo_err *err)
{
    for (size_t i = 0; sig < SIGRTMIN && i < s->n_pending; i++)
        if (s->pending[i] == sig)
            return 0;
    if (s->n_pending == RUNC_MAX_PENDING)
        return xo_err_set(err, EAGAIN,
                          "kill: %s is paused and holds %d signals already",
                          s->id, RUNC_MAX_PENDING);
    s->pending[s->n_pending++] = sig;
    return runc_state_write(g, s, err);
}

/* Delivers what `kill` held while the container was paused, in order,
 * once it runs again; the list is emptied even when one fails. */
static int deliver_held(const struct runc_global *g, struct target *t,
                        xo_err *err)
{
    size_t n = t->s.n_pending;
    int held[RUNC_MAX_PENDING];
    memcpy(held, t->s.pending, n * sizeof(held[0]));
    t->s.n_pending = 0;
    if (n == 0 || runc_state_write(g, &t->s, err) < 0)
        return n == 0 ? 0 : -1;
    for (size_t i = 0; i < n; i++)
        if (exec_client_signal(cmd_state_root(), t->s.name,
                               (uint32_t)t->st.domid, held[i], err) < 0)
            return xo_err_wrap(err, "resume: signal %d held while paused",
                               held[i]);
    return 0;
}

int runc_kill(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    static const char *const flags[] = {"--all", "-a", NULL};
    unsigned set;
    struct target t = {0};
    int i = operands(argc, argv, flags, &set, true, err);
    if (i < 0 || find(g, argv[i], &t, true, err) < 0)
        goto fail;
    int sig = i + 1 < argc ? runc_signal(argv[i + 1]) : SIGTERM;
    if (sig < 0) {
        xo_err_set(err, EINVAL, "kill: unknown signal \"%s\"", argv[i + 1]);
        goto fail;
    }
    const char *status = oci_status(&t);
    if (strcmp(status, "stopped") == 0) {
        /* The words the shim checks for (checkKillError). */
        xo_err_set(err, ESRCH, "container not running");
        goto fail;
    }
    if (!runc_has_domain(&t.s)) {
        /* A sandbox's placeholder is the pod's process; a member's
         * passes the signal on to the container's process (SIGKILL ends
         * the session, which ends the container), and one not started
         * yet waits on its FIFO: it goes. */
        if (t.s.pod[0] && strcmp(status, "created") == 0)
            sig = SIGKILL;
        if (t.s.pod[0] && !exec_client_forwards(sig) && sig != SIGKILL) {
            xo_err_set(
                err, ENOTSUP,
                "kill: signal %d cannot be passed to a pod's member container",
                sig);
            goto fail;
        }
        if (kill((pid_t)t.s.pid, sig) < 0) {
            xo_err_sys(err, "kill %ld", t.s.pid);
            goto fail;
        }
        xen_close(&t.h);
        return 0;
    }
    /* A paused container holds any other signal until resume (as a
     * frozen cgroup does under runc): the domain cannot take one now. */
    if (sig != SIGKILL && strcmp(status, "paused") == 0) {
        if (hold_signal(g, &t.s, sig, err) < 0)
            goto fail;
        xen_close(&t.h);
        return 0;
    }
    uint32_t domid = (uint32_t)t.st.domid;
    /* SIGKILL, or any signal to a container whose process has not
     * started: the domain goes at once, and its exit code is the
     * signal's.  Any other signal goes to the container's process 1
     * through the exec channel, as runc delivers it; a domain whose
     * loader offers no channel (one older than exec) gets the orderly
     * poweroff instead, on which its loader sends the stop signal. */
    xo_err cerr = XO_ERR_INIT;
    if (sig != SIGKILL && strcmp(status, "running") == 0 &&
        t.st.state == DOMAIN_STATE_RUNNING) {
        int r =
            exec_client_signal(cmd_state_root(), t.s.name, domid, sig, &cerr);
        if (r == 0 || cerr.errnum != ETIMEDOUT) {
            if (r < 0) {
                xo_err_set(err, cerr.errnum, "%s", xo_err_msg(&cerr));
                xo_err_clear(&cerr);
                goto fail;
            }
            xen_close(&t.h);
            return 0;
        }
        xo_err_clear(&cerr);
    }
    if (sig == SIGKILL || strcmp(status, "running") != 0) {
        /* Without the global lock: only while it is still this container
         * (a delete may have come in between). */
        char code[16];
        /* cannot truncate: a small number */
        snprintf(code, sizeof(code), "%d", 128 + sig);
        const struct status_change killed[] = {
            {DOMAIN_STATUS_KEY_EXIT_CODE, code}};
        if (status_update(t.h.xs, t.s.name, t.st.uuid, killed, 1, err) < 0)
            goto fail;
        if (xo_xl.domain_destroy(t.h.ctx, domid, NULL)) {
            xo_err_set(err, EIO, "libxl could not destroy %s (domid %u)",
                       t.s.name, domid);
            goto fail;
        }
    } else if (xo_xl.domain_shutdown(t.h.ctx, domid, NULL)) {
        xo_err_set(err, EIO, "libxl could not shut down %s (domid %u)",
                   t.s.name, domid);
        goto fail;
    }
    xen_close(&t.h);
    return 0;
fail:
    xen_close(&t.h);
    return -1;
}

int runc_delete(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    static const char *const flags[] = {"--force", "-f", NULL};
    unsigned set;
    struct target t = {0};
    char dir[4096], p[4200];
    int i = operands(argc, argv, flags, &set, false, err);
    if (i < 0)
        goto fail;
    if (find(g, argv[i], &t, false, err) < 0) {
        /* As runc: a forced delete of a container that does not exist
         * (its state unread: find() reads it first) has nothing to do,
         * so cleanup that deletes twice does not fail the second time. */
        if ((set & 3u) && err->errnum == ENOENT && !t.s.id[0]) {
            xo_err_clear(err);
            return 0;
        }
        goto fail;
    }
    const char *status = oci_status(&t);
    if (!(set & 3u) && strcmp(status, "stopped") != 0 &&
        strcmp(status, "created") != 0) {
        xo_err_set(err, EBUSY,
                   "cannot delete container %s that is not stopped: %s", t.s.id,
                   status);
        goto fail;
    }
    if (placeholder_alive(&t))
        kill((pid_t)t.s.pid, SIGKILL); /* the shim reaps it */
    /* Whose NAME.log.1 is, while the container's state still says. */
    char log[4096], old[4200];
    struct stat ls;
    bool rotated = runc_has_domain(&t.s) &&
                   state_log_path(log, sizeof(log), t.s.name, NULL) == 0 &&
                   xo_path_fmt(old, sizeof(old), NULL, "%s.1", log) == 0 &&
                   stat(old, &ls) == 0 &&
                   state_log_is_own(&ls, cmd_state_root(), t.s.name);
    xo_err e = XO_ERR_INIT;
    if (runc_has_domain(&t.s) && cmd_destroy(t.s.name, &e) < 0 &&
        e.errnum != ENOENT) {
        *err = e;
        goto fail;
    }
    xo_err_clear(&e);
    /* Its console log goes with it, as runc keeps nothing after delete
     * (containerd has the output): IDs are new for every container, so
     * their logs would fill the log directory (/var/log/xen/oci). */
    if (runc_has_domain(&t.s) && state_log_remove(t.s.name, rotated, err) < 0)
        goto fail;
    /* A member's disk leaves its pod's domain before its volume may go;
     * the memory it took back is saved at once, so that a delete tried
     * again does not take it twice. */
    long had_mb = t.s.pod_memory_mb;
    int detached = runc_pod_member_detach(&t.s, err);
    if (had_mb != t.s.pod_memory_mb && runc_state_write(g, &t.s, &e) < 0)
        xo_err_clear(&e);
    if (detached < 0)
        goto fail;
    if ((!(t.s.sandbox && !t.s.pod_domain) &&
         bundle_rootfs_release(cmd_state_root(), t.s.volume, err) < 0) ||
        runc_state_dir(dir, sizeof(dir), g, t.s.id, err) < 0)
        goto fail;
    if (xo_path_fmt(p, sizeof(p), err, "%s/" RUNC_BINDS_IMAGE, dir) < 0 ||
        runc_binds_remove(p, err) < 0)
        goto fail;
    runc_hooks_run_later(dir, RUNTIME_HOOK_POSTSTOP, &t.s, "stopped");
    static const char *const files[] = {
        "state.json",         "app.cfg",
        RUNC_HOOKS_SPEC,      RUNC_POD_SYSCTLS,
        RUNC_POD_MEMBER_SPEC, RUNC_POD_MEMBER_FIFO,
        RUNC_POD_LOCK};
    for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++)
        if (xo_path_fmt(p, sizeof(p), err, "%s/%s", dir, files[k]) < 0 ||
            (unlink(p) < 0 && errno != ENOENT)) {
            if (!err->msg)
                xo_err_sys(err, "cannot remove %s", p);
            goto fail;
        }
    if (rmdir(dir) < 0) {
        xo_err_sys(err, "cannot remove %s", dir);
        goto fail;
    }
    xen_close(&t.h);
    return 0;
fail:
    xen_close(&t.h);
    return -1;
}

int runc_ps(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    /* "--format json" or "--format=json" (go-runc), or "-f json". */
    bool json = false;
    int k = 1;
    for (; k < argc && argv[k][0] == '-'; k++) {
        if (strcmp(argv[k], "--") == 0) {
            k++;
            break;
        }
        if ((strcmp(argv[k], "--format") == 0 || strcmp(argv[k], "-f") == 0) &&
            k + 1 < argc) {
            json = strcmp(argv[++k], "json") == 0;
        } else if (strncmp(argv[k], "--format=", 9) == 0) {
            json = strcmp(argv[k] + 9, "json") == 0;
        } else {
            return xo_err_set(err, EINVAL, "ps: unknown option %s", argv[k]);
        }
    }
    if (argc - k != 1)
        return xo_err_set(err, EINVAL, "ps: expected a container ID");
    struct target t = {0};
    if (find(g, argv[k], &t, false, err) < 0) {
        xen_close(&t.h);
        return -1;
    }
    /* The one host process a domain has: its placeholder. */
    bool alive =
        strcmp(oci_status(&t), "stopped") != 0 && placeholder_alive(&t);
    if (json)
        printf(alive ? "[%ld]\n" : "[]\n", t.s.pid);
    else if (alive)
        printf("PID\n%ld\n", t.s.pid);
    else
        printf("PID\n");
    xen_close(&t.h);
    return 0;
}

/* pause and resume (argv[0] says which): libxl's, as `xl pause`. */
int runc_pause(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    bool pause = strcmp(argv[0], "pause") == 0;
    unsigned set;
    struct target t = {0};
    int i = operands(argc, argv, NULL, &set, false, err);
    if (i < 0 || find(g, argv[i], &t, true, err) < 0)
        goto fail;
    if (!runc_has_domain(&t.s)) {
        xo_err_set(err, ENOTSUP,
                   t.s.pod[0] ? "%s: a pod's member container cannot %s alone"
                              : "%s: a pod sandbox has no domain to %s",
                   t.s.id, argv[0]);
        goto fail;
    }
    const char *want = pause ? "running" : "paused";
    if (strcmp(oci_status(&t), want) != 0) {
        xo_err_set(err, EINVAL, "container %s is %s, not %s", t.s.id,
                   oci_status(&t), want);
        goto fail;
    }
    uint32_t domid = (uint32_t)t.st.domid;
    if (pause ? xo_xl.domain_pause(t.h.ctx, domid, NULL)
              : xo_xl.domain_unpause(t.h.ctx, domid, NULL)) {
        xo_err_set(err, EIO, "libxl could not %s %s (domid %u)", argv[0],
                   t.s.name, domid);
        goto fail;
    }
    const struct status_change state[] = {
        {DOMAIN_STATUS_KEY_STATE,
         domain_state_to_string(pause ? DOMAIN_STATE_PAUSED
                                      : DOMAIN_STATE_RUNNING)},
    };
    if (status_update(t.h.xs, t.s.name, t.st.uuid, state, 1, err) < 0 ||
        (!pause && deliver_held(g, &t, err) < 0))
        goto fail;
    xen_close(&t.h);
    return 0;
fail:
    xen_close(&t.h);
    return -1;
}

/* The name of the user owning `path`, as runc's list shows it (its uid
 * when it has no name), into buf. */
static void owner_of(char *buf, size_t len, const char *path)
{
    struct stat st;
    buf[0] = '\0';
    if (stat(path, &st) < 0)
        return;
    struct passwd *pw = getpwuid(st.st_uid);
    if (pw) {
        /* may truncate: a long user name, shown only */
        snprintf(buf, len, "%s", pw->pw_name);
    } else {
        /* cannot truncate: '#' and 10 digits */
        snprintf(buf, len, "#%u", (unsigned)st.st_uid);
    }
}

int runc_list(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    bool quiet = false, json = false;
    for (int i = 1; i < argc; i++) {
        const char *f = NULL;
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
            quiet = true;
        else if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "--format")) &&
                 i + 1 < argc)
            f = argv[++i];
        else if (!strncmp(argv[i], "--format=", 9))
            f = argv[i] + 9;
        else
            return xo_err_set(err, EINVAL, "list: unknown option %s", argv[i]);
        if (f && strcmp(f, "table") && strcmp(f, "json"))
            return xo_err_set(err, EINVAL,
                              "list: --format %s: table or json expected", f);
        if (f)
            json = !strcmp(f, "json");
    }
    struct dirent **names = NULL;
    int n = scandir(g->root, &names, NULL, alphasort);
    if (n < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot read %s", g->root);
    static const struct xo_table_col cols[] = {
        {"ID", 12, false, 0},      {"PID", 10, true, 0},
        {"STATUS", 10, false, 0},  {"BUNDLE", 20, false, 0},
        {"CREATED", 30, false, 0}, {"OWNER", 0, false, 0},
    };
    struct xo_table table;
    xo_table_init(&table, cols, sizeof(cols) / sizeof(*cols));
    json_object *arr = xo_jarr();
    for (int k = 0; k < n; k++) {
        const char *id = names[k]->d_name;
        struct target t = {0};
        xo_err e = XO_ERR_INIT;
        /* Not a container's (a pod's files, a dot entry): not listed. */
        if (id[0] == '.' || find(g, id, &t, false, &e) < 0) {
            xo_err_clear(&e);
            xen_close(&t.h);
            continue;
        }
        const char *status = oci_status(&t);
        long pid =
            strcmp(status, "stopped") && placeholder_alive(&t) ? t.s.pid : 0;
        char dir[4096], owner[48] = "", pids[24];
        if (runc_state_dir(dir, sizeof(dir), g, id, &e) >= 0)
            owner_of(owner, sizeof(owner), dir);
        xo_err_clear(&e);
        /* cannot truncate: a long in 24 bytes */
        snprintf(pids, sizeof(pids), "%ld", pid);
        if (quiet) {
            puts(t.s.id);
        } else if (json) {
            json_object *o = xo_jobj();
            xo_jset(o, "ociVersion", xo_jstr("1.0.2"));
            xo_jset(o, "id", xo_jstr(t.s.id));
            xo_jset(o, "pid", xo_jint64(pid));
            xo_jset(o, "status", xo_jstr(status));
            xo_jset(o, "bundle", xo_jstr(t.s.bundle));
            xo_jset(o, "rootfs", xo_jstr(t.s.volume));
            xo_jset(o, "created", xo_jstr(t.s.created));
            xo_jset(o, "owner", xo_jstr(owner));
            xo_jpush(arr, o);
        } else {
            const char *cells[] = {t.s.id,     pids,        status,
                                   t.s.bundle, t.s.created, owner};
            xo_table_add(&table, cells);
        }
        xen_close(&t.h);
    }
    for (int k = 0; k < n; k++)
        free(names[k]);
    free(names);
    if (json) {
        char *text = xo_json_to_string(arr);
        puts(text);
        free(text);
    } else if (!quiet) {
        xo_table_print(&table, stdout);
    }
    json_object_put(arr); /* rows are added in the table's case only */
    return 0;
}

int runc_features(const struct runc_global *g, int argc, char **argv,
                  xo_err *err)
{
    (void)g;
    (void)argv;
    if (argc != 1)
        return xo_err_set(err, EINVAL, "features: takes no arguments");
    json_object *o = xo_jobj();
    xo_jset(o, "ociVersionMin", xo_jstr("1.0.0"));
    xo_jset(o, "ociVersionMax", xo_jstr("1.1.0"));
    /* createContainer and startContainer: runc_hooks.h. */
    json_object *hooks = xo_jarr();
    static const enum runtime_spec_hook_kind run[] = {
        RUNTIME_HOOK_PRESTART, RUNTIME_HOOK_CREATE_RUNTIME,
        RUNTIME_HOOK_POSTSTART, RUNTIME_HOOK_POSTSTOP};
    for (size_t k = 0; k < sizeof(run) / sizeof(run[0]); k++)
        xo_jpush(hooks, xo_jstr(runtime_spec_hook_kind(run[k])));
    xo_jset(o, "hooks", hooks);
    xo_jset(o, "mountOptions", xo_jarr());
    json_object *ann = xo_jobj();
    xo_jset(ann, "org.xl-oci.runtime", xo_jstr("xen-domain"));
    xo_jset(o, "annotations", ann);
    char *text = xo_json_to_string(o);
    json_object_put(o);
    fputs(text, stdout);
    free(text);
    return 0;
}
