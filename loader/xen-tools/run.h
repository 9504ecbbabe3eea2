/*
 * run.h: runs the entrypoint as a child of PID 1 and supervises it.
 *
 * The init stays PID 1: it reaps every process that is reparented to it,
 * turns a stop request (SIGPWR from the poweroff helper, SIGTERM, SIGINT
 * from ctrl-alt-del) into the container's stop signal, waits the grace
 * period, then SIGKILLs everything.  When the entrypoint exits, the rest of
 * the container is killed, as a container runtime does.
 */
#ifndef XL_OCI_LOADER_RUN_H
#define XL_OCI_LOADER_RUN_H

#include <signal.h>

#include "bootspec.h"
#include "common/error.h"
#include "common/user.h"

/* The signals PID 1 waits for; blocked from the start of main(). */
void run_block_signals(sigset_t *set_r);

/*
 * Execs the entrypoint and waits for it.  *code_r receives its exit code in
 * the shell convention (128+N for signal N).  Returns -1 with *err set when
 * it could not be started (then *code_r is 126 or 127 like a shell's).
 */
int run_container(const struct boot_spec *spec, const struct xo_user_ids *ids,
                  const sigset_t *set, int *code_r, xo_err *err);

/*
 * Kills whatever is left (SIGKILL to all but PID 1) and reaps it, waiting
 * at most `ms` milliseconds.
 */
void run_kill_all(unsigned ms);

#endif
