/* monitor_ready.c: the monitor's readiness byte to its creator
 * (monitor_spawn.h), in both monitors: xl-oci-monitor (static, small)
 * and the NOHYPER monitor inside xl-oci. */
#include "monitor_spawn.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

void monitor_ready_send(int *fd)
{
    if (*fd < 0)
        return;
    /* SIGPIPE blocked around the write, and one it raised taken before
     * unblocking: the process-wide disposition stays as it was. */
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    char c = MONITOR_READY;
    if (write(*fd, &c, 1) < 0 && errno == EPIPE) {
        struct timespec none = {0, 0};
        sigtimedwait(&pipe_set, NULL, &none);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(*fd);
    *fd = -1;
}
