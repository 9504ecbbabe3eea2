/* bundle_ghosts.c: whiteouts an overlay lists but cannot look up (see
 * bundle_ghosts.h). */
#include "image/bundle_ghosts.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "image/strset.h"

/* Directories nftw keeps open at once. */
#define GHOSTS_WALK_FDS 32
/* Linux's limits for one file's list of xattr names and one value. */
#define GHOSTS_XATTR_LIST_MAX 65536
#define GHOSTS_XATTR_VALUE_MAX 65536

void bundle_ghosts_dispose(struct bundle_ghosts *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->dirs[i]);
    free(g->dirs);
    for (size_t i = 0; i < g->n_names; i++)
        free(g->names[i]);
    free(g->names);
    memset(g, 0, sizeof(*g));
}

/* nftw passes no argument to its callback: the walk's state, one walk at
 * a time per thread. */
static _Thread_local struct walk_ctx {
    size_t skip; /* strlen of the tree and its '/' */
    struct strset seen;
    struct bundle_ghosts *g;
} * walk;

static int visit(const char *path, const struct stat *st, int flag,
                 struct FTW *ftw)
{
    (void)st;
    if (flag != FTW_NS || ftw->level == 0)
        return FTW_CONTINUE;
    /* A name the listing gave that lstat() does not find. */
    struct bundle_ghosts *g = walk->g;
    g->names = xo_xrealloc(g->names, (g->n_names + 1) * sizeof(*g->names));
    g->names[g->n_names++] = xo_xstrdup(path + walk->skip);
    /* The directory's path from the tree: between the tree's '/' and the
     * one before the name (ftw->base), "" at the top. */
    size_t base = (size_t)ftw->base;
    char *dir = base > walk->skip
                    ? xo_xstrndup(path + walk->skip, base - walk->skip - 1)
                    : xo_xstrdup("");
    if (!strset_has(&walk->seen, dir)) {
        strset_add(&walk->seen, dir);
        g->dirs = xo_xrealloc(g->dirs, (g->n + 1) * sizeof(*g->dirs));
        g->dirs[g->n++] = dir;
    } else {
        free(dir);
    }
    return FTW_CONTINUE;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int bundle_ghosts_find(struct bundle_ghosts *g_r, const char *tree, xo_err *err)
{
    struct bundle_ghosts g = {NULL, 0, NULL, 0};
    struct walk_ctx ctx = {strlen(tree) + 1, {NULL, 0, 0}, &g};
    walk = &ctx;
    int r = nftw(tree, visit, GHOSTS_WALK_FDS, FTW_PHYS | FTW_ACTIONRETVAL);
    int saved = errno;
    walk = NULL;
    strset_clear(&ctx.seen);
    if (r != 0) {
        bundle_ghosts_dispose(&g);
        errno = saved;
        return xo_err_sys(err, "cannot walk %s", tree);
    }
    if (g.n)
        qsort(g.dirs, g.n, sizeof(*g.dirs), by_name);
    if (g.n_names)
        qsort(g.names, g.n_names, sizeof(*g.names), by_name);
    *g_r = g;
    return 0;
}

/* The extended attributes of `from` (as the overlay shows them) on `to`. */
static int copy_xattrs(const char *from, const char *to, xo_err *err)
{
    char *names = xo_xmalloc(GHOSTS_XATTR_LIST_MAX);
    char *value = xo_xmalloc(GHOSTS_XATTR_VALUE_MAX);
    int rc = 0;
    ssize_t n = llistxattr(from, names, GHOSTS_XATTR_LIST_MAX);
    if (n < 0)
        rc = xo_err_sys(err, "cannot list the extended attributes of %s", from);
    for (ssize_t i = 0; rc == 0 && i < n; i += (ssize_t)strlen(names + i) + 1) {
        ssize_t v = lgetxattr(from, names + i, value, GHOSTS_XATTR_VALUE_MAX);
        if (v < 0 || lsetxattr(to, names + i, value, (size_t)v, 0) < 0)
            rc = xo_err_sys(err, "cannot copy %s of %s", names + i, from);
    }
    free(names);
    free(value);
    return rc;
}

/* Makes `rel` under `layer` with the attributes `tree` shows (times come
 * last, once its children are made: layer_times). */
static int make_dir(const char *tree, const char *layer, const char *rel,
                    xo_err *err)
{
    char *from = xo_path_join(tree, rel), *to = xo_path_join(layer, rel);
    struct stat st;
    int rc = 0;
    if (lstat(from, &st) < 0)
        rc = xo_err_sys(err, "cannot stat %s", from);
    else if (!S_ISDIR(st.st_mode))
        rc = xo_err_set(err, ENOTDIR, "%s is not a directory", from);
    else if (mkdir(to, 0700) < 0 || lchown(to, st.st_uid, st.st_gid) < 0 ||
             chmod(to, st.st_mode & 07777) < 0)
        rc = xo_err_sys(err, "cannot make %s", to);
    else
        rc = copy_xattrs(from, to, err);
    free(from);
    free(to);
    return rc;
}

int bundle_ghosts_layer(const struct bundle_ghosts *g, const char *tree,
                        const char *layer, xo_err *err)
{
    struct strset made = {NULL, 0, 0};
    char **order = NULL; /* every directory made, parents first */
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < g->n; i++) {
        char *p = g->dirs[i];
        for (size_t k = 0; rc == 0 && p[k]; k++) {
            if (p[k + 1] != '/' && p[k + 1] != '\0')
                continue;
            char *rel = xo_xstrndup(p, k + 1);
            if (strset_has(&made, rel)) {
                free(rel);
                continue;
            }
            strset_add(&made, rel);
            rc = make_dir(tree, layer, rel, err);
            order = xo_xrealloc(order, (n + 1) * sizeof(*order));
            order[n++] = rel;
        }
    }
    /* The names whited out here too: a layer below that is the rootfs
     * mount lists them again in a merged directory (overlayfs filters a
     * lower entry out only when a layer above whites it out). */
    for (size_t i = 0; rc == 0 && i < g->n_names; i++) {
        char *to = xo_path_join(layer, g->names[i]);
        /* EEXIST: a mount point the build adds (bundle_rootfs.c) has
         * the name, and hides it as well. */
        if (mknod(to, S_IFCHR | 0000, makedev(0, 0)) < 0 && errno != EEXIST)
            rc = xo_err_sys(err, "cannot make a whiteout %s", to);
        free(to);
    }
    /* Times last, children before their parents. */
    for (size_t i = n; rc == 0 && i-- > 0;) {
        char *from = xo_path_join(tree, order[i]);
        char *to = xo_path_join(layer, order[i]);
        struct stat st;
        if (lstat(from, &st) < 0)
            rc = xo_err_sys(err, "cannot stat %s", from);
        else if (utimensat(AT_FDCWD, to,
                           (struct timespec[2]){st.st_atim, st.st_mtim},
                           AT_SYMLINK_NOFOLLOW) < 0)
            rc = xo_err_sys(err, "cannot set the times of %s", to);
        free(from);
        free(to);
    }
    for (size_t i = 0; i < n; i++)
        free(order[i]);
    free(order);
    strset_clear(&made);
    return rc;
}
