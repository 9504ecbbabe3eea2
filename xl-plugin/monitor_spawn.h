/*
 * monitor_spawn.h: starting xl-oci-monitor (monitor.h) from xl-oci.
 * The monitor is a separate, small program so that each domain's
 * long-lived process maps neither libxl nor the image libraries.
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_SPAWN_H
#define XL_OCI_XL_PLUGIN_MONITOR_SPAWN_H

#include "common/error.h"
#include "common/xs_client.h"

/* Starts a detached monitor of `name` (double fork, new session, stdio on
 * <logdir>/<name>.monitor.log); returns 0 once it has been exec'd. */
int monitor_spawn(const char *root, const char *name, xo_err *err);

/* Becomes the monitor of `name` in the foreground (create -F, `xl-oci
 * monitor`); returns only on failure. */
int monitor_exec(const char *root, const char *name, xo_err *err);

/*
 * For every container domain whose monitor is gone: start a new one if
 * its domain may still exist.  Called by every command that reads
 * DomainStatus, so the status they show is the truth.
 */
void monitor_recover(struct xo_xs *xs, const char *root);

#endif
