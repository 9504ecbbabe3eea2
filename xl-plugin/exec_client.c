/*
 * exec_client.c: dom0's end of the exec channel (see exec_client.h).
 */
#include "exec_client.h"

#include <errno.h>
#include <fcntl.h>
#include <libxenvchan.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/exec_channel.h"
#include "common/alloc.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "common/xs_client.h"
#include "state.h"

/* How long dom0 waits for the guest to take a message, in ms: a guest
 * that stops reading must not hold a command forever. */
#define SEND_MS 30000

struct client {
    const char *name;
    struct xo_xs *own_xs; /* opened here when the caller gave none */
    struct xo_xs *xs;     /* the one in use: own_xs or the caller's */
    uint32_t domid;
    struct libxenvchan *vc;
    int lock;
    struct exec_reader rd;
    uint8_t frame[EXEC_FRAME_MAX];
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void client_close(struct client *c)
{
    if (c->vc)
        libxenvchan_close(c->vc);
    if (c->lock >= 0)
        close(c->lock);
    if (c->own_xs)
        xo_xs_close(c->own_xs);
    free(c);
}

/*
 * Tries what the guest offers under `dir` (common/abi/exec_channel.h):
 * each slot on offer, then the keys of a loader from before slots at
 * `dir` itself.  Returns the channel, *claimed the directory whose offer
 * it is; NULL when none connects.  Only names that are slots are tried,
 * so a guest listing anything under its `data/` costs at most
 * EXEC_CHANNEL_SLOTS + 1 attempts.
 */
static struct libxenvchan *try_offers(struct xo_xs *xs, uint32_t domid,
                                      const char *dir, char *claimed,
                                      size_t size)
{
    unsigned n = 0;
    char **names = xo_xs_directory(xs, dir, &n);
    if (!names)
        return NULL;
    struct libxenvchan *vc = NULL;
    bool legacy = false;
    for (unsigned i = 0; i < n && !vc; i++) {
        const char *nm = names[i];
        if (strcmp(nm, "ring-ref") == 0) {
            legacy = true;
            continue;
        }
        /* A slot: one or two decimal digits, below the limit. */
        size_t len = strspn(nm, "0123456789");
        if (len == 0 || len > 2 || nm[len] || (len == 2 && nm[0] == '0') ||
            atoi(nm) >= EXEC_CHANNEL_SLOTS)
            continue;
        /* cannot truncate: the caller's dir is < 96 bytes */
        snprintf(claimed, size, "%s/%s", dir, nm);
        vc = libxenvchan_client_init(NULL, (int)domid, claimed);
    }
    free(names);
    if (!vc && legacy) {
        /* cannot truncate: as above */
        snprintf(claimed, size, "%s", dir);
        vc = libxenvchan_client_init(NULL, (int)domid, claimed);
    }
    return vc;
}

/*
 * Why nothing was on offer: the directory is there (made by a loader with
 * slots, emptied by the clients that took its offers) when every slot
 * serves a session: EBUSY, which `kill` must not take for a loader
 * without exec; ENOTSUP when the guest's server gave up offering.
 * ETIMEDOUT when nothing was ever offered.
 */
static void no_offer(struct xo_xs *xs, const char *name, uint32_t domid,
                     const char *dir, xo_err *err)
{
    unsigned n = 0;
    char **names = xo_xs_directory(xs, dir, &n);
    bool made = names != NULL, disabled = false;
    for (unsigned i = 0; i < n && names; i++)
        disabled |= strcmp(names[i], EXEC_CHANNEL_DISABLED_KEY) == 0;
    free(names);
    if (disabled)
        xo_err_set(
            err, ENOTSUP,
            "%s (domid %u): its loader's exec server gave up offering a channel (exec disabled: see its console log)",
            name, domid);
    else if (made)
        xo_err_set(
            err, EBUSY,
            "%s (domid %u): all %d exec sessions are busy and none ended within %d s",
            name, domid, EXEC_CHANNEL_EXEC_SESSIONS,
            EXEC_CLIENT_CONNECT_MS / 1000);
    else
        xo_err_set(
            err, ETIMEDOUT,
            "%s (domid %u): no exec channel offered at %s within %d s (is its loader older than exec?)",
            name, domid, dir, EXEC_CLIENT_CONNECT_MS / 1000);
}

/*
 * Connects to a channel the guest offers under `dir`: tries at once (the
 * guest keeps one on offer while a slot is free), then on each change
 * under `dir`, through a xenstore watch, rather than after fixed sleeps,
 * until EXEC_CLIENT_CONNECT_MS.  The guest's libxenvchan_server_init
 * writes ring-ref and event-channel in one transaction, so one event
 * means a whole offer.
 */
static struct libxenvchan *connect_offer(struct xo_xs *xs, const char *name,
                                         uint32_t domid, const char *dir,
                                         char *claimed, size_t size,
                                         xo_err *err)
{
    struct libxenvchan *vc = try_offers(xs, domid, dir, claimed, size);
    if (vc) {
        xo_stamp("exec", "connected to the channel (at once)");
        return vc;
    }
    if (!xo_xs_watch(xs, dir, "xl-oci-exec")) {
        xo_err_sys(err, "%s (domid %u): cannot watch %s", name, domid, dir);
        return NULL;
    }
    uint64_t end = now_ms() + EXEC_CLIENT_CONNECT_MS;
    unsigned events = 0;
    while (!(vc = try_offers(xs, domid, dir, claimed, size))) {
        uint64_t now = now_ms();
        if (now >= end) {
            no_offer(xs, name, domid, dir, err);
            break;
        }
        struct pollfd p = {xo_xs_fileno(xs), POLLIN, 0};
        if (!xo_xs_pending(xs) && poll(&p, 1, (int)(end - now)) <= 0)
            continue;
        /* Every queued event is read before the next try, so a guest
         * rewriting its keys in a loop cannot grow dom0's queue. */
        do {
            unsigned n;
            free(xo_xs_read_watch(xs, &n));
            events++;
            p.revents = 0;
        } while (xo_xs_pending(xs) || poll(&p, 1, 0) > 0);
    }
    xo_xs_unwatch(xs, dir, "xl-oci-exec");
    if (vc)
        xo_stamp("exec", "connected to the channel (after %u watch events)",
                 events);
    return vc;
}

/*
 * Claims an offer under exec.lock, then lets the lock go: the session
 * itself runs beside others (up to EXEC_CHANNEL_EXEC_SESSIONS; a loader from
 * before slots keeps it for the session).  The lock only
 * keeps two clients of this dom0 from mapping the same offer between one
 * client's connect and its removal of the offer's keys.
 */
static struct client *client_open(const char *root, struct xo_xs *xs,
                                  const char *name, uint32_t domid, xo_err *err)
{
    char path[4096], dir[96], claimed[128];
    struct client *c = xo_xcalloc(1, sizeof(*c));
    c->name = name;
    c->lock = -1;
    exec_reader_init(&c->rd, EXEC_SIDE_DOM0);
    if (state_domain_file(path, sizeof(path), root, name, STATE_FILE_EXEC_LOCK,
                          err) < 0)
        goto fail;
    c->lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (c->lock < 0 || flock(c->lock, LOCK_EX) < 0) {
        xo_err_sys(err, "%s", path);
        goto fail;
    }
    xo_stamp("exec", "exec.lock taken");
    if (xo_path_fmt(dir, sizeof(dir), err, "/local/domain/%u/%s", domid,
                    EXEC_CHANNEL_XS_DIR) < 0)
        goto fail;
    if (!xs && !(xs = c->own_xs = xo_xs_open())) {
        xo_err_sys(err, "%s: cannot open xenstore", name);
        goto fail;
    }
    c->xs = xs;
    c->domid = domid;
    if (!(c->vc = connect_offer(xs, name, domid, dir, claimed, sizeof(claimed),
                                err)))
        goto fail;
    c->vc->blocking = 0;
    /*
     * The offer is ours now: take it down before the session begins and
     * before the lock goes.  The guest's server withdraws it only when
     * the session has ended, and the next client must never read the
     * keys of a channel in use or closing, only nothing or the next
     * offer (which the guest makes at another slot as soon as we
     * connected).
     */
    xo_xs_rm(xs, claimed);
    /* A loader from before slots serves one session at a time: the lock
     * stays for the session, so the next client queues as it did. */
    if (strcmp(claimed, dir) != 0) {
        close(c->lock);
        c->lock = -1;
    }
    return c;
fail:
    client_close(c);
    return NULL;
}

/* Whether the domain still has its xenstore home (libxl removes it when
 * the domain is destroyed); true when xenstore cannot say. */
static bool domain_alive(struct client *c)
{
    char path[64];
    xo_err e = XO_ERR_INIT;
    if (xo_path_fmt(path, sizeof(path), &e, "/local/domain/%u/domid",
                    c->domid) < 0)
        return true;
    unsigned n = 0;
    void *v = xo_xs_read(c->xs, path, &n);
    if (v) {
        free(v);
        return true;
    }
    return errno != ENOENT;
}

/* Sends a frame whole, waiting for ring space at most SEND_MS. */
static int send_frame(struct client *c, long n, const char *why, xo_err *err)
{
    if (n < 0)
        return xo_err_set(err, EINVAL, "%s: exec request: %s", c->name, why);
    uint64_t end = now_ms() + SEND_MS;
    while (libxenvchan_buffer_space(c->vc) < (int)n) {
        if (!libxenvchan_is_open(c->vc))
            return xo_err_set(err, EPIPE, "%s: the exec channel closed",
                              c->name);
        if (now_ms() >= end)
            return xo_err_set(err, ETIMEDOUT,
                              "%s: the guest took no exec message for %d s",
                              c->name, SEND_MS / 1000);
        struct pollfd p = {libxenvchan_fd_for_select(c->vc), POLLIN, 0};
        if (poll(&p, 1, 100) > 0)
            libxenvchan_wait(c->vc);
    }
    if (libxenvchan_write(c->vc, c->frame, (size_t)n) != (int)n)
        return xo_err_set(err, EPIPE, "%s: writing to the exec channel failed",
                          c->name);
    return 0;
}

/* Moves what the guest sent into the reader; -1 when the channel closed
 * with nothing left to read.  Whether it is open is read before the
 * ring: a guest that writes its last frame (EXIT, ERROR) and closes at
 * once must not be seen closed with that frame still unread. */
static int pull(struct client *c)
{
    uint8_t buf[4096];
    bool open = libxenvchan_is_open(c->vc) != 0;
    while (libxenvchan_data_ready(c->vc) > 0) {
        size_t room = exec_reader_room(&c->rd);
        if (!room)
            return 0;
        int n = libxenvchan_read(c->vc, buf,
                                 room < sizeof(buf) ? room : sizeof(buf));
        if (n <= 0)
            break;
        exec_reader_feed(&c->rd, buf, (size_t)n);
    }
    return open || libxenvchan_data_ready(c->vc) > 0 ? 0 : -1;
}

static int bad_message(struct client *c, const char *why, xo_err *err)
{
    return xo_err_set(
        err, EPROTO,
        "%s: the guest sent a bad exec message: %s (session ended)", c->name,
        why);
}

/* The guest's ERROR as err, with the exit code a shell would give. */
static int guest_error(struct client *c, const struct exec_frame *f,
                       int *code_r, xo_err *err)
{
    char text[EXEC_ERROR_MAX + 1];
    int errnum;
    bool setup;
    const char *why = "";
    if (exec_error_decode(f->payload, f->len, &errnum, &setup, text,
                          sizeof(text), &why) < 0)
        return bad_message(c, why, err);
    *code_r = exec_error_shell_code(errnum, setup);
    return xo_err_set(err, errnum ? errnum : EIO, "%s: %s", c->name, text);
}

int exec_client_signal(const char *root, const char *name, uint32_t domid,
                       int sig, xo_err *err)
{
    struct client *c = client_open(root, NULL, name, domid, err);
    if (!c)
        return -1;
    const char *why = "";
    int rc = -1, code;
    if (send_frame(c,
                   exec_signal_encode(c->frame, sizeof(c->frame), sig,
                                      EXEC_SIGNAL_CONTAINER, &why),
                   why, err) < 0)
        goto out;
    uint64_t end = now_ms() + SEND_MS;
    for (;;) {
        int closed = pull(c);
        struct exec_frame f;
        int r = exec_reader_next(&c->rd, &f, &why);
        if (r < 0) {
            bad_message(c, why, err);
            goto out;
        }
        if (r == 1) {
            if (f.type == EXEC_MSG_OK)
                rc = 0;
            else if (f.type == EXEC_MSG_ERROR)
                guest_error(c, &f, &code, err);
            else
                bad_message(c, "not an answer to a signal", err);
            goto out;
        }
        if (closed < 0 || now_ms() >= end) {
            xo_err_set(err, EIO,
                       "%s: no answer to signal %d on the exec channel", name,
                       sig);
            goto out;
        }
        struct pollfd p = {libxenvchan_fd_for_select(c->vc), POLLIN, 0};
        if (poll(&p, 1, 100) > 0)
            libxenvchan_wait(c->vc);
    }
out:
    client_close(c);
    return rc;
}

const int exec_client_signals[] = {
    SIGHUP,  SIGINT,  SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,   SIGTERM, SIGCONT,
    SIGTSTP, SIGTTIN, SIGTTOU, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGPWR};
const size_t exec_client_n_signals =
    sizeof(exec_client_signals) / sizeof(exec_client_signals[0]);

bool exec_client_forwards(int sig)
{
    for (size_t i = 0; i < exec_client_n_signals; i++)
        if (exec_client_signals[i] == sig)
            return true;
    return false;
}

/* The local terminal's window, or 24x80 when in_fd is no terminal. */
static void window_size(int fd, uint16_t *rows, uint16_t *cols)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
        *rows = ws.ws_row;
        *cols = ws.ws_col;
    } else {
        *rows = 24;
        *cols = 80;
    }
}

