/* maskpaths.c: masked and read-only paths (maskpaths.h). */
#include "maskpaths.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "common/abi/capabilities.h"
#include "common/abi/masked_paths.h"

static const char *const readonly_paths[] = {OCI_DEFAULT_READONLY_PATHS};
static const char *const masked_paths[] = {OCI_DEFAULT_MASKED_PATHS};

/* Remounts the mount at `path` (a bind of itself first, so only this
 * path) read-only, keeping nosuid, nodev, noexec. */
static int read_only(const char *path)
{
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return -1;
    return mount(NULL, path, NULL,
                 MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
                     MS_NOEXEC,
                 NULL);
}

int mounts_mask_paths(const struct boot_spec *spec, const char **what_r)
{
    if (spec->has_caps && spec->cap_bounding == OCI_CAP_ALL)
        return 0;
    struct stat st;
    *what_r = "/sys";
    /* /sys is a mount of its own: a remount flags it alone. */
    if (mount(NULL, "/sys", NULL,
              MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
                  MS_NOEXEC,
              NULL) < 0 &&
        errno != EINVAL)
        return -1;
    for (size_t i = 0; i < sizeof(readonly_paths) / sizeof(*readonly_paths);
         i++) {
        *what_r = readonly_paths[i];
        if (lstat(readonly_paths[i], &st) < 0) {
            if (errno == ENOENT)
                continue;
            return -1;
        }
        if (read_only(readonly_paths[i]) < 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof(masked_paths) / sizeof(*masked_paths); i++) {
        *what_r = masked_paths[i];
        if (lstat(masked_paths[i], &st) < 0) {
            if (errno == ENOENT)
                continue;
            return -1;
        }
        /* runc's maskPath: a read-only tmpfs, no other flag. */
        int r = S_ISDIR(st.st_mode)
                    ? mount("tmpfs", masked_paths[i], "tmpfs", MS_RDONLY, NULL)
                    : mount("/dev/null", masked_paths[i], NULL, MS_BIND, NULL);
        if (r < 0)
            return -1;
    }
    return 0;
}
