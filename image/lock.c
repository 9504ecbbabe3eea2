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

/* The store's lock with flock operation `op`; with LOCK_NB a lock held
 * elsewhere gives 0 and *fd_r = -1. */
static int lock_store(int *fd_r, const char *root, int op, xo_err *err)
{
    if (xo_mkdir_p(root, 0755, err) < 0)
        return -1;
    char *path = xo_path_join(root, IMAGE_STORE_LOCK);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int rc = xo_err_sys(err, "cannot open %s", path);
        free(path);
        return rc;
    }
    while (flock(fd, op) < 0) {
        if (errno == EWOULDBLOCK && (op & LOCK_NB)) {
            close(fd);
            fd = -1;
            break;
        }
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

bool image_store_busy(const char *root)
{
    char *path = xo_path_join(root, IMAGE_STORE_LOCK);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    if (fd < 0)
        return false;
    bool busy = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd);
    return busy;
}

int image_store_lock(int *fd_r, const char *root, bool exclusive, xo_err *err)
{
    return lock_store(fd_r, root, exclusive ? LOCK_EX : LOCK_SH, err);
}

int image_store_lock_for_pull(int *fd_r, const char *root, xo_err *err)
{
    /* Exclusive without waiting first, on a lock not yet held: a failed
     * conversion from shared would drop the shared lock (flock(2)). */
    int fd = -1;
    if (lock_store(&fd, root, LOCK_EX | LOCK_NB, err) < 0)
        return -1;
    if (fd >= 0) {
        /* Housekeeping: what cannot be removed now (an orphaned mkfs.erofs
         * still writing) waits for the next pull or prune; never a reason
         * for this pull to fail. */
        xo_err ignore = XO_ERR_INIT;
        image_clean_tmp(root, true, NULL, NULL, &ignore);
        xo_err_clear(&ignore);
        int rc = 0;
        /* Then shared, so pulls started meanwhile run beside this one (a
         * prune may take the lock in between: safe, it is waited for). */
        while (rc == 0 && flock(fd, LOCK_SH) < 0)
            if (errno != EINTR)
                rc = xo_err_sys(err, "cannot lock %s/" IMAGE_STORE_LOCK, root);
        if (rc < 0) {
            close(fd);
            return -1;
        }
        *fd_r = fd;
        return 0;
    }
    return image_store_lock(fd_r, root, false, err);
}
