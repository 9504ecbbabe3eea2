/* run_capture.c: a helper program's run with its output kept (see
 * run_capture.h). */
#include "run_capture.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"

extern char **environ;

static void close_all(int fds[3])
{
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

int xo_run_capture(struct xo_run *r, const char *const argv[],
                   const char *input, const char *hint, xo_err *err)
{
    int fds[3] = {-1, -1, -1}; /* stdin (with input), stdout, stderr */
    if (input)
        fds[0] = memfd_create("xl-oci-run-in", MFD_CLOEXEC);
    fds[1] = memfd_create("xl-oci-run-out", MFD_CLOEXEC);
    fds[2] = memfd_create("xl-oci-run-err", MFD_CLOEXEC);
    if ((input && fds[0] < 0) || fds[1] < 0 || fds[2] < 0) {
        int rc = xo_err_sys(err, "%s: cannot make its input and output files",
                            argv[0]);
        close_all(fds);
        return rc;
    }
    if (input && (xo_write_all(fds[0], input, strlen(input)) < 0 ||
                  lseek(fds[0], 0, SEEK_SET) < 0)) {
        int rc = xo_err_sys(err, "%s: cannot write its input", argv[0]);
        close_all(fds);
        return rc;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (input)
        posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[2], 2);
    pid_t pid;
    int e =
        posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e != 0) {
        errno = e;
        int rc =
            xo_err_sys(err, "cannot run %s%s%s%s", argv[0], hint ? " (" : "",
                       hint ? hint : "", hint ? ")" : "");
        close_all(fds);
        return rc;
    }
    while (waitpid(pid, &r->status, 0) < 0)
        if (errno != EINTR) {
            int rc = xo_err_sys(err, "waiting for %s", argv[0]);
            close_all(fds);
            return rc;
        }
    if (fds[0] >= 0)
        close(fds[0]);
    r->out_fd = fds[1];
    r->err_fd = fds[2];
    return 0;
}

void xo_run_dispose(struct xo_run *r)
{
    if (r->out_fd >= 0)
        close(r->out_fd);
    if (r->err_fd >= 0)
        close(r->err_fd);
    r->out_fd = r->err_fd = -1;
}
