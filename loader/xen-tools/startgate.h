/*
 * startgate.h: the loader's side of the start gate
 * (common/abi/start_gate.h): once the container's root is mounted, wait
 * until dom0 says the OCI `start` ran before anything the entrypoint
 * sees is decided by what start gives (the late network) and before the
 * entrypoint runs.
 */
#ifndef XL_OCI_LOADER_STARTGATE_H
#define XL_OCI_LOADER_STARTGATE_H

#include <signal.h>

#include "common/error.h"

/*
 * Reads START_GATE_KEY of this domain and, while it is "closed", reads it
 * again every 10 to 100 ms.  Returns 0 when there is no gate or it is open; 1
 * with *sig_r when one of the signals in `stop` (blocked by the caller)
 * came first, a stop request for a container that never started (other
 * signals of the set, SIGCHLD or SIGHUP, are taken and ignored); -1 with
 * err for a value that is not a gate's, a key removed while waiting, or
 * xenstore out of reach.
 */
int startgate_wait(const sigset_t *stop, int *sig_r, xo_err *err);

#endif
