/*
 * runc_console.h: runc's --console-socket contract, the runtime's side.
 * When process.terminal is true the caller (containerd's shim, or runc's
 * own recvtty) listens on a unix socket and passes its path; the runtime
 * makes a pty, connects to the socket and sends the pty's master in one
 * message: SCM_RIGHTS with that one descriptor and a name as the data.
 * runc sends its master's file name ("/dev/ptmx"); we send the slave's
 * ("/dev/pts/N"), which says more: receivers (containerd's go-runc,
 * runc's recvtty) keep only the descriptor.  The container's stdio is the
 * slave.
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_CONSOLE_H
#define XL_OCI_XL_PLUGIN_RUNC_CONSOLE_H

#include "common/error.h"

struct runc_pty {
    int master, slave; /* -1 when closed */
    char name[64];     /* the slave's path */
};

/* A new pty, both ends open with O_NOCTTY and O_CLOEXEC. */
int runc_pty_open(struct runc_pty *p, xo_err *err);

/* Closes what is still open (idempotent). */
void runc_pty_close(struct runc_pty *p);

/*
 * Sends p->master to the socket at `path` (at most 107 bytes, sun_path's
 * room) and closes it here: the receiver holds the only master.  ENOENT,
 * ECONNREFUSED and the like name the path.
 */
int runc_console_send(const char *path, struct runc_pty *p, xo_err *err);

#endif
