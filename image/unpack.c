/* unpack.c: safe OCI layer application with libarchive (see unpack.h). */
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fsat.h"
#include "inoset.h"
#include "layerpath.h"
#include "whiteout.h"

#define UNPACK_READ_BLOCK (128 * 1024)

struct dir_time {
    char *path;
    struct timespec ts[2];
};

struct unpack_ctx {
    char *dir;
    int rootfd;
    struct unpack_opts o;
    bool as_root; /* may chown and create device nodes */
    uint64_t entries;
    uint64_t bytes;
    uint64_t skipped_devices;
    struct inoset made; /* objects the current layer has made */
    int64_t newest;     /* latest entry mtime seen, seconds */
    struct dir_time *dirs;
    size_t n_dirs, cap_dirs;
};

/* What one entry is being applied as; names it in every error. */
struct entry {
    const char *what; /* the layer */
    const char *raw;  /* the name as written in the tarball */
    char path[LAYERPATH_MAX_LEN + 1];
    struct archive_entry *ae;
};

int unpack_begin(struct unpack_ctx **ctx_r, const char *dir,
                 const struct unpack_opts *opts, xo_err *err)
{
    struct unpack_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return xo_err_set(err, ENOMEM, "unpack %s: out of memory", dir);
    c->rootfd = -1;
    if (opts)
        c->o = *opts;
    if (!c->o.max_entries)
        c->o.max_entries = UNPACK_DEFAULT_MAX_ENTRIES;
    if (!c->o.max_bytes)
        c->o.max_bytes = UNPACK_DEFAULT_MAX_BYTES;
    c->as_root = geteuid() == 0;
    c->dir = strdup(dir);
    c->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!c->dir || c->rootfd < 0) {
        int rc = xo_err_sys(err, "cannot open rootfs directory %s", dir);
        unpack_free(c);
        return rc;
    }
    /* The rootfs "/" is 0755 root:root unless a layer's "./" entry says
     * otherwise; the scratch directory's own 0700 must not leak into the
     * image. */
    if (fchmod(c->rootfd, 0755) < 0 ||
        (c->as_root && fchown(c->rootfd, 0, 0) < 0)) {
        int rc = xo_err_sys(err, "cannot set the owner and mode of %s", dir);
        unpack_free(c);
        return rc;
    }
    *ctx_r = c;
    return 0;
}

void unpack_free(struct unpack_ctx *c)
{
    if (!c)
        return;
    if (c->rootfd >= 0)
        close(c->rootfd);
    inoset_clear(&c->made);
    for (size_t i = 0; i < c->n_dirs; i++)
        free(c->dirs[i].path);
    free(c->dirs);
    free(c->dir);
    free(c);
}

uint64_t unpack_entries(const struct unpack_ctx *c)
{
    return c->entries;
}

uint64_t unpack_bytes(const struct unpack_ctx *c)
{
    return c->bytes;
}

uint64_t unpack_skipped_devices(const struct unpack_ctx *c)
{
    return c->skipped_devices;
}

int64_t unpack_newest_mtime(const struct unpack_ctx *c)
{
    return c->newest;
}

static void entry_times(struct archive_entry *ae, struct timespec ts[2])
{
    ts[1].tv_sec = archive_entry_mtime(ae);
    ts[1].tv_nsec = archive_entry_mtime_nsec(ae);
    if (archive_entry_atime_is_set(ae)) {
        ts[0].tv_sec = archive_entry_atime(ae);
        ts[0].tv_nsec = archive_entry_atime_nsec(ae);
    } else {
        ts[0] = ts[1];
    }
}

/* Errors from setting xattrs a file system or an unprivileged user cannot
 * hold are not worth failing a rootless unpack for. */
static bool xattr_ignorable(const struct unpack_ctx *c, int e)
{
    return !c->as_root && (e == EPERM || e == ENOTSUP);
}

/* Owner, mode, xattrs, times of an object open as fd.  chown comes first
 * because it clears set-id bits and file capabilities. */
