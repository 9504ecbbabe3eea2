/* safepath.c: symlink-free path walking under a root (see safepath.h). */
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/pathfmt.h"

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

/* openat2(2) with RESOLVE_IN_ROOT; glibc 2.36 has no wrapper. */
static int open_in_root(int rootfd, const char *rel, int flags)
{
    struct open_how how = {.flags = (unsigned)(flags | O_PATH | O_CLOEXEC),
                           .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, rootfd, rel[0] ? rel : ".", &how,
                        sizeof(how));
}

int safepath_beneath(int dirfd, const char *rel, xo_err *err)
{
    struct open_how how = {.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                                      RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
    if (fd < 0)
        return errno == ELOOP || errno == EXDEV
                   ? xo_err_set(err, ELOOP, "%s: a symlink on the way", rel)
                   : xo_err_sys(err, "%s", rel);
    return fd;
}

/* A ".." component at the start of `rest` (a path without a leading
 * slash). */
static bool dotdot_first(const char *rest)
{
    return rest[0] == '.' && rest[1] == '.' && (rest[2] == '/' || !rest[2]);
}

/*
 * Each prefix of the path is resolved in the root by the kernel (existing
 * links followed, absolute ones and ".." stopping at the root); a missing
 * one is made in its resolved parent, unless it is a dangling symlink,
 * whose target then takes its place in the path (securejoin's reading,
 * which runc gives a mount's destination), or a name followed by "..",
 * which cancels it as securejoin cleans it lexically.  The walk then
 * starts again on the new path: a loop, not recursion, since a link's
 * target may hold a thousand "x/.." and PID 1's stack is not to be spent
 * on them.  At most 40 links are followed by hand, as the kernel's
 * ELOOP; a loop among existing links is the kernel's own ELOOP.
 */
int safepath_in_root(int rootfd, const char *path, bool dir, xo_err *err)
{
    char rel[PATH_MAX], next[PATH_MAX];
    int hops = 0;
    while (*path == '/')
        path++;
    if (strlen(path) >= sizeof(rel))
        return xo_err_set(err, ENAMETOOLONG, "/%.64s...: too long", path);
    strcpy(rel, path);
    for (char *end = rel;;) {
        end += strcspn(end, "/");
        bool last = *end == '\0';
        char saved = *end;
        *end = '\0';
        int fd = open_in_root(rootfd, rel, 0);
        if (fd < 0 && errno == ENOENT) {
            char *slash = strrchr(rel, '/');
            const char *name = slash ? slash + 1 : rel;
            int plen = slash ? (int)(slash - rel) : 0;
            if (slash)
                *slash = '\0';
            int pfd = open_in_root(rootfd, slash ? rel : "", O_DIRECTORY);
            if (slash)
                *slash = '/';
            if (pfd < 0) {
                *end = saved;
                return xo_err_sys(err, "/%s", rel);
            }
            /* `next` replaces the path when the name is a dangling link
             * or cancelled by a "..": the parent's path (rel[0..plen)),
             * then the link's target or nothing, then what follows the
             * name. */
            const char *rest = last ? "" : end + 1;
            struct stat st;
            int n = 0, hop = 0;
            if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISLNK(st.st_mode)) {
                char link[PATH_MAX];
                ssize_t ll = readlinkat(pfd, name, link, sizeof(link) - 1);
                hop = 1;
                if (ll < 0) {
                    n = xo_err_sys(err, "/%s: readlink", rel);
                } else if (hops >= 40) {
                    n = xo_err_set(err, ELOOP, "/%s: too many symlinks", rel);
                } else {
                    link[ll] = '\0';
                    /* An absolute target starts again at the root. */
                    n = xo_path_fmt(next, sizeof(next), err, "%.*s/%s%s%s",
                                    link[0] == '/' ? 0 : plen, rel, link,
                                    *rest ? "/" : "", rest);
                }
            } else if (!last && dotdot_first(rest)) {
                n = xo_path_fmt(next, sizeof(next), err, "%.*s/%s", plen, rel,
                                rest + 2);
            }
            if (n != 0) {
                close(pfd);
                *end = saved;
                if (n < 0)
                    return -1;
                hops += hop;
                const char *p = next;
                while (*p == '/')
                    p++;
                memmove(rel, p, strlen(p) + 1);
                end = rel;
                continue;
            }
            int rc;
            if (!last || dir) {
                rc = mkdirat(pfd, name, 0755);
            } else {
                int f = openat(
                    pfd, name,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                rc = f < 0 ? -1 : close(f);
            }
            close(pfd);
            if (rc < 0 && errno != EEXIST) {
                *end = saved;
                return xo_err_sys(err, "/%s: create", rel);
            }
            fd = open_in_root(rootfd, rel, 0);
        }
        *end = saved;
        if (fd < 0)
            return xo_err_sys(err, "/%s", rel);
        if (last) {
            struct stat st;
            if (fstat(fd, &st) < 0 ||
                (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
                close(fd);
                return xo_err_set(err, ENOTDIR, "/%s: not a %s", rel,
                                  dir ? "directory" : "regular file");
            }
            return fd;
        }
        close(fd);
        end++;
    }
}

/* The mount `fd` is on (statx's mount ID), or 0 when it cannot say. */
static uint64_t mount_id(int fd)
{
    struct statx stx;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
        !(stx.stx_mask & STATX_MNT_ID))
        return 0;
    return stx.stx_mnt_id;
}

/* Fills the open file `fd` (closed here) with data, owned by root with
 * `mode`. */
static int fill(int fd, const char *path, const void *data, size_t len,
                mode_t mode, xo_err *err)
{
    int rc = fchown(fd, 0, 0) < 0 || fchmod(fd, mode) < 0
                 ? xo_err_sys(err, "%s: owner and mode", path)
             : xo_write_all(fd, data, len) < 0
                 ? xo_err_sys(err, "%s: write", path)
                 : 0;
    if (close(fd) < 0 && rc == 0)
        rc = xo_err_sys(err, "%s: close", path);
    return rc;
}

/* Writes data into the regular file `pfd` (O_PATH) names, truncated. */
static int write_through(int pfd, const char *path, const void *data,
                         size_t len, mode_t mode, xo_err *err)
{
    char at[64];
    /* cannot truncate: an int in 64 bytes */
    snprintf(at, sizeof(at), "/proc/self/fd/%d", pfd);
    int fd = open(at, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "%s: open", path);
    return fill(fd, path, data, len, mode, err);
}

/* Replaces the entry `path` itself (the image's link) with a new regular
 * file, in its directory as resolved in the root. */
static int replace_entry(int rootfd, uint64_t root_mnt, const char *path,
                         const void *data, size_t len, mode_t mode, xo_err *err)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (!slash || !slash[1] || (size_t)(slash - path) >= sizeof(dir))
        return xo_err_set(err, EINVAL, "%s: not a file path", path);
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    int dfd = safepath_in_root(rootfd, dir[0] ? dir : "/", true, err);
    if (dfd < 0)
        return -1;
    /* A directory on another mount is the operator's (a volume at /etc)
     * when no link leads there, and written as before 485d6a2; one an
     * image's link leads to is not. */
    if (mount_id(dfd) != root_mnt) {
        xo_err e = XO_ERR_INIT;
        int plain = safepath_dir(rootfd, dir[0] ? dir : "/", false, &e);
        xo_err_clear(&e);
        if (plain < 0) {
            close(dfd);
            return xo_err_set(
                err, EXDEV,
                "%s: the image's links lead out of the container's root file system (to a volume or share): not written",
                path);
        }
        close(plain);
    }
    if (unlinkat(dfd, slash + 1, 0) < 0 && errno != ENOENT) {
        xo_err_sys(err, "%s: remove the image's link", path);
        close(dfd);
        return -1;
    }
    int fd = openat(dfd, slash + 1,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    close(dfd);
    if (fd < 0)
        return xo_err_sys(err, "%s: create", path);
    return fill(fd, path, data, len, mode, err);
}

/*
 * The file is resolved as runc resolves the destination of Docker's and
 * CRI's binds of these files, and written in place when it is on the
 * root's own file system (the container's writable layer): the image's
 * links stay, and what the container reads through them is ours.  Owner
 * and mode are set again, as a bind shows the runtime's file and not the
 * image's.  The fd reopened through /proc is the file resolved, not a
 * path walked again.  A target on another mount that is not a tmpfs (a
 * block volume, a share, /dev) is never written: runc binds over it,
 * leaving it as it is, and writing it as root would let an image's link
 * empty, chown and chmod a file of an operator's volume or of the host
 * behind a share (helper-116).  The link itself is replaced by the file
 * then, as before 485d6a2.
 */
int safepath_write(int rootfd, const char *path, const void *data, size_t len,
                   mode_t mode, xo_err *err)
{
    const char *rel = path;
    while (*rel == '/')
        rel++;
    int was = open_in_root(rootfd, rel, 0);
    if (was >= 0)
        close(was);
    int pfd = safepath_in_root(rootfd, path, false, err);
    if (pfd < 0)
        return strstr(xo_err_msg(err), path) ? -1
                                             : xo_err_wrap(err, "%s", path);
    uint64_t root_mnt = mount_id(rootfd);
    /* The container's own: its root's writable layer, or a tmpfs (a tmpfs
     * volume, a bind's copy), which holds nothing from outside the
     * domain. */
    struct statfs fs;
    bool own = (root_mnt != 0 && mount_id(pfd) == root_mnt) ||
               (fstatfs(pfd, &fs) == 0 && fs.f_type == TMPFS_MAGIC);
    if (!own && was < 0) {
        /* The dangling link's target safepath_in_root() just made on
         * another mount goes again: nothing is left there.  The loader is
         * alone in the domain here, so the path is still that file. */
        char at[64], real[PATH_MAX];
        /* cannot truncate: an int in 64 bytes */
        snprintf(at, sizeof(at), "/proc/self/fd/%d", pfd);
        ssize_t n = readlink(at, real, sizeof(real) - 1);
        if (n > 0) {
            real[n] = '\0';
            unlink(real);
        }
    }
    int rc = own ? write_through(pfd, path, data, len, mode, err)
                 : replace_entry(rootfd, root_mnt, path, data, len, mode, err);
    close(pfd);
    return rc;
}

int safepath_dir_mode(int rootfd, const char *path, unsigned *mode_r)
{
    while (*path == '/')
        path++;
    int fd = open_in_root(rootfd, path, 0);
    if (fd < 0)
        return -1;
    struct stat st;
    int rc = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
    close(fd);
    if (rc == 0)
        *mode_r = st.st_mode & 07777;
    return rc;
}

int safepath_chmod(int rootfd, const char *path, unsigned mode)
{
    char at[64];
    while (*path == '/')
        path++;
    int fd = open_in_root(rootfd, path, 0);
    if (fd < 0)
        return -1;
    /* cannot truncate: an int in 64 bytes; chmod follows the O_PATH fd */
    snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
    int rc = chmod(at, (mode_t)mode);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}
