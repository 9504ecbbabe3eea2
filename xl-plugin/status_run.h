/*
 * status_run.h: which run of a container `xl-oci wait` follows, and when that
 * run has ended while the restart policy will start the container again.
 * Read from DomainStatus alone (status.h), so the monitor's write order in
 * monitor_restart.c is the other half of the contract: a restart removes
 * next-restart before it counts the new run in restarts, and the restart
 * itself (restarting, no next-restart) is never taken for a run's end.
 */
#ifndef XL_OCI_XL_PLUGIN_STATUS_RUN_H
#define XL_OCI_XL_PLUGIN_STATUS_RUN_H

#include <stdbool.h>

#include "status.h"

/* True in a restart's backoff: restarting with next-restart set. */
bool status_in_backoff(const struct domain_status *st);

/* The run a wait that begins on `st` follows, counted as restarts: the
 * current one, or in the backoff the next one (restarts + 1). */
long status_wait_run(const struct domain_status *st);

/* True when run `run` (from status_wait_run) has ended and the policy will
 * start the container again: the backoff, with restarts >= run. */
bool status_run_ended(const struct domain_status *st, long run);

#endif
