/* whiteout.c: whiteouts that hide only lower layers (see whiteout.h). */
#include "whiteout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsat.h"
#include "layerpath.h"

#include "common/alloc.h"
#include "common/pathfmt.h"

static int prune(int dfd, const struct stat *dst, const char *name,
                 const struct strset *made, int depth);

/* The key of `name` in the directory whose identity is dst; -1
 * (ENAMETOOLONG) for a name longer than any a directory can hold. */
static int made_key(char *key, size_t cap, const struct stat *dst,
                    const char *name)
{
    return xo_path_fmt(key, cap, NULL, "%llx:%llx/%s",
                       (unsigned long long)dst->st_dev,
                       (unsigned long long)dst->st_ino, name);
}

static bool made_has(const struct strset *made, const struct stat *dst,
                     const char *name)
{
    char key[64 + NAME_MAX];
    /* No object of this layer can have a name that does not fit. */
    return made_key(key, sizeof(key), dst, name) >= 0 && strset_has(made, key);
}

int whiteout_made_add(struct strset *made, int dfd, const char *name)
{
    struct stat dst;
    if (fstat(dfd, &dst) < 0)
        return -1;
    char key[64 + NAME_MAX];
    if (made_key(key, sizeof(key), &dst, name) < 0)
        return -1; /* errno ENAMETOOLONG */
    strset_add(made, key);
    return 0;
}

/* The names in directory dfd, read before any is removed. */
static int list_names(char ***names_r, size_t *n_r, int dfd)
{
    int dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0)
            close(dup_fd);
        return -1;
    }
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            v = xo_xreallocarray(v, cap, sizeof(*v));
        }
        v[n++] = xo_xstrdup(e->d_name);
    }
    closedir(d);
    *names_r = v;
    *n_r = n;
    return 0;
}

/* Prunes every child of dfd; returns how many were kept, or -1. */
static int prune_children(int dfd, const struct strset *made, int depth)
{
    char **names = NULL;
    size_t n = 0;
    struct stat dst;
    if (fstat(dfd, &dst) < 0 || list_names(&names, &n, dfd) < 0)
        return -1;
    int kept = 0;
    for (size_t i = 0; i < n; i++) {
        int r = kept >= 0 ? prune(dfd, &dst, names[i], made, depth) : 0;
        if (r < 0)
            kept = -1;
        else if (kept >= 0)
            kept += r;
        free(names[i]);
    }
    free(names);
    return kept;
}

/*
 * Removes what lower layers left at dfd/name, never following symlinks:
 * returns 1 when something there was kept (an object of `made`, or a
 * directory leading to one), 0 when it is gone, -1 with errno set.
 */
static int prune(int dfd, const struct stat *dst, const char *name,
                 const struct strset *made, int depth)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -1;
    bool ours = made_has(made, dst, name);
    if (ours && !S_ISDIR(st.st_mode))
        return 1;
    if (!S_ISDIR(st.st_mode) || made->n == 0)
        return fsat_remove_tree(dfd, name) < 0 ? -1 : 0;
    if (depth >= LAYERPATH_MAX_DEPTH * 2) {
        errno = ELOOP;
        return -1;
    }
    int cfd =
        openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (cfd < 0)
        return -1;
    /* Unprivileged, a read-only directory (0555 from a layer) must be
     * made writable to be emptied; its mode is restored if it stays. */
    bool rootless = geteuid() != 0;
    if (rootless)
        (void)fchmod(cfd, 0700);
    int kept = prune_children(cfd, made, depth + 1);
    int saved = errno;
    if (rootless && (kept != 0 || ours))
        (void)fchmod(cfd, st.st_mode & 07777);
    close(cfd);
    if (kept < 0) {
        errno = saved;
        return -1;
    }
    if (kept > 0 || ours)
        return 1;
    return unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
}

static int apply_opaque(int rootfd, const char *parent, struct strset *made,
                        const char *what, const char *raw, xo_err *err)
{
    int pfd = fsat_dir_in_root(rootfd, parent, true);
    /* A non-directory (a file, a symlink to one) holds nothing to hide,
     * as for a plain whiteout: umoci and moby pass over it. */
    if (pfd < 0 && errno == ENOTDIR)
        return 0;
    if (pfd < 0)
        return xo_err_sys(err, "%s: opaque whiteout \"%s\": directory \"%s\"",
                          what, raw, parent);
    int rc = prune_children(pfd, made, 0) < 0
                 ? xo_err_sys(err, "%s: opaque whiteout \"%s\": cannot remove",
                              what, raw)
                 : 0;
    close(pfd);
    return rc;
}

int whiteout_apply(int rootfd, const char *parent, const char *base,
                   struct strset *made, const char *what, const char *raw,
                   xo_err *err)
{
    if (!strcmp(base, WHITEOUT_OPAQUE))
        return apply_opaque(rootfd, parent, made, what, raw, err);
    const char *victim = base + strlen(WHITEOUT_PREFIX);
    if (!*victim || !strcmp(victim, ".") || !strcmp(victim, ".."))
        return xo_err_set(err, EPERM,
                          "%s: whiteout \"%s\" names \"%s\": refused", what,
                          raw, victim);
    int pfd = fsat_dir_in_root(rootfd, parent, false);
    if (pfd < 0) {
        /* Nothing below a missing directory or a non-directory to hide. */
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        return xo_err_sys(err, "%s: whiteout \"%s\": cannot open \"%s\"", what,
                          raw, parent);
    }
    int rc = 0;
    struct stat dst;
    if (fstat(pfd, &dst) < 0 || prune(pfd, &dst, victim, made, 0) < 0)
        rc = xo_err_sys(err, "%s: whiteout \"%s\": cannot remove", what, raw);
    close(pfd);
    return rc;
}
