/* monitor_placeholder.c: xl-oci-runc's placeholder (see
 * monitor_placeholder.h).  It sleeps in poll() until something changed:
 * a xenstore watch on the container's DomainStatus, inotify on its
 * console log (the file the monitor appends to) and on the log
 * directory (the log's creation and rotation), and with a terminal its
 * input and the console's room.  Where a watch cannot be set it looks
 * every PLACEHOLDER_LOOK_MS instead, as it did before the watches. */
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
#include <unistd.h>

#include "common/abi/domain_status.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "monitor_filter.h"
#include "monitor_log_follow.h"
#include "state.h"
#include "status.h"

/* How often to look without a watch (no inotify, no console yet). */
#define PLACEHOLDER_LOOK_MS 100

static void out_stdout(void *arg, const char *buf, size_t len)
{
    (void)arg;
    (void)!xo_write_all(STDOUT_FILENO, buf, len);
}

/* The log's bytes go through the filter (monitor_filter.h) to stdout. */
static void out_filtered(void *arg, const char *buf, size_t len)
{
    monitor_filter_feed(arg, buf, len);
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

/* What to wait for: input while there is room for it, or room on the
 * console for what waits. */
static void term_poll_fds(const struct term_input *t, struct pollfd p[2])
{
    p[0] = (struct pollfd){
        t->open && t->tty_fd >= 0 && !t->n_pending ? STDIN_FILENO : -1, POLLIN,
        0};
    p[1] = (struct pollfd){t->n_pending ? t->tty_fd : -1, POLLOUT, 0};
}

/* Moves input to the console as poll() found it possible. */
static void term_move(struct term_input *t, const struct pollfd p[2])
{
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

/* The exit code for a DomainStatus read (`have` false: it is gone). */
static int exit_code_of(bool have, const struct domain_status *st)
{
    return !have ? 137 : st->exit_code >= 0 ? st->exit_code : 255;
}

int monitor_placeholder_run(struct xo_xs *xs, const char *name, bool terminal)
{
    char status_dir[128];
    xo_err err = XO_ERR_INIT;
    struct monitor_filter f;
    struct monitor_log_follow l;
    struct term_input t = {.open = terminal, .tty_fd = -1};
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
    if (state_log_path(l.path, sizeof(l.path), name, &err) < 0 ||
        xo_path_fmt(status_dir, sizeof(status_dir), &err,
                    DOMAIN_STATUS_BASE "/%s", name) < 0)
        return 255;
    monitor_filter_init(&f, out_stdout, NULL);
    monitor_log_follow_init(&l, out_filtered, &f);
    /* Fires once at once (xenstore's rule), then on every change of the
     * status, its removal included. */
    bool watching = xo_xs_watch(xs, status_dir, "status");
    bool look = true, have = false;
    struct domain_status st;
    for (;;) {
        if (look || !watching) {
            look = false;
            have = status_read(xs, name, &st, &err) == 0;
            xo_err_clear(&err);
        }
        monitor_log_follow_step(&l);
        if (!have || domain_state_is_final(st.state)) {
            monitor_filter_flush(&f); /* a last line without its newline */
            monitor_log_follow_dispose(&l);
            if (t.tty_fd >= 0)
                close(t.tty_fd);
            return exit_code_of(have, &st);
        }
        if (terminal)
            term_open_console(&t, xs, st.domid);
        struct pollfd p[4] = {
            {watching ? xo_xs_fileno(xs) : -1, POLLIN, 0},
            {l.notify_fd, POLLIN, 0},
        };
        term_poll_fds(&t, p + 2);
        int timeout = xo_xs_pending(xs) ? 0
                      : !watching || monitor_log_follow_blind(&l) ||
                              (terminal && t.open && t.tty_fd < 0)
                          ? PLACEHOLDER_LOOK_MS
                          : -1;
        if (poll(p, 4, timeout) < 0)
            continue; /* EINTR; nothing else fails on these fds */
        if (p[1].revents)
            monitor_log_follow_clear(&l);
        term_move(&t, p + 2);
        if (xo_xs_lost(xs))
            look = true; /* events were dropped: read it all again */
        if (watching && (xo_xs_pending(xs) || p[0].revents)) {
            unsigned n = 0;
            char **ev = xo_xs_read_watch(xs, &n);
            free(ev);
            /* Without an event the connection failed: the status read
             * then fails too, and the container counts as gone. */
            look = true;
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
