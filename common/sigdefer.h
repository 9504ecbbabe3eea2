/*
 * sigdefer.h: holding back the signals that end a command from outside
 * (SIGINT from a terminal's Ctrl-C, SIGTERM, SIGHUP when the terminal
 * closes) across a step that must not be cut in two: a temporary renamed
 * over a state file, a file system resized in place.  They are blocked,
 * not ignored: one that arrives meanwhile is delivered, with its usual
 * effect, when they are let go.  Children started meanwhile inherit the
 * mask (a Ctrl-C reaches the whole process group).
 */
#ifndef XL_OCI_COMMON_SIGDEFER_H
#define XL_OCI_COMMON_SIGDEFER_H

#include <signal.h>

/* Blocks SIGINT, SIGTERM and SIGHUP in this thread; the mask before goes
 * to *old, for xo_sigdefer_end(). */
void xo_sigdefer_begin(sigset_t *old);
/* Restores the mask xo_sigdefer_begin() saved. */
void xo_sigdefer_end(const sigset_t *old);

#endif
