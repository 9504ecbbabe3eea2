/* mounts.c: the container's root (see mounts.h for the layout). */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "devfs.h"
#include "frontends.h"
#include "inline_binds.h"
#include "safepath.h"
#include "share_ready.h"

#include "common/abi/tmpfs_options.h"
#include "common/pathfmt.h"
#include "report.h"

static int mkdir_one(const char *path, xo_err *err)
{
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return xo_err_sys(err, "mkdir %s", path);
    return 0;
}

static int do_mount(const char *src, const char *target, const char *fstype,
                    unsigned long flags, const char *data, xo_err *err)
{
    if (mount(src, target, fstype, flags, data) < 0)
        return xo_err_sys(err, "mount %s on %s (%s)", src ? src : "-", target,
                          fstype ? fstype : "bind");
    return 0;
}

/* out = a + b; a path that does not fit is an error, never truncated. */
static int join(char *out, size_t sz, const char *a, const char *b, xo_err *err)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la + lb + 1 > sz)
        return xo_err_set(err, ENAMETOOLONG, "path %s%s: too long", a, b);
    memcpy(out, a, la);
    memcpy(out + la, b, lb + 1);
    return 0;
}

int mounts_early(xo_err *err)
{
    if (mkdir_one("/proc", err) < 0 || mkdir_one("/sys", err) < 0 ||
        mkdir_one("/dev", err) < 0)
        return -1;
    if (do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 NULL, err) < 0 ||
        do_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 NULL, err) < 0)
        return -1;
    /* EBUSY: the kernel mounted devtmpfs already (DEVTMPFS_MOUNT). */
    if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") < 0 &&
        errno != EBUSY)
        return xo_err_sys(err, "mount devtmpfs on /dev");
    return 0;
}

static const char *devmap_lookup(const struct loader_env *env, const char *dev)
{
    /* The last mapping of a device wins, as later options usually do. */
    for (size_t i = env->ndevmap; i-- > 0;)
        if (!strcmp(env->devmap[i].dev, dev))
            return env->devmap[i].src;
    return NULL;
}

/*
 * Waits for a frontend's device node: xen-blkfront connects to its backend
 * after the module is loaded, so /dev/xvdX appears asynchronously.  A
 * disk added while the kernel booted may have been missed: after a while
 * the kernel is asked to look again (frontends.h).
 */
static int wait_device(const char *dev, unsigned ms, struct stat *st)
{
    struct timespec step = {0, 5 * 1000 * 1000};
    for (unsigned waited = 0;; waited += 5) {
        if (stat(dev, st) == 0)
            return 0;
        if (errno != ENOENT || waited >= ms)
            return -1;
        if (waited == FRONTENDS_NUDGE_AFTER_MS && frontends_nudge("vbd") > 0)
            report_marker("%s: a disk the kernel had not probed: asked again",
                          dev);
        nanosleep(&step, NULL);
    }
}

/*
 * Mounts the boot spec device `dev` on `target`.  In the host test mode a
 * device mapped to a directory is bind-mounted (and made read-only with a
 * second, remounting call, as bind mounts ignore MS_RDONLY at first).
 */
static int mount_device(const struct loader_env *env, const char *what,
                        const char *dev, const char *target, const char *fstype,
                        unsigned long flags, const char *data, xo_err *err)
{
    const char *src = dev;
    if (env->host) {
        src = devmap_lookup(env, dev);
        if (!src)
            return xo_err_set(err, ENODEV,
                              "%s device %s: not mapped (--dev %s=PATH)", what,
                              dev, dev);
    }
    struct stat st;
    if (wait_device(src, env->host ? 0 : env->device_wait_ms, &st) < 0)
        return xo_err_sys(err, "%s device %s", what, src);
    if (S_ISDIR(st.st_mode) && env->host) {
        if (do_mount(src, target, NULL, MS_BIND | MS_REC, NULL, err) < 0)
            return xo_err_wrap(err, "%s", what);
        unsigned long ro = flags & MS_RDONLY;
        if (ro && do_mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | ro, NULL,
                           err) < 0)
            return xo_err_wrap(err, "%s", what);
        return 0;
    }
    if (!S_ISBLK(st.st_mode))
        return xo_err_set(err, ENOTBLK, "%s device %s: not a block device",
                          what, src);
    if (do_mount(src, target, fstype, flags, data, err) < 0)
        return xo_err_wrap(err, "%s", what);
    return 0;
}

