/* share_views.c: the views of shared directories QEMU serves (see
 * share_views.h). */
#include "xl-plugin/share_views.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "domcfg/domain_config.h"

#define VIEWS_DIR "share-views"
#define ORIGIN_SUFFIX ".origin"
#define ORIGIN_MAX 4200 /* "ro " and a path of at most 4095 bytes */

static int mkdir_private(const char *path, xo_err *err)
{
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return xo_err_sys(err, "mkdir %s", path);
    return 0;
}

/* Whether `path` is the root of a mount (a view in place). */
static bool mounted(const char *path)
{
    struct statx stx;
    return statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
                 &stx) == 0 &&
           (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
           (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* One view: `dir` bound on `view`, then nodev, nosuid (and read-only)
 * down to every mount below it, with private propagation so that mounts
 * made under `dir` later do not arrive in the view without them.  On
 * failure nothing stays mounted. */
static int make_view(const char *dir, const char *view, bool ro, xo_err *err)
{
    if (mkdir_private(view, err) < 0)
        return -1;
    if (mount(dir, view, NULL, MS_BIND | MS_REC, NULL) < 0) {
        int e = xo_err_sys(err, "bind %s on %s", dir, view);
        rmdir(view);
        return e;
    }
    struct mount_attr attr = {
        .attr_set =
            MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (ro ? MOUNT_ATTR_RDONLY : 0),
        .propagation = MS_PRIVATE,
    };
    if (mount_setattr(AT_FDCWD, view, AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
        int e = xo_err_sys(err, "make %s nodev, nosuid%s", view,
                           ro ? ", read-only" : "");
        umount2(view, MNT_DETACH);
        rmdir(view);
        return e;
    }
    return 0;
}

int share_views_make(struct domain_config *dc, const char *root, xo_err *err)
{
    char top[4096], mine[4096], view[4096], rec[4200], line[ORIGIN_MAX];
    bool any = false;
    for (size_t i = 0; i < dc->n_volumes; i++)
        any |= dc->volumes[i].kind == DC_VOLUME_SHARE;
    if (!any)
        return 0;
    if (share_views_release(root, dc->name, err) < 0 ||
        xo_path_fmt(top, sizeof(top), err, "%s/" VIEWS_DIR, root) < 0 ||
        xo_path_fmt(mine, sizeof(mine), err, "%s/%s", top, dc->name) < 0 ||
        mkdir_private(top, err) < 0 || mkdir_private(mine, err) < 0)
        return -1;
    for (size_t i = 0; i < dc->n_volumes; i++) {
        struct dc_volume *v = &dc->volumes[i];
        if (v->kind != DC_VOLUME_SHARE)
            continue;
        int n = -1;
        if (xo_path_fmt(view, sizeof(view), err, "%s/%zu", mine, i) < 0 ||
            xo_path_fmt(rec, sizeof(rec), err, "%s" ORIGIN_SUFFIX, view) < 0 ||
            (n = xo_path_fmt(line, sizeof(line), err, "%s %s\n",
                             v->read_only ? "ro" : "rw", v->source)) < 0 ||
            xo_write_file_atomic(rec, line, (size_t)n, 0600, err) < 0 ||
            make_view(v->source, view, v->read_only, err) < 0) {
            xo_err_wrap(err, "share %s", v->target);
            xo_err undo = XO_ERR_INIT;
            share_views_release(root, dc->name, &undo);
            xo_err_clear(&undo);
            return -1;
        }
        free(v->share_dir);
        v->share_dir = v->source;
        v->source = xo_xstrdup(view);
    }
    return 0;
}

/* Whether `name` is a view's (an index) or, with `suffix`, its record's. */
static bool view_name(const char *name, const char *suffix)
{
    size_t n = strspn(name, "0123456789");
    return n > 0 && strcmp(name + n, suffix) == 0;
}

/* The record `path`: its mode and directory (absolute, one line). */
static int read_origin(const char *path, bool *ro, char *dir, size_t dirsz,
                       xo_err *err)
{
    char *text = NULL;
    size_t len = 0;
    if (xo_read_file(&text, &len, path, ORIGIN_MAX, err) < 0)
        return -1;
    int rc = 0;
    if (len < 5 || text[len - 1] != '\n' || memchr(text, '\n', len - 1) ||
        memchr(text, '\0', len) ||
        (strncmp(text, "ro /", 4) != 0 && strncmp(text, "rw /", 4) != 0) ||
        len - 4 >= dirsz) {
        rc = xo_err_set(err, EINVAL, "%s: not \"ro|rw /DIR\"", path);
    } else {
        *ro = text[1] == 'o';
        memcpy(dir, text + 3, len - 4);
        dir[len - 4] = '\0';
    }
    free(text);
    return rc;
}

/* Opens ROOT/share-views/CONTAINER (its path into mine): NULL with *rc
 * 0 when there is none, -1 with err when it cannot be read; *rc is 0
 * whenever a directory is returned. */
static DIR *open_views(char *mine, size_t size, const char *root,
                       const char *container, int *rc, xo_err *err)
{
    *rc = 0;
    if (xo_path_fmt(mine, size, err, "%s/" VIEWS_DIR "/%s", root, container) <
        0) {
        *rc = -1;
        return NULL;
    }
    DIR *d = opendir(mine);
    if (!d && errno != ENOENT)
        *rc = xo_err_sys(err, "open %s", mine);
    return d;
}

int share_views_ensure(const char *root, const char *container, xo_err *err)
{
    char mine[4096], rec[4400], view[4400], dir[4096];
    int rc;
    DIR *d = open_views(mine, sizeof(mine), root, container, &rc, err);
    if (!d)
        return rc;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (!view_name(e->d_name, ORIGIN_SUFFIX))
            continue;
        size_t n = strlen(e->d_name) - strlen(ORIGIN_SUFFIX);
        bool ro = false;
        if (xo_path_fmt(rec, sizeof(rec), err, "%s/%s", mine, e->d_name) < 0 ||
            xo_path_fmt(view, sizeof(view), err, "%s/%.*s", mine, (int)n,
                        e->d_name) < 0 ||
            read_origin(rec, &ro, dir, sizeof(dir), err) < 0)
            rc = -1;
        else if (!mounted(view))
            rc = make_view(dir, view, ro, err);
    }
    closedir(d);
    return rc < 0 ? xo_err_wrap(err, "%s: share view", container) : 0;
}

int share_views_release(const char *root, const char *container, xo_err *err)
{
    char mine[4096], path[4400];
    int rc;
    DIR *d = open_views(mine, sizeof(mine), root, container, &rc, err);
    if (!d)
        return rc;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        bool view = view_name(e->d_name, "");
        if (!view && !view_name(e->d_name, ORIGIN_SUFFIX))
            continue;
        if (xo_path_fmt(path, sizeof(path), err, "%s/%s", mine, e->d_name) <
            0) {
            rc = -1;
            break;
        }
        if (!view) {
            if (unlink(path) < 0 && errno != ENOENT)
                rc = xo_err_sys(err, "remove %s", path);
            continue;
        }
        /* As often as something is mounted there (a view made twice by
         * creates that were killed); EINVAL: nothing is, any more. */
        for (int k = 0; k < 64 && mounted(path); k++)
            if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 &&
                errno != EINVAL) {
                rc = xo_err_sys(err, "unmount %s", path);
                break;
            }
        if (rc == 0 && rmdir(path) < 0 && errno != ENOENT)
            rc = xo_err_sys(err, "remove %s", path);
    }
    closedir(d);
    if (rc == 0 && rmdir(mine) < 0 && errno != ENOENT)
        rc = xo_err_sys(err, "remove %s", mine);
    return rc;
}
