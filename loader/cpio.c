/* cpio.c: newc archives for the kernel's initramfs (see cpio.h). */
#include "cpio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"

/* The kernel's own limit for a name in an initramfs (PATH_MAX). */
#define CPIO_MAX_NAME 4096

void cpio_init(struct cpio_writer *w, int fd, const char *path)
{
    w->fd = fd;
    w->path = path;
    w->ino = 1;
    w->off = 0;
}

static int put(struct cpio_writer *w, const void *buf, size_t len, xo_err *err)
{
    if (xo_write_all(w->fd, buf, len) < 0)
        return xo_err_sys(err, "%s: write", w->path);
    w->off += len;
    return 0;
}

/* newc pads header+name and data to 4 bytes. */
static int pad(struct cpio_writer *w, unsigned to, xo_err *err)
{
    static const char zeros[512];
    size_t n = (size_t)((to - w->off % to) % to);
    return n ? put(w, zeros, n, err) : 0;
}

static int header(struct cpio_writer *w, const char *name, mode_t mode,
                  uint64_t size, unsigned rmaj, unsigned rmin, xo_err *err)
{
    size_t nl = strlen(name) + 1;
    if (nl > CPIO_MAX_NAME || nl < 2)
        return xo_err_set(err, ENAMETOOLONG, "%s: bad entry name %.64s",
                          w->path, name);
    if (size > 0xffffffffULL)
        return xo_err_set(err, EFBIG, "%s: %s: larger than 4 GiB (newc limit)",
                          w->path, name);
    char h[111];
    /* cannot truncate: a newc header is 110 bytes */
    snprintf(h, sizeof(h),
             "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             w->ino++, (unsigned)mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u,
             (unsigned)size, 0u, 0u, rmaj, rmin, (unsigned)nl, 0u);
    if (put(w, h, 110, err) < 0 || put(w, name, nl, err) < 0)
        return -1;
    return pad(w, 4, err);
}

int cpio_add_dir(struct cpio_writer *w, const char *name, mode_t perm,
                 xo_err *err)
{
    return header(w, name, S_IFDIR | (perm & 07777), 0, 0, 0, err);
}

int cpio_add_data(struct cpio_writer *w, const char *name, mode_t perm,
                  const void *data, size_t len, xo_err *err)
{
    if (header(w, name, S_IFREG | (perm & 07777), len, 0, 0, err) < 0 ||
        put(w, data, len, err) < 0)
        return -1;
    return pad(w, 4, err);
}

int cpio_add_file(struct cpio_writer *w, const char *name, mode_t perm,
                  const char *src, xo_err *err)
{
    int fd = open(src, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "%s", src);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return xo_err_set(err, EINVAL, "%s: not a regular file", src);
    }
    int rc = header(w, name, S_IFREG | (perm & 07777), (uint64_t)st.st_size, 0,
                    0, err);
    char buf[65536];
    uint64_t left = (uint64_t)st.st_size;
    while (rc == 0 && left > 0) {
        ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? xo_err_sys(err, "%s: read", src)
                       : xo_err_set(err, EIO, "%s: shrank while read", src);
            break;
        }
        rc = put(w, buf, (size_t)n, err);
        left -= (uint64_t)n;
    }
    close(fd);
    return rc < 0 ? -1 : pad(w, 4, err);
}

int cpio_add_symlink(struct cpio_writer *w, const char *name,
                     const char *target, xo_err *err)
{
    size_t len = strlen(target);
    if (header(w, name, S_IFLNK | 0777, len, 0, 0, err) < 0 ||
        put(w, target, len, err) < 0)
        return -1;
    return pad(w, 4, err);
}

int cpio_add_node(struct cpio_writer *w, const char *name, mode_t perm,
                  char type, unsigned major, unsigned minor, xo_err *err)
{
    mode_t t = type == 'b' ? S_IFBLK : S_IFCHR;
    if (type != 'b' && type != 'c')
        return xo_err_set(err, EINVAL, "%s: %s: node type %c is not b or c",
                          w->path, name, type);
    return header(w, name, t | (perm & 07777), 0, major, minor, err);
}

int cpio_finish(struct cpio_writer *w, xo_err *err)
{
    if (header(w, "TRAILER!!!", 0, 0, 0, 0, err) < 0)
        return -1;
    return pad(w, 512, err);
}
