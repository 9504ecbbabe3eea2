/* unpack_obj.c: making the objects a layer entry names, with their
 * metadata (see unpack_int.h). */
#include "unpack_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/alloc.h"
#include "fsat.h"
#include "image/layer_xattr.h"
#include "layerpath.h"
#include "unpack_lib.h"

#include "common/pathfmt.h"

/* A time as the root volume keeps it, whichever scratch tree it passed
 * through: ext4 (the on-disk scratch) ends in 2446 and mkfs.erofs takes a
 * time before 1970 for one after its build time (an unsigned compare), so
 * times are held to 1970..2446, the same on tmpfs and on disk. */
#define UNPACK_TIME_MAX INT64_C(15032385535)

int64_t unpack_entry_time(int64_t t)
{
    return t < 0 ? 0 : t > UNPACK_TIME_MAX ? UNPACK_TIME_MAX : t;
}

static void entry_times(struct archive_entry *ae, struct timespec ts[2])
{
    ts[1].tv_sec = (time_t)unpack_entry_time(unpack_la.entry_mtime(ae));
    ts[1].tv_nsec = unpack_la.entry_mtime_nsec(ae);
    if (unpack_la.entry_atime_is_set(ae)) {
        ts[0].tv_sec = (time_t)unpack_entry_time(unpack_la.entry_atime(ae));
        ts[0].tv_nsec = unpack_la.entry_atime_nsec(ae);
    } else {
        ts[0] = ts[1];
    }
    /* A nanosecond part out of range would fail utimensat (EINVAL). */
    for (int i = 0; i < 2; i++)
        if (ts[i].tv_nsec < 0 || ts[i].tv_nsec > 999999999)
            ts[i].tv_nsec = 0;
}

/* Errors from setting xattrs a file system or an unprivileged user cannot
 * hold are not worth failing a rootless unpack for. */
static bool xattr_ignorable(const struct unpack_ctx *c, int e)
{
    return !c->as_root && (e == EPERM || e == ENOTSUP);
}

/* Counts an xattr of the layer that is not kept (layer_xattr.h); the first
 * is named in the pull's warning. */
static void xattr_dropped(struct unpack_ctx *c, const struct entry *en,
                          const char *name)
{
    if (!c->xattrs_dropped++) {
        /* may truncate: names for a warning */
        snprintf(c->dropped_name, sizeof(c->dropped_name), "%s", name);
        /* may truncate: names for a warning */
        snprintf(c->dropped_entry, sizeof(c->dropped_entry), "%s", en->raw);
    }
}

/* True when the entry records xattr `name` and it is kept. */
static bool entry_keeps(struct archive_entry *ae, const char *name)
{
    const char *n;
    const void *v;
    size_t sz;
    unpack_la.entry_xattr_reset(ae);
    while (unpack_la.entry_xattr_next(ae, &n, &v, &sz) == ARCHIVE_OK)
        if (strcmp(n, name) == 0)
            return layer_xattr_rule(n) == LAYER_XATTR_KEEP;
    return false;
}

/*
 * The entry's xattrs on the object, open as fd (>= 0) or else by `path`
 * (a /proc/self/fd path, never followed), and no others: an entry is its
 * path's whole new state, so a lower layer's xattrs on a directory it
 * redefines go, and so do ACLs the object inherited from its parent's
 * default ACL while being made (umoci clears them too).
 */