/* Only these file systems are ever mounted from boot spec devices. */
static int check_fstype(const char *what, const char *fstype, xo_err *err)
{
    static const char *const ok[] = {"erofs", "ext4",  "squashfs", "xfs",
                                     "vfat",  "btrfs", NULL};
    for (size_t i = 0; ok[i]; i++)
        if (!strcmp(ok[i], fstype))
            return 0;
    return xo_err_set(err, EINVAL, "%s: file system type %s not supported",
                      what, fstype);
}

/*
 * Splits mount(8)-style options into flags and the data string the file
 * system parses.  Unknown words are passed through as file system options.
 */
static int parse_options(const char *opts, unsigned long *flags, char *data,
                         size_t datasz, xo_err *err)
{
    static const struct {
        const char *name;
        unsigned long set, clear;
    } words[] = {
        {"ro", MS_RDONLY, 0},
        {"rw", 0, MS_RDONLY},
        {"nosuid", MS_NOSUID, 0},
        {"suid", 0, MS_NOSUID},
        {"nodev", MS_NODEV, 0},
        {"dev", 0, MS_NODEV},
        {"noexec", MS_NOEXEC, 0},
        {"exec", 0, MS_NOEXEC},
        {"noatime", MS_NOATIME, 0},
        {"relatime", MS_RELATIME, 0},
        {"strictatime", MS_STRICTATIME, 0},
        {"nodiratime", MS_NODIRATIME, 0},
        {"sync", MS_SYNCHRONOUS, 0},
        {"defaults", 0, 0},
    };
    char buf[BS_MAX_STR];
    size_t dlen = 0;
    /* Options cut short could drop "ro" or "nosuid": refuse instead. */
    if (xo_path_fmt(buf, sizeof(buf), err, "%s", opts) < 0)
        return xo_err_wrap(err, "mount options");
    data[0] = '\0';
    char *save = NULL;
    for (char *w = strtok_r(buf, ",", &save); w;
         w = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (!strcmp(words[i].name, w))
                break;
        if (i < sizeof(words) / sizeof(words[0])) {
            *flags = (*flags | words[i].set) & ~words[i].clear;
            continue;
        }
        size_t wl = strlen(w);
        if (dlen + wl + 2 > datasz)
            return xo_err_set(err, E2BIG, "mount options too long");
        if (dlen)
            data[dlen++] = ',';
        memcpy(data + dlen, w, wl + 1);
        dlen += wl;
    }
    return 0;
}

/* The data of a tmpfs's options (parse_options took the flags): each of
 * size=SIZE, mode= (octal, at most 07777), uid= and gid= (decimal, below
 * 2^32), as domcfg writes them; nothing else reaches tmpfs. */
static bool tmpfs_data_ok(const char *data)
{
    char buf[BS_MAX_STR];
    /* cannot truncate: data comes from a BS_MAX_STR buffer */
    snprintf(buf, sizeof(buf), "%s", data);
    char *save = NULL;
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
        if (!oci_tmpfs_data_word_ok(w))
            return false;
    return true;
}

static int mount_writable(const struct loader_env *env,
                          const struct boot_spec *spec, const char *rw,
                          xo_err *err)
{
    if (!strcmp(spec->wr_type, "tmpfs")) {
        char data[64] = "mode=0755";
        if (spec->wr_size) {
            if (!oci_tmpfs_size_ok(spec->wr_size))
                return xo_err_set(err, EINVAL, "writable size %s: bad size",
                                  spec->wr_size);
            if (xo_path_fmt(data, sizeof(data), err, "mode=0755,size=%s",
                            spec->wr_size) < 0)
                return xo_err_wrap(err, "writable size");
        }
        return do_mount("tmpfs", rw, "tmpfs", MS_NOSUID | MS_NODEV, data, err);
    }
    if (check_fstype("writable layer", spec->wr_fstype, err) < 0)
        return -1;
    return mount_device(env, "writable layer", spec->wr_device, rw,
                        spec->wr_fstype, 0, NULL, err);
}

/* Where a subpath mount's device is mounted, under the staging
 * directory, outside the container's root (its binds stay when the old
 * root goes at the switch). */
#define SUBPATH_DEVICES "/binds"

/* Where a v6 spec's inline copies are made (inline_binds.h), under the
 * staging directory like SUBPATH_DEVICES. */
