/*
 * nohyper_relay.h: a NOHYPER container's stdout and stderr as runc gives
 * them under Docker: a pipe, not the console log itself.  A process of
 * the monitor's copies the pipe into the log until every writer is gone,
 * as a domain's init copies its pipes to the console.  On the log file
 * itself the program's `echo x >/dev/stderr` truncated the log (a shell
 * opens it with O_TRUNC), and runc handed the host's log file to the
 * container's user (it chowns non-root stdio).
 */
#ifndef XL_OCI_XL_PLUGIN_NOHYPER_RELAY_H
#define XL_OCI_XL_PLUGIN_NOHYPER_RELAY_H

#include <sys/types.h>

#include "common/error.h"

struct nohyper_relay {
    int wr;    /* the pipe's write end: runc's stdout and stderr; -1 */
    pid_t pid; /* the copier; 0 when none runs */
};

/* Opens the pipe and starts the copier, appending to container `name`'s
 * console log (console_log.h, rotated past $XL_OCI_LOG_MAX).  Give r->wr
 * to runc create and start (and write the monitor's own lines for the
 * log there, the log's one writer), then nohyper_relay_close_writer(). */
int nohyper_relay_start(struct nohyper_relay *r, const char *name, xo_err *err);

/* Closes our copy of the write end: from then on only the container
 * holds it. */
void nohyper_relay_close_writer(struct nohyper_relay *r);

/*
 * Waits until the copier has copied what the container's processes
 * wrote (it ends when the last of them is gone), at most `ms`
 * milliseconds, then stops it: a process that keeps the pipe open for
 * ever (one outside the container's PID namespace) cannot hold the exit
 * back.  A copier reaped by someone else (the monitor's reap of every
 * child) counts as ended.
 */
void nohyper_relay_finish(struct nohyper_relay *r, int ms);

#endif
