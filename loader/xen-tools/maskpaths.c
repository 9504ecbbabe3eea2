/* maskpaths.c: masked and read-only paths (maskpaths.h). */
#include "maskpaths.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "common/abi/capabilities.h"
#include "common/abi/masked_paths.h"

static const char *const default_readonly[] = {OCI_DEFAULT_READONLY_PATHS,
                                               NULL};
static const char *const default_masked[] = {OCI_DEFAULT_MASKED_PATHS, NULL};

/* runc's readonlyPath: a bind of `path` on itself (so only this path),
 * remounted read-only with the nosuid, nodev and noexec it had. */
static int read_only(const char *path, const struct stat *st)
{
    (void)st;
    struct statvfs vfs;
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 ||
        statvfs(path, &vfs) < 0)
        return -1;
    unsigned long keep = (vfs.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
                         (vfs.f_flag & ST_NODEV ? MS_NODEV : 0) |
                         (vfs.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
    return mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep,
                 NULL);
}

/* runc's maskPath: a read-only tmpfs (no other flag) over a directory,
 * /dev/null over anything else; a symlink is followed, as mount(2) and
 * runc follow it. */
static int mask(const char *path, const struct stat *st)
{
    return S_ISDIR(st->st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL)
                                : mount("/dev/null", path, NULL, MS_BIND, NULL);
}

/* Applies `fn` to each path of the NULL-terminated `v` that exists
 * (after symlinks: runc passes over what mount(2) finds missing). */
static int each(const char *const *v,
                int (*fn)(const char *, const struct stat *),
                const char **what_r)
{
    struct stat st;
    for (size_t i = 0; v[i]; i++) {
        *what_r = v[i];
        if (stat(v[i], &st) < 0) {
            if (errno == ENOENT)
                continue;
            return -1;
        }
        if (fn(v[i], &st) < 0)
            return -1;
    }
    return 0;
}

int mounts_mask_paths(const struct boot_spec *spec, const char **what_r)
{
    const char *const *ro = default_readonly, *const *masked = default_masked;
    bool sys_ro = true;
    if (spec->has_path_policy) {
        ro = spec->readonly_paths;
        masked = spec->masked_paths;
        sys_ro = !spec->sys_read_write;
    } else if (spec->has_caps && spec->cap_bounding == OCI_CAP_ALL) {
        return 0;
    }
    *what_r = "/sys";
    /* /sys is a mount of its own: a remount flags it alone. */
    if (sys_ro &&
        mount(NULL, "/sys", NULL,
              MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
                  MS_NOEXEC,
              NULL) < 0 &&
        errno != EINVAL)
        return -1;
    /* runc's order: read-only first, then the masks (a mask under a
     * read-only path is still mounted: a new mount, not a write). */
    if (each(ro, read_only, what_r) < 0)
        return -1;
    return each(masked, mask, what_r);
}