#define SUBPATH_INLINE "/binds-inline"

/* The directory a subpath mount's entry is in: the device's, mounted
 * on first use, or the inline copies', made on first use. */
static int subpath_source(const struct loader_env *env,
                          const struct boot_spec *spec,
                          const struct bs_mount *m, char *dir, size_t sz,
                          xo_err *err)
{
    struct stat st;
    if (m->in_spec) {
        if (join(dir, sz, env->staging, SUBPATH_INLINE, err) < 0)
            return -1;
        if (stat(dir, &st) == 0)
            return 0;
        return inline_binds_make(spec, dir, err) < 0
                   ? xo_err_wrap(err, "bind %s", m->target)
                   : 0;
    }
    const char *base = strrchr(m->device, '/');
    char devs[PATH_MAX];
    if (!base || !base[1] || !strcmp(base, "/.") || !strcmp(base, "/..") ||
        join(devs, sizeof(devs), env->staging, SUBPATH_DEVICES, err) < 0 ||
        join(dir, sz, devs, base, err) < 0)
        return xo_err_set(err, EINVAL, "bind %s: device %s", m->target,
                          m->device);
    if (stat(dir, &st) == 0)
        return 0;
    if (mkdir(devs, 0700) < 0 && errno != EEXIST)
        return xo_err_sys(err, "mkdir %s", devs);
    if (mkdir(dir, 0700) < 0)
        return xo_err_sys(err, "mkdir %s", dir);
    return mount_device(env, "bind mounts", m->device, dir, "ext4",
                        MS_NOSUID | MS_NODEV, NULL, err);
}

/*
 * Sets flags (MS_RDONLY, MS_NOSUID, MS_NODEV) on the bind mount just made
 * on `target` inside the root.  An fd opened before the mount is the
 * covered mount point, so the target is opened again to reach the new
 * one.  `dir`: the target is a directory (else a file).
 */
static int remount_bind(int rootfd, const char *target, bool dir,
                        unsigned long flags, xo_err *err)
{
    char at[64];
    int fd = safepath_in_root(rootfd, target, dir, err);
    if (fd < 0)
        return -1;
    /* cannot truncate: an int in 64 bytes */
    snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
    int rc = do_mount(NULL, at, NULL, MS_BIND | MS_REMOUNT | flags, NULL, err);
    close(fd);
    return rc;
}

/*
 * A v5 subpath mount (common/abi/boot_spec.h): the device mounted once
 * under SUBPATH_DEVICES (read-write, nosuid, nodev), or a v6 inline one's
 * copies made under SUBPATH_INLINE, then its entry bound on the target,
 * which is made a directory or a file to match.
 */
static int mount_subpath(const struct loader_env *env,
                         const struct boot_spec *spec, int rootfd,
                         const struct bs_mount *m, xo_err *err)
{
    char dir[PATH_MAX], src[64], at[64];
    if (subpath_source(env, spec, m, dir, sizeof(dir), err) < 0)
        return -1;
    /* The entry itself, never through a symlink: mount(2) would follow
     * one to anything the loader sees (a spec or an image is hostile). */
    int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return xo_err_sys(err, "bind %s: %s", m->target, dir);
    int sfd = safepath_beneath(dirfd, m->subpath, err);
    close(dirfd);
    struct stat st;
    if (sfd < 0)
        return xo_err_wrap(err, "bind %s", m->target);
    if (fstat(sfd, &st) < 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
        close(sfd);
        return xo_err_set(
            err, EINVAL,
            "bind %s: %s is not a regular file or directory (a symlink is not followed)",
            m->target, m->subpath);
    }
    /* cannot truncate: an int in 64 bytes */
    snprintf(src, sizeof(src), "/proc/self/fd/%d", sfd);
    /* The target as the container sees it: /var/run -> /run in an image
     * puts a bind of /var/run/secrets in /run/secrets, as under runc. */
    int fd = safepath_in_root(rootfd, m->target, S_ISDIR(st.st_mode), err);
    if (fd < 0) {
        close(sfd);
        return xo_err_wrap(err, "bind mount point");
    }
    /* cannot truncate: an int in 64 bytes */
    snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
    int rc = do_mount(src, at, NULL, MS_BIND | MS_REC, NULL, err);
    close(fd);
    close(sfd);
    if (rc < 0)
        return xo_err_wrap(err, "bind %s", m->target);
    unsigned long flags = MS_NOSUID | MS_NODEV | (m->read_only ? MS_RDONLY : 0);
    return remount_bind(rootfd, m->target, S_ISDIR(st.st_mode), flags, err) < 0
               ? xo_err_wrap(err, "bind %s", m->target)
               : 0;
}