static int meta_fd(struct unpack_ctx *c, const struct entry *en, int fd,
                   bool is_dir, xo_err *err)
{
    struct archive_entry *ae = en->ae;
    if (c->as_root && fchown(fd, (uid_t)archive_entry_uid(ae),
                             (gid_t)archive_entry_gid(ae)) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot chown", en->what,
                          en->raw);
    if (fchmod(fd, archive_entry_perm(ae) & 07777) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot chmod", en->what,
                          en->raw);
    const char *name;
    const void *val;
    size_t size;
    archive_entry_xattr_reset(ae);
    while (archive_entry_xattr_next(ae, &name, &val, &size) == ARCHIVE_OK) {
        if (fsetxattr(fd, name, val, size, 0) < 0 && !xattr_ignorable(c, errno))
            return xo_err_sys(err, "%s: entry \"%s\": cannot set xattr %s",
                              en->what, en->raw, name);
    }
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
        fchownat(pfd, base, (uid_t)archive_entry_uid(ae),
                 (gid_t)archive_entry_gid(ae), AT_SYMLINK_NOFOLLOW) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot chown", en->what,
                          en->raw);
    if (!is_link && fchmodat(pfd, base, archive_entry_perm(ae) & 07777, 0) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot chmod", en->what,
                          en->raw);
    const char *name;
    const void *val;
    size_t size;
    char proc[64 + NAME_MAX];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", pfd, base);
    archive_entry_xattr_reset(ae);
    while (archive_entry_xattr_next(ae, &name, &val, &size) == ARCHIVE_OK) {
        if (lsetxattr(proc, name, val, size, 0) < 0 &&
            !xattr_ignorable(c, errno))
            return xo_err_sys(err, "%s: entry \"%s\": cannot set xattr %s",
                              en->what, en->raw, name);
    }
    struct timespec ts[2];
    entry_times(ae, ts);
    if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot set times", en->what,
                          en->raw);
    return 0;
}

static int parent_err(const struct entry *en, const char *parent, xo_err *err)
{
    if (errno == ENOTDIR)
        return xo_err_set(err, ENOTDIR,
                          "%s: entry \"%s\": parent \"%s\" is "
                          "not a directory",
                          en->what, en->raw, parent);
    return xo_err_sys(err, "%s: entry \"%s\": cannot open parent \"%s\"",
                      en->what, en->raw, parent);
}

/* True when the data stream ended right after the last complete entry, the
 * way umoci insert 0.4.7 writes layers (no padding, no footer). */
static bool footerless_end(struct archive *a)
{
    const char *m = archive_error_string(a);
    return m && strstr(m, "Truncated input file") != NULL;
}

static int write_file(struct unpack_ctx *c, const struct entry *en,
                      struct archive *a, int pfd, const char *base, bool *ended,
                      xo_err *err)
{
    int64_t size =
        archive_entry_size_is_set(en->ae) ? archive_entry_size(en->ae) : 0;
    if (size < 0 || (uint64_t)size > c->o.max_bytes - c->bytes)
        return xo_err_set(err, EFBIG,
                          "%s: entry \"%s\" declares %lld bytes: "
                          "the image would exceed the limit of %llu bytes",
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
        int r = archive_read_data_block(a, &buf, &len, &off);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            if (end == size && footerless_end(a)) {
                *ended = true;
                break;
            }
            rc = xo_err_set(err, EIO, "%s: entry \"%s\": %s", en->what, en->raw,
                            archive_error_string(a));
            break;
        }
        if (off < 0 || (uint64_t)off > (uint64_t)size ||
            len > (uint64_t)(size - off)) {
            rc = xo_err_set(err, EFBIG,
                            "%s: entry \"%s\": data beyond its "
                            "declared size",
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
    if (rc == 0 && ftruncate(fd, size) < 0)
        rc = xo_err_sys(err, "%s: entry \"%s\": cannot set size", en->what,
                        en->raw);
    if (rc == 0)
        rc = meta_fd(c, en, fd, false, err);
    close(fd);
    return rc;
}

static int record_dir_time(struct unpack_ctx *c, const struct entry *en,
                           xo_err *err)
{
    if (c->n_dirs == c->cap_dirs) {
        size_t ncap = c->cap_dirs ? c->cap_dirs * 2 : 256;
        struct dir_time *nd = realloc(c->dirs, ncap * sizeof(*nd));
        if (!nd)
            return xo_err_set(err, ENOMEM, "%s: out of memory", en->what);
        c->dirs = nd;
        c->cap_dirs = ncap;
    }
    struct dir_time *d = &c->dirs[c->n_dirs];
    d->path = strdup(en->path);
    if (!d->path)
        return xo_err_set(err, ENOMEM, "%s: out of memory", en->what);
    entry_times(en->ae, d->ts);
    c->n_dirs++;
    return 0;
}

static int make_dir(struct unpack_ctx *c, const struct entry *en, int pfd,
                    const char *base, xo_err *err)
{
    if (mkdirat(pfd, base, 0700) < 0 && errno != EEXIST)
        return xo_err_sys(err, "%s: entry \"%s\": cannot create directory",
                          en->what, en->raw);
    int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot open directory",
                          en->what, en->raw);
    int rc = meta_fd(c, en, fd, true, err);
    close(fd);
    if (rc == 0)
        rc = record_dir_time(c, en, err);
    return rc;
}

static int make_hardlink(struct unpack_ctx *c, const struct entry *en, int pfd,
                         const char *base, xo_err *err)
{
    const char *raw = archive_entry_hardlink(en->ae);
    char target[LAYERPATH_MAX_LEN + 1];
    if (layerpath_normalize(target, raw, err) < 0)
        return xo_err_wrap(err, "%s: hardlink \"%s\" target", en->what,
                           en->raw);
    if (!*target)
        return xo_err_set(err, EPERM,
                          "%s: hardlink \"%s\" to the rootfs "
                          "itself",
                          en->what, en->raw);
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
                        "%s: hardlink \"%s\": target \"%s\" is "
                        "a directory",
                        en->what, en->raw, raw);
    else if (linkat(tfd, tbase, pfd, base, 0) < 0)
        rc = xo_err_sys(err, "%s: hardlink \"%s\" to \"%s\"", en->what, en->raw,
                        raw);
    close(tfd);
    return rc;
}

