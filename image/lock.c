/* lock.c: the store-wide flock (see lock.h). */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"

int image_store_lock(int *fd_r, const char *root, bool exclusive, xo_err *err)
{
    if (xo_mkdir_p(root, 0755, err) < 0)
        return -1;
    char *path = xo_path_join(root, "lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int rc = xo_err_sys(err, "cannot open %s", path);
        free(path);
        return rc;
    }
    while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
        if (errno != EINTR) {
            int rc = xo_err_sys(err, "cannot lock %s", path);
            close(fd);
            free(path);
            return rc;
        }
    }
    free(path);
    *fd_r = fd;
    return 0;
}
