/* unpack.c: safe OCI layer application with libarchive (see unpack.h). */
#include "unpack_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "fsat.h"
#include "gunzip_ahead.h"
#include "layerpath.h"
#include "strset.h"
#include "tarfix.h"
#include "unpack_lib.h"
#include "whiteout.h"

int unpack_begin(struct unpack_ctx **ctx_r, const char *dir,
                 const struct unpack_opts *opts, xo_err *err)
{
    if (unpack_archive_load(err) < 0)
        return -1;
    struct unpack_ctx *c = xo_xcalloc(1, sizeof(*c));
    c->rootfd = -1;
    if (opts)
        c->o = *opts;
    if (!c->o.max_entries)
        c->o.max_entries = UNPACK_DEFAULT_MAX_ENTRIES;
    if (!c->o.max_bytes)
        c->o.max_bytes = UNPACK_DEFAULT_MAX_BYTES;
    c->as_root = geteuid() == 0;
    c->dir = xo_xstrdup(dir);
    c->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->rootfd < 0) {
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
    strset_clear(&c->made);
    strset_clear(&c->skipped);
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

uint64_t unpack_xattrs(const struct unpack_ctx *c)
{
    return c->xattrs;
}

uint64_t unpack_dropped_xattrs(const struct unpack_ctx *c, const char **name_r,
                               const char **entry_r)
{
    *name_r = c->dropped_name;
    *entry_r = c->dropped_entry;
    return c->xattrs_dropped;
}

int64_t unpack_build_time(const struct unpack_ctx *c)
{
    return c->newest + 1;
}

static int parent_err(const struct entry *en, const char *parent, xo_err *err)
{
    if (errno == ENOTDIR)
        return xo_err_set(err, ENOTDIR,
                          "%s: entry \"%s\": parent \"%s\" is not a directory",
                          en->what, en->raw, parent);
    return xo_err_sys(err, "%s: entry \"%s\": cannot open parent \"%s\"",
                      en->what, en->raw, parent);
}

/* The rootfs directory's own entry ("./"): metadata only. */
static int apply_root(struct unpack_ctx *c, struct entry *en, xo_err *err)
{
    if (unpack_la.entry_filetype(en->ae) != AE_IFDIR ||
        unpack_la.entry_hardlink(en->ae))
        return xo_err_set(
            err, EPERM,
            "%s: entry \"%s\" names the rootfs itself but is not a directory",
            en->what, en->raw);
    int rc = unpack_meta_fd(c, en, c->rootfd, true, err);
    if (rc == 0)
        unpack_record_dir_time(c, en);
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

/*
 * Whether the entry is a device node to skip: in /dev, not allowed, or a
 * hardlink in /dev to one skipped before (its target does not exist): 1.
 * A hardlink elsewhere to a skipped device is a device node outside /dev,
 * refused as one would be: -1 with err set.  Else 0.
 */
static int skip_device(struct unpack_ctx *c, const struct entry *en, int pfd,
                       xo_err *err)
{
    if (c->o.allow_devices)
        return 0;
    mode_t type = unpack_la.entry_filetype(en->ae);
    const char *link = unpack_la.entry_hardlink(en->ae);
    if (link) {
        char target[LAYERPATH_MAX_LEN + 1];
        xo_err ignore = XO_ERR_INIT;
        bool skipped = layerpath_normalize(target, link, &ignore) == 0 &&
                       strset_has(&c->skipped, target);
        xo_err_clear(&ignore);
        if (!skipped)
            return 0;
        if (!in_dev(c, pfd))
            return xo_err_set(
                err, EPERM,
                "%s: entry \"%s\": a hardlink to the device node \"%s\": device node refused outside /dev (allow it with --allow-devices)",
                en->what, en->raw, link);
    } else if ((type != AE_IFCHR && type != AE_IFBLK) || !in_dev(c, pfd)) {
        return 0;
    }
    strset_add(&c->skipped, en->path);
    return 1;
}

/* A name the root volume cannot hold: mkfs.erofs of erofs-utils 1.5
 * (Debian 12) fails on a 255-byte name, with a message naming nothing. */
static int check_names(const struct entry *en, xo_err *err)
{
    for (const char *p = en->path; *p;) {
        const char *e = strchrnul(p, '/');
        if (e - p > LAYERPATH_MAX_NAME)
            return xo_err_set(
                err, ENAMETOOLONG,
                "%s: entry \"%.64s%s\": a name of %d bytes: the root volume (mkfs.erofs of erofs-utils 1.5) holds names of at most %d",
                en->what, en->raw, strlen(en->raw) > 64 ? "..." : "",
                (int)(e - p), LAYERPATH_MAX_NAME);
        p = *e ? e + 1 : e;
    }
    return 0;
}

/* Creates the object an entry names at pfd/base, replacing what an earlier
 * entry or layer left there; the last component is never followed. */
static int make_object(struct unpack_ctx *c, struct archive *a,
                       struct entry *en, int pfd, const char *base, bool *ended,
                       xo_err *err)
{
    mode_t type = unpack_la.entry_filetype(en->ae);
    bool hard = unpack_la.entry_hardlink(en->ae) != NULL;
    struct stat st;
    /* A directory over a directory keeps its contents. */
    if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !(type == AE_IFDIR && !hard && S_ISDIR(st.st_mode)) &&
        fsat_remove_tree(pfd, base) < 0)
        return xo_err_sys(err, "%s: entry \"%s\": cannot replace", en->what,
                          en->raw);
    if (hard)
        return unpack_make_hardlink(c, en, pfd, base, err);
    if (type == AE_IFREG)
        return unpack_write_file(c, en, a, pfd, base, ended, err);
    if (type == AE_IFDIR)
        return unpack_make_dir(c, en, pfd, base, err);
    if (type == AE_IFLNK)
        return unpack_make_symlink(c, en, pfd, base, err);
    if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO)
        return unpack_make_node(c, en, pfd, base, type, err);
    return xo_err_set(err, EINVAL, "%s: entry \"%s\": unsupported type 0%o",
                      en->what, en->raw, (unsigned)type);
}

