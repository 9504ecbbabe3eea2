/*
 * monitor.h: the per-domain monitor, the program xl-oci-monitor.  create
 * starts one per domain, as xl forks its daemon.  It copies what the guest
 * reports into DomainStatus, keeps the console log, and has
 * on_poweroff/on_reboot/on_crash applied.  The domain never depends on
 * it: killing it leaves the domain running, and any later xl-oci command
 * starts a new one (monitor_recover in monitor_spawn.h).
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_H
#define XL_OCI_XL_PLUGIN_MONITOR_H

#include <stdbool.h>

#include "common/error.h"

struct monitor_opts {
    const char *root;   /* xl-oci's state root */
    const char *name;   /* the container domain */
    const char *xl_oci; /* the xl-oci binary, run for shutdown actions */
    int ready_fd;       /* monitor_spawn.h's handshake, or -1 */
    bool unpause;       /* unpause the domain when ready (create -F) */
};

/* Runs the monitor in this process until the domain is gone for good. */
int monitor_run(const struct monitor_opts *o, xo_err *err);

#endif
