/* fileio.c: bounded reads and atomic writes (see fileio.h). */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/sigdefer.h"

int xo_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t r = write(fd, p, len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

int xo_read_fd(char **out_r, size_t *len_r, int fd, const char *what,
               size_t max, xo_err *err)
{
    size_t cap = 4096, len = 0;
    char *buf = xo_xmalloc(cap + 1);
    for (;;) {
        if (len == cap) {
            if (cap > max) {
                free(buf);
                return xo_err_set(err, EFBIG, "%s: larger than %zu bytes", what,
                                  max);
            }
            size_t ncap = cap * 2;
            /* The file's size is outside input, bounded only by `max`. */
            char *nbuf = realloc(buf, ncap + 1);
            if (!nbuf) {
                free(buf);
                return xo_err_set(err, ENOMEM,
                                  "%s: cannot allocate %zu bytes to read it",
                                  what, ncap + 1);
            }
            buf = nbuf;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int rc = xo_err_sys(err, "cannot read %s", what);
            free(buf);
            return rc;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    if (len > max) {
        free(buf);
        return xo_err_set(err, EFBIG, "%s: larger than %zu bytes", what, max);
    }
    buf[len] = '\0';
    *out_r = buf;
    if (len_r)
        *len_r = len;
    return 0;
}

int xo_read_regular_fd(char **out_r, int fd, const char *what, size_t max,
                       xo_err *err)
{
    struct stat st;
    *out_r = NULL;
    if (fstat(fd, &st) < 0)
        return xo_err_sys(err, "cannot stat %s", what);
    return S_ISREG(st.st_mode) ? xo_read_fd(out_r, NULL, fd, what, max, err)
                               : 0;
}

int xo_read_file(char **out_r, size_t *len_r, const char *path, size_t max,
                 xo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    int rc = xo_read_fd(out_r, len_r, fd, path, max, err);
    close(fd);
    return rc;
}

int xo_write_file_atomic(const char *path, const void *data, size_t len,
                         mode_t mode, xo_err *err)
{
    size_t plen = strlen(path);
    char *tmp = xo_xmalloc(plen + 16);
    /* cannot truncate: 11 bytes and the NUL added to the path */
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    /* Ctrl-C, SIGTERM and a hangup wait until the temporary is renamed or
     * gone (the fsync may take long): one that ended us in between left
     * PATH.tmpXXXXXX for ever beside PATH (helper-91: a volume's, which
     * then made `volume rm` fail on a directory not empty). */
    sigset_t old;
    xo_sigdefer_begin(&old);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        int rc = xo_err_sys(err, "cannot create a temporary file for %s", path);
        free(tmp);
        xo_sigdefer_end(&old);
        return rc;
    }
    int rc = 0;
    if (xo_write_all(fd, data, len) < 0)
        rc = xo_err_sys(err, "cannot write %s", tmp);
    else if (fchmod(fd, mode) < 0)
        rc = xo_err_sys(err, "cannot chmod %s", tmp);
    else if (fsync(fd) < 0)
        rc = xo_err_sys(err, "cannot fsync %s", tmp);
    if (close(fd) < 0 && rc == 0)
        rc = xo_err_sys(err, "cannot close %s", tmp);
    if (rc == 0 && rename(tmp, path) < 0)
        rc = xo_err_sys(err, "cannot rename %s to %s", tmp, path);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    xo_sigdefer_end(&old);
    return rc;
}

int xo_mkdir_p(const char *path, mode_t mode, xo_err *err)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof(buf))
        return xo_err_set(err, ENAMETOOLONG, "bad directory path '%s'", path);
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return xo_err_sys(err, "cannot create directory %s", buf);
            *p = c;
            if (c == '\0')
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return xo_err_sys(err, "cannot stat %s", path);
    if (!S_ISDIR(st.st_mode))
        return xo_err_set(err, ENOTDIR, "%s exists and is not a directory",
                          path);
    return 0;
}

int xo_fsync_path(const char *path, xo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fsync(fd) < 0) {
        int rc = xo_err_sys(err, "cannot sync %s", path);
        if (fd >= 0)
            close(fd);
        return rc;
    }
    close(fd);
    return 0;
}

void xo_fd_tail(int fd, char *buf, size_t cap)
{
    buf[0] = '\0';
    off_t end = lseek(fd, 0, SEEK_END);
    if (end <= 0)
        return;
    off_t start = end > (off_t)cap - 1 ? end - (off_t)cap + 1 : 0;
    ssize_t n = pread(fd, buf, cap - 1, start);
    if (n <= 0)
        return;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\n')
            buf[i] = ' ';
}

char *xo_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = xo_xmalloc(dl + nl + 2);
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}
