/* fsat.c: symlink-safe directory helpers (see fsat.h). */
#include "fsat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "layerpath.h"

static int remove_children(int dfd, int depth);

int fsat_open_dir_beneath(int rootfd, const char *path)
{
    struct open_how how = {
        .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    return (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how,
                        sizeof(how));
}

int fsat_mkdir_beneath(int rootfd, const char *path)
{
    int fd = fsat_open_dir_beneath(rootfd, path);
    if (fd >= 0 || errno != ENOENT)
        return fd;
    /* Walk from the top, creating what is missing; each step is checked
     * against rootfd again, so a symlink planted on the way is caught. */
    char buf[LAYERPATH_MAX_LEN + 1];
    size_t len = strlen(path);
    if (len > LAYERPATH_MAX_LEN) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 0; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        fd = fsat_open_dir_beneath(rootfd, buf);
        if (fd < 0 && errno == ENOENT) {
            char *slash = strrchr(buf, '/');
            const char *base = slash ? slash + 1 : buf;
            if (slash)
                *slash = '\0';
            int pfd = fsat_open_dir_beneath(rootfd, slash ? buf : "");
            if (slash)
                *slash = '/';
            if (pfd < 0)
                return -1;
            int r = mkdirat(pfd, base, 0755);
            int saved = errno;
            close(pfd);
            if (r < 0 && saved != EEXIST) {
                errno = saved;
                return -1;
            }
            fd = fsat_open_dir_beneath(rootfd, buf);
        }
        buf[i] = c;
        if (fd < 0)
            return -1;
        if (c != '\0')
            close(fd);
    }
    return fd;
}

static int remove_one(int dfd, const char *name, int depth)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
    if (depth >= LAYERPATH_MAX_DEPTH * 2) {
        errno = ELOOP;
        return -1;
    }
    int cfd =
        openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (cfd < 0)
        return -1;
    /* A read-only directory (mode 0555 from a layer) must be emptied. */
    if (geteuid() != 0)
        (void)fchmod(cfd, 0700);
    if (remove_children(cfd, depth + 1) < 0)
        return -1;
    return unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
}

/* Empties the directory and closes dfd.  Passes repeat until one finds
 * nothing, because removing entries while reading may hide others. */
static int remove_children(int dfd, int depth)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    int rc = 0;
    for (;;) {
        size_t removed = 0;
        struct dirent *e;
        rewinddir(d);
        while (rc == 0 && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            rc = remove_one(dirfd(d), e->d_name, depth);
            removed++;
        }
        if (rc < 0 || removed == 0)
            break;
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    return rc;
}

int fsat_remove_tree(int dirfd, const char *name)
{
    return remove_one(dirfd, name, 0);
}

int fsat_remove_path(const char *path, xo_err *err)
{
    char *copy = strdup(path);
    if (!copy)
        return xo_err_set(err, ENOMEM, "out of memory");
    char *slash = strrchr(copy, '/');
    const char *parent = "/", *base = copy;
    if (slash && slash != copy) {
        *slash = '\0';
        parent = copy;
        base = slash + 1;
    } else if (slash) {
        base = slash + 1;
    }
    int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    if (pfd < 0 || fsat_remove_tree(pfd, base) < 0)
        rc = xo_err_sys(err, "cannot remove %s", path);
    if (pfd >= 0)
        close(pfd);
    free(copy);
    return rc;
}