static int apply_entry(struct unpack_ctx *c, struct archive *a,
                       struct entry *en, bool *ended, xo_err *err)
{
    if (!en->raw) {
        const char *why = unpack_la.error_string(a);
        return xo_err_set(err, EINVAL,
                          "%s: entry %llu has no name that can be read (%s)",
                          en->what, (unsigned long long)c->entries,
                          why ? why : "a damaged header");
    }
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

    if (check_names(en, err) < 0)
        return -1;
    int pfd = fsat_dir_in_root(c->rootfd, parent, true);
    if (pfd < 0)
        return parent_err(en, parent, err);
    int rc = skip_device(c, en, pfd, err);
    struct stat st;
    if (rc > 0) {
        /* Skipped, it still replaces what was there, as the node would
         * have (a lower layer's file or tree at dev/null): the tree ends
         * as umoci's, less the node. */
        c->skipped_devices++;
        rc = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                     fsat_remove_tree(pfd, base) < 0
                 ? xo_err_sys(err, "%s: entry \"%s\": cannot replace", en->what,
                              en->raw)
                 : 0;
    } else if (rc == 0 &&
               (rc = make_object(c, a, en, pfd, base, ended, err)) == 0 &&
               whiteout_made_add(&c->made, pfd, base) < 0) {
        rc = xo_err_sys(err, "%s: entry \"%s\"", en->what, en->raw);
    }
    close(pfd);
    return rc;
}

/* The layer's tar stream as libarchive's read callback: a gzip layer
 * inflated by gunzip.c on its own thread (gunzip_ahead.h), a zstd layer
 * decoded by a libarchive reader of its own (raw format), anything else
 * as it comes, so that every byte of the uncompressed tar passes here and
 * is hashed for the layer's diff_id.  The decoder's or the reader's error
 * is kept to be reported instead of libarchive's. */
struct reader_state {
    struct gunzip_ahead *gz;
    xo_err err;
    struct digest_hasher *h; /* NULL: no diff_id to check */
    bool started;
    struct archive *zstd; /* the decoder of a zstd stream, or NULL */
    const void *first;    /* the zstd stream's first block, not yet given */
    ssize_t first_len;
    bool zstd_empty;           /* it decoded to nothing */
    struct unpack_tarfix *fix; /* the headers as Go reads them (tarfix.h) */
};

/* A zstd frame, or a skippable frame (RFC 8878: magic 0x184D2A5?, little
 * endian), which zstd:chunked writes before its frames. */
static bool zstd_magic(const void *p, ssize_t n)
{
    static const unsigned char m[4] = {0x28, 0xb5, 0x2f, 0xfd};
    const unsigned char *b = p;
    return n >= 4 &&
           (memcmp(b, m, 4) == 0 || ((b[0] & 0xf0) == 0x50 && b[1] == 0x2a &&
                                     b[2] == 0x4d && b[3] == 0x18));
}

/* The zstd decoder's source: the first block, then the rest. */
static la_ssize_t zstd_source(struct archive *a, void *arg, const void **buf)
{
    struct reader_state *s = arg;
    if (s->first) {
        *buf = s->first;
        s->first = NULL;
        return s->first_len;
    }
    ssize_t n = gunzip_ahead_read(s->gz, buf, &s->err);
    if (n < 0) {
        unpack_la.set_error(a, s->err.errnum ? s->err.errnum : EIO, "%s",
                            xo_err_msg(&s->err));
        return ARCHIVE_FATAL;
    }
    return n;
}

