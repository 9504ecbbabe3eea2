/* share_views.c: read-only views of shared directories for QEMU (see
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
#include "common/pathfmt.h"
#include "domcfg/domain_config.h"

#define VIEWS_DIR "share-views"

static int mkdir_private(const char *path, xo_err *err)
{
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return xo_err_sys(err, "mkdir %s", path);
    return 0;
}

/* One view: `dir` bound on `view`, then read-only, nosuid and nodev down
 * to every mount below it (a plain remount would leave submounts
 * writable).  On failure nothing stays mounted. */
static int make_view(const char *dir, const char *view, xo_err *err)
{
    if (mkdir_private(view, err) < 0)
        return -1;
    if (mount(dir, view, NULL, MS_BIND | MS_REC, NULL) < 0) {
        int e = xo_err_sys(err, "bind %s on %s", dir, view);
        rmdir(view);
        return e;
    }
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY |
                                          MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
    if (mount_setattr(AT_FDCWD, view, AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
        int e = xo_err_sys(err, "make %s read-only", view);
        umount2(view, MNT_DETACH);
        rmdir(view);
        return e;
    }
    return 0;
}

int share_views_make(struct domain_config *dc, const char *root, xo_err *err)
{
    char top[4096], mine[4096], view[4096];
    bool any = false;
    for (size_t i = 0; i < dc->n_volumes; i++)
        any |=
            dc->volumes[i].kind == DC_VOLUME_SHARE && dc->volumes[i].read_only;
    if (!any)
        return 0;
    if (xo_path_fmt(top, sizeof(top), err, "%s/" VIEWS_DIR, root) < 0 ||
        xo_path_fmt(mine, sizeof(mine), err, "%s/%s", top, dc->name) < 0 ||
        mkdir_private(top, err) < 0 || mkdir_private(mine, err) < 0)
        return -1;
    for (size_t i = 0; i < dc->n_volumes; i++) {
        struct dc_volume *v = &dc->volumes[i];
        if (v->kind != DC_VOLUME_SHARE || !v->read_only)
            continue;
        if (xo_path_fmt(view, sizeof(view), err, "%s/%zu", mine, i) < 0 ||
            make_view(v->source, view, err) < 0) {
            xo_err_wrap(err, "read-only share %s", v->target);
            xo_err undo = XO_ERR_INIT;
            share_views_release(root, dc->name, &undo);
            xo_err_clear(&undo);
            return -1;
        }
        free(v->source);
        v->source = xo_xstrdup(view);
    }
    return 0;
}

/* Whether a name is one share_views_make gives a view (an index). */
static bool index_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int share_views_release(const char *root, const char *container, xo_err *err)
{
    char mine[4096], view[4096];
    if (xo_path_fmt(mine, sizeof(mine), err, "%s/" VIEWS_DIR "/%s", root,
                    container) < 0)
        return -1;
    DIR *d = opendir(mine);
    if (!d)
        return errno == ENOENT ? 0 : xo_err_sys(err, "open %s", mine);
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!index_name(e->d_name))
            continue;
        if (xo_path_fmt(view, sizeof(view), err, "%s/%s", mine, e->d_name) <
            0) {
            rc = -1;
            break;
        }
        /* EINVAL: not a mount point (a create killed before its bind). */
        if (umount2(view, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 &&
            errno != EINVAL && errno != ENOENT) {
            rc = xo_err_sys(err, "unmount %s", view);
            break;
        }
        if (rmdir(view) < 0 && errno != ENOENT) {
            rc = xo_err_sys(err, "remove %s", view);
            break;
        }
    }
    closedir(d);
    if (rc == 0 && rmdir(mine) < 0 && errno != ENOENT)
        rc = xo_err_sys(err, "remove %s", mine);
    return rc;
}
