/* safepath.c: symlink-free path walking under a root (see safepath.h). */
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"

int safepath_dir(int rootfd, const char *path, bool create, xo_err *err)
{
    if (path[0] != '/')
        return xo_err_set(err, EINVAL, "%s: not an absolute path", path);
    if (strlen(path) >= PATH_MAX)
        return xo_err_set(err, ENAMETOOLONG, "path too long");
    char buf[PATH_MAX];
    strcpy(buf, path);
    int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return xo_err_sys(err, "%s: dup", path);
    char *save = NULL;
    for (char *c = strtok_r(buf, "/", &save); c;
         c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..")) {
            close(fd);
            return xo_err_set(err, EINVAL, "%s: \"..\" is not allowed", path);
        }
        int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
                xo_err_sys(err, "%s: mkdir %s", path, c);
                close(fd);
                return -1;
            }
            next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0) {
            /* ENOTDIR also covers a symlink opened with O_NOFOLLOW. */
            if (errno == ENOTDIR || errno == ELOOP)
                xo_err_set(err, ENOTDIR,
                           "%s: component %s is a symlink or not a directory",
                           path, c);
            else
                xo_err_sys(err, "%s: %s", path, c);
            close(fd);
            return -1;
        }
        close(fd);
        fd = next;
    }
    return fd;
}

int safepath_write(int rootfd, const char *path, const void *data, size_t len,
                   mode_t mode, xo_err *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1] || strlen(path) >= PATH_MAX)
        return xo_err_set(err, EINVAL, "%s: not a file path", path);
    char dir[PATH_MAX];
    size_t dlen = (size_t)(slash - path);
    memcpy(dir, path, dlen);
    dir[dlen] = '\0';
    if (dlen == 0)
        strcpy(dir, "/");
    int dfd = safepath_dir(rootfd, dir, true, err);
    if (dfd < 0)
        return -1;
    /* An O_PATH directory fd is a valid dirfd for unlinkat and openat. */
    int wdir = dfd;
    const char *name = slash + 1;
    if (unlinkat(wdir, name, 0) < 0 && errno != ENOENT) {
        xo_err_sys(err, "%s: remove old file", path);
        close(wdir);
        return -1;
    }
    int fd = openat(wdir, name,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    close(wdir);
    if (fd < 0)
        return xo_err_sys(err, "%s: create", path);
    if (xo_write_all(fd, data, len) < 0) {
        xo_err_sys(err, "%s: write", path);
        close(fd);
        return -1;
    }
    if (close(fd) < 0)
        return xo_err_sys(err, "%s: close", path);
    return 0;
}
