/*
 * exec_server_pool.h: which of the exec channel's slots (common/abi/
 * exec_channel.h, EXEC_CHANNEL_SLOTS) are on offer, which serve a session
 * and which are free.  The exec server's supervisor keeps exactly one
 * channel on offer while fewer than EXEC_CHANNEL_SLOTS sessions run, so
 * an idle domain pays for one vchan, as before slots, and a second client
 * never waits behind a long session.  Bookkeeping only (no processes, no
 * Xen), so unit tests run it.
 */
#ifndef XL_OCI_LOADER_EXEC_SERVER_POOL_H
#define XL_OCI_LOADER_EXEC_SERVER_POOL_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/abi/exec_channel.h"

struct exec_server_pool {
    pid_t pid[EXEC_CHANNEL_SLOTS]; /* the slot's server, 0 when free */
    bool busy[EXEC_CHANNEL_SLOTS]; /* a client connected: a session runs */
    bool pod[EXEC_CHANNEL_SLOTS];  /* ... and it runs a pod container */
    int offered;                   /* the slot on offer, or -1 */
};

void exec_server_pool_init(struct exec_server_pool *p);

/* The slot to offer next: the lowest free one when none is on offer, a
 * slot is free and fewer than EXEC_CHANNEL_EXEC_SESSIONS sessions run
 * that are not pod containers' (a session is counted as exec until it
 * says otherwise); else -1. */
int exec_server_pool_next(const struct exec_server_pool *p);

/* `slot` (from exec_server_pool_next) is on offer, served by `pid`. */
void exec_server_pool_offered(struct exec_server_pool *p, int slot, pid_t pid);

/* The server of `slot` says a client connected to its offer: 0, or -1
 * when `slot` is not the one on offer (a report out of place: ignored). */
int exec_server_pool_connected(struct exec_server_pool *p, int slot);

/* The session on `slot` runs a pod container (its server said so after
 * the first message): it no longer counts against the exec sessions.
 * 0, or -1 for a slot without a session. */
int exec_server_pool_pod(struct exec_server_pool *p, int slot);

/* A slot's server exited: its slot becomes free.  Returns the slot, or -1
 * for a pid that serves none.  *unconnected_r is true when it exited
 * while on offer (its offer failed, or broke before a client came). */
int exec_server_pool_exited(struct exec_server_pool *p, pid_t pid,
                            bool *unconnected_r);

/* Sessions running now. */
int exec_server_pool_sessions(const struct exec_server_pool *p);

#endif