static int apply_xattrs(struct unpack_ctx *c, const struct entry *en, int fd,
                        const char *path, xo_err *err)
{
    struct archive_entry *ae = en->ae;
    const char *name;
    const void *val;
    size_t size;
    const char *last_dropped = "";
    unpack_la.entry_xattr_reset(ae);
    while (unpack_la.entry_xattr_next(ae, &name, &val, &size) == ARCHIVE_OK) {
        if (layer_xattr_rule(name) != LAYER_XATTR_KEEP) {
            /* pax carries one xattr twice (SCHILY. and LIBARCHIVE.), in a
             * row: counted once. */
            if (strcmp(name, last_dropped) != 0)
                xattr_dropped(c, en, name);
            last_dropped = name;
            continue;
        }
        int r = fd >= 0 ? fsetxattr(fd, name, val, size, 0)
                        : lsetxattr(path, name, val, size, 0);
        if (r == 0)
            c->xattrs++;
        else if (layer_xattr_foreign_error(name, errno) ||
                 (fd < 0 && errno == EPERM && !strncmp(name, "user.", 5)))
            /* The kernel keeps user.* off symlinks and special files. */
            xattr_dropped(c, en, name);
        else if (errno == ENOSPC)
            /* An ext4 scratch tree (large layers, or unprivileged) holds
             * about 4 KiB of one file's xattrs; a tmpfs one 64 KiB. */
            return xo_err_sys(
                err,
                "%s: entry \"%s\": cannot set xattr %s (%zu bytes; the scratch tree's file system holds no more on one file)",
                en->what, en->raw, name, size);
        else if (!xattr_ignorable(c, errno))
            return xo_err_sys(err, "%s: entry \"%s\": cannot set xattr %s",
                              en->what, en->raw, name);
    }
    /* The names the object has (XATTR_LIST_MAX bytes at most). */
    static char names[65536];
    ssize_t len = fd >= 0 ? flistxattr(fd, names, sizeof(names))
                          : llistxattr(path, names, sizeof(names));
    if (len < 0) /* no xattrs here (ENOTSUP): nothing to clear */
        return 0;
    for (ssize_t i = 0; i < len; i += (ssize_t)strlen(names + i) + 1) {
        const char *n = names + i;
        if (entry_keeps(ae, n))
            continue;
        int r = fd >= 0 ? fremovexattr(fd, n) : lremovexattr(path, n);
        if (r == 0 || errno == ENODATA)
            continue;
        /* A label the host's security module keeps on every file is not
         * ours to remove; an unprivileged unpack cannot remove trusted.* */
        if (strncmp(n, "security.", 9) == 0 || xattr_ignorable(c, errno))
            continue;
        return xo_err_sys(err, "%s: entry \"%s\": cannot remove xattr %s",
                          en->what, en->raw, n);
    }
    return 0;
}

/*
 * The entry's permission bits.  With a POSIX access ACL recorded as pax
 * SCHILY.acl.access (GNU tar --acls), libarchive takes the group bits from
 * its group:: entry; the file's mode had the mask's there (POSIX.1e), as
 * the header says and umoci keeps.
 */
static mode_t entry_mode(struct archive_entry *ae)
{
    mode_t perm = unpack_la.entry_perm(ae) & 07777;
    int type, permset, tag, qual;
    const char *name;
    if (unpack_la.entry_acl_reset(ae, ARCHIVE_ENTRY_ACL_TYPE_ACCESS) <= 0)
        return perm;
    while (unpack_la.entry_acl_next(ae, ARCHIVE_ENTRY_ACL_TYPE_ACCESS, &type,
                                    &permset, &tag, &qual, &name) == ARCHIVE_OK)
        if (tag == ARCHIVE_ENTRY_ACL_MASK)
            perm = (perm & ~(mode_t)070) | (mode_t)((permset & 7) << 3);
    return perm;
}

/* Owner, mode, xattrs, times of an object open as fd.  chown comes first
 * because it clears set-id bits and file capabilities. */
int unpack_meta_fd(struct unpack_ctx *c, const struct entry *en, int fd,
                   bool is_dir, xo_err *err)
{
    struct archive_entry *ae = en->ae;
    if (c->as_root && fchown(fd, (uid_t)unpack_la.entry_uid(ae),
                             (gid_t)unpack_la.entry_gid(ae)) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot chown", en->what,
                          en->raw);
    if (fchmod(fd, entry_mode(ae)) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot chmod", en->what,
                          en->raw);
    if (apply_xattrs(c, en, fd, NULL, err) < 0)
        return -1;
    if (is_dir)
        return 0;
    struct timespec ts[2];
    entry_times(ae, ts);
    if (futimens(fd, ts) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot set times", en->what,
                          en->raw);
    return 0;
}

