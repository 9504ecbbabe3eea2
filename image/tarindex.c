/*
 * tarindex.c: an image archive's tar entries, indexed once and read one
 * at a time (tarindex.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "tarindex.h"
#include "unpack_lib.h"

#define TAR_READ_CHUNK (128 * 1024)

/* One pass over the archive, from its first byte. */
struct tar_pass {
    int fd;
    char *buf;
    struct archive *a;
};

static la_ssize_t pass_read(struct archive *a, void *arg, const void **buf)
{
    struct tar_pass *p = arg;
    for (;;) {
        ssize_t r = read(p->fd, p->buf, TAR_READ_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            unpack_la.set_error(a, errno, "%s", strerror(errno));
            return ARCHIVE_FATAL;
        }
        *buf = p->buf;
        return r;
    }
}

/* Data not wanted is passed over with lseek; past the end, the next read
 * finds nothing and libarchive says the archive is truncated. */
static la_int64_t pass_skip(struct archive *a, void *arg, la_int64_t request)
{
    (void)a;
    struct tar_pass *p = arg;
    if (request <= 0 || lseek(p->fd, (off_t)request, SEEK_CUR) < 0)
        return 0; /* libarchive then reads through */
    return request;
}

static void pass_close(struct tar_pass *p)
{
    if (p->a)
        unpack_la.read_free(p->a);
    free(p->buf);
    memset(p, 0, sizeof(*p));
}

static int pass_open(struct tar_pass *p, const struct tar_index *ix,
                     xo_err *err)
{
    memset(p, 0, sizeof(*p));
    if (unpack_archive_load(err) < 0)
        return xo_err_wrap(err, "%s", ix->path);
    if (lseek(ix->fd, 0, SEEK_SET) < 0)
        return xo_err_sys(err, "%s: cannot seek", ix->path);
    p->fd = ix->fd;
    p->buf = xo_xmalloc(TAR_READ_CHUNK);
    p->a = unpack_la.read_new();
    if (!p->a) /* libarchive's calloc failed */
        xo_oom();
    unpack_la.read_support_filter_gzip(p->a);
    unpack_la.read_support_filter_zstd(p->a);
    unpack_la.read_support_filter_xz(p->a);
    unpack_la.read_support_filter_bzip2(p->a);
    unpack_la.read_support_format_tar(p->a);
    if (unpack_la.read_open2(p->a, p, NULL, pass_read, pass_skip, NULL) !=
        ARCHIVE_OK) {
        xo_err_set(err, EINVAL, "%s: not a tar archive: %s", ix->path,
                   unpack_la.error_string(p->a));
        pass_close(p);
        return -1;
    }
    return 0;
}

/* 1: *e_r is the next header; 0: the end; -1: an error naming the file. */
static int pass_next(struct archive_entry **e_r, struct tar_pass *p,
                     const struct tar_index *ix, xo_err *err)
{
    int r = unpack_la.read_next_header(p->a, e_r);
    if (r == ARCHIVE_EOF)
        return 0;
    /* ARCHIVE_RETRY is a header whose checksum fails: libarchive would
     * go on at the next block, inside that entry's data (helper-95). */
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        return xo_err_set(err, EINVAL, "%s: not a readable tar archive: %s",
                          ix->path, unpack_la.error_string(p->a));
    return 1;
}

/* A data block of the current entry, as libarchive hands it over. */
struct tar_block {
    const void *buf;
    size_t len;
    int64_t off; /* where in the entry's data it goes */
};

/* 1: *blk is the entry's next data block; 0: the entry's end; -1: an
 * error naming the file, `what` was done and, if set, the entry `name`. */
static int pass_block(struct tar_block *blk, struct tar_pass *p,
                      const struct tar_index *ix, const char *what,
                      const char *name, xo_err *err)
{
    la_int64_t off;
    int b = unpack_la.read_data_block(p->a, &blk->buf, &blk->len, &off);
    if (b == ARCHIVE_EOF)
        return 0;
    if (b < ARCHIVE_WARN)
        return xo_err_set(err, EIO, "%s: %s%s%s%s: %s", ix->path, what,
                          name ? " \"" : "", name ? name : "", name ? "\"" : "",
                          unpack_la.error_string(p->a));
    blk->off = off;
    return 1;
}

