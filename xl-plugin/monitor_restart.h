/*
 * monitor_restart.h: the restart policy as both monitors apply it (the
 * Xen monitor xl-oci-monitor and the NOHYPER monitor): what to do after
 * the container exited, kept in DomainStatus (common/abi/domain_status.h:
 * restart-policy, restarts, last-exit-code, restart-streak, next-restart,
 * stop-requested) so a monitor started after a killed one continues the
 * backoff where it was.  The policy and the backoff arithmetic are
 * common/abi/restart_policy.h.
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_RESTART_H
#define XL_OCI_XL_PLUGIN_MONITOR_RESTART_H

#include <stdbool.h>

#include "common/error.h"
#include "common/xs_client.h"

/* The REASON the Xen monitor gives `xl-oci shutdown-action` for the
 * policy's restart (libxl's shutdown reasons are the others). */
#define MONITOR_RESTART_REASON "restart-policy"
/* shutdown-action's exit status when a restart on shutdown
 * (on_poweroff = "restart") could not run: it recorded the error and left
 * the state halting; the monitor journals the run's exit, then
 * restart-failed, and writes halted. */
#define SHUTDOWN_ACTION_EXIT_RESTART_FAILED 3

/*
 * The container `name` exited with `code` (-1: unknown) after running
 * `ran_ms`.  When its policy restarts it and no stop ended the policy:
 * writes last-exit-code, restart-streak, next-restart and the state
 * "restarting", journals "restarting" under `root`, and returns 1 with
 * the wall-clock time the restart is due (ms since the epoch) in
 * *due_ms_r.  Returns 0 when it stays exited, -1 with err when
 * DomainStatus cannot be read or written.
 */
int monitor_restart_plan(struct xo_xs *xs, const char *root, const char *name,
                         int code, long long ran_ms, long long *due_ms_r,
                         xo_err *err);

/* For a container in state "restarting": when its restart is due (now
 * when next-restart is unreadable). */
long long monitor_restart_due(struct xo_xs *xs, const char *name);

/* True once `xl-oci stop` or destroy ended the policy. */
bool monitor_restart_stop_requested(struct xo_xs *xs, const char *name);

/* After the container was started again: restarts counted, next-restart
 * removed. */
int monitor_restart_done(struct xo_xs *xs, const char *name, xo_err *err);

/*
 * A monitor ending: when the container is over for good (DomainStatus
 * final), its run-state (state.h) becomes "ended", unless a stop already
 * wrote "stopped"; so autostart does not start it after a dom0 restart.
 */
void monitor_restart_note_end(struct xo_xs *xs, const char *root,
                              const char *name);

/*
 * Waits until the wall-clock time `due_ms`, or until SIGUSR1 (which
 * `xl-oci stop` sends to wake a monitor in its backoff), whichever comes
 * first.  The caller has SIGUSR1 blocked.  Returns true when woken.
 */
bool monitor_restart_sleep(long long due_ms);

#endif
