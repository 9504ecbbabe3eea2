/* sigdefer.c: SIGINT, SIGTERM and SIGHUP held back (sigdefer.h). */
#include "common/sigdefer.h"

#include <pthread.h>
#include <stddef.h>

void xo_sigdefer_begin(sigset_t *old)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, old);
}

void xo_sigdefer_end(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}
