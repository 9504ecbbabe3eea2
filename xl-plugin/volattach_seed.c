/* volattach_seed.c: a root volume's directory for an anonymous volume
 * (volattach_seed.h). */
#include "xl-plugin/volattach_seed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/pathfmt.h"
#include "image/fsat.h"
#include "xl-plugin/loopdev.h"

int volattach_seed_open(struct volattach_seed *s, const char *state_root,
                        const char *image, const char *fstype,
                        const char *target, xo_err *err)
{
    memset(s, 0, sizeof(*s));
    s->loopfd = s->rootfd = s->dirfd = -1;
    char dev[64];
    if (xo_path_fmt(s->mnt, sizeof(s->mnt), err, "%s/.seed-XXXXXX",
                    state_root) < 0)
        return -1;
    if (!mkdtemp(s->mnt)) {
        int rc = xo_err_sys(err, "cannot make %s", s->mnt);
        s->mnt[0] = '\0';
        return rc;
    }
    s->loopfd = loopdev_attach(image, true, dev, sizeof(dev),
                               LOOPDEV_WAIT_CREATE_MS, err);
    if (s->loopfd < 0)
        return xo_err_wrap(err, "reading %s", image);
    if (mount(dev, s->mnt, fstype, MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) <
        0) {
        int rc = xo_err_sys(err, "cannot mount %s (%s) on %s", image, fstype,
                            s->mnt);
        rmdir(s->mnt);
        s->mnt[0] = '\0';
        return rc;
    }
    s->rootfd = open(s->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->rootfd < 0)
        return xo_err_sys(err, "cannot open %s", s->mnt);
    int fd = fsat_dir_in_root(s->rootfd, target, false);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR
                   ? 0
                   : xo_err_sys(err, "%s in %s", target, image);
    /* Not close-on-exec: mke2fs reads it as /proc/self/fd/N. */
    s->dirfd = fcntl(fd, F_DUPFD, 3);
    close(fd);
    if (s->dirfd < 0)
        return xo_err_sys(err, "dup");
    /* cannot truncate: an fd number in 64 bytes */
    snprintf(s->path, sizeof(s->path), "/proc/self/fd/%d", s->dirfd);
    return 1;
}

void volattach_seed_close(struct volattach_seed *s)
{
    if (s->dirfd >= 0)
        close(s->dirfd);
    if (s->rootfd >= 0)
        close(s->rootfd);
    if (s->mnt[0]) {
        /* Lazily: nothing of ours holds it now; the loop device goes with
         * the last close (autoclear). */
        if (umount2(s->mnt, MNT_DETACH) < 0 && errno != EINVAL)
            fprintf(stderr, "xl-oci: warning: cannot unmount %s: %s\n", s->mnt,
                    strerror(errno));
        rmdir(s->mnt);
    }
    if (s->loopfd >= 0)
        close(s->loopfd);
    s->dirfd = s->rootfd = s->loopfd = -1;
    s->mnt[0] = '\0';
}