/* The same for objects that cannot be opened for writing (symlinks,
 * devices, fifos): by name under their parent, never following. */
static int meta_at(struct unpack_ctx *c, const struct entry *en, int pfd,
                   const char *base, bool is_link, xo_err *err)
{
    struct archive_entry *ae = en->ae;
    if (c->as_root &&
        fchownat(pfd, base, (uid_t)unpack_la.entry_uid(ae),
                 (gid_t)unpack_la.entry_gid(ae), AT_SYMLINK_NOFOLLOW) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot chown", en->what,
                          en->raw);
    if (!is_link && fchmodat(pfd, base, entry_mode(ae), 0) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot chmod", en->what,
                          en->raw);
    char proc[64 + NAME_MAX];
    if (xo_path_fmt(proc, sizeof(proc), err, "/proc/self/fd/%d/%s", pfd, base) <
        0)
        return xo_err_wrap(err, "%s: entry \"%s\"", en->what, en->raw);
    if (apply_xattrs(c, en, -1, proc, err) < 0)
        return -1;
    struct timespec ts[2];
    entry_times(ae, ts);
    if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot set times", en->what,
                          en->raw);
    return 0;
}

/* True when the data stream ended right after the last complete entry, the
 * way umoci insert 0.4.7 writes layers (no padding, no footer). */
static bool footerless_end(struct archive *a)
{
    const char *m = unpack_la.error_string(a);
    return m && strstr(m, "Truncated input file") != NULL;
}

int unpack_write_file(struct unpack_ctx *c, const struct entry *en,
                      struct archive *a, int pfd, const char *base, bool *ended,
                      xo_err *err)
{
    int64_t size =
        unpack_la.entry_size_is_set(en->ae) ? unpack_la.entry_size(en->ae) : 0;
    if (size < 0 || (uint64_t)size > c->o.max_bytes - c->bytes)
        return xo_err_set(
            err, EFBIG,
            "%s: entry \"%s\" declares %lld bytes: the image would exceed the limit of %llu bytes",
            en->what, en->raw, (long long)size,
            (unsigned long long)c->o.max_bytes);
    c->bytes += (uint64_t)size;
    int fd = openat(pfd, base,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot create", en->what,
                          en->raw);
    int rc = 0;
    int64_t end = 0;
    for (;;) {
        const void *buf;
        size_t len;
        la_int64_t off;
        int r = unpack_la.read_data_block(a, &buf, &len, &off);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            if (end == size && footerless_end(a)) {
                *ended = true;
                break;
            }
            rc = xo_err_set(err, EIO, "%s: entry \"%s\": %s", en->what, en->raw,
                            unpack_la.error_string(a));
            break;
        }
        if (off < 0 || (uint64_t)off > (uint64_t)size ||
            len > (uint64_t)(size - off)) {
            rc = xo_err_set(err, EFBIG,
                            "%s: entry \"%s\": data beyond its declared size",
                            en->what, en->raw);
            break;
        }
        const char *p = buf;
        size_t left = len;
        while (left > 0) {
            ssize_t w = pwrite(fd, p, left, off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = xo_err_sys(err, "%s: entry \"%s\": cannot write", en->what,
                                en->raw);
                break;
            }
            p += w;
            off += w;
            left -= (size_t)w;
        }
        if (rc < 0)
            break;
        if (off > end)
            end = off;
    }
    /* Only a file ending in a hole is short of its size (a system call
     * per file is dear; most files end in data). */
    if (rc == 0 && end != size && ftruncate(fd, size) < 0)
        rc = xo_err_sys(err, "%s: entry \"%s\": cannot set size", en->what,
                        en->raw);
    if (rc == 0)
        rc = unpack_meta_fd(c, en, fd, false, err);
    close(fd);
    return rc;
}

void unpack_record_dir_time(struct unpack_ctx *c, const struct entry *en)
{
    if (c->n_dirs == c->cap_dirs) {
        c->cap_dirs = c->cap_dirs ? c->cap_dirs * 2 : 256;
        c->dirs = xo_xreallocarray(c->dirs, c->cap_dirs, sizeof(*c->dirs));
    }
    struct dir_time *d = &c->dirs[c->n_dirs++];
    d->path = xo_xstrdup(en->path);
    entry_times(en->ae, d->ts);
}

