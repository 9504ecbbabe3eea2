/*
 * volstore_run.c: running the programs managed volumes lean on (mke2fs,
 * mkfs.xfs, e2fsck, resize2fs, qemu-img): formatting and qcow2 are their
 * job, not ours.  Output goes to anonymous files, so a chatty program
 * never blocks on a pipe, and a failure quotes the tail of what it said
 * (before its usage text, when it printed one).
 */
#include "image/volstore_int.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"

extern char **environ;

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
    int fo = memfd_create("xl-oci-volstore-out", MFD_CLOEXEC);
    int fe = memfd_create("xl-oci-volstore-err", MFD_CLOEXEC);
    if (fo < 0 || fe < 0) {
        int rc = xo_err_sys(err, "%s: cannot make an output file", argv[0]);
        if (fo >= 0)
            close(fo);
        if (fe >= 0)
            close(fe);
        return rc;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fo, 1);
    posix_spawn_file_actions_adddup2(&fa, fe, 2);
    pid_t pid;
    int r =
        posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int rc = 0;
    if (r != 0) {
        errno = r;
        rc = xo_err_sys(err, "cannot run %s (%s)", argv[0],
                        strcmp(argv[0], "qemu-img") == 0 ? "install qemu-utils"
                        : strcmp(argv[0], "mkfs.xfs") == 0
                            ? "install xfsprogs"
                            : "install e2fsprogs");
        goto out;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            rc = xo_err_sys(err, "waiting for %s", argv[0]);
            goto out;
        }
    if (!WIFEXITED(status) || WEXITSTATUS(status) > ok_max) {
        char tail[512];
        what_it_said(fe, tail, sizeof(tail));
        if (!tail[0])
            xo_fd_tail(fo, tail, sizeof(tail));
        rc = xo_err_set(err, EIO, "%s failed (%s %d)%s%s", argv[0],
                        WIFEXITED(status) ? "exit status" : "signal",
                        WIFEXITED(status) ? WEXITSTATUS(status)
                                          : WTERMSIG(status),
                        tail[0] ? ": " : "", tail);
        goto out;
    }
    if (out) {
        off_t end = lseek(fo, 0, SEEK_END);
        if (end < 0 || (size_t)end >= out_len) {
            rc = xo_err_set(err, E2BIG,
                            "%s: output of %lld bytes, at most %zu expected",
                            argv[0], (long long)end, out_len - 1);
            goto out;
        }
        ssize_t n = pread(fo, out, (size_t)end, 0);
        if (n != end) {
            rc = xo_err_sys(err, "%s: cannot read its output", argv[0]);
            goto out;
        }
        out[n] = '\0';
    }
out:
    close(fo);
    close(fe);
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
