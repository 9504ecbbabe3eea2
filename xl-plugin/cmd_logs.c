/*
 * cmd_logs.c: `xl-oci logs` and `xl-oci console`.  The monitor is the one
 * reader of a domain's console pty and keeps it in <logdir>/<name>.log;
 * logs prints (and follows) that file, console follows it too and sends
 * the terminal's input to the pty, so both can be used while the monitor
 * keeps the log complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "monitor_log_follow.h"
#include "monitor_spawn.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

/* Bytes read at a time: the logs are streamed, never held whole (a log
 * may be XL_OCI_LOG_MAX, any size, and its rotated file as large). */
#define LOG_CHUNK (64 * 1024)

/* Where the last `*lines` lines of fd's first `end` bytes begin; *lines
 * is lowered by the lines found, so a rest is looked for in the file
 * before.  A final newline ends the last line; it does not start one. */
static off_t tail_start(int fd, off_t end, long *lines, bool last_file)
{
    char buf[LOG_CHUNK];
    off_t at = end;
    bool skip_final = last_file;
    while (at > 0 && *lines > 0) {
        size_t n = at > LOG_CHUNK ? LOG_CHUNK : (size_t)at;
        ssize_t r = pread(fd, buf, n, at - (off_t)n);
        if (r != (ssize_t)n)
            return 0; /* cut short under us: print from the start */
        for (size_t i = n; i > 0; i--) {
            if (buf[i - 1] != '\n')
                continue;
            if (skip_final && at - (off_t)n + (off_t)i == end) {
                skip_final = false; /* the last line's own newline */
                continue;
            }
            if (--*lines == 0)
                return at - (off_t)n + (off_t)i;
        }
        skip_final = false;
        at -= (off_t)n;
    }
    return 0;
}

/* Writes fd's bytes from `from` to `end` to stdout. */
static int copy_range(int fd, off_t from, off_t end, xo_err *err)
{
    char buf[LOG_CHUNK];
    while (from < end) {
        size_t n = end - from > LOG_CHUNK ? LOG_CHUNK : (size_t)(end - from);
        ssize_t r = pread(fd, buf, n, from);
        if (r < 0)
            return xo_err_sys(err, "cannot read the log");
        if (r == 0)
            break; /* truncated under us */
        if (xo_write_all(STDOUT_FILENO, buf, (size_t)r) < 0)
            return 0; /* stdout closed (a pager quit): nothing to say */
        from += r;
    }
    return 0;
}

/*
 * Prints the last `lines` lines (all when lines < 0) of the rotated log
 * `prev_fd` (-1: none) followed by the log `fd`, as docker logs reads its
 * rotated files; *pos_r: where fd's print ended, for -f.
 */
static int print_tail(int fd, int prev_fd, long lines, off_t *pos_r,
                      xo_err *err)
{
    struct stat st, pst;
    if (fstat(fd, &st) < 0 || (prev_fd >= 0 && fstat(prev_fd, &pst) < 0))
        return xo_err_sys(err, "cannot stat the log");
    off_t end = st.st_size, pend = prev_fd >= 0 ? pst.st_size : 0;
    off_t from = 0, pfrom = 0;
    if (lines == 0) {
        from = end;
        pfrom = pend;
    } else if (lines > 0) {
        long left = lines;
        from = tail_start(fd, end, &left, true);
        pfrom = left == 0 || prev_fd < 0
                    ? pend
                    : tail_start(prev_fd, pend, &left, end == 0);
    }
    *pos_r = end;
    if (prev_fd >= 0 && copy_range(prev_fd, pfrom, pend, err) < 0)
        return -1;
    return copy_range(fd, from, end, err);
}

/*
 * NAME.log.1 open when it is this container's own rotated output, else
 * -1.  create sets an earlier container's log aside under the same name,
 * so it is this one's only when it was last written after this
 * container's state was (its app.cfg, written once, at create, before the
 * set-aside): a rotation renames the log right after its last write.
 */
