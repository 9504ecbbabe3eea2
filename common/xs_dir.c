/* xs_dir.c: DomainStatus as files (see xs_dir.h). */
#include "common/xs_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"

/* <dir><path> into buf, after checking `path`'s components. */
static bool node_file(char *buf, size_t len, const char *dir, const char *path)
{
    if (path[0] != '/') {
        errno = EINVAL;
        return false;
    }
    for (const char *c = path + 1;;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') ||
            (n == 2 && c[0] == '.' && c[1] == '.')) {
            errno = EINVAL;
            return false;
        }
        if (!c[n])
            break;
        c += n + 1;
    }
    int w = snprintf(buf, len, "%s%s", dir, path);
    if (w < 0 || (size_t)w >= len) {
        errno = ENAMETOOLONG;
        return false;
    }
    return true;
}

static bool errno_of(xo_err *e)
{
    errno = e->errnum ? e->errnum : EIO;
    xo_err_clear(e);
    return false;
}

void *xo_xsdir_read(const char *dir, const char *path, unsigned *len)
{
    char file[PATH_MAX];
    if (!node_file(file, sizeof(file), dir, path))
        return NULL;
    struct stat st;
    if (stat(file, &st) < 0)
        return NULL;
    if (S_ISDIR(st.st_mode)) {
        /* A node with children and no value of its own reads as "". */
        char *v = xo_xcalloc(1, 1);
        if (len)
            *len = 0;
        return v;
    }
    char *v = NULL;
    size_t n = 0;
    xo_err e = XO_ERR_INIT;
    if (xo_read_file(&v, &n, file, XS_DIR_VALUE_MAX, &e) < 0) {
        errno_of(&e);
        return NULL;
    }
    if (len)
        *len = (unsigned)n;
    return v;
}

bool xo_xsdir_mkdir(const char *dir, const char *path)
{
    char file[PATH_MAX];
    xo_err e = XO_ERR_INIT;
    if (!node_file(file, sizeof(file), dir, path))
        return false;
    return xo_mkdir_p(file, 0700, &e) < 0 ? errno_of(&e) : true;
}

bool xo_xsdir_write(const char *dir, const char *path, const void *data,
                    unsigned len)
{
    char file[PATH_MAX];
    xo_err e = XO_ERR_INIT;
    if (len > XS_DIR_VALUE_MAX) {
        errno = E2BIG;
        return false;
    }
    if (!node_file(file, sizeof(file), dir, path))
        return false;
    char *slash = strrchr(file, '/');
    *slash = '\0';
    int rc = xo_mkdir_p(file, 0700, &e);
    *slash = '/';
    if (rc < 0)
        return errno_of(&e);
    /* The temporary file is a dot file, which directory listings skip.
     * No fsync: like xenstore's, this status does not outlive a reboot
     * in any meaningful way (the containers do not). */
    char tmp[PATH_MAX];
    int w = snprintf(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX", (int)(slash - file),
                     file, slash + 1);
    if (w < 0 || (size_t)w >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return false;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = xo_write_all(fd, data, len) == 0 && fchmod(fd, 0600) == 0;
    int saved = errno;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, file) == 0)
        return true;
    saved = errno ? errno : saved;
    unlink(tmp);
    errno = saved;
    return false;
}

int xo_xsdir_lock(const char *dir)
{
    char file[PATH_MAX];
    xo_err e = XO_ERR_INIT;
    int w = snprintf(file, sizeof(file), "%s/.lock", dir);
    if (w < 0 || (size_t)w >= sizeof(file)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (xo_mkdir_p(dir, 0700, &e) < 0) {
        errno_of(&e);
        return -1;
    }
    int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) < 0)
        if (errno != EINTR) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
    return fd;
}

/* Removes `fd`'s entry `name` and everything below it. */
static int remove_at(int fd, const char *name)
{
    if (unlinkat(fd, name, 0) == 0)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (sub < 0)
        return -1;
    DIR *d = fdopendir(sub);
    if (!d) {
        close(sub);
        return -1;
    }
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            rc = remove_at(dirfd(d), de->d_name);
    closedir(d);
    return rc == 0 ? unlinkat(fd, name, AT_REMOVEDIR) : -1;
}

bool xo_xsdir_rm(const char *dir, const char *path)
{
    char file[PATH_MAX];
    if (!node_file(file, sizeof(file), dir, path))
        return false;
    return remove_at(AT_FDCWD, file) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **xo_xsdir_directory(const char *dir, const char *path, unsigned *num)
{
    char file[PATH_MAX];
    if (!node_file(file, sizeof(file), dir, path))
        return NULL;
    DIR *d = opendir(file);
    if (!d)
        return NULL;
    /* Two passes over one open directory: count and size, then copy into
     * one block (pointers, then the names). */
    size_t n = 0, bytes = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') { /* also the writes' temporary files */
            n++;
            bytes += strlen(de->d_name) + 1;
        }
    char **v = xo_xmalloc((n + 1) * sizeof(char *) + bytes);
    rewinddir(d);
    char *p = (char *)(v + n + 1);
    size_t i = 0;
    while (i < n && (de = readdir(d)))
        if (de->d_name[0] != '.') {
            size_t l = strlen(de->d_name) + 1;
            if ((size_t)(p - (char *)(v + n + 1)) + l > bytes)
                break; /* the directory grew between the passes */
            memcpy(p, de->d_name, l);
            v[i++] = p;
            p += l;
        }
    closedir(d);
    v[i] = NULL;
    qsort(v, i, sizeof(char *), by_name);
    *num = (unsigned)i;
    return v;
}
