/*
 * cmd_detach.c: cmd_run_detached(), a command's work done by a child in a
 * session of its own, so that it outlives the command.
 *
 * Why: a stop sends the stop signal, waits the grace period and then
 * sends SIGKILL; a Ctrl-C of `xl-oci stop -t 30`, an ssh session that
 * drops (SIGHUP) or a kill of the command between the two left the
 * container "halting" for ever, its process still running (helper-67).
 * Docker's stop is finished by the daemon whatever its client does; here
 * the child is that daemon for the length of one stop.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xl_oci.h"

int cmd_run_detached(int (*work)(void *), void *arg)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return work(arg); /* undetached is still a stop */
    if (pid == 0) {
        /* No controlling terminal: neither its Ctrl-C nor its hangup
         * reaches the work.  Output goes on to the command's stdout and
         * stderr while they are there; once not, writes fail, the work
         * goes on. */
        setsid();
        signal(SIGPIPE, SIG_IGN);
        int rc = work(arg);
        fflush(stdout);
        fflush(stderr);
        _exit(rc);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return XO_EXIT_FAIL;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
