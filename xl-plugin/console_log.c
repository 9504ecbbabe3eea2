/* console_log.c: a container's console log, rotated past its cap (see
 * console_log.h). */
#include "console_log.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytesize.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "state.h"

int console_log_max(size_t *max_r, xo_err *err)
{
    const char *env = getenv("XL_OCI_LOG_MAX");
    *max_r = CONSOLE_LOG_DEFAULT_MAX;
    if (!env || !*env)
        return 0;
    /* Past 1 TiB, 64-bit overflow included, is 1 TiB. */
    uint64_t v;
    if (xo_bytesize_bounded(&v, env, CONSOLE_LOG_MIN_MAX, CONSOLE_LOG_MAX_MAX) <
        0)
        return xo_err_set(
            err, EINVAL,
            "XL_OCI_LOG_MAX=%s: not a size (bytes, or a number with K, M, G or T)",
            env);
    *max_r = (size_t)v;
    return 0;
}

int console_log_open(struct console_log *l, xo_err *err)
{
    char path[4096];
    l->fd = -1;
    l->size = 0;
    if (xo_mkdir_p(state_log_dir(), 0750, err) < 0 ||
        state_log_path(path, sizeof(path), l->name, err) < 0)
        return -1;
    /* Never through a link: the monitor runs as root, and a link here
     * would have it append a container's output to whatever it names. */
    l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
                 0640);
    if (l->fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    struct stat st;
    l->size = fstat(l->fd, &st) == 0 ? (size_t)st.st_size : 0;
    /* An earlier run's log goes on: whether its last line ended. */
    int rfd = l->size > 0 ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
    char last = '\n';
    if (rfd >= 0) {
        if (pread(rfd, &last, 1, (off_t)l->size - 1) != 1)
            last = '\n';
        close(rfd);
    }
    l->ends_line = last == '\n';
    return 0;
}

/*
 * NAME.log to NAME.log.1, and a new NAME.log open.  False when that did
 * not give an empty file (the rename refused: a directory, a bind mount,
 * an append-only file, a hard link to itself); the caller must then not
 * rotate again for the same bytes, or it would loop.
 */
static bool rotate(struct console_log *l)
{
    char path[4096], old[4200];
    /* console_log_open() built it: both fit. */
    bool renamed = state_log_path(path, sizeof(path), l->name, NULL) == 0 &&
                   xo_path_fmt(old, sizeof(old), NULL, "%s.1", path) >= 0 &&
                   rename(path, old) == 0;
    console_log_close(l);
    xo_err err = XO_ERR_INIT;
    if (console_log_open(l, &err) < 0)
        xo_err_clear(&err);
    return renamed && l->fd >= 0 && l->size == 0;
}

/* The file's size as it is, after a write that may have been partial. */
static void resize(struct console_log *l)
{
    struct stat st;
    if (fstat(l->fd, &st) == 0)
        l->size = (size_t)st.st_size;
}

/* `n` bytes that could not be written, for errno `e`. */
static void note_lost(struct console_log *l, size_t n, int e)
{
    if (l->lost == 0) {
        l->lost_errno = e;
        fprintf(
            stderr,
            "xl-oci-monitor: %s: cannot write the console log (%s): the container's output is lost until it can\n",
            l->name, strerror(e));
    }
    l->lost += n;
}

/* The line that says what was lost, once the log takes writes again; it
 * starts a line of its own, so no line is glued to another.  False when
 * the log still takes nothing. */
static bool say_lost(struct console_log *l)
{
    char m[200];
    /* may truncate: the error's text is the one unbounded part */
    int k =
        snprintf(m, sizeof(m),
                 "%sxl-oci: %llu bytes of the container's output lost: %s\n",
                 l->ends_line || l->size == 0 ? "" : "\n", l->lost,
                 strerror(l->lost_errno));
    size_t n = k < 0 ? 0 : (size_t)k < sizeof(m) ? (size_t)k : sizeof(m) - 1;
    if (xo_write_all(l->fd, m, n) < 0) {
        resize(l);
        return false;
    }
    l->size += n;
    l->ends_line = true;
    fprintf(
        stderr,
        "xl-oci-monitor: %s: the console log takes writes again; %llu bytes were lost\n",
        l->name, l->lost);
    l->lost = 0;
    return true;
}

void console_log_write(struct console_log *l, const void *buf, size_t len)
{
    const char *p = buf;
    xo_err err = XO_ERR_INIT;
    /* A log whose reopen failed at rotation (or whose first open did) is
     * tried again with each write: a passing fault must not end the log
     * for the rest of the container's life. */
    if (l->fd < 0 && console_log_open(l, &err) < 0) {
        xo_err_clear(&err);
        return;
    }
    if (l->lost > 0 && l->fd >= 0 && !say_lost(l)) {
        note_lost(l, len, errno);
        return;
    }
    while (len > 0 && l->fd >= 0) {
        size_t room = l->size < l->max ? l->max - l->size : 0, n = len;
        if (n > room) {
            /* What fits up to its last newline, so that lines stay whole
             * in one file; an empty file takes a cap's worth of a line
             * longer than that. */
            n = 0;
            for (size_t i = room; i > 0 && !n; i--)
                if (p[i - 1] == '\n')
                    n = i;
            if (!n && l->size == 0)
                n = room;
        }
        if (n > 0) {
            size_t before = l->size;
            if (xo_write_all(l->fd, p, n) == 0) {
                l->size += n;
                l->ends_line = p[n - 1] == '\n';
            } else {
                int e = errno;
                resize(l);
                size_t done = l->size > before ? l->size - before : 0;
                if (done > n)
                    done = n;
                if (done > 0)
                    l->ends_line = p[done - 1] == '\n';
                note_lost(l, n - done, e);
            }
        }
        p += n;
        len -= n;
        if (len > 0 && !rotate(l)) {
            /* A log that cannot rotate starts over, keeping the newest
             * output within the cap; one that cannot even do that loses
             * these bytes, not the monitor's loop. */
            if (l->fd < 0 || ftruncate(l->fd, 0) < 0)
                return;
            l->size = 0;
        }
    }
}

void console_log_close(struct console_log *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}
