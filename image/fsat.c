/* fsat.c: chroot-semantics path resolution and removal (see fsat.h). */
#include "fsat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/alloc.h"
#include "layerpath.h"

static int remove_children(int dfd, int depth);

static bool use_openat2 = true;

void fsat_set_use_openat2(bool use)
{
    use_openat2 = use;
}

/* openat2 in the root; -1 with errno ENOSYS when not to be used. */
static int open_in_root_kernel(int rootfd, const char *path, int oflags)
{
    if (!use_openat2) {
        errno = ENOSYS;
        return -1;
    }
    struct open_how how = {
        .flags = (uint64_t)(oflags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    /* RESOLVE_IN_ROOT may fail with EAGAIN when a rename races a ".."
     * lookup; nothing renames in our trees, but retry a few times. */
    for (int i = 0;; i++) {
        int fd = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how,
                              sizeof(how));
        /* Seccomp profiles that predate openat2 answer EPERM: fall back
         * as for a kernel without it (a real EPERM recurs in the walk). */
        if (fd < 0 && errno == EPERM)
            errno = ENOSYS;
        if (fd >= 0 || errno != EAGAIN || i == 8)
            return fd;
    }
}

/*
 * The walker: resolves `path` one component at a time from rootfd, as the
 * kernel does for RESOLVE_IN_ROOT.  `cur` is the directory reached and
 * `depth` how far below the root it is, so ".." at depth 0 stays at the
 * root.  A symlink's target is spliced in front of what is left of the
 * path; an absolute one restarts at the root.  Each object is opened with
 * O_NOFOLLOW after lstat said what it is, so nothing is followed except
 * by this code.  Missing directories are made when `create`; the last
 * component is opened with `oflags`.
 */
static int walk(int rootfd, const char *path, bool create, int oflags)
{
    /* Room for the path and what symlinks splice in (each <= PATH_MAX). */
    size_t cap = 2 * PATH_MAX + 2;
    char *buf = xo_xmalloc(cap), *tmp = xo_xmalloc(cap);
    int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
    int fd = -1, hops = 0, saved = 0;
    size_t depth = 0;
    if (cur < 0) {
        saved = errno;
        goto out;
    }
    if (strlen(path) >= cap) {
        saved = ENAMETOOLONG;
        goto out;
    }
    strcpy(buf, path);
    char *p = buf;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p) { /* the path named the directory reached */
            fd = openat(cur, ".", oflags | O_CLOEXEC);
            saved = errno;
            break;
        }
        char *end = strchrnul(p, '/');
        char *next = end + strspn(end, "/");
        bool last = *next == '\0';
        size_t clen = (size_t)(end - p);
        if (clen > NAME_MAX) {
            saved = ENAMETOOLONG;
            break;
        }
        char name[NAME_MAX + 1];
        memcpy(name, p, clen);
        name[clen] = '\0';
        p = next;
        if (!strcmp(name, "."))
            continue;
        if (!strcmp(name, "..")) {
            if (depth == 0)
                continue;
            int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (up < 0) {
                saved = errno;
                break;
            }
            close(cur);
            cur = up;
            depth--;
            continue;
        }
        struct stat st;
        if (fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT || !create) {
                saved = errno;
                break;
            }
            if (mkdirat(cur, name, 0755) < 0 && errno != EEXIST) {
                saved = errno;
                break;
            }
            st.st_mode = S_IFDIR;
        }
        if (S_ISLNK(st.st_mode)) {
            if (++hops > FSAT_MAX_SYMLINKS) {
                saved = ELOOP;
                break;
            }
            ssize_t n = readlinkat(cur, name, tmp, PATH_MAX);
            if (n < 0 || n >= PATH_MAX) {
                saved = n < 0 ? errno : ENAMETOOLONG;
                break;
            }
            size_t rest = strlen(p);
            if ((size_t)n + 1 + rest + 1 > cap) {
                saved = ENAMETOOLONG;
                break;
            }
            tmp[n] = '/';
            memcpy(tmp + n + 1, p, rest + 1);
            memcpy(buf, tmp, (size_t)n + 1 + rest + 1);
            p = buf;
            if (tmp[0] == '/') {
                close(cur);
                cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
                depth = 0;
                if (cur < 0) {
                    saved = errno;
                    break;
                }
            }
            continue;
        }
        if (last) {
            fd = openat(cur, name, oflags | O_NOFOLLOW | O_CLOEXEC);
            saved = errno;
            break;
        }
        int nfd =
            openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0) {
            saved = errno;
            break;
        }
        close(cur);
        cur = nfd;
        depth++;
    }
out:
    if (cur >= 0)
        close(cur);
    free(buf);
    free(tmp);
    if (fd < 0)
        errno = saved;
    return fd;
}

int fsat_dir_in_root(int rootfd, const char *path, bool create)
{
    int oflags = O_RDONLY | O_DIRECTORY;
    int fd = open_in_root_kernel(rootfd, path, oflags);
    if (fd >= 0 || (errno != ENOSYS && !(errno == ENOENT && create)))
        return fd;
    return walk(rootfd, path, create, oflags);
}

int fsat_open_in_root(int rootfd, const char *path, int oflags)
{
    int fd = open_in_root_kernel(rootfd, path, oflags);
    if (fd >= 0 || errno != ENOSYS)
        return fd;
    return walk(rootfd, path, false, oflags);
}

bool fsat_dir_is_within(int dirfd, int ancestorfd, int max_up)
{
    struct stat a, st;
    if (fstat(ancestorfd, &a) < 0)
        return false;
    int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    bool within = false;
    for (int i = 0; cur >= 0 && i <= max_up; i++) {
        if (fstat(cur, &st) < 0)
            break;
        if (st.st_dev == a.st_dev && st.st_ino == a.st_ino) {
            within = true;
            break;
        }
        int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat ust;
        /* "/" is its own parent: the top was passed without a match. */
        bool top = up >= 0 && fstat(up, &ust) == 0 && ust.st_dev == st.st_dev &&
                   ust.st_ino == st.st_ino;
        close(cur);
        cur = top ? -1 : up;
        if (top)
            close(up);
    }
    if (cur >= 0)
        close(cur);
    return within;
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

/* Sets the times of every directory below dfd, then dfd's own (setting
 * a child's times changes only the child).  Closes dfd. */
static int dir_times(int dfd, const struct timespec ts[2], int depth)
{
    if (depth >= LAYERPATH_MAX_DEPTH * 2) {
        close(dfd);
        errno = ELOOP;
        return -1;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
            continue;
        int cfd = openat(dirfd(d), e->d_name,
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (cfd < 0 && (errno == ENOTDIR || errno == ELOOP))
            continue; /* DT_UNKNOWN, and not a directory */
        rc = cfd < 0 ? -1 : dir_times(cfd, ts, depth + 1);
    }
    if (rc == 0)
        rc = futimens(dirfd(d), ts);
    int saved = errno;
    closedir(d);
    errno = saved;
    return rc;
}

int fsat_set_dir_times(int dirfd, const struct timespec ts[2])
{
    int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    return dir_times(fd, ts, 0);
}

int fsat_remove_path(const char *path, xo_err *err)
{
    char *copy = xo_xstrdup(path);
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
