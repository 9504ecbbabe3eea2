/* runc_binds_inline.c: small bind sources read into the boot spec's
 * binds node (see runc_binds_inline.h).
 *
 * The sources are host paths a bundle names, and a running container may
 * change what is under one (a shared emptyDir) while another is created.
 * So the tree is walked through directory descriptors, every name opened
 * relative to its parent with O_NOFOLLOW: a directory swapped for a
 * symlink mid-walk fails the walk instead of leading it to other host
 * files (nftw() opens subdirectories by their full path, which follows
 * such a link). */
#include "runc_binds_inline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/abi/boot_spec.h"
#include "common/alloc.h"

/* One walk: the volume being read and the totals. */
struct walk {
    struct domain_config *dc;
    const struct dc_volume *v;
    size_t bytes;
    size_t cap;
    xo_err *err;
};

static int changed(struct walk *w, const char *rel)
{
    return xo_err_set(w->err, EAGAIN,
                      "bind mount %s: %s%s changed while it was copied",
                      w->v->target, w->v->source, rel);
}

static struct dc_bind_entry *add_entry(struct walk *w, const char *rel,
                                       const struct stat *st)
{
    struct domain_config *dc = w->dc;
    if (dc->n_bind_entries == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        dc->bind_entries = xo_xreallocarray(dc->bind_entries, w->cap,
                                            sizeof(*dc->bind_entries));
    }
    struct dc_bind_entry *e = &dc->bind_entries[dc->n_bind_entries++];
    memset(e, 0, sizeof(*e));
    e->path = xo_xasprintf("%s%s", w->v->subpath, rel);
    e->mode = (uint32_t)(st->st_mode & (S_IFMT | 07777));
    e->uid = (uint32_t)st->st_uid;
    e->gid = (uint32_t)st->st_gid;
    return e;
}

/* A regular file's contents from `fd` (opened O_NOFOLLOW, checked to be
 * the file `seen` describes), within what is left of the byte limit. */
static int read_data(struct walk *w, struct dc_bind_entry *e, int fd,
                     const struct stat *seen, const char *rel)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return xo_err_sys(w->err, "bind mount %s: cannot read %s%s",
                          w->v->target, w->v->source, rel);
    if (!S_ISREG(st.st_mode) || st.st_ino != seen->st_ino ||
        st.st_dev != seen->st_dev)
        return changed(w, rel);
    size_t room = RUNC_BINDS_INLINE_MAX_BYTES - w->bytes;
    if ((unsigned long long)st.st_size > room)
        return xo_err_set(
            w->err, E2BIG,
            "bind mount %s: %s%s grew past the %u KiB the copies may take in the boot spec while it was copied",
            w->v->target, w->v->source, rel, RUNC_BINDS_INLINE_MAX_BYTES >> 10);
    /* One byte past its size tells a file that grew since fstat. */
    size_t want = (size_t)st.st_size + 1, n = 0;
    e->data = xo_xmalloc(want);
    while (n < want) {
        ssize_t r = read(fd, e->data + n, want - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return xo_err_sys(w->err, "bind mount %s: cannot read %s%s",
                              w->v->target, w->v->source, rel);
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n != (size_t)st.st_size)
        return changed(w, rel);
    e->len = n;
    w->bytes += n;
    return 0;
}

static int add_dir(struct walk *w, int dfd, char *rel, size_t rlen);

/* Entry `name` of the directory `dfd`; `rel` is its path below the
 * source ("/a/b"), in a buffer of BOOT_SPEC_MAX_STR bytes. */
static int add_one(struct walk *w, int dfd, const char *name, char *rel,
                   size_t rlen)
{
    size_t nlen = strlen(name);
    if (w->dc->n_bind_entries >= RUNC_BINDS_INLINE_MAX_ENTRIES ||
        strlen(w->v->subpath) + rlen + 1 + nlen >= BOOT_SPEC_MAX_STR)
        return xo_err_set(
            w->err, E2BIG,
            "bind mount %s: %s%s: more entries or a longer path than the boot spec carries",
            w->v->target, w->v->source, rel);
    rel[rlen] = '/';
    memcpy(rel + rlen + 1, name, nlen + 1);
    size_t clen = rlen + 1 + nlen;
    struct stat st;
    int rc = 0;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        rc = changed(w, rel);
    } else if (S_ISDIR(st.st_mode)) {
        int cfd =
            openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat now;
        if (cfd < 0 || fstat(cfd, &now) < 0 || now.st_ino != st.st_ino ||
            now.st_dev != st.st_dev)
            rc = changed(w, rel);
        else
            add_entry(w, rel, &st);
        if (rc == 0)
            rc = add_dir(w, cfd, rel, clen);
        if (cfd >= 0)
            close(cfd);
    } else if (S_ISREG(st.st_mode)) {
        int fd =
            openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        rc = fd < 0 ? changed(w, rel)
                    : read_data(w, add_entry(w, rel, &st), fd, &st, rel);
        if (fd >= 0)
            close(fd);
    } else if (S_ISLNK(st.st_mode)) {
        char target[BOOT_SPEC_MAX_STR];
        ssize_t n = readlinkat(dfd, name, target, sizeof(target));
        if (n < 0 || (size_t)n >= sizeof(target))
            rc =
                n < 0
                    ? changed(w, rel)
                    : xo_err_set(
                          w->err, E2BIG,
                          "bind mount %s: link %s%s: target of %d bytes or more",
                          w->v->target, w->v->source, rel, BOOT_SPEC_MAX_STR);
        else
            add_entry(w, rel, &st)->data = xo_xstrndup(target, (size_t)n);
    } else {
        rc = changed(w, rel); /* measured as a file, a directory or a link */
    }
    rel[rlen] = '\0';
    return rc;
}

/* The entries of directory `dfd` (not closed here), in readdir order. */
static int add_dir(struct walk *w, int dfd, char *rel, size_t rlen)
{
    int lfd = dup(dfd);
    DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
    if (!d) {
        if (lfd >= 0)
            close(lfd);
        return xo_err_sys(w->err, "bind mount %s: reading %s%s", w->v->target,
                          w->v->source, rel);
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (errno = 0, e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rc = add_one(w, dfd, e->d_name, rel, rlen);
    if (rc == 0 && errno)
        rc = xo_err_sys(w->err, "bind mount %s: reading %s%s", w->v->target,
                        w->v->source, rel);
    closedir(d);
    return rc;
}

/* A volume's source: a file, or a directory and what it holds. */
static int add_source(struct walk *w)
{
    char rel[BOOT_SPEC_MAX_STR] = "";
    int fd = open(w->v->source, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int rc = errno == ELOOP ? changed(w, "")
                                : xo_err_sys(w->err, "bind mount %s: source %s",
                                             w->v->target, w->v->source);
        if (fd >= 0)
            close(fd);
        return rc;
    }
    int rc;
    if (S_ISDIR(st.st_mode)) {
        add_entry(w, "", &st);
        rc = add_dir(w, fd, rel, 0);
    } else if (S_ISREG(st.st_mode)) {
        rc = read_data(w, add_entry(w, "", &st), fd, &st, "");
    } else {
        rc = changed(w, "");
    }
    close(fd);
    return rc;
}

int runc_binds_inline_read(struct domain_config *dc, xo_err *err)
{
    struct walk w = {.dc = dc, .err = err};
    int rc = 0;
    for (size_t i = 0; i < dc->n_volumes && rc == 0; i++) {
        if (dc->volumes[i].kind != DC_VOLUME_BIND)
            continue;
        w.v = &dc->volumes[i];
        rc = add_source(&w);
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
