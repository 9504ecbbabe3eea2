/* monitor_log_follow.c: a console log followed with inotify (see header). */
#include "monitor_log_follow.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

/* Passes on what `fd` has beyond its offset. */
static void drain(struct monitor_log_follow *l, int fd)
{
    char buf[4096];
    ssize_t r;
    while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
        l->out(l->arg, buf, (size_t)r);
}

void monitor_log_follow_init(struct monitor_log_follow *l, monitor_log_out *out,
                             void *arg)
{
    l->out = out;
    l->arg = arg;
    l->fd = -1;
    l->ino = 0;
    l->file_wd = -1;
    l->notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    /* The monitor made the directory before create's handshake. */
    l->dir_wd = l->notify_fd < 0
                    ? -1
                    : inotify_add_watch(l->notify_fd, state_log_dir(),
                                        IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
}

/* The watch on the file now open, replacing a rotated file's. */
static void watch_file(struct monitor_log_follow *l)
{
    if (l->notify_fd < 0 || l->fd < 0)
        return;
    int wd = inotify_add_watch(l->notify_fd, l->path, IN_MODIFY);
    /* A rotated file's watch: it is written no more. */
    if (l->file_wd >= 0 && l->file_wd != wd)
        inotify_rm_watch(l->notify_fd, l->file_wd);
    l->file_wd = wd;
}

void monitor_log_follow_adopt(struct monitor_log_follow *l, int fd)
{
    struct stat st;
    l->fd = fd;
    l->ino = fstat(fd, &st) == 0 ? st.st_ino : 0;
    watch_file(l);
}

bool monitor_log_follow_blind(const struct monitor_log_follow *l)
{
    return l->dir_wd < 0 || l->file_wd < 0;
}

/* The watch goes on before the copy, so nothing appended in between is
 * missed. */
void monitor_log_follow_step(struct monitor_log_follow *l)
{
    struct stat now;
    if (stat(l->path, &now) == 0 && (l->fd < 0 || now.st_ino != l->ino)) {
        drain(l, l->fd);
        if (l->fd >= 0) {
            close(l->fd);
            /* Two rotations since the last look (a reader held up by a
             * slow pipe): NAME.log.1 is then a whole file that came after
             * ours, before the new NAME.log (helper-73: it was skipped). */
            char rotated[sizeof(l->path) + 2];
            struct stat r;
            /* cannot truncate: l->path's text and ".1" fit in 2 more */
            snprintf(rotated, sizeof(rotated), "%s.1", l->path);
            int rfd = open(rotated, O_RDONLY | O_CLOEXEC);
            if (rfd >= 0 && fstat(rfd, &r) == 0 && r.st_ino != l->ino &&
                r.st_ino != now.st_ino)
                drain(l, rfd);
            if (rfd >= 0)
                close(rfd);
        }
        l->fd = open(l->path, O_RDONLY | O_CLOEXEC);
        l->ino = now.st_ino;
        watch_file(l);
    }
    drain(l, l->fd);
}

void monitor_log_follow_clear(struct monitor_log_follow *l)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (l->notify_fd >= 0 && read(l->notify_fd, buf, sizeof(buf)) > 0)
        ;
}

void monitor_log_follow_dispose(struct monitor_log_follow *l)
{
    if (l->fd >= 0)
        close(l->fd);
    if (l->notify_fd >= 0)
        close(l->notify_fd);
    l->fd = l->notify_fd = -1;
}
