/* modules.c: finit_module by group, in the builder's order (modules.h). */
#include "modules.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fileio.h"

static bool wanted(const char *group, const char *const *groups, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(groups[i], group))
            return true;
    return false;
}

static int load_one(const char *path, xo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "module %s", path);
    int rc = 0;
    if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
        rc = xo_err_sys(err, "loading module %s", path);
    close(fd);
    return rc;
}

int modules_load(const char *list, const char *const *groups, size_t ngroups,
                 bool unlink_after, xo_err *err)
{
    char *buf = NULL;
    size_t len;
    if (xo_read_file(&buf, &len, list, 64 * 1024, err) < 0) {
        if (err->errnum == ENOENT) {
            /* A loader built without modules (all built in) is valid. */
            xo_err_clear(err);
            return 0;
        }
        return -1;
    }
    /* Paths of this list, so a module shared by groups loads once. */
    const char *paths[MODULES_MAX];
    bool loaded[MODULES_MAX] = {false};
    size_t n = 0;
    int rc = 0;
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        char *path = strchr(l, ' ');
        if (!path || path[1] != '/') {
            rc = xo_err_set(err, EINVAL, "%s: bad line \"%.64s\"", list, l);
            break;
        }
        *path++ = '\0';
        size_t i;
        for (i = 0; i < n && strcmp(paths[i], path) != 0; i++)
            ;
        if (i == n) {
            if (n == MODULES_MAX) {
                rc = xo_err_set(err, E2BIG, "%s: more than %d modules", list,
                                MODULES_MAX);
                break;
            }
            paths[n++] = path;
        }
        if (loaded[i] || !wanted(l, groups, ngroups))
            continue;
        if ((rc = load_one(path, err)) < 0)
            break;
        loaded[i] = true;
    }
    /* The initramfs is RAM the container could use: free the copies. */
    for (size_t i = 0; unlink_after && i < n; i++)
        unlink(paths[i]);
    free(buf);
    return rc;
}
