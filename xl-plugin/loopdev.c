/* loopdev.c: autoclear loop devices for file-backed disks (loopdev.h). */
#include "loopdev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl_oci.h"
#include "common/alloc.h"
#include "common/pathfmt.h"

/*
 * Xen's block script's sharing rule, for files: a file attached
 * read-write is never attached again, and a file attached read-only is
 * not attached read-write.  Finds a loop device bound to the same file
 * (its device and inode, from LOOP_GET_STATUS64: a path may have been
 * renamed or be another link) that the rule forbids sharing with;
 * returns 1 and its path in who[], else 0.
 */
static int shared_with(const struct stat *file, bool read_only, char *who,
                       size_t wholen)
{
    DIR *d = opendir("/sys/block");
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (strncmp(e->d_name, "loop", 4) != 0 ||
            strspn(e->d_name + 4, "0123456789") != strlen(e->d_name + 4) ||
            !e->d_name[4])
            continue;
        char dev[5 + sizeof(e->d_name)];
        /* cannot truncate: "/dev/" and a directory entry's name */
        snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
        int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            continue;
        /* Zeroed: valgrind does not know LOOP_GET_STATUS64 and would take
         * what the kernel wrote for uninitialised. */
        struct loop_info64 info = {0};
        if (ioctl(fd, LOOP_GET_STATUS64, &info) == 0 &&
            info.lo_device == (uint64_t)file->st_dev &&
            info.lo_inode == (uint64_t)file->st_ino &&
            (!read_only || !(info.lo_flags & LO_FLAGS_READ_ONLY))) {
            /* may truncate: only for the message */
            snprintf(who, wholen, "%s", dev);
            found = 1;
        }
        close(fd);
    }
    closedir(d);
    return found;
}

int loopdev_attach(const char *file, bool read_only, char *dev, size_t devlen,
                   int wait_ms, xo_err *err)
{
    int backing = open(file, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (backing < 0)
        return xo_err_sys(err, "cannot open disk image %s", file);
    /* The check and the attach under the file's own lock: two creates
     * naming one image cannot both find it free.  On a file description
     * of its own: the loop device keeps `backing`'s for its whole life,
     * and a lock on it would last as long. */
    struct stat st;
    char who[300];
    /* Opened as `backing` is: NFS emulates flock with POSIX locks, which
     * refuse an exclusive lock on a read-only descriptor. */
    int lock = open(file, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (lock < 0 || fstat(backing, &st) < 0) {
        xo_err_sys(err, "cannot open disk image %s", file);
        if (lock >= 0)
            close(lock);
        close(backing);
        return -1;
    }
    /* A file system without locks: the check alone, as Xen's script. */
    if (flock(lock, LOCK_EX) < 0 && errno != EBADF && errno != ENOLCK &&
        errno != EOPNOTSUPP) {
        xo_err_sys(err, "cannot lock disk image %s", file);
        close(lock);
        close(backing);
        return -1;
    }
    /* A device that autoclear is about to detach (a domain just
     * destroyed, whose restart attaches the image again; blkback lets go
     * once its in-flight I/O drained, from a work queue) is waited for,
     * wait_ms at most. */
    int busy = 0;
    for (int waited = 0;
         (busy = shared_with(&st, read_only, who, sizeof(who))) != 0 &&
         waited < wait_ms;
         waited += 50)
        usleep(50 * 1000);
    if (busy) {
        xo_err_set(
            err, EBUSY,
            "disk image %s is attached %s as %s (another container's disk?): a disk used read-write is not shared",
            file, read_only ? "read-write" : "already", who);
        close(lock);
        close(backing);
        return -1;
    }
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0) {
        close(lock);
        close(backing);
        return xo_err_sys(
            err, "cannot open /dev/loop-control (is the loop module loaded?)");
    }
    int fd = -1;
    /* Another process may take the free device between our two calls. */
    for (int tries = 0; tries < 16 && fd < 0; tries++) {
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        if (n < 0) {
            xo_err_sys(err, "no free loop device for %s", file);
            break;
        }
        if (xo_path_fmt(dev, devlen, err, "/dev/loop%d", n) < 0)
            break;
        int lfd = open(dev, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        if (lfd < 0) {
            xo_err_sys(err, "cannot open %s", dev);
            break;
        }
        struct loop_config cfg;
        memset(&cfg, 0, sizeof(cfg));
        cfg.fd = (unsigned)backing;
        cfg.info.lo_flags =
            LO_FLAGS_AUTOCLEAR | (read_only ? LO_FLAGS_READ_ONLY : 0);
        /* may truncate: lo_file_name is the kernel's 64-byte label for
         * losetup -l; the device is bound to the fd, not to this name. */
        snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", file);
        if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0) {
            fd = lfd;
        } else {
            int e = errno;
            close(lfd);
            if (e != EBUSY) {
                errno = e;
                xo_err_sys(err, "cannot attach %s to %s", file, dev);
                break;
            }
        }
    }
    close(ctl);
    close(lock);
    close(backing);
    if (fd < 0 && !err->msg)
        xo_err_set(err, EBUSY, "no free loop device for %s", file);
    return fd;
}

static bool is_regular_file(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int loopdev_attach_disks(libxl_domain_config *d, struct loop_holds *h,
                         int wait_ms, xo_err *err)
{
    const char *script = NULL;
    h->n = 0;
    if (cmd_block_script(&script, err) < 0)
        return -1;
    for (int i = 0; i < d->num_disks; i++) {
        libxl_device_disk *disk = &d->disks[i];
        if (disk->format != LIBXL_DISK_FORMAT_RAW ||
            (disk->backend != LIBXL_DISK_BACKEND_UNKNOWN &&
             disk->backend != LIBXL_DISK_BACKEND_PHY) ||
            disk->script || !is_regular_file(disk->pdev_path))
            continue;
        if (h->n >= (int)(sizeof(h->fds) / sizeof(h->fds[0]))) {
            loopdev_holds_release(h);
            return xo_err_set(err, E2BIG, "too many file-backed disks");
        }
        char dev[32];
        int fd = loopdev_attach(disk->pdev_path, !disk->readwrite, dev,
                                sizeof(dev), wait_ms, err);
        if (fd < 0) {
            loopdev_holds_release(h);
            return -1;
        }
        h->fds[h->n++] = fd;
        free(disk->pdev_path);
        disk->pdev_path = xo_xstrdup(dev);
        disk->backend = LIBXL_DISK_BACKEND_PHY;
        /* NULL: Xen's block script, which also works, only slower. */
        disk->script = script ? xo_xstrdup(script) : NULL;
    }
    return 0;
}

void loopdev_holds_release(struct loop_holds *h)
{
    for (int i = 0; i < h->n; i++)
        close(h->fds[i]);
    h->n = 0;
}