/* The share's own mount: 9p in a domain, the mapped directory bound in
 * the host test mode (where bind ignores the flags until remounted). */
static int mount_share_at(const struct loader_env *env, const char *at,
                          const struct bs_mount *m, unsigned long flags,
                          xo_err *err)
{
    if (env->host) {
        const char *src = devmap_lookup(env, m->share);
        if (!src)
            return xo_err_set(err, ENODEV,
                              "share device %s: not mapped (--dev %s=PATH)",
                              m->share, m->share);
        return do_mount(src, at, NULL, MS_BIND | MS_REC, NULL, err);
    }
    /* Connected first: a mount while the frontend is still being set up
     * can meet it without its tag, or before QEMU maps its rings. */
    if (mounts_share_ready(m->share, env->device_wait_ms, err) < 0)
        return -1;
    if (mount(m->share, at, "9p", flags,
              "trans=xen,version=9p2000.L,access=client,posixacl,cache=mmap") <
        0)
        return xo_err_sys(err, "mount 9p tag %s", m->share);
    return 0;
}

/*
 * A v7 share: the 9p mount of the Xen 9pfs device tagged m->share, whose
 * server is QEMU in dom0.  9P2000.L; access=client: the guest's kernel
 * checks permissions from the files' modes (and ACLs) as for any file
 * system, and each process speaks to the server as its own uid;
 * cache=mmap: nothing cached but what shared writable mappings (sqlite,
 * say) need, so both sides see each other's writes at once.  The frontend
 * connects to QEMU asynchronously after boot: the mount waits, as long as
 * for a disk, until xenstore says it is connected (share_ready.h).  The
 * target is resolved as the
 * container sees it (the image's symlinks followed inside its root), as
 * a bind's is: shares stand in for runtime spec binds.
 */
static int mount_share(const struct loader_env *env, int rootfd,
                       const struct bs_mount *m, xo_err *err)
{
    unsigned long flags = MS_NOSUID | MS_NODEV | (m->read_only ? MS_RDONLY : 0);
    char at[64];
    int fd = safepath_in_root(rootfd, m->target, true, err);
    if (fd < 0)
        return xo_err_wrap(err, "share mount point");
    /* cannot truncate: an int in 64 bytes */
    snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
    int rc = mount_share_at(env, at, m, flags, err);
    close(fd);
    if (rc == 0 && env->host) /* a bind: its flags need a remount */
        rc = remount_bind(rootfd, m->target, true, flags, err);
    return rc < 0 ? xo_err_wrap(err, "share %s", m->target) : 0;
}

