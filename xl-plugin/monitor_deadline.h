/*
 * monitor_deadline.h: oci_deadline as both monitors apply it (the Xen
 * monitor xl-oci-monitor and the NOHYPER monitor).  The due time is
 * derived from DomainStatus alone (started-ms + deadline, both dom0
 * CLOCK_MONOTONIC based; common/abi/domain_status.h), so a monitor that
 * replaces a killed one keeps it without any state of its own: at the
 * due time the monitor sends the container its stop signal (a Xen
 * domain: the orderly poweroff its loader turns into the stop signal and,
 * after oci_stop_timeout, SIGKILL), marks `ended-by` and journals a
 * "deadline" event; the kill time is a backstop for a container (or a
 * guest kernel) that does not stop.
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_DEADLINE_H
#define XL_OCI_XL_PLUGIN_MONITOR_DEADLINE_H

#include "common/error.h"
#include "common/xs_client.h"
#include "status.h"

/* When the current run of `st` reaches its deadline, in dom0 monotonic
 * ms; -1 when it has none (no deadline, not started, or already ended by
 * it). */
long long monitor_deadline_due(const struct domain_status *st);

/* When a run whose deadline was due at `due_ms` is killed if it still
 * runs: its stop timeout plus `margin_s` later (monotonic ms). */
long long monitor_deadline_kill_at(long long due_ms, long stop_timeout_s,
                                   long margin_s);

/* Milliseconds from `now_ms` until `at_ms` (0 when past; -1 for no time,
 * at_ms < 0), capped at `cap_ms` when cap_ms >= 0: a poll() timeout. */
int monitor_deadline_timeout(long long now_ms, long long at_ms, int cap_ms);

/* The deadline passed: writes ended-by and journals the "deadline" event
 * under `root`.  The caller then stops the container. */
int monitor_deadline_reached(struct xo_xs *xs, const char *root,
                             const char *name, long deadline_s, xo_err *err);

#endif