/* One frame from the guest during a session: 1 when it ended it (EXIT or
 * ERROR), 0 to go on, -1 with err. */
static int handle(struct client *c, const struct exec_client_opts *o,
                  const struct exec_frame *f, int *code_r, xo_err *err)
{
    const char *why = "";
    switch (f->type) {
    case EXEC_MSG_STARTED:
        xo_stamp("exec", "STARTED: the process runs");
        if (o->started)
            o->started(o->started_arg);
        return 0;
    case EXEC_MSG_STDOUT:
    case EXEC_MSG_STDERR: {
        int fd = f->type == EXEC_MSG_STDOUT ? o->out_fd : o->err_fd;
        /* A reader that went away (EPIPE) loses the rest of the output;
         * the process's exit code still comes. */
        if (fd >= 0 && f->len)
            (void)xo_write_all(fd, f->payload, f->len);
        return 0;
    }
    case EXEC_MSG_EXIT:
        if (exec_exit_decode(f->payload, f->len, code_r, &why) < 0)
            return bad_message(c, why, err);
        xo_stamp("exec", "EXIT %d", *code_r);
        return 1;
    case EXEC_MSG_ERROR:
        guest_error(c, f, code_r, err);
        return -1;
    default:
        return bad_message(c, "not valid in an exec session", err);
    }
}