static int make_node(struct unpack_ctx *c, const struct entry *en, int pfd,
                     const char *base, mode_t type, xo_err *err)
{
    if (type != AE_IFIFO && !c->o.allow_devices)
        return xo_err_set(err, EPERM,
                          "%s: entry \"%s\": device node "
                          "refused (allow it with --allow-devices)",
                          en->what, en->raw);
    if (type != AE_IFIFO && !c->as_root)
        return xo_err_set(err, EPERM,
                          "%s: entry \"%s\": creating a device "
                          "node needs root",
                          en->what, en->raw);
    dev_t dev = type == AE_IFIFO ? 0 : archive_entry_rdev(en->ae);
    if (mknodat(pfd, base, type | 0600, dev) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot create node", en->what,
                          en->raw);
    return meta_at(c, en, pfd, base, false, err);
}

static int make_symlink(struct unpack_ctx *c, const struct entry *en, int pfd,
                        const char *base, xo_err *err)
{
    const char *target = archive_entry_symlink(en->ae);
    if (!target || !*target || strlen(target) > LAYERPATH_MAX_LEN)
        return xo_err_set(err, EINVAL,
                          "%s: symlink \"%s\": empty or "
                          "oversized target",
                          en->what, en->raw);
    /* The target is stored as given: nothing here ever follows it. */
    if (symlinkat(target, pfd, base) < 0)
        return xo_err_sys(err, "%s: symlink \"%s\"", en->what, en->raw);
    return meta_at(c, en, pfd, base, true, err);
}

/* The rootfs directory's own entry ("./"): metadata only. */
static int apply_root(struct unpack_ctx *c, struct entry *en, xo_err *err)
{
    if (archive_entry_filetype(en->ae) != AE_IFDIR ||
        archive_entry_hardlink(en->ae))
        return xo_err_set(err, EPERM,
                          "%s: entry \"%s\" names the rootfs "
                          "itself but is not a directory",
                          en->what, en->raw);
    struct stat st;
    int rc = meta_fd(c, en, c->rootfd, true, err);
    if (rc == 0)
        rc = record_dir_time(c, en, err);
    if (rc == 0 && (fstat(c->rootfd, &st) < 0 || inoset_add(&c->made, &st) < 0))
        rc = xo_err_sys(err, "%s: entry \"%s\"", en->what, en->raw);
    return rc;
}

/* True when the directory pfd is the rootfs's /dev or below it (chroot
 * semantics: where "/dev" resolves), where the loader and runc mount a
 * /dev of their own over whatever the image holds. */
static bool in_dev(const struct unpack_ctx *c, int pfd)
{
    int dev = fsat_dir_in_root(c->rootfd, "dev", false);
    if (dev < 0)
        return false;
    bool in = fsat_dir_is_within(pfd, dev, LAYERPATH_MAX_DEPTH);
    close(dev);
    return in;
}

/* Creates the object an entry names at pfd/base, replacing what an earlier
 * entry or layer left there; the last component is never followed. */
