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

/* Opens (O_PATH) the directory holding the file `path`, creating missing
 * directories, and points *name_r at the file's name in `path`. */
static int parent_dir(int rootfd, const char *path, const char **name_r,
                      xo_err *err)
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
    *name_r = slash + 1;
    return safepath_dir(rootfd, dir, true, err);
}

int safepath_write(int rootfd, const char *path, const void *data, size_t len,
                   mode_t mode, xo_err *err)
{
    const char *name;
    /* An O_PATH directory fd is a valid dirfd for unlinkat and openat. */
    int wdir = parent_dir(rootfd, path, &name, err);
    if (wdir < 0)
        return -1;
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

int safepath_file(int rootfd, const char *path, xo_err *err)
{
    const char *name;
    int dfd = parent_dir(rootfd, path, &name, err);
    if (dfd < 0)
        return -1;
    struct stat st;
    int rc = 0;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode) && unlinkat(dfd, name, 0) < 0)
            rc = xo_err_sys(err, "%s: remove the symlink", path);
        else if (!S_ISLNK(st.st_mode) && !S_ISREG(st.st_mode))
            rc = xo_err_set(err, EEXIST, "%s: not a regular file", path);
        else if (S_ISREG(st.st_mode)) {
            close(dfd);
            return 0;
        }
    } else if (errno != ENOENT) {
        rc = xo_err_sys(err, "%s", path);
    }
    if (rc == 0) {
        int fd =
            openat(dfd, name,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            rc = xo_err_sys(err, "%s: create", path);
        else
            close(fd);
    }
    close(dfd);
    return rc;
}
