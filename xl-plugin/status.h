/*
 * status.h: DomainStatus, published by dom0 under /tool/xl-oci/<name>/ in
 * xenstore with dom0-only permissions (keys, states and limits are
 * common/abi/domain_status.h).  Fields are single xenstore keys so
 * `xenstore-ls /tool/xl-oci` is readable by an admin.
 */
#ifndef XL_OCI_XL_PLUGIN_STATUS_H
#define XL_OCI_XL_PLUGIN_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/abi/domain_status.h"
#include "common/abi/guest_report.h"
#include "common/abi/restart_policy.h"
#include "common/error.h"
#include "common/xs_client.h"

/* One interface's addresses as published (DOMAIN_STATUS_KEY_NET). */
struct domain_status_net {
    unsigned index; /* the boot spec's interface@N */
    char mac[18];
    char ipv4[GUEST_REPORT_NET_LIST_MAX + 1]; /* "A.B.C.D/N ...", "" */
    char ipv6[GUEST_REPORT_NET_LIST_MAX + 1];
};

struct domain_status {
    char name[DOMAIN_STATUS_NAME_MAX + 1];
    enum domain_state state; /* DOMAIN_STATE_UNKNOWN when unreadable */
    long domid;              /* -1 when none */
    char uuid[40];
    char image[80];
    char created[32]; /* wall time, ISO 8601 UTC */
    char started[32];
    long long started_ms; /* dom0 CLOCK_MONOTONIC ms at exec, -1 if none */
    char finished[32];
    int exit_code; /* -1 when none */
    char error[DOMAIN_STATUS_ERROR_MAX + 1];
    long restarts;
    char restart_policy[RESTART_POLICY_TEXT_MAX + 1]; /* "" before them */
    int last_exit_code;                               /* -1 when none */
    char next_restart[32]; /* while restarting, else "" */
    bool nohyper;          /* DOMAIN_STATUS_KEY_MODE is DOMAIN_MODE_NOHYPER */
    long pid;            /* nohyper: the container's pid 1 on the host, or -1 */
    long deadline_s;     /* oci_deadline, or -1 */
    long stop_timeout_s; /* oci_stop_timeout when a deadline is set, or -1 */
    char ended_by[16];   /* DOMAIN_ENDED_BY_DEADLINE, or "" */
    long restart_streak; /* restarts without a long enough run, or -1 */
    bool stop_requested; /* a stop ended the restart policy */
    bool oom_killed;     /* DOMAIN_STATUS_KEY_OOM_KILLED: the OOM killer
                            ended a process of the last run */
    /* Keys whose value no writer writes ("state mode exit-code", space
     * separated), else "": a file of the state directory's store that a
     * power loss emptied reads so, and is named rather than taken. */
    char damaged[96];
    struct domain_status_net net[GUEST_REPORT_NET_MAX_IFACES];
    size_t n_net; /* interfaces with a published MAC, by index */
};

/* Creates /tool/xl-oci/<name> readable and writable by dom0 only, with
 * state "creating" from its first moment.  `field` below is one of the
 * DOMAIN_STATUS_KEY_ names. */
int status_create(struct xo_xs *xs, const char *name, xo_err *err);

/* True when /tool/xl-oci/<name> exists, whatever it holds (destroy
 * removes even a node a dying command left without a state). */
bool status_exists(struct xo_xs *xs, const char *name);
int status_set(struct xo_xs *xs, const char *name, const char *field,
               const char *value, xo_err *err);
int status_set_state(struct xo_xs *xs, const char *name,
                     enum domain_state state, xo_err *err);
int status_setf(struct xo_xs *xs, const char *name, const char *field,
                xo_err *err, const char *fmt, ...) XO_PRINTF(5, 6);
/* One change of a DomainStatus key: `value`, or NULL to remove the key. */
struct status_change {
    const char *key;
    const char *value;
};

