/*
 * common/abi/domain_status.h: DomainStatus, what dom0 publishes about each
 * container domain under DOMAIN_STATUS_BASE/<name>/ in xenstore (dom0-only
 * permissions).  Written by `xl-oci create`, shutdown-action, stop and the
 * per-domain monitor (xl-plugin/status.c, monitor.c); read by every
 * command that shows or waits for a domain.  One definition of keys,
 * states and limits for all of them, after Xen's public/io/xs_wire.h.
 *
 * Plain C, no includes of ours.
 */
#ifndef XL_OCI_COMMON_ABI_DOMAIN_STATUS_H
#define XL_OCI_COMMON_ABI_DOMAIN_STATUS_H

#include <stdbool.h>

#define DOMAIN_STATUS_BASE "/tool/xl-oci"

/* Keys under DOMAIN_STATUS_BASE/<name>/; absent or "" means unknown. */
#define DOMAIN_STATUS_KEY_STATE "state"           /* enum domain_state */
#define DOMAIN_STATUS_KEY_DOMID "domid"           /* decimal */
#define DOMAIN_STATUS_KEY_UUID "uuid"             /* canonical text */
#define DOMAIN_STATUS_KEY_IMAGE "image"           /* manifest digest */
#define DOMAIN_STATUS_KEY_CREATED "created"       /* ISO 8601 UTC */
#define DOMAIN_STATUS_KEY_STARTED "started"       /* ISO 8601 UTC, at exec */
#define DOMAIN_STATUS_KEY_STARTED_MS "started-ms" /* dom0 monotonic ms */
#define DOMAIN_STATUS_KEY_FINISHED "finished"     /* ISO 8601 UTC */
#define DOMAIN_STATUS_KEY_EXIT_CODE "exit-code"   /* 0..255 */
#define DOMAIN_STATUS_KEY_ERROR "error"           /* text */
#define DOMAIN_STATUS_KEY_RESTARTS "restarts"     /* decimal */
/* "1" when the OOM killer ended a process of the last run (the guest
 * report's oom-killed, or a NOHYPER container's cgroup memory.events
 * oom_kill); "" or absent otherwise, and cleared when a run starts. */
#define DOMAIN_STATUS_KEY_OOM_KILLED "oom-killed"
/*
 * The restart policy (common/abi/restart_policy.h) and its state, kept
 * here so that a monitor started after a killed one continues where it
 * was: the policy's text as create wrote it; the exit code of the last
 * exit the policy acted on; the number of restarts of the current crash
 * loop (restart_backoff_ms's streak); while the state is "restarting",
 * when the next start is due (ISO 8601 UTC with milliseconds).
 * `stop-requested` is "1" once `xl-oci stop` (or destroy) ended the
 * policy: no monitor starts the container again after that.
 */
#define DOMAIN_STATUS_KEY_RESTART_POLICY "restart-policy"
#define DOMAIN_STATUS_KEY_LAST_EXIT_CODE "last-exit-code" /* 0..255 */
#define DOMAIN_STATUS_KEY_RESTART_STREAK "restart-streak" /* decimal */
#define DOMAIN_STATUS_KEY_NEXT_RESTART "next-restart"
#define DOMAIN_STATUS_KEY_STOP_REQUESTED "stop-requested" /* "1" */
/*
 * app.cfg's oci_deadline (seconds, 1..DOMAIN_STATUS_DEADLINE_MAX) and
 * oci_stop_timeout (seconds), written by create when a deadline is set:
 * a run that lasts longer than `deadline` from its `started-ms` gets its
 * stop signal from the monitor, and after `stop-timeout` (plus
 * DOMAIN_STATUS_KILL_MARGIN_S for the guest's own kill) is killed.  The
 * due time is started-ms + deadline, both here, so a monitor started
 * after a killed one keeps it.  When the deadline ended a run the
 * monitor sets `ended-by` to DOMAIN_ENDED_BY_DEADLINE (and the restart
 * policy does not start it again); a new run clears it.
 */
#define DOMAIN_STATUS_KEY_DEADLINE "deadline"
#define DOMAIN_STATUS_KEY_STOP_TIMEOUT "stop-timeout"
#define DOMAIN_STATUS_KEY_ENDED_BY "ended-by"
#define DOMAIN_ENDED_BY_DEADLINE "deadline"
/* Ten years: a bound, not a policy. */
#define DOMAIN_STATUS_DEADLINE_MAX 315360000L
/* Seconds past stop-timeout before a Xen monitor shuts a domain down
 * itself: the loader's own kill and poweroff come first. */
#define DOMAIN_STATUS_KILL_MARGIN_S 10
#define DOMAIN_STATUS_KEY_MODE "mode" /* DOMAIN_MODE_*; absent: xen */
#define DOMAIN_STATUS_KEY_PID "pid"   /* nohyper: the container's pid 1 */

/* Values of DOMAIN_STATUS_KEY_MODE (app.cfg's oci_mode). */
#define DOMAIN_MODE_XEN "xen"
#define DOMAIN_MODE_NOHYPER "nohyper"
/*
 * net/<N>/{mac,ipv4,ipv6}: the addresses the guest reported for its
 * interface N (common/abi/guest_report.h, same grammar), once checked;
 * written when the container starts running, removed on restart.
 */
#define DOMAIN_STATUS_KEY_NET "net"

/* Bytes of `error`, NUL excluded; holds any guest report value. */
#define DOMAIN_STATUS_ERROR_MAX 1024
/* Bytes of a name under DOMAIN_STATUS_BASE (xl's domain names). */
#define DOMAIN_STATUS_NAME_MAX 64

enum domain_state {
    DOMAIN_STATE_UNKNOWN = 0, /* absent or unreadable; never written */
    DOMAIN_STATE_CREATING,    /* "creating": create has not finished */
    DOMAIN_STATE_BOOTING,     /* "booting": the loader sets up */
    DOMAIN_STATE_RUNNING,     /* "running": the entrypoint runs */
    DOMAIN_STATE_PAUSED,      /* "paused": created paused (create -p),
                                 or paused (xl-oci pause, xl pause) */
    DOMAIN_STATE_HALTING,     /* "halting": stopping, action not done */
    DOMAIN_STATE_HALTED,      /* "halted": over (final) */
    DOMAIN_STATE_BROKEN,      /* "broken": failed (final) */
    DOMAIN_STATE_RESTARTING,  /* "restarting": exited, the restart policy
                                 starts it again at next-restart */
};

/* The wire name; "unknown" for DOMAIN_STATE_UNKNOWN or no state, which
 * domain_state_from_string() never accepts. */
const char *domain_state_to_string(enum domain_state s);

/* Parses a wire name; 0 and *s_r set, or -1 for anything else. */
int domain_state_from_string(const char *str, enum domain_state *s_r);

/* halted and broken: nothing will change any more. */
bool domain_state_is_final(enum domain_state s);

#endif