static int mount_volume(const struct loader_env *env,
                        const struct boot_spec *spec, int rootfd,
                        const struct bs_mount *m, xo_err *err)
{
    if (m->subpath)
        return mount_subpath(env, spec, rootfd, m, err);
    char data[BS_MAX_STR], at[64];
    if (m->share)
        return mount_share(env, rootfd, m, err);
    unsigned long flags = m->read_only ? MS_RDONLY : 0;
    /* A tmpfs volume (oci_volumes "tmpfs:/TARGET[:SIZE]", or a runtime
     * spec's tmpfs mount) has no device; its options are the ones domcfg
     * checked, checked again here: nosuid and nodev unless it says suid
     * or dev. */
    bool tmpfs = strcmp(m->fstype, "tmpfs") == 0;
    if (tmpfs) {
        flags |= MS_NOSUID | MS_NODEV;
        if (strcmp(m->device, "tmpfs") != 0 ||
            parse_options(m->options, &flags, data, sizeof(data), err) < 0 ||
            !tmpfs_data_ok(data))
            return xo_err_set(
                err, EINVAL,
                "volume %s: a tmpfs takes only size=SIZE, mode=OCTAL, uid=ID, gid=ID and mount flags",
                m->target);
    } else if (check_fstype("volume", m->fstype, err) < 0 ||
               parse_options(m->options, &flags, data, sizeof(data), err) < 0)
        return xo_err_wrap(err, "volume %s", m->target);
    /* A ".." in a volume's target is refused, not clamped: domcfg never
     * writes one, so the spec is malformed. */
    for (const char *c = m->target; (c = strstr(c, "..")) != NULL; c += 2)
        if ((c == m->target || c[-1] == '/') && (c[2] == '/' || !c[2]))
            return xo_err_set(err, EINVAL, "%s: \"..\" is not allowed",
                              m->target);
    /* runc gives a tmpfs mounted on a directory that was there that
     * directory's mode (its mode= only to one it made: Docker's
     * --tmpfs /srv on an image's 0755 /srv is 0755, not 1777). */
    unsigned was_mode = 0;
    bool was_dir =
        tmpfs && safepath_dir_mode(rootfd, m->target, &was_mode) == 0;
    /* The target as the container sees it, as runc resolves a mount's
     * destination: an image's symlink on the way (/data -> /var/lib/data)
     * is followed inside the root, never out of it; mounted on the fd. */
    int fd = safepath_in_root(rootfd, m->target, true, err);
    if (fd < 0)
        return xo_err_wrap(err, "volume mount point");
    /* cannot truncate: an int in 64 bytes */
    snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
    /* The host test mode's directory for a device is bound, and a bind
     * takes its flags only from a remount, which must reach the new mount
     * (the fd is the covered directory): the target resolved again. */
    const char *dir =
        env->host && !tmpfs ? devmap_lookup(env, m->device) : NULL;
    struct stat st;
    bool bind = dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    /* A read-only one is mounted read-write for that chmod, then made
     * read-only, as runc delays a tmpfs's MS_RDONLY. */
    unsigned long first = was_dir ? flags & ~(unsigned long)MS_RDONLY : flags;
    int rc = tmpfs  ? do_mount("tmpfs", at, "tmpfs", first,
                              data[0] ? data : NULL, err)
             : bind ? do_mount(dir, at, NULL, MS_BIND | MS_REC, NULL, err)
                    : mount_device(env, "volume", m->device, at, m->fstype,
                                   flags, data[0] ? data : NULL, err);
    close(fd);
    if (rc == 0 && was_dir && safepath_chmod(rootfd, m->target, was_mode) < 0)
        rc = xo_err_sys(err, "chmod %o", was_mode);
    if (rc == 0 && first != flags) {
        if ((fd = safepath_in_root(rootfd, m->target, true, err)) < 0)
            return xo_err_wrap(err, "volume %s", m->target);
        /* cannot truncate: an int in 64 bytes */
        snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
        rc = do_mount("tmpfs", at, "tmpfs", MS_REMOUNT | flags, NULL, err);
        close(fd);
    }
    if (rc == 0 && bind && (flags & MS_RDONLY))
        rc = remount_bind(rootfd, m->target, true, MS_RDONLY, err);
    return rc < 0 ? xo_err_wrap(err, "volume %s", m->target) : 0;
}

/* The pseudo file systems every container expects; /dev/console only for
 * a container whose terminal the console is (devfs.h). */
static int mount_pseudo(const struct loader_env *env, bool console, int rootfd,
                        const char *root, xo_err *err)
{
    /* runc's mounts in its default spec's order (which /proc/self/mountinfo
     * shows), /dev built by devfs.c. */
    static const struct {
        const char *path, *src, *fstype;
        unsigned long flags;
        const char *data;
    } fs[] = {
        {"/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL},
        {"/dev", NULL, NULL, 0, NULL},
        {"/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
         "newinstance,ptmxmode=0666,mode=0620,gid=5"},
        {"/dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
         "mode=1777,size=65536k"},
        {"/dev/mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
         NULL},
        {"/sys", "sysfs", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL},
        {"/sys/fs/cgroup", "cgroup", "cgroup2",
         MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_RDONLY, NULL},
    };
    char target[PATH_MAX];
    for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
        int fd = safepath_dir(rootfd, fs[i].path, true, err);
        if (fd < 0)
            return -1;
        close(fd);
        if (join(target, sizeof(target), root, fs[i].path, err) < 0)
            return -1;
        if (!fs[i].src) {
            if (devfs_build(env, target, console, err) < 0)
                return -1;
            continue;
        }
        if (do_mount(fs[i].src, target, fs[i].fstype, fs[i].flags, fs[i].data,
                     err) < 0)
            return -1;
    }
    return 0;
}

