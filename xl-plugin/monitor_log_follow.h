/*
 * monitor_log_follow.h: following a container's console log (the file its
 * monitor appends to, state.h's state_log_path) as it grows, for
 * xl-oci-placeholder (monitor_placeholder.h) and `xl-oci logs -f`.
 * inotify watches the file (IN_MODIFY: the monitor appended) and its
 * directory (IN_CREATE, IN_MOVED_TO: it appeared, or the monitor rotated
 * it and made a new one; a stat() then tells whether it was ours), so a
 * reader sleeps in poll() on `notify_fd` until there is something to copy.
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_LOG_FOLLOW_H
#define XL_OCI_XL_PLUGIN_MONITOR_LOG_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Where the log's new bytes go, as they were written. */
typedef void monitor_log_out(void *arg, const char *buf, size_t len);

struct monitor_log_follow {
    char path[4096]; /* the log: set before monitor_log_follow_init() */
    int fd;          /* the log, or -1 before it exists */
    ino_t ino;
    int notify_fd; /* inotify, non-blocking, to poll for POLLIN; or -1 */
    int dir_wd, file_wd;
    monitor_log_out *out;
    void *arg;
};

/* Sets up the watches for l->path (its directory must exist); never
 * fails: without inotify, monitor_log_follow_blind() says so. */
void monitor_log_follow_init(struct monitor_log_follow *l, monitor_log_out *out,
                             void *arg);
/* Takes `fd`, the log already open and read up to its file offset, so
 * that following starts there (logs -f after --tail); it is closed by
 * monitor_log_follow_dispose(). */
void monitor_log_follow_adopt(struct monitor_log_follow *l, int fd);
/* True when a change of the log could pass unnoticed, so the caller must
 * look by time: no watches, or no log open yet. */
bool monitor_log_follow_blind(const struct monitor_log_follow *l);
/* Opens the log anew when it appeared or was rotated (finishing the old
 * file first), then passes on what is new. */
void monitor_log_follow_step(struct monitor_log_follow *l);
/* Reads the queued inotify events: each only says "look again". */
void monitor_log_follow_clear(struct monitor_log_follow *l);
void monitor_log_follow_dispose(struct monitor_log_follow *l);

#endif