int exec_client_run(const struct exec_client_opts *o, int *code_r, xo_err *err)
{
    *code_r = 1;
    struct client *c = client_open(o->root, o->xs, o->name, o->domid, err);
    if (!c)
        return -1;
    int rc = -1, sfd = -1;
    bool raw = false, stdin_open = o->interactive;
    struct termios saved;
    sigset_t sigs, old;
    sigemptyset(&sigs);
    for (size_t i = 0; i < exec_client_n_signals; i++)
        sigaddset(&sigs, exec_client_signals[i]);
    sigaddset(&sigs, SIGWINCH);
    sigprocmask(SIG_BLOCK, &sigs, &old);
    sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);

    uint16_t rows = 0, cols = 0;
    if (o->tty)
        window_size(o->in_fd, &rows, &cols);
    uint32_t flags =
        (o->tty ? EXEC_FLAG_TTY : 0) | (o->interactive ? EXEC_FLAG_STDIN : 0);
    static const char *const noenv[] = {NULL};
    const char *why = "";
    long n = o->container_spec
                 ? exec_container_encode(c->frame, sizeof(c->frame), flags,
                                         rows, cols, o->container_spec,
                                         o->container_spec_len, &why)
                 : exec_request_encode_to(
                       c->frame, sizeof(c->frame), flags, rows, cols, o->target,
                       o->user ? o->user : "", o->cwd ? o->cwd : "", o->args,
                       o->env ? o->env : noenv, &why);
    if (send_frame(c, n, why, err) < 0)
        goto out;
    xo_stamp("exec", "request sent");
    if (o->tty && o->interactive && tcgetattr(o->in_fd, &saved) == 0) {
        struct termios t = saved;
        cfmakeraw(&t);
        raw = tcsetattr(o->in_fd, TCSANOW, &t) == 0;
    }
    for (;;) {
        int closed = pull(c);
        struct exec_frame f;
        int r;
        while ((r = exec_reader_next(&c->rd, &f, &why)) == 1) {
            int h = handle(c, o, &f, code_r, err);
            if (h < 0)
                goto out;
            if (h == 1) {
                rc = 0;
                goto out;
            }
        }
        if (r < 0) {
            bad_message(c, why, err);
            goto out;
        }
        if (closed < 0) {
            xo_err_set(
                err, EPIPE,
                "%s: the exec channel closed before the process's exit status came",
                o->name);
            goto out;
        }
        bool room = libxenvchan_buffer_space(c->vc) > EXEC_HDR_LEN;
        struct pollfd p[3] = {
            {libxenvchan_fd_for_select(c->vc), POLLIN, 0},
            {stdin_open && room ? o->in_fd : -1, POLLIN, 0},
            {sfd, POLLIN, 0},
        };
        int ready = poll(p, 3, 1000);
        if (ready < 0 && errno != EINTR) {
            xo_err_sys(err, "poll");
            goto out;
        }
        /* A domain destroyed under a session never closes its end of the
         * vchan (its pages stay mapped here, its flags as they were): a
         * quiet second looks whether it is still there. */
        if (ready == 0 && !domain_alive(c)) {
            xo_err_set(
                err, EPIPE,
                "%s (domid %u): the domain went away before the process's exit status came",
                o->name, c->domid);
            goto out;
        }
        if (p[0].revents & POLLIN)
            libxenvchan_wait(c->vc);
        if (p[1].revents) {
            size_t max = (size_t)libxenvchan_buffer_space(c->vc) - EXEC_HDR_LEN;
            uint8_t buf[4096];
            ssize_t n =
                read(o->in_fd, buf, max < sizeof(buf) ? max : sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                stdin_open = false;
            if (send_frame(c,
                           exec_data_encode(c->frame, sizeof(c->frame),
                                            EXEC_MSG_STDIN, buf,
                                            n > 0 ? (size_t)n : 0, &why),
                           why, err) < 0)
                goto out;
        }
        struct signalfd_siginfo si;
        while (sfd >= 0 && read(sfd, &si, sizeof(si)) == sizeof(si)) {
            long n;
            if (si.ssi_signo == SIGWINCH) {
                if (!o->tty)
                    continue;
                window_size(o->in_fd, &rows, &cols);
                n = exec_resize_encode(c->frame, sizeof(c->frame), rows, cols,
                                       &why);
            } else {
                n = exec_signal_encode(c->frame, sizeof(c->frame),
                                       (int)si.ssi_signo, EXEC_SIGNAL_PROCESS,
                                       &why);
            }
            if (send_frame(c, n, why, err) < 0)
                goto out;
        }
    }
out:
    if (raw)
        tcsetattr(o->in_fd, TCSANOW, &saved);
    if (sfd >= 0)
        close(sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    client_close(c);
    xo_stamp("exec", "channel closed");
    return rc;
}