/* A volume or bind under /dev goes on the loader's /dev (mount_pseudo),
 * which would otherwise hide it. */
static bool under_dev(const struct bs_mount *m)
{
    return strncmp(m->target, "/dev/", 5) == 0;
}

int mounts_root(const struct loader_env *env, const struct boot_spec *spec,
                const char **root_r, xo_err *err)
{
    static char lower[PATH_MAX], rw[PATH_MAX], root[PATH_MAX];
    char upper[PATH_MAX], work[PATH_MAX];
    char ovl[3 * PATH_MAX + 64];
    if (join(lower, sizeof(lower), env->staging, "/lower", err) < 0 ||
        join(rw, sizeof(rw), env->staging, "/rw", err) < 0 ||
        join(root, sizeof(root), env->staging, "/root", err) < 0 ||
        join(upper, sizeof(upper), rw, "/upper", err) < 0 ||
        join(work, sizeof(work), rw, "/work", err) < 0)
        return -1;
    if (mkdir_one(lower, err) < 0 || mkdir_one(rw, err) < 0 ||
        mkdir_one(root, err) < 0)
        return -1;

    if (check_fstype("rootfs", spec->root_fstype, err) < 0 ||
        mount_device(env, "rootfs", spec->root_device, lower, spec->root_fstype,
                     MS_RDONLY, NULL, err) < 0 ||
        mount_writable(env, spec, rw, err) < 0)
        return -1;
    if (mkdir_one(upper, err) < 0 || mkdir_one(work, err) < 0)
        return -1;
    if (xo_path_fmt(ovl, sizeof(ovl), err, "lowerdir=%s,upperdir=%s,workdir=%s",
                    lower, upper, work) < 0 ||
        do_mount("overlay", root, "overlay", 0, ovl, err) < 0)
        return -1;

    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return xo_err_sys(err, "open %s", root);
    /* The working directory first, as Docker's daemon and NOHYPER's
     * create make it before runc mounts anything: a tmpfs volume at it or
     * on its way then covers a directory that was there (runc gives the
     * tmpfs its mode, above).  A failure is left to init.c's pass after
     * the mounts, which names the working directory. */
    xo_err cwd_err = XO_ERR_INIT;
    int cwdfd = safepath_in_root(rootfd, spec->cwd, true, &cwd_err);
    if (cwdfd >= 0)
        close(cwdfd);
    xo_err_clear(&cwd_err);
    int rc = 0;
    for (size_t i = 0; i < spec->nmounts && rc == 0; i++)
        if (!under_dev(&spec->mounts[i]))
            rc = mount_volume(env, spec, rootfd, &spec->mounts[i], err);
    if (rc == 0)
        rc = mount_pseudo(env, spec->terminal, rootfd, root, err);
    /* Under /dev (CRI's /dev/termination-log): on the /dev just
     * mounted, as runc mounts them after the spec's /dev. */
    for (size_t i = 0; i < spec->nmounts && rc == 0; i++)
        if (under_dev(&spec->mounts[i]))
            rc = mount_volume(env, spec, rootfd, &spec->mounts[i], err);
    close(rootfd);
    if (rc < 0)
        return -1;
    *root_r = root;
    return 0;
}

int mounts_root_readonly(const char *root, xo_err *err)
{
    return do_mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL,
                    err) < 0
               ? xo_err_wrap(err, "read-only root")
               : 0;
}

int mounts_switch_root(const char *root, xo_err *err)
{
    if (chdir(root) < 0)
        return xo_err_sys(err, "chdir %s", root);
    /*
     * pivot_root hides the old root completely, but the initramfs (rootfs)
     * cannot be pivoted away from: there the old root is overmounted, as
     * switch_root(8) does.
     */
    if (syscall(SYS_pivot_root, ".", ".") == 0) {
        if (umount2(".", MNT_DETACH) < 0)
            return xo_err_sys(err, "detach old root");
    } else if (mount(".", "/", NULL, MS_MOVE, NULL) < 0) {
        return xo_err_sys(err, "move %s to /", root);
    }
    if (chroot(".") < 0 || chdir("/") < 0)
        return xo_err_sys(err, "chroot %s", root);
    return 0;
}

void mounts_teardown(const struct boot_spec *spec)
{
    sync();
    for (size_t i = spec->nmounts; i-- > 0;)
        umount2(spec->mounts[i].target, 0);
    sync();
}
