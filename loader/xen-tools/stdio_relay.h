/*
 * stdio_relay.h: the entrypoint's stdout and stderr as pipes that PID 1
 * copies to its own (the domain's console), as runc gives a container
 * without a terminal pipes its shim reads.  On the console itself a
 * program would see a terminal: isatty(1) true, colours and progress bars
 * in the log, line buffering where a pipe gets blocks.
 *
 * Use: stdio_relay_open before the fork; stdio_relay_child in the child
 * (fds 1 and 2 become the pipes' write ends); stdio_relay_parent in PID 1;
 * then stdio_relay_fill/stdio_relay_pump around each poll(), and
 * stdio_relay_drain once the entrypoint has exited.
 */
#ifndef XL_OCI_LOADER_STDIO_RELAY_H
#define XL_OCI_LOADER_STDIO_RELAY_H

#include <poll.h>
#include <stddef.h>

#include "common/error.h"

#define STDIO_RELAY_STREAMS 2 /* stdout, stderr */

struct stdio_relay {
    int rd[STDIO_RELAY_STREAMS]; /* PID 1's read ends, -1 once at EOF */
    int wr[STDIO_RELAY_STREAMS]; /* the child's write ends, -1 closed */
};

/* Two pipes (the read ends close-on-exec); -1 with *err set. */
int stdio_relay_open(struct stdio_relay *r, xo_err *err);

/* In the child: fds 1 and 2 become the write ends; -1 with errno set. */
int stdio_relay_child(struct stdio_relay *r);

/* In PID 1 after the fork: closes the write ends. */
void stdio_relay_parent(struct stdio_relay *r);

/* Puts the open read ends into fds (room for STDIO_RELAY_STREAMS) and
 * returns how many. */
size_t stdio_relay_fill(const struct stdio_relay *r, struct pollfd *fds);

/* Copies what poll() found readable in fds[0..n) to fds 1 and 2 of this
 * process; a read end at EOF or failing is closed.  Returns the bytes
 * copied. */
size_t stdio_relay_pump(struct stdio_relay *r, const struct pollfd *fds,
                        size_t n);

/* After the entrypoint's exit: copies what is left until every writer is
 * gone or nothing came for `quiet_ms` milliseconds (a background child
 * may hold a pipe open for ever), then closes the read ends. */
void stdio_relay_drain(struct stdio_relay *r, unsigned quiet_ms);

#endif
