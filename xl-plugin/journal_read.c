/*
 * journal_read.c: reading the event journal in order across rotations
 * (journal.h).  A rotation renames journal to journal.1 under the
 * journal's lock, after every write into it has finished; so a reader
 * that sees journal become another file reads what is left of the file
 * it holds, then goes on with the new one from its start.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "state.h"

static int open_read(const char *path, int *fd_r, xo_err *err)
{
    *fd_r = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (*fd_r < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot open %s", path);
    return 0;
}

/* Opens journal as the current file; no file yet is not an error. */
static int open_current(struct journal_reader *r, xo_err *err)
{
    struct stat st;
    if (open_read(r->path, &r->fd, err) < 0)
        return -1;
    if (r->fd >= 0 && fstat(r->fd, &st) == 0) {
        r->dev = st.st_dev;
        r->ino = st.st_ino;
    }
    return 0;
}

int journal_reader_open(struct journal_reader *r, const char *root,
                        bool from_start, xo_err *err)
{
    memset(r, 0, sizeof(*r));
    r->old_fd = r->fd = -1;
    if (state_events_path(r->old_path, sizeof(r->old_path), root,
                          EVENT_JOURNAL_OLD_FILE, err) < 0 ||
        state_events_path(r->path, sizeof(r->path), root, EVENT_JOURNAL_FILE,
                          err) < 0)
        return -1;
    if ((from_start && open_read(r->old_path, &r->old_fd, err) < 0) ||
        open_current(r, err) < 0) {
        journal_reader_close(r);
        return -1;
    }
    if (!from_start && r->fd >= 0 && lseek(r->fd, 0, SEEK_END) < 0) {
        xo_err_sys(err, "cannot seek in %s", r->path);
        journal_reader_close(r);
        return -1;
    }
    return 0;
}

/* True when journal is now another file than the one held (or the held
 * one is none and journal exists). */
static bool rotated(const struct journal_reader *r)
{
    struct stat st;
    if (stat(r->path, &st) < 0)
        return false; /* renamed, its successor not made yet */
    return r->fd < 0 || st.st_dev != r->dev || st.st_ino != r->ino;
}

/* Drops the first `n` bytes of the buffer. */
static void drop(struct journal_reader *r, size_t n)
{
    memmove(r->buf, r->buf + n, r->have - n);
    r->have -= n;
}

int journal_reader_next(struct journal_reader *r, const char **line_r,
                        size_t *len_r, xo_err *err)
{
    bool saw_rotation = false;
    if (r->skip_to_newline) { /* the line returned last time */
        drop(r, r->skip_to_newline);
        r->skip_to_newline = 0;
    }
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->have);
        if (nl) {
            size_t n = (size_t)(nl - r->buf);
            if (r->skipping) { /* the end of an overlong line */
                drop(r, n + 1);
                r->skipping = false;
                continue;
            }
            *line_r = r->buf;
            *len_r = n;
            r->skip_to_newline = n + 1;
            return 1;
        }
        if (r->have == sizeof(r->buf)) { /* no record is this long */
            r->have = 0;
            r->skipping = true;
        }
        bool in_old = r->old_fd >= 0;
        int fd = in_old ? r->old_fd : r->fd;
        ssize_t got =
            fd < 0 ? 0 : read(fd, r->buf + r->have, sizeof(r->buf) - r->have);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return xo_err_sys(err, "cannot read %s",
                              in_old ? r->old_path : r->path);
        if (got > 0) {
            r->have += (size_t)got;
            continue;
        }
        /* The end of a file: a line cut there was never finished (its
         * writer died), unless it is the live end of journal. */
        if (in_old) {
            close(r->old_fd);
            r->old_fd = -1;
            r->have = 0;
            r->skipping = false;
            continue;
        }
        if (!saw_rotation) {
            /* Seen renamed: read once more, what was written before the
             * rename is there by now. */
            if (!rotated(r))
                return 0;
            saw_rotation = true;
            continue;
        }
        if (r->fd >= 0)
            close(r->fd);
        r->fd = -1;
        r->have = 0;
        r->skipping = false;
        if (open_current(r, err) < 0)
            return -1;
        saw_rotation = false;
    }
}

void journal_reader_close(struct journal_reader *r)
{
    if (r->old_fd >= 0)
        close(r->old_fd);
    if (r->fd >= 0)
        close(r->fd);
    r->old_fd = r->fd = -1;
}
