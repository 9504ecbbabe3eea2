/*
 * monitor.h: the per-domain monitor, forked by create as xl forks its
 * daemon.  It copies what the guest reports into DomainStatus, keeps the
 * console log, and applies on_poweroff/on_reboot/on_crash.  The domain
 * never depends on it: killing it leaves the domain running, and any later
 * xl-oci command starts a new one (monitor_recover).
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_H
#define XL_OCI_XL_PLUGIN_MONITOR_H

#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "xen.h"

/* Runs the monitor in this process until the domain is gone for good. */
int monitor_run(const char *root, const char *name, xo_err *err);

/* Starts a detached monitor process (double fork); returns 0 once the
 * intermediate child has exited. */
int monitor_spawn(struct xen_handles *h, const char *root, const char *name,
                  xo_err *err);

/*
 * For every container domain whose monitor is gone: start a new one if
 * its domain still exists, else record that it vanished.  Called by every
 * command that reads DomainStatus, so the status they show is the truth.
 */
void monitor_recover(struct xen_handles *h, const char *root);

#endif