static int open_rotated(const char *name, const char *path)
{
    char old[4200];
    struct stat o;
    int fd = -1;
    if (xo_path_fmt(old, sizeof(old), NULL, "%s.1", path) < 0 ||
        (fd = open(old, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    if (fstat(fd, &o) < 0 || !state_log_is_own(&o, cmd_state_root(), name)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int open_log(const char *name, char *path, size_t len, xo_err *err)
{
    if (state_log_path(path, len, name, err) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "no console log for %s (%s)", name, path);
    return fd;
}

/*
 * NAME.log in *fd_r and, when it is this container's, NAME.log.1 in
 * *prev_r (else -1), as one consistent pair: a rotation between the two
 * opens (NAME.log renamed to NAME.log.1) would give the same file twice,
 * or the newer before the older (helper-73: lines printed twice, the
 * output running backwards).  The pair is consistent when NAME.log is
 * still the file opened first; else both are opened again.
 */
static int open_log_pair(const char *name, char *path, size_t len, int *fd_r,
                         int *prev_r, xo_err *err)
{
    for (int tries = 0;; tries++) {
        int fd = open_log(name, path, len, err);
        if (fd < 0)
            return -1;
        int prev = open_rotated(name, path);
        struct stat now, opened;
        bool same = stat(path, &now) == 0 && fstat(fd, &opened) == 0 &&
                    now.st_dev == opened.st_dev && now.st_ino == opened.st_ino;
        if (same || tries == 8) {
            /* A log rotating faster than this loop: its own file only. */
            if (!same && prev >= 0) {
                close(prev);
                prev = -1;
            }
            *fd_r = fd;
            *prev_r = prev;
            return 0;
        }
        close(fd);
        if (prev >= 0)
            close(prev);
    }
}

/* How often `logs -f` looks whether the domain ended (a DomainStatus
 * read); the log itself is followed with inotify (monitor_log_follow.h). */
#define FINAL_LOOK_MS 500
/* How often it looks at the log where inotify is missing. */
#define BLIND_LOOK_MS 200

static void out_stdout(void *arg, const char *buf, size_t len)
{
    (void)arg;
    (void)!xo_write_all(STDOUT_FILENO, buf, len);
}

/* No more output can come: halted, or down (recorded running, but its
 * process and monitor are gone, as list and wait see it). */
static bool domain_final(struct xen_handles *h, const char *name)
{
    struct domain_status st;
    xo_err err = XO_ERR_INIT;
    bool final = status_read(h->xs, name, &st, &err) < 0 ||
                 domain_state_is_final(st.state) ||
                 cmd_container_down(cmd_state_root(), name, true, &st);
    xo_err_clear(&err);
    return final;
}

int main_logs(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"follow", 0, NULL, 'f'}, {"tail", 1, NULL, 'n'}, {NULL, 0, NULL, 0}};
    bool follow = false;
    long tail = -1;
    int opt;
    while ((opt = cmd_getopt(argc, argv, "fn:", longopts, "logs", 1)) != -1) {
        if (opt == 'f') {
            follow = true;
        } else if (opt == 'n') {
            char *end;
            tail = strtol(optarg, &end, 10);
            if (!*optarg || *end || tail < 0) {
                fprintf(
                    stderr,
                    "xl-oci logs: --tail '%s': needs a number of lines (0 or more)\n",
                    optarg);
                return XO_EXIT_USAGE;
            }
        }
    }
    const char *name = argv[optind];
    char path[4096];
    xo_err err = XO_ERR_INIT;
    struct xen_handles h = {0};
    off_t pos = 0;
    int fd = -1, prev = -1;
    int tailed = open_log_pair(name, path, sizeof(path), &fd, &prev, &err) < 0
                     ? -1
                     : print_tail(fd, prev, tail, &pos, &err);
    if (prev >= 0)
        close(prev);
    if (tailed < 0) {
        if (fd >= 0)
            close(fd);
        return cmd_fail(&err);
    }
    if (follow) {
        if (xen_open_xs(&h, &err) < 0) {
            close(fd);
            return cmd_fail(&err);
        }
        monitor_recover(h.xs, cmd_state_root());
        struct monitor_log_follow lf;
        memcpy(lf.path, path, sizeof(lf.path));
        monitor_log_follow_init(&lf, out_stdout, NULL);
        /* Where --tail's print left off; lf closes fd from here on. */
        lseek(fd, pos, SEEK_SET);
        monitor_log_follow_adopt(&lf, fd);
        fd = -1;
        long long next_look = 0;
        /* Until the domain is final and the monitor has written its last
         * output (it exits after that). */
        for (;;) {
            monitor_log_follow_step(&lf);
            long long now = status_monotonic_ms();
            if (now >= next_look) {
                next_look = now + FINAL_LOOK_MS;
                if (domain_final(&h, name) &&
                    !state_monitor_alive(cmd_state_root(), name)) {
                    monitor_log_follow_step(&lf);
                    break;
                }
            }
            long long left = next_look - status_monotonic_ms();
            if (monitor_log_follow_blind(&lf) && left > BLIND_LOOK_MS)
                left = BLIND_LOOK_MS;
            struct pollfd p = {.fd = lf.notify_fd, .events = POLLIN};
            if (poll(&p, 1, left > 0 ? (int)left : 0) > 0)
                monitor_log_follow_clear(&lf);
        }
        monitor_log_follow_dispose(&lf);
        xen_close(&h);
    }
    if (fd >= 0)
        close(fd);
    return XO_EXIT_OK;
}

/* Input read from stdin and not yet taken by the console's pty. */
struct console_input {
    char buf[256];
    size_t off, len;
};

/* Writes what the pty takes now (it is non-blocking).  A pty that fails
 * (the domain's console went away) drops the input; the domain's end is
 * noticed by the caller's look. */
static void console_input_flush(struct console_input *in, int tty)
{
    while (in->off < in->len) {
        ssize_t w = write(tty, in->buf + in->off, in->len - in->off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (w <= 0) {
            in->off = in->len = 0;
            return;
        }
        in->off += (size_t)w;
    }
}

int main_console(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "console", 1)) != -1)
        ;
    const char *name = argv[optind];
    char path[4096], key[128];
    xo_err err = XO_ERR_INIT;
    struct xen_handles h = {0};
    struct domain_status st;
    off_t pos = 0;
    int fd = -1, tty = -1;
    if (xen_open_xs(&h, &err) < 0 || status_read(h.xs, name, &st, &err) < 0)
        goto fail;
    /* runc gives a NOHYPER container a pty only when asked for a terminal
     * and hands it to nobody after; its output is the log. */
    if (st.nohyper) {
        xo_err_set(
            &err, ENOTSUP,
            "%s is a NOHYPER container: it has no console; 'xl-oci logs -f %s' follows its output, 'xl-oci exec -it %s sh' gives a shell",
            name, name, name);
        goto fail;
    }
    int prev = -1;
    if (open_log_pair(name, path, sizeof(path), &fd, &prev, &err) < 0)
        goto fail;
    int tailed = print_tail(fd, prev, 20, &pos, &err);
    if (prev >= 0)
        close(prev);
    if (tailed < 0)
        goto fail;
    if (xo_path_fmt(key, sizeof(key), &err, "/local/domain/%ld/console/tty",
                    st.domid) < 0)
        goto fail;
    unsigned n = 0;
    char *ttypath = xo_xs_read(h.xs, key, &n);
    if (ttypath && strncmp(ttypath, "/dev/pts/", 9) == 0)
        tty = open(ttypath, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    free(ttypath);
    if (tty < 0) {
        xo_err_set(&err, ENODEV, "%s has no console to attach to", name);
        goto fail;
    }
    struct monitor_log_follow lf;
    memcpy(lf.path, path, sizeof(lf.path));
    monitor_log_follow_init(&lf, out_stdout, NULL);
    lseek(fd, pos, SEEK_SET);
    monitor_log_follow_adopt(&lf, fd); /* lf closes it */
    fd = -1;
    struct termios saved, raw;
    bool is_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (is_tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        fprintf(stderr, "[attached to %s; Ctrl-] detaches]\r\n", name);
    }
    /* Keystrokes go to the console as they come, its output (through
     * the monitor's log) as the monitor writes it; the domain's end is
     * looked at every FINAL_LOOK_MS.  At the end of stdin (a pipe) the
     * output goes on until the domain ends.  The pty is written without
     * blocking: a guest that does not read its console fills the pty,
     * and then stdin waits (one chunk held) while the output still
     * flows. */
    bool input = true;
    struct console_input in = {0};
    long long next_look = 0;
    for (;;) {
        monitor_log_follow_step(&lf);
        long long now = status_monotonic_ms();
        if (now >= next_look) {
            next_look = now + FINAL_LOOK_MS;
            if (domain_final(&h, name)) {
                monitor_log_follow_step(&lf);
                break;
            }
        }
        long long left = next_look - status_monotonic_ms();
        if (monitor_log_follow_blind(&lf) && left > BLIND_LOOK_MS)
            left = BLIND_LOOK_MS;
        bool held = in.len > in.off;
        /* A terminal is read even while a chunk is held, so that Ctrl-]
         * detaches from a guest that does not read its console. */
        struct pollfd p[3] = {
            {.fd = lf.notify_fd, .events = POLLIN},
            {.fd = input && (!held || is_tty) ? STDIN_FILENO : -1,
             .events = POLLIN},
            {.fd = held ? tty : -1, .events = POLLOUT}};
        if (poll(p, 3, left > 0 ? (int)left : 0) <= 0)
            continue;
        if (p[0].revents & POLLIN)
            monitor_log_follow_clear(&lf);
        if (p[2].revents)
            console_input_flush(&in, tty);
        if (p[1].revents & POLLNVAL) {
            input = false; /* no stdin at all */
        } else if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            /* While a chunk is held (a terminal only), keystrokes are
             * looked at for Ctrl-] and dropped: the guest takes none. */
            char drop[sizeof(in.buf)];
            bool was_held = in.len > in.off;
            char *into = was_held ? drop : in.buf;
            ssize_t k = read(STDIN_FILENO, into, sizeof(in.buf));
            if (k < 0 && errno == EINTR)
                continue;
            if (k > 0 && memchr(into, 0x1d, (size_t)k))
                break; /* Ctrl-] */
            if (k > 0 && was_held)
                continue;
            if (k <= 0) {
                if (is_tty)
                    break; /* the terminal went away */
                input = false;
                continue;
            }
            in.off = 0;
            in.len = (size_t)k;
            console_input_flush(&in, tty);
        }
    }
    if (is_tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(tty);
    monitor_log_follow_dispose(&lf);
    xen_close(&h);
    return XO_EXIT_OK;
fail:
    if (fd >= 0)
        close(fd);
    xen_close(&h);
    return cmd_fail(&err);
}
