/*
 * monitor_placeholder.h: the placeholder xl-oci-runc leaves for
 * containerd's shim (runc.h), run as `xl-oci-placeholder NAME`
 * (placeholder_main.c), a static program smaller than the monitor (no
 * shared libraries, no libxl, no libxenctrl): it copies container NAME's console log to its
 * stdout (monitor_filter.h: without the loader's and the kernel's lines)
 * until DomainStatus is final, then returns the container's exit code
 * (137 when the status went away first: a delete; 255 when the container
 * ended without one).
 *
 * With `terminal` (--terminal) its stdio is the slave of the pty whose
 * master xl-oci-runc create sent to the --console-socket: the slave is
 * made raw and what it reads goes to the domain's console, whose line
 * discipline in the guest (the entrypoint's controlling terminal, boot
 * spec process/terminal) echoes it and turns "\n" into "\r\n".  The
 * window size is not passed on: the Xen console has no channel for it.
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_PLACEHOLDER_H
#define XL_OCI_XL_PLUGIN_MONITOR_PLACEHOLDER_H

#include <stdbool.h>

#include "common/xs_client.h"

int monitor_placeholder_run(struct xo_xs *xs, const char *name, bool terminal);

/*
 * A pod sandbox's placeholder (`xl-oci-placeholder --sandbox NAME`): the pod's
 * process where there is no domain; it holds the network namespace it was
 * started in until SIGTERM, SIGINT or SIGHUP (returns 0, as Kubernetes'
 * pause does) or SIGKILL.
 */
int monitor_sandbox_run(void);

#endif
