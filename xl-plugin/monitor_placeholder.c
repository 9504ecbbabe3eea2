/* monitor_placeholder.c: xl-oci-runc's placeholder (see
 * monitor_placeholder.h).  It polls the log and the status every 100 ms
 * (with a terminal: waits on its input for as long): the console log is a
 * file the monitor appends to, and a status watch would still need the
 * file read. */
#include "monitor_placeholder.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/pathfmt.h"
#include "monitor_filter.h"
#include "state.h"
#include "status.h"

static void out_stdout(void *arg, const char *buf, size_t len)
{
    (void)arg;
    (void)!xo_write_all(STDOUT_FILENO, buf, len);
}

/* Copies what `fd` has beyond its offset to stdout, filtered. */
static void drain(struct monitor_filter *f, int fd)
{
    char buf[16384];
    ssize_t r;
    while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
        monitor_filter_feed(f, buf, (size_t)r);
}

/*
 * With a terminal, stdin is the pty's slave: what is typed on the master
 * goes to the domain's console pty (xenconsoled's, named in xenstore as
 * for `xl-oci console`), where the guest's line discipline echoes and
 * edits it.  Input waits in `pending` while the console cannot take it.
 */
struct term_input {
    bool open;  /* stdin still gives input */
    int tty_fd; /* the console pty, write-only, non-blocking; or -1 */
    char pending[4096];
    size_t n_pending;
};

static void term_open_console(struct term_input *t, struct xo_xs *xs,
                              long domid)
{
    char key[64];
    unsigned n = 0;
    if (t->tty_fd >= 0 || domid < 0 ||
        xo_path_fmt(key, sizeof(key), NULL, "/local/domain/%ld/console/tty",
                    domid) < 0)
        return;
    char *tty = xo_xs_read(xs, key, &n);
    /* Written by xenconsoled in dom0, but checked as the monitor does. */
    if (tty && strncmp(tty, "/dev/pts/", 9) == 0 && !strstr(tty, ".."))
        t->tty_fd = open(tty, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    free(tty);
}

/* Waits up to `ms` for input or room on the console, and moves it. */
static void term_step(struct term_input *t, int ms)
{
    struct pollfd p[2] = {
        {t->open && t->tty_fd >= 0 && !t->n_pending ? STDIN_FILENO : -1, POLLIN,
         0},
        {t->n_pending ? t->tty_fd : -1, POLLOUT, 0},
    };
    if (poll(p, 2, ms) <= 0)
        return;
    if (p[0].revents) {
        ssize_t r = read(STDIN_FILENO, t->pending, sizeof(t->pending));
        if (r > 0)
            t->n_pending = (size_t)r;
        else if (r == 0 || (errno != EAGAIN && errno != EINTR))
            t->open = false; /* EIO: the master was closed */
    }
    if (p[1].revents) {
        ssize_t w = write(t->tty_fd, t->pending, t->n_pending);
        if (w > 0) {
            memmove(t->pending, t->pending + w, t->n_pending - (size_t)w);
            t->n_pending -= (size_t)w;
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
            close(t->tty_fd); /* the console went with the domain */
            t->tty_fd = -1;
            t->n_pending = 0;
        }
    }
}

int monitor_placeholder_run(struct xo_xs *xs, const char *name, bool terminal)
{
    char path[4096];
    xo_err err = XO_ERR_INIT;
    struct monitor_filter f;
    struct term_input t = {.open = terminal, .tty_fd = -1};
    monitor_filter_init(&f, out_stdout, NULL);
    /* The shim closing our stdout is no reason to stop waiting for the
     * exit code. */
    signal(SIGPIPE, SIG_IGN);
    if (terminal) {
        /* The guest's console does the terminal's work (echo, line
         * editing, "\n" -> "\r\n"): the slave passes bytes as they are. */
        struct termios raw;
        if (tcgetattr(STDIN_FILENO, &raw) == 0) {
            cfmakeraw(&raw);
            tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        }
    }
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
            drain(&f, fd);
            if (fd >= 0)
                close(fd);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            ino = now.st_ino;
        }
        drain(&f, fd);
        if (final) {
            monitor_filter_flush(&f); /* a last line without its newline */
            return !have ? 137 : st.exit_code >= 0 ? st.exit_code : 255;
        }
        if (terminal) {
            term_open_console(&t, xs, st.domid);
            term_step(&t, 100);
        } else {
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
        }
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
