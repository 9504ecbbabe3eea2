/* inline_binds.c: the boot spec's inline bind copies as files (see
 * inline_binds.h). */
#include "inline_binds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "safepath.h"

/* Owner then mode, on the open entry: chown clears set-id bits. */
static int own(int fd, const struct bs_bind_entry *e)
{
    return fchown(fd, (uid_t)e->uid, (gid_t)e->gid) < 0 ||
                   fchmod(fd, (mode_t)(e->mode & 07777)) < 0
               ? -1
               : 0;
}

static int make_one(int parent, const char *name, const struct bs_bind_entry *e)
{
    int fd = -1;
    switch (e->mode & S_IFMT) {
    case S_IFDIR:
        if (mkdirat(parent, name, 0700) < 0)
            return -1;
        fd = openat(parent, name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        break;
    case S_IFREG:
        fd = openat(parent, name,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 && e->len && xo_write_all(fd, e->data, e->len) < 0) {
            close(fd);
            return -1;
        }
        break;
    default: /* S_IFLNK: checked by the reader */
        return symlinkat(e->link, parent, name) < 0 ||
                       fchownat(parent, name, (uid_t)e->uid, (gid_t)e->gid,
                                AT_SYMLINK_NOFOLLOW) < 0
                   ? -1
                   : 0;
    }
    if (fd < 0)
        return -1;
    int rc = own(fd, e);
    close(fd);
    return rc;
}

int inline_binds_make(const struct boot_spec *spec, const char *dir,
                      xo_err *err)
{
    /* Room for the copies (a page per entry at least) and 1 MiB for
     * writes to them (CRI's /etc/hosts, /dev/termination-log): the image
     * they replace bounded such writes too. */
    unsigned long long size = (1ULL << 20) + 4096ULL * spec->nbinds;
    for (size_t i = 0; i < spec->nbinds; i++)
        size += spec->binds[i].len;
    char data[64];
    /* cannot truncate: mode and a number of at most 20 digits */
    snprintf(data, sizeof(data), "mode=0700,size=%llu", size);
    if (mkdir(dir, 0700) < 0)
        return xo_err_sys(err, "mkdir %s", dir);
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, data) < 0)
        return xo_err_sys(err, "mount tmpfs on %s", dir);
    int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return xo_err_sys(err, "open %s", dir);
    int rc = 0;
    for (size_t i = 0; i < spec->nbinds && rc == 0; i++) {
        const struct bs_bind_entry *e = &spec->binds[i];
        char parent[BOOT_SPEC_MAX_STR + 1];
        const char *slash = strrchr(e->path, '/');
        /* "/" and the entry's directories, a checked relative path.
         * cannot truncate: a path of at most BOOT_SPEC_MAX_STR - 1 bytes */
        snprintf(parent, sizeof(parent), "/%.*s",
                 slash ? (int)(slash - e->path) : 0, e->path);
        int pfd = safepath_dir(dirfd, parent, false, err);
        if (pfd < 0) {
            rc = xo_err_wrap(err,
                             BOOT_SPEC_NODE_BINDS "/" BOOT_SPEC_NODE_BIND_ENTRY
                                                  "@%zu %s",
                             i, e->path);
            break;
        }
        if (make_one(pfd, slash ? slash + 1 : e->path, e) < 0)
            rc = xo_err_sys(err,
                            BOOT_SPEC_NODE_BINDS "/" BOOT_SPEC_NODE_BIND_ENTRY
                                                 "@%zu: cannot make %s",
                            i, e->path);
        close(pfd);
    }
    close(dirfd);
    return rc;
}
