/*
 * exec_server.h: the guest end of the exec channel (common/abi/
 * exec_channel.h).  A process of its own, forked by PID 1 before the
 * entrypoint so that it stays outside the container's PID namespace, and
 * so that nothing dom0 sends can crash or block PID 1: garbage ends a
 * session (logged on the console), a crash of this process ends only the
 * channel.
 *
 * Up to EXEC_CHANNEL_SLOTS sessions run at once, each on a vchan of its
 * own served by a process of its own; while fewer run, one more channel
 * is on offer (exec_server_pool.h).  A session is either a REQUEST (run a process in the container: its PID
 * and mount namespaces, root, user, env and cwd rules as the entrypoint
 * has them, a pty with -t) or a lone SIGNAL to the container's process 1.
 */
#ifndef XL_OCI_LOADER_EXEC_SERVER_H
#define XL_OCI_LOADER_EXEC_SERVER_H

#include <sys/types.h>

#include "bootspec.h"
#include "pod_container.h"

/*
 * Forks the server; `base` is what pod containers start from (kept by the
 * server for the life of the domain).  *pid_fd_r receives the write end of a pipe that
 * run_container() fills with the entrypoint's pid; the server starts
 * offering the channel once it has it.  Returns the server's pid, or -1
 * (logged; the container runs without exec).
 */
pid_t exec_server_start(const struct boot_spec *spec,
                        const struct exec_pod_base *base, int *pid_fd_r);

#endif
