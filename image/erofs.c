/* erofs.c: running mkfs.erofs (see erofs.h). */
#include "erofs.h"
#include "common/fault.h"
#include "common/fileio.h"
#include "image/scratch_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/alloc.h"

/* How much of mkfs.erofs's stderr is quoted in an error. */
#define EROFS_DIAG_MAX 512

/* A failed mkfs.erofs whose file system has less than this free ran out
 * of space: it says so only in its own words ("was truncated", "Numerical
 * result out of range"). */
#define EROFS_FULL_BYTES (1024 * 1024)

extern char **environ;

/* environ without any SOURCE_DATE_EPOCH, plus ours unless `epoch` is
 * EROFS_EPOCH_NONE; owned (free the array and, after the borrowed ones,
 * ours: free_env). */
static char **build_env(long long epoch)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = xo_xcalloc(n + 2, sizeof(*env));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "SOURCE_DATE_EPOCH=", 18) != 0)
            env[k++] = environ[i];
    if (epoch != EROFS_EPOCH_NONE)
        env[k] = xo_xasprintf("SOURCE_DATE_EPOCH=%lld", epoch);
    return env;
}

static void free_env(char **env, long long epoch)
{
    size_t k = 0;
    while (env[k])
        k++;
    if (epoch != EROFS_EPOCH_NONE)
        free(env[k - 1]);
    free(env);
}

int erofs_start(struct erofs_job *j, const char *image, const char *dir,
                const struct erofs_params *p, xo_err *err)
{
    memset(j, 0, sizeof(*j));
    j->pid = -1;
    j->diag = -1;
    j->guard = -1;
    const char *prog = getenv("XL_OCI_MKFS_EROFS");
    if (!prog || !*prog)
        prog = EROFS_MKFS;
    j->prog = prog;
    j->image = image;
    if (p->epoch < 0 && p->epoch != EROFS_EPOCH_NONE)
        return xo_err_set(err, EINVAL, "mkfs.erofs: negative build time %lld",
                          p->epoch);
    char *const argv[] = {(char *)prog,
                          "--quiet",
                          "-zlz4",
                          "-C" EROFS_PCLUSTER,
                          "-U",
                          (char *)p->uuid,
                          p->no_xattrs ? "-x-1" : "-x2",
                          (char *)image,
                          (char *)dir,
                          NULL};
    char **env = build_env(p->epoch);
    char diag_path[] = "/tmp/xl-oci-mkfs.XXXXXX";
    int diag = mkostemp(diag_path, O_CLOEXEC);
    if (diag < 0) {
        free_env(env, p->epoch);
        return xo_err_sys(err, "mkfs.erofs: cannot create a diagnostics file");
    }
    unlink(diag_path);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, diag, 1);
    posix_spawn_file_actions_adddup2(&fa, diag, 2);
    pid_t pid;
    int r = posix_spawnp(&pid, prog, &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    free_env(env, p->epoch);
    if (r != 0) {
        close(diag);
        errno = r;
        return xo_err_sys(err, "cannot run %s (install erofs-utils)", prog);
    }
    j->pid = pid;
    j->diag = diag;
    /* A pull ended by SIGTERM or SIGINT kills it too (a kill of ours
     * alone left it running, writing under tmp/). */
    j->guard = scratch_guard_child(pid);
    /* Dying here leaves mkfs.erofs running, writing under tmp/. */
    XO_FAULT_POINT("pull.mkfs-running");
    return 0;
}

/* Reaps the child; -1 with errno when waitpid fails.  Its guard goes
 * while it is a zombie, before its pid can be another process's. */
static int reap(struct erofs_job *j, int *status)
{
    siginfo_t si;
    while (waitid(P_PID, (id_t)j->pid, &si, WEXITED | WNOWAIT) < 0)
        if (errno != EINTR)
            return -1;
    scratch_guard_drop(j->guard);
    j->guard = -1;
    while (waitpid(j->pid, status, 0) < 0)
        if (errno != EINTR)
            return -1;
    j->pid = -1;
    return 0;
}

int erofs_wait(struct erofs_job *j, xo_err *err)
{
    int status = 0;
    if (reap(j, &status) < 0) {
        int rc = xo_err_sys(err, "waiting for %s", j->prog);
        close(j->diag);
        j->diag = -1;
        return rc;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char tail[EROFS_DIAG_MAX];
        xo_fd_tail(j->diag, tail, sizeof(tail));
        close(j->diag);
        j->diag = -1;
        /* Asked before the partial image goes (helper-106: a full store
         * was told as "[Error 34] Numerical result out of range"). */
        struct statvfs sv;
        unsigned long long avail = 0;
        bool full = statvfs(j->image, &sv) == 0 &&
                    (avail = (unsigned long long)sv.f_bavail * sv.f_frsize) <
                        EROFS_FULL_BYTES;
        unlink(j->image);
        char room[96] = "";
        if (full)
            /* cannot truncate: 50 bytes and at most 20 digits */
            snprintf(room, sizeof(room),
                     ": No space left on device (%llu bytes free there)",
                     avail);
        return xo_err_set(
            err, full ? ENOSPC : EIO, "%s %s failed (%s %d)%s%s%s", j->prog,
            j->image, WIFEXITED(status) ? "exit status" : "signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), room,
            *tail ? ": " : "", tail);
    }
    close(j->diag);
    j->diag = -1;
    /* Only a hint (the caller's fsync is the barrier): its failure is
     * ignored. */
    int fd = open(j->image, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        close(fd);
    }
    return 0;
}

void erofs_abort(struct erofs_job *j)
{
    if (j->pid > 0) {
        int status;
        kill(j->pid, SIGKILL);
        if (reap(j, &status) < 0)
            j->pid = -1;
    }
    if (j->diag >= 0)
        close(j->diag);
    j->diag = -1;
}

int erofs_build(const char *image, const char *dir,
                const struct erofs_params *p, xo_err *err)
{
    struct erofs_job job;
    if (erofs_start(&job, image, dir, p, err) < 0 || erofs_wait(&job, err) < 0)
        return -1;
    return xo_fsync_path(image, err);
}
