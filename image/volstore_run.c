/*
 * volstore_run.c: running the programs managed volumes lean on (mke2fs,
 * mkfs.xfs, e2fsck, resize2fs, qemu-img): formatting and qcow2 are their
 * job, not ours.  Output goes to anonymous files, so a chatty program
 * never blocks on a pipe, and a failure quotes the tail of what it said
 * (before its usage text, when it printed one).
 */
#include "image/volstore_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/run_capture.h"

/*
 * What a failed program said, for its error, into buf (cap bytes, lines
 * joined by spaces): the tail of `fd`, except when it printed its usage
 * after the error (mkfs.xfs's "size 256 of data subvolume is too small"
 * and then 80 lines of options): then the tail of what came before it.
 */
static void what_it_said(int fd, char *buf, size_t cap)
{
    char head[4096];
    ssize_t n = pread(fd, head, sizeof(head) - 1, 0);
    head[n > 0 ? n : 0] = '\0';
    char *usage = strstr(head, "\nUsage:");
    if (!usage)
        usage = strstr(head, "\nusage:");
    if (!usage) {
        xo_fd_tail(fd, buf, cap);
        return;
    }
    *usage = '\0';
    /* The end of a long message: where the cause is. */
    size_t len = strlen(head), take = len >= cap ? cap - 1 : len;
    memcpy(buf, head + len - take, take);
    buf[take] = '\0';
    for (char *c = buf; *c; c++)
        if (*c == '\n')
            *c = ' ';
}

static int run(const char *const argv[], int ok_max, char *out, size_t out_len,
               xo_err *err)
{
    struct xo_run r;
    const char *hint = strcmp(argv[0], "qemu-img") == 0   ? "install qemu-utils"
                       : strcmp(argv[0], "mkfs.xfs") == 0 ? "install xfsprogs"
                                                          : "install e2fsprogs";
    if (xo_run_capture(&r, argv, NULL, hint, err) < 0)
        return -1;
    int rc = 0;
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) > ok_max) {
        char tail[512];
        what_it_said(r.err_fd, tail, sizeof(tail));
        if (!tail[0])
            xo_fd_tail(r.out_fd, tail, sizeof(tail));
        rc = xo_err_set(err, EIO, "%s failed (%s %d)%s%s", argv[0],
                        WIFEXITED(r.status) ? "exit status" : "signal",
                        WIFEXITED(r.status) ? WEXITSTATUS(r.status)
                                            : WTERMSIG(r.status),
                        tail[0] ? ": " : "", tail);
        goto out;
    }
    if (out) {
        off_t end = lseek(r.out_fd, 0, SEEK_END);
        if (end < 0 || (size_t)end >= out_len) {
            rc = xo_err_set(err, E2BIG,
                            "%s: output of %lld bytes, at most %zu expected",
                            argv[0], (long long)end, out_len - 1);
            goto out;
        }
        ssize_t n = pread(r.out_fd, out, (size_t)end, 0);
        if (n != end) {
            rc = xo_err_sys(err, "%s: cannot read its output", argv[0]);
            goto out;
        }
        out[n] = '\0';
    }
out:
    xo_run_dispose(&r);
    return rc;
}

int volstore_run(const char *const argv[], char *out, size_t out_len,
                 xo_err *err)
{
    return run(argv, 0, out, out_len, err);
}

int volstore_run_upto(const char *const argv[], int ok_max, xo_err *err)
{
    return run(argv, ok_max, NULL, 0, err);
}