/*
 * Makes `changes` to container `name`'s DomainStatus only while it is the
 * container the caller read: it has a state and the uuid `uuid` ("" for
 * none yet), checked in the transaction that writes (status_update.c;
 * not in the monitor, whose xenstore client has none).  For a command
 * that writes without the global lock, or after it let it go: a write
 * alone would make the node of a container a destroy removed meanwhile
 * again, without its uuid, or change another container that took the
 * name.  -1 with ESTALE, nothing changed, when the status is gone or
 * another's.
 */
int status_update(struct xo_xs *xs, const char *name, const char *uuid,
                  const struct status_change *changes, size_t n, xo_err *err);
/*
 * What create hands the monitor for a new container: restarts 0, the
 * restart policy's text, and with a deadline (seconds, 0 for none) the
 * deadline and the stop timeout (seconds) its kill waits for.
 */
int status_write_policies(struct xo_xs *xs, const char *name,
                          const struct restart_policy *restart, long deadline_s,
                          long stop_timeout_s, xo_err *err);
/* Reads the state alone (one xenstore read: the monitor, when its watch
 * on the state fires); DOMAIN_STATE_UNKNOWN for a value that is no state;
 * fails (ENOENT) when the domain has no DomainStatus. */
/* The xenstore path of container `name`'s DomainStatus key `key` (or of
 * its directory when `key` is NULL), for a watch; ENAMETOOLONG. */
int status_key_path(char *buf, size_t len, const char *name, const char *key,
                    xo_err *err);
int status_read_state(struct xo_xs *xs, const char *name,
                      enum domain_state *state_r, xo_err *err);
/* A set of domain states, for status_wait_while(). */
#define STATUS_STATE_BIT(s) (1u << (unsigned)(s))

/*
 * Waits while the container domain `name` is in one of the states of
 * `states` (STATUS_STATE_BIT()s: booting, say, or paused), watching its
 * state key, at most max_ms milliseconds.  *state_r is the state it left
 * them for, or still one of them when max_ms passed.  -1 (ENOENT) when
 * its DomainStatus goes away.
 */
int status_wait_while(struct xo_xs *xs, const char *name, unsigned states,
                      long max_ms, enum domain_state *state_r, xo_err *err);
/*
 * One turn of a loop that reads a node until it says what the loop waits
 * for: returns once a watch event came (and consumes it), or after 250
 * ms (100 ms when the caller could not set a watch, `watching` false:
 * then the caller's next read is a poll), never later than `end`
 * (status_monotonic_ms()).
 */
void status_wait_event(struct xo_xs *xs, bool watching, long long end);

/*
 * Reads what a command needs to act on a container's domain: state, domid
 * and mode (three xenstore reads, where status_read() makes two dozen,
 * each a round trip to xenstored: `xl-oci exec` pays them on every call).
 * The other fields are left as status_read() leaves missing ones ("",
 * -1, 0).  Fails (ENOENT) when the domain has no DomainStatus.
 */
int status_read_target(struct xo_xs *xs, const char *name,
                       struct domain_status *st, xo_err *err);
/* Reads every field; fails when the domain has no DomainStatus. */
int status_read(struct xo_xs *xs, const char *name, struct domain_status *st,
                xo_err *err);
int status_remove(struct xo_xs *xs, const char *name, xo_err *err);
/* Removes one key or subtree (e.g. DOMAIN_STATUS_KEY_NET); no error when
 * it is absent. */
int status_remove_field(struct xo_xs *xs, const char *name, const char *field,
                        xo_err *err);
/* Names under /tool/xl-oci (malloc'd vector, NULL-terminated: empty when
 * there is no container domain); NULL with err when the list cannot be
 * read (EACCES: a user who is not root, whom an empty list would tell
 * there is no container). */
char **status_list(struct xo_xs *xs, xo_err *err);

/* Now as ISO 8601 UTC ("2026-11-23T03:12:56Z"). */
void status_now(char *buf, size_t len);
long long status_monotonic_ms(void);

#endif
