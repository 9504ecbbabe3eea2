/*
 * run_capture.h: running a helper program with its output kept, for the
 * programs xl-oci leans on (mke2fs, qemu-img, docker credential helpers).
 * Output goes to memory files, not pipes, so a chatty program never
 * blocks, and nothing of ours stays open in it (the files are
 * close-on-exec on our side).
 */
#ifndef XL_OCI_COMMON_RUN_CAPTURE_H
#define XL_OCI_COMMON_RUN_CAPTURE_H

#include "common/error.h"

struct xo_run {
    int status; /* waitpid()'s */
    int out_fd; /* its stdout and stderr, whole, to read with pread() */
    int err_fd;
};

/*
 * Runs argv (argv[0] found on PATH) with stdin the bytes of `input`
 * (NULL: /dev/null) and waits for it.  0 with *r filled (xo_run_dispose
 * it); -1 with err when it cannot be started ("cannot run PROG (HINT)",
 * errno's text; hint NULL: none) or waited for, nothing to dispose then.
 */
int xo_run_capture(struct xo_run *r, const char *const argv[],
                   const char *input, const char *hint, xo_err *err);
void xo_run_dispose(struct xo_run *r);

#endif
