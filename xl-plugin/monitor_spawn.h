/*
 * monitor_spawn.h: starting xl-oci-monitor (monitor.h) from xl-oci.
 * The monitor is a separate, small program so that each domain's
 * long-lived process maps neither libxl nor the image libraries.
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_SPAWN_H
#define XL_OCI_XL_PLUGIN_MONITOR_SPAWN_H

#include "common/error.h"
#include "common/xs_client.h"

/*
 * The readiness handshake between monitor_spawn() and the monitor: the
 * monitor is given a pipe's write end as `--ready-fd N` and writes
 * MONITOR_READY to it once it holds its lock, watches the domain and has
 * its console open (or has found that another monitor of the domain holds
 * the lock), then closes it.  Before the lock, a `destroy` could find no
 * monitor to stop and remove DomainStatus, which the late monitor would
 * then write again (lab 16-loops under load); before the console, the
 * output of a container that runs at once was lost (lab 10-create with
 * the loader's own kernel on a loaded dom0).
 * If exec fails, the child writes its errno (an int) instead; EOF with
 * nothing written means the monitor died before it was ready.
 */
#define MONITOR_READY 'R'

/* Writes MONITOR_READY to *fd and closes it (-1 after; nothing when it is
 * -1 already).  A creator that is gone (Ctrl-C, a dropped ssh session)
 * makes the write fail with EPIPE, never kill the monitor with SIGPIPE:
 * the container it watches runs on (helper-67: 16 of 19 interrupts of
 * create left a container with no monitor). */
void monitor_ready_send(int *fd);

/* The xl-oci-monitor program: $XL_OCI_MONITOR, else the one beside this
 * binary; an error when it cannot be run. */
int monitor_program(char *buf, size_t len, xo_err *err);
/* The xl-oci-placeholder program (monitor_placeholder.h), the same way:
 * $XL_OCI_PLACEHOLDER, else the one beside this binary. */
int monitor_placeholder_program(char *buf, size_t len, xo_err *err);

/*
 * A monitor outlives the memory shortage that kills its container: its
 * oom_score_adj (/proc/self/oom_score_adj, -1000..1000) is
 * MONITOR_OOM_SCORE_ADJ, just above containerd's own -999 as
 * containerd's shims are, so the kernel's OOM killer takes containers
 * first and a container's end is still recorded.  What the monitor
 * starts for the container (runc, and so the container's process) gets
 * back the value the monitor was started with, which the monitor keeps
 * in $XL_OCI_OOM_SCORE_ADJ (a monitor started by another keeps the
 * first's).  Both are best effort: without CAP_SYS_RESOURCE the value
 * stays as it was.
 */
#define MONITOR_OOM_SCORE_ADJ (-998)
#define MONITOR_OOM_ENV "XL_OCI_OOM_SCORE_ADJ"
void monitor_oom_protect(void);
/* In a child the monitor forks for the container, before its exec. */
void monitor_oom_restore(void);

/* Starts a detached monitor of `name` (double fork, new session, stdio on
 * <logdir>/<name>.monitor.log); returns 0 once it holds its lock. */
int monitor_spawn(const char *root, const char *name, xo_err *err);

/* The same for a NOHYPER container: its monitor is `xl-oci
 * nohyper-monitor` (nohyper.h), which is ready once the container's
 * process runs, or has failed to start and said why in DomainStatus. */
int monitor_spawn_nohyper(const char *root, const char *name, xo_err *err);

/* Becomes the monitor of `name` in the foreground (create -F, `xl-oci
 * monitor`); returns only on failure.  With `unpause` (create -F) the
 * monitor unpauses the domain itself once its console is open, the moment
 * monitor_spawn() would have answered. */
int monitor_exec(const char *root, const char *name, bool unpause, xo_err *err);

/*
 * For every container domain whose monitor is gone: start a new one if
 * its domain may still exist.  Called by every command that reads
 * DomainStatus, so the status they show is the truth.  Does nothing while
 * another command holds the global lock (a destroy in progress has
 * stopped the monitor on purpose).
 */
void monitor_recover(struct xo_xs *xs, const char *root);

#endif