/*
 * The components of s joined by "/", the empty ones and "." dropped.
 * ".." is kept as a name unless `apply_dotdot`; then it removes the
 * component before it, and *above_r says whether one went above the top.
 */
static char *join_components(const char *s, bool apply_dotdot, bool *above_r)
{
    char *out = xo_xmalloc(strlen(s) + 1);
    size_t o = 0;
    while (*s) {
        size_t len = strcspn(s, "/");
        if (apply_dotdot && len == 2 && s[0] == '.' && s[1] == '.') {
            if (o == 0)
                *above_r = true;
            while (o > 0 && out[--o] != '/')
                ;
        } else if (len && !(len == 1 && s[0] == '.')) {
            if (o)
                out[o++] = '/';
            memcpy(out + o, s, len);
            o += len;
        }
        s += len;
        if (*s == '/')
            s++;
    }
    out[o] = '\0';
    return out;
}

/* An entry's name as indexed: ".." kept, so it never matches a lookup. */
static char *norm_name(const char *s)
{
    return join_components(s, false, NULL);
}

static enum tar_entry_kind entry_kind(struct archive_entry *ae)
{
    if (unpack_la.entry_hardlink(ae))
        return TAR_ENTRY_HARDLINK;
    switch (unpack_la.entry_filetype(ae)) {
    case AE_IFREG:
        return TAR_ENTRY_FILE;
    case AE_IFLNK:
        return TAR_ENTRY_SYMLINK;
    case AE_IFDIR:
        return TAR_ENTRY_DIR;
    default:
        return TAR_ENTRY_OTHER;
    }
}

static const char *entry_name(struct archive_entry *ae)
{
    const char *name = unpack_la.entry_pathname(ae);
    return name ? name : "";
}

/* Whether the file starts as a gzip, zstd, xz or bzip2 stream does. */
static bool compressed(int fd)
{
    static const struct {
        const char *magic;
        size_t len;
    } kinds[] = {{"\x1f\x8b", 2},
                 {"\x28\xb5\x2f\xfd", 4},
                 {"\xfd\x37\x7a\x58\x5a", 5},
                 {"BZh", 3}};
    unsigned char head[8];
    ssize_t n = pread(fd, head, sizeof(head), 0);
    for (size_t i = 0; n > 0 && i < sizeof(kinds) / sizeof(*kinds); i++)
        if ((size_t)n >= kinds[i].len &&
            !memcmp(head, kinds[i].magic, kinds[i].len))
            return true;
    return false;
}

/*
 * A compressed archive decompressed once into an unnamed file of
 * spool_dir (O_TMPFILE: gone when closed, whatever ends the process),
 * which then stands for it: each blob's read would else decompress the
 * archive again from its start.  The space it takes is the tar's, at most
 * TAR_EXPAND_MAX times the file's own size (a gzip of a gzip of zeros is
 * terabytes, on the file system of the state); a file system that has
 * not that much fails with ENOSPC, naming both.  EOPNOTSUPP or EISDIR:
 * the file system has no O_TMPFILE (NFS, 9p, old overlayfs), and the
 * caller reads the archive as it is.
 */