int unpack_make_dir(struct unpack_ctx *c, const struct entry *en, int pfd,
                    const char *base, xo_err *err)
{
    if (mkdirat(pfd, base, 0700) < 0 && errno != EEXIST)
        return xo_err_sys(err, "%s: entry \"%s\": cannot create directory",
                          en->what, en->raw);
    int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot open directory",
                          en->what, en->raw);
    int rc = unpack_meta_fd(c, en, fd, true, err);
    close(fd);
    if (rc == 0)
        unpack_record_dir_time(c, en);
    return rc;
}

int unpack_make_hardlink(struct unpack_ctx *c, const struct entry *en, int pfd,
                         const char *base, xo_err *err)
{
    const char *raw = unpack_la.entry_hardlink(en->ae);
    char target[LAYERPATH_MAX_LEN + 1];
    if (layerpath_normalize(target, raw, err) < 0)
        return xo_err_wrap(err, "%s: hardlink \"%s\" target", en->what,
                           en->raw);
    if (!*target)
        return xo_err_set(err, EPERM,
                          "%s: hardlink \"%s\" to the rootfs itself", en->what,
                          en->raw);
    /* The target's parents resolve in the rootfs; its last component is
     * linked itself, never followed (a hardlink to a symlink links the
     * symlink, as tar does). */
    const char *tparent, *tbase;
    layerpath_split(target, &tparent, &tbase);
    int tfd = fsat_dir_in_root(c->rootfd, tparent, false);
    if (tfd < 0)
        return xo_err_sys(err, "%s: hardlink \"%s\": target \"%s\"", en->what,
                          en->raw, raw);
    struct stat st;
    int rc = 0;
    if (fstatat(tfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
        rc = xo_err_sys(err, "%s: hardlink \"%s\": target \"%s\"", en->what,
                        en->raw, raw);
    else if (S_ISDIR(st.st_mode))
        rc = xo_err_set(err, EPERM,
                        "%s: hardlink \"%s\": target \"%s\" is a directory",
                        en->what, en->raw, raw);
    else if (linkat(tfd, tbase, pfd, base, 0) < 0)
        rc = xo_err_sys(err, "%s: hardlink \"%s\" to \"%s\"", en->what, en->raw,
                        raw);
    close(tfd);
    return rc;
}

int unpack_make_node(struct unpack_ctx *c, const struct entry *en, int pfd,
                     const char *base, mode_t type, xo_err *err)
{
    if (type != AE_IFIFO && !c->o.allow_devices)
        return xo_err_set(
            err, EPERM,
            "%s: entry \"%s\": device node refused (allow it with --allow-devices)",
            en->what, en->raw);
    if (type != AE_IFIFO && !c->as_root)
        return xo_err_set(err, EPERM,
                          "%s: entry \"%s\": creating a device node needs root",
                          en->what, en->raw);
    dev_t dev = type == AE_IFIFO ? 0 : unpack_la.entry_rdev(en->ae);
    if (mknodat(pfd, base, type | 0600, dev) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot create node", en->what,
                          en->raw);
    return meta_at(c, en, pfd, base, false, err);
}

int unpack_make_symlink(struct unpack_ctx *c, const struct entry *en, int pfd,
                        const char *base, xo_err *err)
{
    const char *target = unpack_la.entry_symlink(en->ae);
    if (!target || !*target || strlen(target) > LAYERPATH_MAX_LEN)
        return xo_err_set(err, EINVAL,
                          "%s: symlink \"%s\": empty or oversized target",
                          en->what, en->raw);
    /* The target is stored as given: nothing here ever follows it. */
    if (symlinkat(target, pfd, base) < 0)
        return xo_err_sys(err, "%s: symlink \"%s\"", en->what, en->raw);
    return meta_at(c, en, pfd, base, true, err);
}
