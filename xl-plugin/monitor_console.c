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
    xo_err err = XO_ERR_INIT;
    if (console_log_open(&c->log, &err) < 0) {
        xo_warn("console log: %s", xo_err_msg(&err));
        xo_err_clear(&err);
    }
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
            console_log_write(&c->log, buf, (size_t)r);
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
