/*
 * cmd_interrupt.c: how the commands that make containers run.  SIGINT,
 * SIGTERM and SIGHUP are deferred while a command makes something it must
 * either finish or undo, and the umask is a daemon's.
 *
 * Why: a Ctrl-C of `xl-oci create` (or an ssh session that drops) after
 * DomainStatus was published but before the state dir was in place killed
 * create with nothing undone: the container showed "creating" for ever and
 * took two destroys (helper-67).  Deferred, the signal ends the create at
 * its next step through the same undo as an error.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "xl_oci.h"

static volatile sig_atomic_t caught;
static bool deferring;

static void note_signal(int sig)
{
    caught = sig;
}

static const int deferred[] = {SIGINT, SIGTERM, SIGHUP};

void cmd_interrupt_defer(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = note_signal;
    /* Restarted: a libxl or runc call under way finishes its step, which
     * the undo then takes back. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(deferred) / sizeof(*deferred); i++)
        sigaction(deferred[i], &sa, NULL);
    /* A signal noted in an earlier deferral (a create's first attempt,
     * before its pull) stays noted. */
    deferring = true;
}

int cmd_interrupted(xo_err *err)
{
    /* Set only while deferring: otherwise the signal killed us. */
    if (!caught)
        return 0;
    return xo_err_set(err, EINTR,
                      "interrupted by %s: everything made so far was undone",
                      strsignal(caught));
}

void cmd_container_umask(void)
{
    umask(022);
}

void cmd_interrupt_restore(void)
{
    if (!deferring)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(deferred) / sizeof(*deferred); i++)
        sigaction(deferred[i], &sa, NULL);
    deferring = false;
}
