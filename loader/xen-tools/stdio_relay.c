/* stdio_relay.c: the entrypoint's output pipes (see stdio_relay.h). */
#include "stdio_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/fileio.h"
#include "report.h"

int stdio_relay_open(struct stdio_relay *r, xo_err *err)
{
    for (int i = 0; i < STDIO_RELAY_STREAMS; i++)
        r->rd[i] = r->wr[i] = -1;
    for (int i = 0; i < STDIO_RELAY_STREAMS; i++) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) {
            int e = errno;
            stdio_relay_parent(r);
            stdio_relay_drain(r, 0);
            errno = e;
            return xo_err_sys(err, "pipe for the entrypoint's output");
        }
        r->rd[i] = p[0];
        r->wr[i] = p[1];
    }
    return 0;
}

int stdio_relay_child(struct stdio_relay *r)
{
    for (int i = 0; i < STDIO_RELAY_STREAMS; i++) {
        /* dup2 clears close-on-exec on the copy; the originals close at
         * exec (and are closed here, being no stdio of the process). */
        if (dup2(r->wr[i], 1 + i) < 0)
            return -1;
        close(r->wr[i]);
        close(r->rd[i]);
        r->wr[i] = r->rd[i] = -1;
    }
    return 0;
}

void stdio_relay_parent(struct stdio_relay *r)
{
    for (int i = 0; i < STDIO_RELAY_STREAMS; i++)
        if (r->wr[i] >= 0) {
            close(r->wr[i]);
            r->wr[i] = -1;
        }
}

size_t stdio_relay_fill(const struct stdio_relay *r, struct pollfd *fds)
{
    size_t n = 0;
    for (int i = 0; i < STDIO_RELAY_STREAMS; i++)
        if (r->rd[i] >= 0)
            fds[n++] = (struct pollfd){r->rd[i], POLLIN, 0};
    return n;
}

/* One read of stream i into this process's fd 1 + i; 0 at EOF or error
 * (the read end is then closed), else the bytes copied. */
static size_t copy_once(struct stdio_relay *r, int i)
{
    static char buf[16384];
    ssize_t n;
    do
        n = read(r->rd[i], buf, sizeof(buf));
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        if (n < 0 && errno == EAGAIN)
            return 0;
        close(r->rd[i]);
        r->rd[i] = -1;
        return 0;
    }
    /* The console may be slow; the bytes wait for it as the program's own
     * write to it did.  A console that fails loses them, nothing else. */
    (void)xo_write_all(1 + i, buf, (size_t)n);
    report_console_wrote(buf, (size_t)n);
    return (size_t)n;
}

size_t stdio_relay_pump(struct stdio_relay *r, const struct pollfd *fds,
                        size_t n)
{
    size_t copied = 0;
    for (size_t k = 0; k < n; k++) {
        if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        for (int i = 0; i < STDIO_RELAY_STREAMS; i++)
            if (r->rd[i] == fds[k].fd)
                copied += copy_once(r, i);
    }
    return copied;
}

void stdio_relay_drain(struct stdio_relay *r, unsigned quiet_ms)
{
    struct pollfd fds[STDIO_RELAY_STREAMS];
    size_t n;
    while ((n = stdio_relay_fill(r, fds)) > 0) {
        int ready = poll(fds, n, (int)quiet_ms);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        stdio_relay_pump(r, fds, n);
    }
    for (int i = 0; i < STDIO_RELAY_STREAMS; i++)
        if (r->rd[i] >= 0) {
            close(r->rd[i]);
            r->rd[i] = -1;
        }
}
