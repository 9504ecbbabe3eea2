/* status.c: DomainStatus in xenstore (see status.h). */
#include "status.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "common/pathfmt.h"

void status_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

long long status_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* DOMAIN_STATUS_BASE/NAME[/FIELD]; a name too long for it is an error, never
 * a cut path that could be another domain's node. */
static int node_path(char *buf, size_t len, const char *name, const char *field,
                     xo_err *err)
{
    if (field)
        return xo_path_fmt(buf, len, err, DOMAIN_STATUS_BASE "/%s/%s", name,
                           field);
    return xo_path_fmt(buf, len, err, DOMAIN_STATUS_BASE "/%s", name);
}

int status_create(struct xo_xs *xs, const char *name, xo_err *err)
{
    /* Owner dom0, and no access for anyone else: a guest can neither read
     * another container's status nor forge its own. */
    struct xs_permissions perms[1] = {{.id = 0, .perms = XS_PERM_NONE}};
    char path[256];
    if (!xo_xs_mkdir(xs, DOMAIN_STATUS_BASE))
        return xo_err_sys(err, "xenstore: cannot create %s",
                          DOMAIN_STATUS_BASE);
    if (!xo_xs_set_permissions(xs, DOMAIN_STATUS_BASE, perms, 1))
        return xo_err_sys(err, "xenstore: cannot set permissions of %s",
                          DOMAIN_STATUS_BASE);
    /* Writing the state creates the node (inheriting the base's dom0-only
     * permissions) together with its state: whenever create dies, the node
     * either does not exist or says "creating", never nothing. */
    if (status_set_state(xs, name, DOMAIN_STATE_CREATING, err) < 0 ||
        node_path(path, sizeof(path), name, NULL, err) < 0)
        return -1;
    if (!xo_xs_set_permissions(xs, path, perms, 1))
        return xo_err_sys(err, "xenstore: cannot set permissions of %s", path);
    return 0;
}

bool status_exists(struct xo_xs *xs, const char *name)
{
    char path[256];
    unsigned n = 0;
    if (node_path(path, sizeof(path), name, NULL, NULL) < 0)
        return false; /* no node can have that name */
    char **ents = xo_xs_directory(xs, path, &n);
    free(ents);
    return ents != NULL;
}

int status_set(struct xo_xs *xs, const char *name, const char *field,
               const char *value, xo_err *err)
{
    char path[256];
    if (node_path(path, sizeof(path), name, field, err) < 0)
        return -1;
    if (!xo_xs_write(xs, path, value, (unsigned)strlen(value)))
        return xo_err_sys(err, "xenstore: cannot write %s", path);
    return 0;
}

int status_set_state(struct xo_xs *xs, const char *name,
                     enum domain_state state, xo_err *err)
{
    return status_set(xs, name, DOMAIN_STATUS_KEY_STATE,
                      domain_state_to_string(state), err);
}