/* Starts decoding a zstd stream whose first block is buf[n]; -1 with
 * s->err set. */
static int zstd_begin(struct reader_state *s, const void *buf, ssize_t n)
{
    struct archive *z = unpack_la.read_new();
    if (!z)
        xo_oom();
    unpack_la.read_support_filter_zstd(z);
    unpack_la.read_support_format_raw(z);
    /* Raw needs a byte to recognise: a stream that decodes to nothing
     * (an empty layer, as a gzip one may be too) is the empty format. */
    unpack_la.read_support_format_empty(z);
    s->first = buf;
    s->first_len = n;
    s->zstd = z;
    struct archive_entry *ae;
    int r = unpack_la.read_open(z, s, NULL, zstd_source, NULL);
    if (r == ARCHIVE_OK)
        r = unpack_la.read_next_header(z, &ae);
    if (r == ARCHIVE_EOF) {
        s->zstd_empty = true;
        return 0;
    }
    if (r != ARCHIVE_OK) {
        if (!s->err.msg)
            xo_err_set(&s->err, EINVAL, "zstd stream: %s",
                       unpack_la.error_string(z));
        return -1;
    }
    return 0;
}

/* The next block of the uncompressed tar: its length, 0 at the end, -1
 * with s->err set. */
static ssize_t next_block(struct reader_state *s, const void **buf)
{
    ssize_t n;
    if (!s->started) {
        s->started = true;
        n = gunzip_ahead_read(s->gz, buf, &s->err);
        if (n > 0 && zstd_magic(*buf, n)) {
            if (zstd_begin(s, *buf, n) < 0)
                return -1;
            return next_block(s, buf);
        }
    } else if (s->zstd_empty) {
        return 0;
    } else if (s->zstd) {
        size_t len;
        la_int64_t off;
        int r = unpack_la.read_data_block(s->zstd, buf, &len, &off);
        if (r == ARCHIVE_EOF)
            return 0;
        if (r < ARCHIVE_WARN) {
            if (!s->err.msg)
                xo_err_set(&s->err, EINVAL, "zstd stream: %s",
                           unpack_la.error_string(s->zstd));
            return -1;
        }
        n = (ssize_t)len;
    } else {
        n = gunzip_ahead_read(s->gz, buf, &s->err);
    }
    if (n > 0 && s->h &&
        digest_hasher_update(s->h, *buf, (size_t)n, &s->err) < 0)
        return -1;
    return n;
}

static ssize_t fix_source(void *arg, const void **buf)
{
    return next_block(arg, buf);
}

static la_ssize_t reader_read(struct archive *a, void *arg, const void **buf)
{
    struct reader_state *s = arg;
    ssize_t n = unpack_tarfix_read(s->fix, buf);
    if (n < 0 && unpack_tarfix_refusal(s->fix) && !s->err.msg)
        xo_err_set(&s->err, EINVAL, "%s", unpack_tarfix_refusal(s->fix));
    if (n < 0) {
        unpack_la.set_error(a, s->err.errnum ? s->err.errnum : EIO, "%s",
                            xo_err_msg(&s->err));
        return ARCHIVE_FATAL;
    }
    return n;
}

/*
 * After the tar's entries: hashes what libarchive left unread (the
 * padding after the end blocks) and compares the layer's uncompressed
 * digest with the one the image config gives it (rootfs.diff_ids).
 */
#define UNPACK_TRAILER_MAX (1 << 20)

static int check_diff_id(struct reader_state *s, const struct digest *want,
                         const char *what, xo_err *err)
{
    const void *buf;
    ssize_t n;
    uint64_t after = 0;
    while ((n = next_block(s, &buf)) > 0)
        /* Padding after the end blocks is at most a record (10 KiB); a
         * stream that goes on is refused, not hashed for ever (zstd
         * makes terabytes of a small blob). */
        if ((after += (uint64_t)n) > UNPACK_TRAILER_MAX)
            return xo_err_set(
                err, EFBIG,
                "%s: more than %d bytes after the tar's end-of-archive blocks",
                what, UNPACK_TRAILER_MAX);
    if (n < 0)
        return xo_err_set(err, s->err.errnum, "%s: %s", what,
                          xo_err_msg(&s->err));
    struct digest got;
    if (digest_hasher_final(s->h, &got, err) < 0)
        return xo_err_wrap(err, "%s", what);
    if (!digest_equal(&got, want))
        return xo_err_set(
            err, EBADMSG,
            "%s: its uncompressed tar is %s, but the image config's rootfs.diff_ids says %s (the config does not describe this layer)",
            what, got.str, want->str);
    return 0;
}

