/* monitor_placeholder.c: xl-oci-runc's placeholder (see
 * monitor_placeholder.h).  It polls the log and the status every 100 ms:
 * the console log is a file the monitor appends to, and a status watch
 * would still need the file read. */
#include "monitor_placeholder.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "status.h"

/* Copies what `fd` has beyond its offset to stdout. */
static void drain(int fd)
{
    char buf[16384];
    ssize_t r;
    while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
        (void)!write(1, buf, (size_t)r);
}

int monitor_placeholder_run(struct xo_xs *xs, const char *name)
{
    char path[4096];
    xo_err err = XO_ERR_INIT;
    /* The shim closing our stdout is no reason to stop waiting for the
     * exit code. */
    signal(SIGPIPE, SIG_IGN);
    if (state_log_path(path, sizeof(path), name, &err) < 0)
        return 255;
    int fd = -1;
    ino_t ino = 0;
    for (;;) {
        struct domain_status st;
        bool have = status_read(xs, name, &st, &err) == 0;
        xo_err_clear(&err);
        bool final = !have || domain_state_is_final(st.state);
        struct stat now;
        if (stat(path, &now) == 0 && (fd < 0 || now.st_ino != ino)) {
            /* First sight, or the monitor rotated it: finish the old. */
            drain(fd);
            if (fd >= 0)
                close(fd);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            ino = now.st_ino;
        }
        drain(fd);
        if (final)
            return !have ? 137 : st.exit_code >= 0 ? st.exit_code : 255;
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int monitor_sandbox_run(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig = 0;
    sigwait(&set, &sig);
    return 0;
}
