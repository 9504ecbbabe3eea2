/* nohyper_relay.c: the container's output pipe copied into its log (see
 * nohyper_relay.h). */
#include "nohyper_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "console_log.h"

/* The copier: nothing of the monitor's but the pipe and the log (not its
 * locks), until end-of-file; the only writer of the log while it runs,
 * so its rotation is the log's. */
static _Noreturn void copy(int rd, struct console_log *log)
{
    int lo = rd < log->fd ? rd : log->fd, hi = rd < log->fd ? log->fd : rd;
    if (lo > 3)
        close_range(3, (unsigned)lo - 1, 0);
    if (hi > lo + 1)
        close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
    close_range((unsigned)hi + 1, ~0U, 0);
    static char buf[16384];
    for (;;) {
        ssize_t n = read(rd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(0);
        console_log_write(log, buf, (size_t)n);
    }
}

int nohyper_relay_start(struct nohyper_relay *r, const char *name, xo_err *err)
{
    int p[2];
    r->wr = -1;
    r->pid = 0;
    /* Opened here, so that a log that cannot be written is create's
     * error, not output lost in silence. */
    struct console_log log = {.name = name, .fd = -1};
    if (console_log_max(&log.max, err) < 0 || console_log_open(&log, err) < 0)
        return -1;
    if (pipe2(p, O_CLOEXEC) < 0) {
        console_log_close(&log);
        return xo_err_sys(err, "pipe for the container's output");
    }
    pid_t pid = fork();
    if (pid < 0) {
        xo_err_sys(err, "fork of the container's output copier");
        close(p[0]);
        close(p[1]);
        console_log_close(&log);
        return -1;
    }
    if (pid == 0) {
        close(p[1]);
        copy(p[0], &log);
    }
    close(p[0]);
    console_log_close(&log);
    r->wr = p[1];
    r->pid = pid;
    return 0;
}

void nohyper_relay_close_writer(struct nohyper_relay *r)
{
    if (r->wr >= 0)
        close(r->wr);
    r->wr = -1;
}

void nohyper_relay_finish(struct nohyper_relay *r, int ms)
{
    nohyper_relay_close_writer(r);
    if (r->pid <= 0)
        return;
    /* Until reaped the pid is ours, so the kill below cannot reach a
     * process that took it over. */
    for (int waited = 0;; waited += 10) {
        pid_t w = waitpid(r->pid, NULL, WNOHANG);
        if (w == r->pid || (w < 0 && errno != EINTR))
            break; /* ended, or reaped by the monitor's reap() */
        if (w == 0 && waited >= ms) {
            kill(r->pid, SIGKILL);
            while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        if (w == 0)
            nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    }
    r->pid = 0;
}