static int make_object(struct unpack_ctx *c, struct archive *a,
                       struct entry *en, int pfd, const char *base, bool *ended,
                       xo_err *err)
{
    mode_t type = archive_entry_filetype(en->ae);
    bool hard = archive_entry_hardlink(en->ae) != NULL;
    struct stat st;
    /* A directory over a directory keeps its contents. */
    if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !(type == AE_IFDIR && !hard && S_ISDIR(st.st_mode)) &&
        fsat_remove_tree(pfd, base) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot replace", en->what,
                          en->raw);
    if (hard)
        return make_hardlink(c, en, pfd, base, err);
    if (type == AE_IFREG)
        return write_file(c, en, a, pfd, base, ended, err);
    if (type == AE_IFDIR)
        return make_dir(c, en, pfd, base, err);
    if (type == AE_IFLNK)
        return make_symlink(c, en, pfd, base, err);
    if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO)
        return make_node(c, en, pfd, base, type, err);
    return xo_err_set(err, EINVAL, "%s: entry \"%s\": unsupported type 0%o",
                      en->what, en->raw, (unsigned)type);
}

static int apply_entry(struct unpack_ctx *c, struct archive *a,
                       struct entry *en, bool *ended, xo_err *err)
{
    if (!en->raw)
        return xo_err_set(err, EINVAL, "%s: entry with an unreadable name",
                          en->what);
    if (layerpath_normalize(en->path, en->raw, err) < 0)
        return xo_err_wrap(err, "%s", en->what);
    if (!en->path[0])
        return apply_root(c, en, err);

    char buf[LAYERPATH_MAX_LEN + 1];
    const char *parent, *base;
    memcpy(buf, en->path, strlen(en->path) + 1);
    layerpath_split(buf, &parent, &base);
    if (!strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)))
        return whiteout_apply(c->rootfd, parent, base, &c->made, en->what,
                              en->raw, err);

    int pfd = fsat_dir_in_root(c->rootfd, parent, true);
    if (pfd < 0)
        return parent_err(en, parent, err);
    mode_t type = archive_entry_filetype(en->ae);
    int rc = 0;
    struct stat st;
    if ((type == AE_IFCHR || type == AE_IFBLK) &&
        !archive_entry_hardlink(en->ae) && !c->o.allow_devices &&
        in_dev(c, pfd))
        c->skipped_devices++;
    else if ((rc = make_object(c, a, en, pfd, base, ended, err)) == 0 &&
             (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
              inoset_add(&c->made, &st) < 0))
        rc = xo_err_sys(err, "%s: entry \"%s\"", en->what, en->raw);
    close(pfd);
    return rc;
}

int unpack_layer(struct unpack_ctx *c, int fd, const char *what, xo_err *err)
{
    struct archive *a = archive_read_new();
    if (!a)
        return xo_err_set(err, ENOMEM, "%s: out of memory", what);
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_empty(a);
    inoset_clear(&c->made);
    int rc = 0;
    if (archive_read_open_fd(a, fd, UNPACK_READ_BLOCK) != ARCHIVE_OK) {
        rc = xo_err_set(err, EINVAL, "%s: not a tar layer: %s", what,
                        archive_error_string(a));
        goto out;
    }
    for (bool ended = false; !ended;) {
        struct archive_entry *ae;
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            rc = xo_err_set(err, EINVAL, "%s: after %llu entries: %s", what,
                            (unsigned long long)c->entries,
                            archive_error_string(a));
            break;
        }
        if (++c->entries > c->o.max_entries) {
            rc = xo_err_set(err, E2BIG,
                            "%s: more than %llu entries in the "
                            "image",
                            what, (unsigned long long)c->o.max_entries);
            break;
        }
        if (archive_entry_mtime(ae) > c->newest)
            c->newest = archive_entry_mtime(ae);
        struct entry en = {
            .what = what, .raw = archive_entry_pathname(ae), .ae = ae};
        if ((rc = apply_entry(c, a, &en, &ended, err)) < 0)
            break;
    }
out:
    archive_read_free(a);
    inoset_clear(&c->made);
    return rc;
}

int unpack_finish(struct unpack_ctx *c, xo_err *err)
{
    for (size_t i = 0; i < c->n_dirs; i++) {
        /* By the entry's own name: its parents resolve in the rootfs, the
         * directory itself is not followed if a symlink replaced it. */
        char buf[LAYERPATH_MAX_LEN + 1];
        const char *parent = "", *base = ".";
        strcpy(buf, c->dirs[i].path);
        if (*buf)
            layerpath_split(buf, &parent, &base);
        int pfd = fsat_dir_in_root(c->rootfd, parent, false);
        int fd = pfd < 0
                     ? -1
                     : openat(pfd, base,
                              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (pfd >= 0)
            close(pfd);
        if (fd < 0)
            continue; /* removed or replaced later */
        int r = futimens(fd, c->dirs[i].ts);
        close(fd);
        if (r < 0)
            return xo_err_sys(err, "%s: cannot set times of \"%s\"", c->dir,
                              c->dirs[i].path);
    }
    return 0;
}
