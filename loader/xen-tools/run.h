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
 * Execs the entrypoint and waits for it.  pid_fd is -1 or a pipe's write
 * end that receives the entrypoint's pid (a pid_t, as the domain's PID 1
 * sees it) once it is forked, then is closed (the exec server's).
 * *code_r receives its exit code in the shell convention (128+N for
 * signal N).  Returns -1 with *err set when
 * it could not be started (then *code_r is 126 or 127 like a shell's).
 */
int run_container(const struct boot_spec *spec, const struct xo_user_ids *ids,
                  const sigset_t *set, int pid_fd, int *code_r, xo_err *err);

/*
 * Shared with the exec server (exec_server.c), so that an exec'd process
 * gets the entrypoint's rules:
 * run_env_build: env (room for nbase + nover + 3 pointers) receives base
 * without the KEYs `over` names, then `over`'s last KEY=VALUE of each KEY
 * (KEY alone only removes), then HOME from
 * ids (in home, >= 300 bytes) when none is set, then, with `tty`,
 * EXEC_TTY_TERM when none sets TERM; NULL-terminated.  Returns the number
 * of entries.
 */
size_t run_env_build(char **env, const char *const *base, size_t nbase,
                     const char *const *over, size_t nover, char *home,
                     size_t homesz, const struct xo_user_ids *ids, bool tty);

/* The spec's own groups (v6 process/groups) in place of those ids took
 * from /etc/group, when it has them; for the spec's user only. */
void run_spec_groups(const struct boot_spec *spec, struct xo_user_ids *ids);

/* In a forked child: the spec's limits, bounding set and capabilities
 * around the switch to ids, then chdir(cwd).  -1 with errno set and
 * *what_r naming the step. */
int run_become(const struct boot_spec *spec, const struct xo_user_ids *ids,
               const char *cwd, const char **what_r);

/* execvpe() with the container's PATH (from env), not the init's; returns
 * only on failure, errno set. */
void run_exec_path(const char *file, char *const *argv, char *const *env);

/*
 * Kills whatever is left (SIGKILL to all but PID 1) and reaps it, waiting
 * at most `ms` milliseconds.
 */
void run_kill_all(unsigned ms);

#endif