int status_setf(struct xo_xs *xs, const char *name, const char *field,
                xo_err *err, const char *fmt, ...)
{
    char buf[DOMAIN_STATUS_ERROR_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    /* may truncate: a value, cut to what DomainStatus keeps */
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return status_set(xs, name, field, buf, err);
}

/* Copies a field into buf ("" when absent). */
static void read_field(struct xo_xs *xs, const char *name, const char *field,
                       char *buf, size_t len)
{
    char path[256];
    unsigned n = 0;
    buf[0] = '\0';
    /* status_read() checked that the longest field's path fits. */
    if (node_path(path, sizeof(path), name, field, NULL) < 0)
        return;
    char *v = xo_xs_read(xs, path, &n);
    /* may truncate: only dom0 writes these, each within its limit */
    snprintf(buf, len, "%.*s", v ? (int)n : 0, v ? v : "");
    free(v);
}

/* Adds `key` to st->damaged. */
static void note_damaged(struct domain_status *st, const char *key)
{
    size_t n = strlen(st->damaged);
    /* may truncate: a handful of short key names fit, more are dropped */
    snprintf(st->damaged + n, sizeof(st->damaged) - n, "%s%s", n ? " " : "",
             key);
}

/* Whether `field` is there at all (an emptied file is; an absent key,
 * which older writers leave out, is not). */
static bool field_present(struct xo_xs *xs, const char *name, const char *field)
{
    char path[256];
    unsigned n = 0;
    if (node_path(path, sizeof(path), name, field, NULL) < 0)
        return false;
    char *v = xo_xs_read(xs, path, &n);
    free(v);
    return v != NULL;
}

/*
 * The mode key.  A value that is neither mode (damaged) in the state
 * directory's store is NOHYPER's, the only mode a host without xenstore
 * runs; in xenstore it cannot be damaged so.
 */
static void read_mode(struct xo_xs *xs, const char *name,
                      struct domain_status *st)
{
    char mode[16];
    read_field(xs, name, DOMAIN_STATUS_KEY_MODE, mode, sizeof(mode));
    st->nohyper = strcmp(mode, DOMAIN_MODE_NOHYPER) == 0;
    if (!st->nohyper && strcmp(mode, DOMAIN_MODE_XEN) != 0 &&
        (mode[0] || field_present(xs, name, DOMAIN_STATUS_KEY_MODE))) {
        note_damaged(st, DOMAIN_STATUS_KEY_MODE);
        st->nohyper = xo_xs_is_dir(xs);
    }
}

/* read_number(), noting a value that is there but is no number. */
static long long read_checked(struct xo_xs *xs, const char *name,
                              const char *field, struct domain_status *st);

static long long read_number(struct xo_xs *xs, const char *name,
                             const char *field)
{
    char buf[32];
    read_field(xs, name, field, buf, sizeof(buf));
    if (!buf[0])
        return -1;
    char *end;
    long long v = strtoll(buf, &end, 10);
    return *end ? -1 : v;
}

static long long read_checked(struct xo_xs *xs, const char *name,
                              const char *field, struct domain_status *st)
{
    long long v = read_number(xs, name, field);
    if (v < 0) {
        /* "" clears a number (a restart clears exit-code), "-1" is none:
         * anything else is no number a writer wrote. */
        char buf[32];
        read_field(xs, name, field, buf, sizeof(buf));
        if (buf[0] && strcmp(buf, "-1") != 0)
            note_damaged(st, field);
    }
    return v;
}

/* net/<N>/{mac,ipv4,ipv6}, N in index order, as the monitor wrote them. */
static void read_net(struct xo_xs *xs, const char *name,
                     struct domain_status *st)
{
    for (unsigned i = 0; i < GUEST_REPORT_NET_MAX_IFACES; i++) {
        struct domain_status_net *n = &st->net[st->n_net];
        char key[3][64];
        const char *leaf[3] = {GUEST_REPORT_NET_KEY_MAC,
                               GUEST_REPORT_NET_KEY_IPV4,
                               GUEST_REPORT_NET_KEY_IPV6};
        for (int k = 0; k < 3; k++)
            if (xo_path_fmt(key[k], sizeof(key[k]), NULL,
                            DOMAIN_STATUS_KEY_NET "/%u/%s", i, leaf[k]) < 0)
                return; /* a short literal and an index: cannot happen */
        read_field(xs, name, key[0], n->mac, sizeof(n->mac));
        if (!n->mac[0])
            continue;
        n->index = i;
        read_field(xs, name, key[1], n->ipv4, sizeof(n->ipv4));
        read_field(xs, name, key[2], n->ipv6, sizeof(n->ipv6));
        st->n_net++;
    }
}

/* What a status read that failed with errno says: EACCES and EPERM are
 * the caller's permission, not an absent container. */
static int no_access(const char *what, xo_err *err)
{
    return xo_err_sys(
        err, "cannot read %s (DomainStatus is root's: run xl-oci as root)",
        what);
}

int status_key_path(char *buf, size_t len, const char *name, const char *key,
                    xo_err *err)
{
    return node_path(buf, len, name, key, err);
}

int status_read_state(struct xo_xs *xs, const char *name,
                      enum domain_state *state_r, xo_err *err)
{
    char path[256];
    unsigned n = 0;
    if (node_path(path, sizeof(path), name, DOMAIN_STATUS_KEY_STATE, err) < 0)
        return xo_err_wrap(err, "container domain name");
    char *state = xo_xs_read(xs, path, &n);
    if (!state && (errno == EACCES || errno == EPERM))
        return no_access(path, err);
    if (!state)
        return xo_err_set(err, ENOENT, "no container domain named %s", name);
    /* xo_xs_read NUL-terminates; a value with a NUL inside is no state. */
    if (strlen(state) != n || domain_state_from_string(state, state_r) < 0)
        *state_r = DOMAIN_STATE_UNKNOWN;
    free(state);
    return 0;
}

void status_wait_event(struct xo_xs *xs, bool watching, long long end)
{
    struct pollfd p = {watching ? xo_xs_fileno(xs) : -1, POLLIN, 0};
    long long left = end - status_monotonic_ms();
    int timeout = xo_xs_pending(xs) ? 0 : watching ? 250 : 100;
    if (left < timeout)
        timeout = left > 0 ? (int)left : 0;
    if (poll(&p, 1, timeout) > 0 || xo_xs_pending(xs)) {
        unsigned n = 0;
        free(xo_xs_read_watch(xs, &n));
    }
}

int status_wait_while(struct xo_xs *xs, const char *name, unsigned states,
                      long max_ms, enum domain_state *state_r, xo_err *err)
{
    char key[256];
    if (node_path(key, sizeof(key), name, DOMAIN_STATUS_KEY_STATE, err) < 0)
        return xo_err_wrap(err, "container domain name");
    /* Without a watch (xenstored refused it), a read every 100 ms. */
    bool watching = xo_xs_watch(xs, key, "boot-wait");
    long long end = status_monotonic_ms() + max_ms;
    int rc = 0;
    for (;;) {
        if (status_read_state(xs, name, state_r, err) < 0) {
            rc = -1;
            break;
        }
        if (!(states & STATUS_STATE_BIT(*state_r)) ||
            status_monotonic_ms() >= end)
            break;
        status_wait_event(xs, watching, end);
    }
    if (watching)
        xo_xs_unwatch(xs, key, "boot-wait");
    return rc;
}

int status_read_target(struct xo_xs *xs, const char *name,
                       struct domain_status *st, xo_err *err)
{
    memset(st, 0, sizeof(*st));
    char path[256];
    /* The longest field read here must fit, as in status_read(). */
    if (node_path(path, sizeof(path), name, DOMAIN_STATUS_KEY_DOMID, err) < 0 ||
        node_path(path, sizeof(path), name, DOMAIN_STATUS_KEY_MODE, err) < 0)
        return xo_err_wrap(err, "container domain name");
    if (status_read_state(xs, name, &st->state, err) < 0)
        return -1;
    if (xo_path_fmt(st->name, sizeof(st->name), err, "%s", name) < 0)
        return xo_err_wrap(err, "container domain name");
    st->domid = (long)read_number(xs, name, DOMAIN_STATUS_KEY_DOMID);
    read_mode(xs, name, st);
    st->started_ms = -1;
    st->exit_code = -1;
    st->last_exit_code = -1;
    st->pid = -1;
    st->deadline_s = -1;
    st->stop_timeout_s = -1;
    return 0;
}

int status_read(struct xo_xs *xs, const char *name, struct domain_status *st,
                xo_err *err)
{
    memset(st, 0, sizeof(*st));
    char path[256];
    /* The longest field's path must fit, or some fields would be lost. */
    if (node_path(path, sizeof(path), name,
                  DOMAIN_STATUS_KEY_NET "/9/" GUEST_REPORT_NET_KEY_IPV6,
                  err) < 0)
        return xo_err_wrap(err, "container domain name");
    if (status_read_state(xs, name, &st->state, err) < 0)
        return -1;
    if (xo_path_fmt(st->name, sizeof(st->name), err, "%s", name) < 0)
        return xo_err_wrap(err, "container domain name");
    read_field(xs, name, DOMAIN_STATUS_KEY_UUID, st->uuid, sizeof(st->uuid));
    read_field(xs, name, DOMAIN_STATUS_KEY_IMAGE, st->image, sizeof(st->image));
    read_field(xs, name, DOMAIN_STATUS_KEY_CREATED, st->created,
               sizeof(st->created));
    read_field(xs, name, DOMAIN_STATUS_KEY_STARTED, st->started,
               sizeof(st->started));
    read_field(xs, name, DOMAIN_STATUS_KEY_FINISHED, st->finished,
               sizeof(st->finished));
    read_field(xs, name, DOMAIN_STATUS_KEY_ERROR, st->error, sizeof(st->error));
    if (st->state == DOMAIN_STATE_UNKNOWN)
        note_damaged(st, DOMAIN_STATUS_KEY_STATE);
    st->domid = (long)read_number(xs, name, DOMAIN_STATUS_KEY_DOMID);
    st->started_ms = read_checked(xs, name, DOMAIN_STATUS_KEY_STARTED_MS, st);
    st->exit_code =
        (int)read_checked(xs, name, DOMAIN_STATUS_KEY_EXIT_CODE, st);
    st->restarts = (long)read_checked(xs, name, DOMAIN_STATUS_KEY_RESTARTS, st);
    if (st->restarts < 0)
        st->restarts = 0;
    read_field(xs, name, DOMAIN_STATUS_KEY_RESTART_POLICY, st->restart_policy,
               sizeof(st->restart_policy));
    read_field(xs, name, DOMAIN_STATUS_KEY_NEXT_RESTART, st->next_restart,
               sizeof(st->next_restart));
    st->last_exit_code =
        (int)read_checked(xs, name, DOMAIN_STATUS_KEY_LAST_EXIT_CODE, st);
    read_mode(xs, name, st);
    st->pid = (long)read_checked(xs, name, DOMAIN_STATUS_KEY_PID, st);
    st->deadline_s = (long)read_number(xs, name, DOMAIN_STATUS_KEY_DEADLINE);
    st->stop_timeout_s =
        (long)read_number(xs, name, DOMAIN_STATUS_KEY_STOP_TIMEOUT);
    read_field(xs, name, DOMAIN_STATUS_KEY_ENDED_BY, st->ended_by,
               sizeof(st->ended_by));
    st->restart_streak =
        (long)read_number(xs, name, DOMAIN_STATUS_KEY_RESTART_STREAK);
    char stop[4];
    read_field(xs, name, DOMAIN_STATUS_KEY_STOP_REQUESTED, stop, sizeof(stop));
    st->stop_requested = strcmp(stop, "1") == 0;
    char oom[4];
    read_field(xs, name, DOMAIN_STATUS_KEY_OOM_KILLED, oom, sizeof(oom));
    st->oom_killed = strcmp(oom, "1") == 0;
    /* Most containers have no interface: one directory read says so. */
    unsigned n_net = 0;
    if (node_path(path, sizeof(path), name, DOMAIN_STATUS_KEY_NET, err) < 0)
        return -1;
    char **net = xo_xs_directory(xs, path, &n_net);
    if (net && n_net > 0)
        read_net(xs, name, st);
    free(net);
    return 0;
}

int status_write_policies(struct xo_xs *xs, const char *name,
                          const struct restart_policy *restart, long deadline_s,
                          long stop_timeout_s, xo_err *err)
{
    char policy[RESTART_POLICY_TEXT_MAX + 1];
    restart_policy_format(policy, sizeof(policy), restart);
    if (status_set(xs, name, DOMAIN_STATUS_KEY_RESTARTS, "0", err) < 0 ||
        status_set(xs, name, DOMAIN_STATUS_KEY_RESTART_POLICY, policy, err) < 0)
        return -1;
    if (deadline_s <= 0)
        return 0;
    return status_setf(xs, name, DOMAIN_STATUS_KEY_DEADLINE, err, "%ld",
                       deadline_s) < 0 ||
                   status_setf(xs, name, DOMAIN_STATUS_KEY_STOP_TIMEOUT, err,
                               "%ld", stop_timeout_s) < 0
               ? -1
               : 0;
}

int status_remove_field(struct xo_xs *xs, const char *name, const char *field,
                        xo_err *err)
{
    char path[256];
    if (node_path(path, sizeof(path), name, field, err) < 0)
        return -1;
    if (!xo_xs_rm(xs, path) && errno != ENOENT)
        return xo_err_sys(err, "xenstore: cannot remove %s", path);
    return 0;
}

int status_remove(struct xo_xs *xs, const char *name, xo_err *err)
{
    char path[256];
    if (node_path(path, sizeof(path), name, NULL, err) < 0)
        return -1;
    if (!xo_xs_rm(xs, path) && errno != ENOENT)
        return xo_err_sys(err, "xenstore: cannot remove %s", path);
    return 0;
}

char **status_list(struct xo_xs *xs, xo_err *err)
{
    unsigned n = 0;
    char **dir = xo_xs_directory(xs, DOMAIN_STATUS_BASE, &n);
    if (!dir && (errno == EACCES || errno == EPERM)) {
        no_access("the list of container domains", err);
        return NULL;
    }
    if (!dir)
        n = 0; /* no container domain yet */
    char **v = xo_xcalloc((size_t)n + 1, sizeof(*v));
    for (unsigned i = 0; i < n; i++)
        v[i] = xo_xstrdup(dir[i]);
    free(dir);
    return v;
}