static struct archive *layer_archive(void)
{
    struct archive *a = unpack_la.read_new();
    if (!a) /* libarchive's calloc failed */
        xo_oom();
    unpack_la.read_support_filter_gzip(a);
    unpack_la.read_support_filter_zstd(a);
    unpack_la.read_support_format_tar(a);
    unpack_la.read_support_format_empty(a);
    return a;
}

/* Applies the entries of the opened layer `a`, then frees it.  `opened`
 * is libarchive's answer to the open; `rs`, when not NULL, the reader
 * whose own error explains a failure better than libarchive's. */
static int apply_layer(struct unpack_ctx *c, struct archive *a, int opened,
                       struct reader_state *rs, const char *what, xo_err *err)
{
    strset_clear(&c->made);
    int rc = 0;
    if (opened != ARCHIVE_OK) {
        if (rs && rs->err.msg)
            rc = xo_err_set(err, rs->err.errnum, "%s: %s", what,
                            xo_err_msg(&rs->err));
        else
            rc = xo_err_set(err, EINVAL, "%s: not a tar layer: %s", what,
                            unpack_la.error_string(a));
        goto out;
    }
    for (bool ended = false; !ended;) {
        struct archive_entry *ae;
        int r = unpack_la.read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            rc = xo_err_set(err, EINVAL, "%s: after %llu entries: %s", what,
                            (unsigned long long)c->entries,
                            unpack_la.error_string(a));
            break;
        }
        if (++c->entries > c->o.max_entries) {
            rc = xo_err_set(err, E2BIG,
                            "%s: more than %llu entries in the image", what,
                            (unsigned long long)c->o.max_entries);
            break;
        }
        int64_t mt = unpack_entry_time(unpack_la.entry_mtime(ae));
        if (mt > c->newest)
            c->newest = mt;
        struct entry en = {
            .what = what, .raw = unpack_la.entry_pathname(ae), .ae = ae};
        if ((rc = apply_entry(c, a, &en, &ended, err)) < 0)
            break;
    }
    /* After the reader failed, libarchive fails too (a header or a file's
     * data it could not read): the reader's error says why. */
    if (rc < 0 && rs && rs->err.msg)
        xo_err_set(err, rs->err.errnum, "%s: after %llu entries: %s", what,
                   (unsigned long long)c->entries, xo_err_msg(&rs->err));
out:
    unpack_la.read_free(a);
    strset_clear(&c->made);
    return rc;
}

/* An fd as an unpack_reader. */
static ssize_t fd_read(void *arg, void *buf, size_t cap, xo_err *err)
{
    int fd = *(int *)arg;
    ssize_t n;
    do
        n = read(fd, buf, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return xo_err_sys(err, "read");
    return n;
}

int unpack_layer(struct unpack_ctx *c, int fd, const char *what, xo_err *err)
{
    struct unpack_reader r = {fd_read, &fd};
    return unpack_layer_from(c, &r, what, err);
}

int unpack_layer_from(struct unpack_ctx *c, const struct unpack_reader *r,
                      const char *what, xo_err *err)
{
    struct reader_state rs = {.err = XO_ERR_INIT};
    bool check = c->has_diff_id;
    c->has_diff_id = false;
    if (check && digest_hasher_new(&rs.h, err) < 0)
        return xo_err_wrap(err, "%s", what);
    rs.gz = gunzip_ahead_new(r, err);
    if (!rs.gz) {
        digest_hasher_free(rs.h);
        return xo_err_wrap(err, "%s", what);
    }
    rs.fix = unpack_tarfix_new(fix_source, &rs);
    struct archive *a = layer_archive();
    int opened = unpack_la.read_open(a, &rs, NULL, reader_read, NULL);
    int rc = apply_layer(c, a, opened, &rs, what, err);
    if (rc == 0 && check)
        rc = check_diff_id(&rs, &c->diff_id, what, err);
    if (rs.zstd)
        unpack_la.read_free(rs.zstd);
    unpack_tarfix_free(rs.fix);
    gunzip_ahead_free(rs.gz);
    digest_hasher_free(rs.h);
    xo_err_clear(&rs.err);
    return rc;
}

void unpack_expect_diff_id(struct unpack_ctx *c, const struct digest *d)
{
    c->diff_id = *d;
    c->has_diff_id = true;
}

int unpack_finish(struct unpack_ctx *c, xo_err *err)
{
    /* Every directory first, those the layers name again below: a time
     * of the pull would make two pulls differ wherever the image's times
     * are in the future, and mkfs.erofs clamps only later times. */
    struct timespec made[2] = {{.tv_sec = (time_t)unpack_build_time(c)},
                               {.tv_sec = (time_t)unpack_build_time(c)}};
    if (fsat_set_dir_times(c->rootfd, made) < 0)
        return xo_err_sys(err, "%s: cannot set the times of its directories",
                          c->dir);
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