static int spool(struct tar_index *ix, const char *spool_dir, xo_err *err)
{
    if (unpack_archive_load(err) < 0)
        return xo_err_wrap(err, "%s", ix->path);
    int out = open(spool_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (out < 0)
        return xo_err_sys(err, "%s: cannot make a file in %s for it", ix->path,
                          spool_dir);
    if (lseek(ix->fd, 0, SEEK_SET) < 0) {
        close(out);
        return xo_err_sys(err, "%s: cannot seek", ix->path);
    }
    struct tar_pass p = {.fd = ix->fd, .buf = xo_xmalloc(TAR_READ_CHUNK)};
    int rc = 0;
    int64_t written = 0, cap = ix->file_size * TAR_EXPAND_MAX;
    p.a = unpack_la.read_new();
    if (!p.a)
        xo_oom();
    unpack_la.read_support_filter_gzip(p.a);
    unpack_la.read_support_filter_zstd(p.a);
    unpack_la.read_support_filter_xz(p.a);
    unpack_la.read_support_filter_bzip2(p.a);
    unpack_la.read_support_format_raw(p.a);
    struct archive_entry *ae;
    if (unpack_la.read_open2(p.a, &p, NULL, pass_read, pass_skip, NULL) !=
            ARCHIVE_OK ||
        unpack_la.read_next_header(p.a, &ae) != ARCHIVE_OK)
        rc = xo_err_set(err, EINVAL, "%s: cannot decompress it: %s", ix->path,
                        unpack_la.error_string(p.a));
    struct tar_block blk;
    int b;
    while (rc == 0 &&
           (b = pass_block(&blk, &p, ix, "decompressing it", NULL, err)) != 0) {
        if (b < 0)
            rc = -1;
        else if ((written += (int64_t)blk.len) > cap)
            rc = xo_err_set(
                err, EFBIG,
                "%s: decompresses to more than %d times its size: not an image archive",
                ix->path, TAR_EXPAND_MAX);
        else if (blk.len && xo_write_all(out, blk.buf, blk.len) < 0)
            rc = xo_err_sys(err, "%s: writing it decompressed into %s",
                            ix->path, spool_dir);
    }
    pass_close(&p);
    if (rc < 0) {
        close(out);
        return -1;
    }
    close(ix->fd);
    ix->fd = out;
    ix->file_size = written;
    return 0;
}

int tar_index_build(struct tar_index *ix, const char *path,
                    const char *spool_dir, xo_err *err)
{
    memset(ix, 0, sizeof(*ix));
    ix->fd = -1;
    ix->path = xo_xstrdup(path);
    /* O_NONBLOCK: a FIFO in the archive's place cannot hold the open. */
    ix->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (ix->fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    struct stat st;
    if (fstat(ix->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        fcntl(ix->fd, F_SETFL, 0) < 0)
        return xo_err_set(err, EINVAL, "%s is not a regular file", path);
    ix->file_size = st.st_size;
    if (spool_dir && compressed(ix->fd) && spool(ix, spool_dir, err) < 0) {
        if (err->errnum != EOPNOTSUPP && err->errnum != EISDIR)
            return -1;
        xo_err_clear(err); /* then decompressed again for each read */
    }
    struct tar_pass p;
    if (pass_open(&p, ix, err) < 0)
        return -1;
    size_t cap = 0;
    struct archive_entry *ae;
    int r;
    while ((r = pass_next(&ae, &p, ix, err)) == 1) {
        if (ix->n == TAR_INDEX_MAX_ENTRIES) {
            r = xo_err_set(err, E2BIG,
                           "%s: more than %d entries: not an image archive",
                           path, TAR_INDEX_MAX_ENTRIES);
            break;
        }
        if (ix->n == cap) {
            cap = cap ? cap * 2 : 64;
            ix->entries = xo_xrealloc(ix->entries, cap * sizeof(*ix->entries));
        }
        struct tar_entry *e = &ix->entries[ix->n];
        e->name = norm_name(entry_name(ae));
        e->kind = entry_kind(ae);
        const char *link =
            e->kind == TAR_ENTRY_HARDLINK  ? unpack_la.entry_hardlink(ae)
            : e->kind == TAR_ENTRY_SYMLINK ? unpack_la.entry_symlink(ae)
                                           : NULL;
        e->link = link ? xo_xstrdup(link) : NULL;
        e->size = unpack_la.entry_size(ae);
        e->ordinal = ix->n++;
        /* Only a sparse entry's size is not held to the bytes the file has:
         * a few KB may declare 2^62 (helper-95). */
        if (unpack_la.entry_sparse_count(ae) > 0 &&
            e->size / TAR_EXPAND_MAX > ix->file_size) {
            r = xo_err_set(
                err, EFBIG,
                "%s: \"%s\" is a sparse entry of %lld bytes, more than %d times the archive's size",
                path, e->name, (long long)e->size, TAR_EXPAND_MAX);
            break;
        }
    }
    pass_close(&p);
    return r < 0 ? -1 : 0;
}

void tar_index_dispose(struct tar_index *ix)
{
    for (size_t i = 0; i < ix->n; i++) {
        free(ix->entries[i].name);
        free(ix->entries[i].link);
    }
    free(ix->entries);
    if (ix->path && ix->fd >= 0)
        close(ix->fd);
    free(ix->path);
    memset(ix, 0, sizeof(*ix));
}

/*
 * `name` with `base` (a directory inside the archive, "" for the top)
 * before it when it is relative, "." and ".." applied: into *out_r.
 * EINVAL when ".." would leave the archive's top or the name is empty.
 */
static int resolve_name(char **out_r, const char *base, const char *name,
                        const struct tar_index *ix, xo_err *err)
{
    char *joined = xo_xasprintf("%s/%s", base, name);
    bool above = false;
    char *out = join_components(joined, true, &above);
    free(joined);
    int rc = 0;
    if (above)
        rc = xo_err_set(err, EINVAL, "%s: \"%s\" leaves the archive's top",
                        ix->path, name);
    else if (!*out)
        rc = xo_err_set(err, EINVAL, "%s: an empty entry name (\"%s\")",
                        ix->path, name);
    if (rc < 0) {
        free(out);
        return -1;
    }
    *out_r = out;
    return 0;
}

/* The one entry named `name`: ENOENT for none, EINVAL for two. */
static int find_exact(const struct tar_entry **e_r, const struct tar_index *ix,
                      const char *name, xo_err *err)
{
    const struct tar_entry *found = NULL;
    for (size_t i = 0; i < ix->n; i++) {
        if (strcmp(ix->entries[i].name, name) != 0)
            continue;
        if (found)
            return xo_err_set(
                err, EINVAL,
                "%s: \"%s\" appears more than once in the archive (entries %zu and %zu)",
                ix->path, name, found->ordinal + 1, i + 1);
        found = &ix->entries[i];
    }
    if (!found)
        return xo_err_set(err, ENOENT, "%s: no \"%s\" in the archive", ix->path,
                          name);
    *e_r = found;
    return 0;
}

int tar_index_find(const struct tar_entry **e_r, const struct tar_index *ix,
                   const char *name, xo_err *err)
{
    char *cur = NULL;
    if (resolve_name(&cur, "", name, ix, err) < 0)
        return -1;
    int rc = 0;
    for (int hops = 0;; hops++) {
        const struct tar_entry *e = NULL;
        if ((rc = find_exact(&e, ix, cur, err)) < 0)
            break;
        if (e->kind == TAR_ENTRY_FILE) {
            *e_r = e;
            break;
        }
        if (e->kind != TAR_ENTRY_SYMLINK && e->kind != TAR_ENTRY_HARDLINK) {
            rc = xo_err_set(err, EINVAL,
                            "%s: \"%s\" in the archive is not a regular file",
                            ix->path, cur);
            break;
        }
        if (hops == TAR_LINK_HOPS) {
            rc = xo_err_set(err, ELOOP,
                            "%s: \"%s\": more than %d links in a row", ix->path,
                            name, TAR_LINK_HOPS);
            break;
        }
        /* A hard link names an entry of the archive; a symbolic link is
         * relative to its own directory, and an absolute one would be
         * the reader's file system. */
        char *next = NULL;
        if (e->kind == TAR_ENTRY_SYMLINK && e->link[0] == '/') {
            rc = xo_err_set(
                err, EINVAL,
                "%s: \"%s\" links to the absolute path \"%s\", outside the archive",
                ix->path, cur, e->link);
            break;
        }
        char *dir = xo_xstrdup(cur);
        char *slash = strrchr(dir, '/');
        if (e->kind == TAR_ENTRY_HARDLINK)
            dir[0] = '\0';
        else if (slash)
            *slash = '\0';
        else
            dir[0] = '\0';
        rc = resolve_name(&next, dir, e->link, ix, err);
        free(dir);
        if (rc < 0)
            break;
        free(cur);
        cur = next;
    }
    free(cur);
    return rc;
}

/* n zero bytes to fn: a hole of a sparse entry.  fn's result. */
static int zeros(tar_data_fn fn, void *arg, int64_t n, xo_err *err)
{
    static const char z[64 * 1024];
    int f = 0;
    while (n > 0 && f == 0) {
        size_t k = n < (int64_t)sizeof(z) ? (size_t)n : sizeof(z);
        f = fn(arg, z, k, err);
        n -= (int64_t)k;
    }
    return f;
}

int tar_entry_read(const struct tar_index *ix, const struct tar_entry *e,
                   tar_data_fn fn, void *arg, xo_err *err)
{
    struct tar_pass p;
    if (pass_open(&p, ix, err) < 0)
        return -1;
    struct archive_entry *ae = NULL;
    int r = 0;
    for (size_t i = 0; i <= e->ordinal; i++)
        if ((r = pass_next(&ae, &p, ix, err)) <= 0)
            break;
    char *name = r == 1 ? norm_name(entry_name(ae)) : NULL;
    if (r == 0 || (name && strcmp(name, e->name) != 0))
        r = xo_err_set(err, EIO,
                       "%s: entry %zu is no longer \"%s\": the file changed",
                       ix->path, e->ordinal + 1, e->name);
    free(name);
    int64_t done = 0;
    bool stopped = false;
    struct tar_block blk;
    int b;
    while (r == 1 && !stopped &&
           (b = pass_block(&blk, &p, ix, "reading", e->name, err)) != 0) {
        if (b < 0) {
            r = -1;
        } else if (blk.off < done || blk.off > e->size ||
                   (int64_t)blk.len > e->size - blk.off) {
            r = xo_err_set(
                err, EINVAL,
                "%s: \"%s\": a data block at byte %lld, outside its %lld bytes",
                ix->path, e->name, (long long)blk.off, (long long)e->size);
        } else {
            /* A hole of a sparse entry (tar -S) reads as zeros, as Go's
             * archive/tar reads it for docker load and skopeo. */
            int f = blk.off > done ? zeros(fn, arg, blk.off - done, err) : 0;
            done = blk.off + (int64_t)blk.len;
            if (f == 0 && blk.len)
                f = fn(arg, blk.buf, blk.len, err);
            if (f < 0)
                r = -1;
            stopped = f > 0;
        }
    }
    /* ... and one may end with a hole. */
    if (r == 1 && !stopped && done < e->size &&
        unpack_la.entry_sparse_count(ae) > 0) {
        int f = zeros(fn, arg, e->size - done, err);
        if (f < 0)
            r = -1;
        stopped = f > 0;
        done = e->size;
    }
    if (r == 1 && !stopped && done != e->size)
        r = xo_err_set(err, EIO, "%s: \"%s\" ends after %lld of %lld bytes",
                       ix->path, e->name, (long long)done, (long long)e->size);
    pass_close(&p);
    return r < 0 ? -1 : 0;
}

struct slurp {
    char *buf;
    size_t len, max;
};

static int slurp_add(void *arg, const void *buf, size_t len, xo_err *err)
{
    struct slurp *s = arg;
    if (len > s->max - s->len)
        return xo_err_set(err, EFBIG, "more than %zu bytes", s->max);
    memcpy(s->buf + s->len, buf, len);
    s->len += len;
    return 0;
}

int tar_entry_slurp(char **buf_r, size_t *len_r, const struct tar_index *ix,
                    const struct tar_entry *e, size_t max, xo_err *err)
{
    if (e->size < 0 || (uint64_t)e->size > max)
        return xo_err_set(err, EFBIG,
                          "%s: \"%s\" has %lld bytes; at most %zu are read",
                          ix->path, e->name, (long long)e->size, max);
    struct slurp s = {xo_xmalloc((size_t)e->size + 1), 0, (size_t)e->size};
    if (tar_entry_read(ix, e, slurp_add, &s, err) < 0) {
        free(s.buf);
        return -1;
    }
    s.buf[s.len] = '\0';
    *buf_r = s.buf;
    *len_r = s.len;
    return 0;
}
