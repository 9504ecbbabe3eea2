/* runc_binds_inline.c: small bind sources read into the boot spec's
 * binds node (see runc_binds_inline.h). */
#include "runc_binds_inline.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/abi/boot_spec.h"
#include "common/alloc.h"

/* nftw() takes no context: the volume being read and the totals. */
static struct {
    struct domain_config *dc;
    const struct dc_volume *v;
    size_t src_len;
    size_t bytes;
    size_t cap;
    xo_err *err;
} walk;

static struct dc_bind_entry *add_entry(const char *rel, const struct stat *st)
{
    struct domain_config *dc = walk.dc;
    if (dc->n_bind_entries == walk.cap) {
        walk.cap = walk.cap ? walk.cap * 2 : 16;
        dc->bind_entries = xo_xreallocarray(dc->bind_entries, walk.cap,
                                            sizeof(*dc->bind_entries));
    }
    struct dc_bind_entry *e = &dc->bind_entries[dc->n_bind_entries++];
    memset(e, 0, sizeof(*e));
    e->path = xo_xasprintf("%s%s", walk.v->subpath, rel);
    e->mode = (uint32_t)(st->st_mode & (S_IFMT | 07777));
    e->uid = (uint32_t)st->st_uid;
    e->gid = (uint32_t)st->st_gid;
    return e;
}

/* A regular file's contents into e, read through a descriptor that is
 * checked to be the file nftw saw (not a symlink or a fifo put there
 * since), within what is left of the byte limit. */
static int read_data(struct dc_bind_entry *e, const char *p,
                     const struct stat *seen)
{
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int rc = xo_err_sys(walk.err, "bind mount %s: cannot read %s",
                            walk.v->target, p);
        if (fd >= 0)
            close(fd);
        return rc;
    }
    if (!S_ISREG(st.st_mode) || st.st_ino != seen->st_ino ||
        st.st_dev != seen->st_dev) {
        close(fd);
        return xo_err_set(walk.err, EAGAIN,
                          "bind mount %s: %s changed while it was copied",
                          walk.v->target, p);
    }
    /* One byte past the limit tells a file that grew from one that fits. */
    size_t room = RUNC_BINDS_INLINE_MAX_BYTES - walk.bytes;
    e->data = xo_xmalloc(room + 1);
    size_t n = 0;
    while (n <= room) {
        ssize_t r = read(fd, e->data + n, room + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return xo_err_sys(walk.err, "bind mount %s: cannot read %s",
                              walk.v->target, p);
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > room)
        return xo_err_set(
            walk.err, E2BIG,
            "bind mount %s: %s grew past the %u KiB the copies may take in the boot spec while it was copied",
            walk.v->target, p, RUNC_BINDS_INLINE_MAX_BYTES >> 10);
    e->len = n;
    walk.bytes += n;
    return 0;
}

static int read_link(struct dc_bind_entry *e, const char *p)
{
    char target[BOOT_SPEC_MAX_STR];
    ssize_t n = readlink(p, target, sizeof(target));
    if (n < 0)
        return xo_err_sys(walk.err, "bind mount %s: cannot read link %s",
                          walk.v->target, p);
    if ((size_t)n >= sizeof(target))
        return xo_err_set(walk.err, E2BIG,
                          "bind mount %s: link %s: target of %d bytes or more",
                          walk.v->target, p, BOOT_SPEC_MAX_STR);
    e->data = xo_xstrndup(target, (size_t)n);
    return 0;
}

static int add_one(const char *p, const struct stat *st, int type,
                   struct FTW *f)
{
    (void)f;
    const char *rel = p + walk.src_len;
    if (type == FTW_NS || type == FTW_DNR ||
        (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode) &&
         !S_ISLNK(st->st_mode))) {
        xo_err_set(walk.err, EAGAIN,
                   "bind mount %s: %s changed while it was copied",
                   walk.v->target, p);
        return -1;
    }
    if (walk.dc->n_bind_entries >= RUNC_BINDS_INLINE_MAX_ENTRIES ||
        strlen(walk.v->subpath) + strlen(rel) >= BOOT_SPEC_MAX_STR) {
        xo_err_set(
            walk.err, E2BIG,
            "bind mount %s: %s: more entries or a longer path than the boot spec carries",
            walk.v->target, p);
        return -1;
    }
    struct dc_bind_entry *e = add_entry(rel, st);
    if (S_ISREG(st->st_mode))
        return read_data(e, p, st) < 0 ? -1 : 0;
    if (S_ISLNK(st->st_mode))
        return read_link(e, p) < 0 ? -1 : 0;
    return 0;
}

int runc_binds_inline_read(struct domain_config *dc, xo_err *err)
{
    memset(&walk, 0, sizeof(walk));
    walk.dc = dc;
    walk.err = err;
    int rc = 0;
    for (size_t i = 0; i < dc->n_volumes && rc == 0; i++) {
        const struct dc_volume *v = &dc->volumes[i];
        if (v->kind != DC_VOLUME_BIND)
            continue;
        walk.v = v;
        walk.src_len = strlen(v->source);
        struct stat st;
        if (lstat(v->source, &st) < 0)
            rc = xo_err_sys(err, "bind mount %s: source %s", v->target,
                            v->source);
        else if (S_ISDIR(st.st_mode))
            rc = nftw(v->source, add_one, 32, FTW_PHYS) == 0 ? 0 : -1;
        else
            rc = add_one(v->source, &st, FTW_F, NULL);
        /* nftw's own failure (not one of add_one's) sets errno only. */
        if (rc < 0 && err && !err->msg)
            xo_err_sys(err, "bind mount %s: reading %s", v->target, v->source);
    }
    if (rc < 0) {
        for (size_t i = 0; i < dc->n_bind_entries; i++) {
            free(dc->bind_entries[i].path);
            free(dc->bind_entries[i].data);
        }
        free(dc->bind_entries);
        dc->bind_entries = NULL;
        dc->n_bind_entries = 0;
        return -1;
    }
    dc->binds_inline = true;
    return 0;
}
