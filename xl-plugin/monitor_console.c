/* monitor_console.c: the Xen monitor's console log (see header). */
#include "monitor_console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "state.h"

void monitor_console_open_log(struct monitor_console *c)
{
    char path[4096];
    xo_err err = XO_ERR_INIT;
    if (xo_mkdir_p(state_log_dir(), 0750, &err) < 0) {
        xo_warn("%s", xo_err_msg(&err));
        xo_err_clear(&err);
    }
    c->log_fd = -1;
    if (state_log_path(path, sizeof(path), c->name, &err) < 0) {
        xo_warn("console log: %s", xo_err_msg(&err));
        xo_err_clear(&err);
        return;
    }
    c->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    struct stat st;
    c->log_size =
        c->log_fd >= 0 && fstat(c->log_fd, &st) == 0 ? (size_t)st.st_size : 0;
}

/* Appends console bytes; rotates NAME.log to NAME.log.1 past the cap. */
static void log_write(struct monitor_console *c, const char *buf, size_t len)
{
    if (c->log_fd < 0)
        return;
    if (c->log_size + len > c->log_max) {
        char path[4096], old[4200];
        /* monitor_console_open_log() built it: both fit. */
        if (state_log_path(path, sizeof(path), c->name, NULL) == 0 &&
            xo_path_fmt(old, sizeof(old), NULL, "%s.1", path) >= 0)
            rename(path, old);
        close(c->log_fd);
        monitor_console_open_log(c);
    }
    if (xo_write_all(c->log_fd, buf, len) == 0)
        c->log_size += len;
}

void monitor_console_tty_open(struct monitor_console *c, struct xo_xs *xs,
                              const char *tty_key)
{
    if (c->tty_fd >= 0)
        return;
    unsigned n = 0;
    char *tty = xo_xs_read(xs, tty_key, &n);
    if (!tty)
        return;
    /* The key is written by xenconsoled in dom0, but check it anyway. */
    if (strncmp(tty, "/dev/pts/", 9) == 0 && !strstr(tty, "..")) {
        c->tty_fd = open(tty, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        struct termios t;
        if (c->tty_fd >= 0 && tcgetattr(c->tty_fd, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(c->tty_fd, TCSANOW, &t);
        }
    }
    free(tty);
}

void monitor_console_drain(struct monitor_console *c)
{
    char buf[4096];
    for (;;) {
        ssize_t r = read(c->tty_fd, buf, sizeof(buf));
        if (r > 0) {
            log_write(c, buf, (size_t)r);
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        /* EOF or EIO: the console went away with the domain. */
        close(c->tty_fd);
        c->tty_fd = -1;
        return;
    }
}

/*
 * The guest's last words (a container's output just before it exits) may
 * still be on their way through xenconsoled when the domain shuts down:
 * keep reading until the console has been quiet for 200 ms (at most 2 s),
 * or has closed.
 */
void monitor_console_final_drain(struct monitor_console *c)
{
    for (int waited = 0; c->tty_fd >= 0 && waited < 2000; waited += 200) {
        struct pollfd p = {.fd = c->tty_fd, .events = POLLIN};
        int n = poll(&p, 1, 200);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        monitor_console_drain(c);
    }
}
