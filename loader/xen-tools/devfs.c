/* devfs.c: the container's /dev (see devfs.h). */
#include "devfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* runc's default devices (libcontainer/specconv AllowedDevices). */
static const struct {
    const char *name;
    unsigned major, minor;
    mode_t mode;
    /* only in a domain whose console is the entrypoint's terminal: the
     * host's console is not the container's, and runc makes /dev/console
     * only for a container with a terminal */
    bool console;
} nodes[] = {
    {"null", 1, 3, 0666, false},    {"zero", 1, 5, 0666, false},
    {"full", 1, 7, 0666, false},    {"random", 1, 8, 0666, false},
    {"urandom", 1, 9, 0666, false}, {"tty", 5, 0, 0666, false},
    {"console", 5, 1, 0600, true},
};

static const struct {
    const char *target, *name;
} links[] = {
    {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
    {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
    {"/proc/kcore", "core"},       {"pts/ptmx", "ptmx"},
};

int devfs_build(const struct loader_env *env, const char *dev, bool console,
                xo_err *err)
{
    if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME,
              "mode=755,size=65536k") < 0)
        return xo_err_sys(err, "mount tmpfs on %s", dev);
    int dfd = open(dev, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return xo_err_sys(err, "open %s", dev);
    int rc = -1;
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        if (nodes[i].console && (env->host || !console))
            continue;
        /* mknodat's mode is cut by the umask; fchmodat sets it exactly. */
        if (mknodat(dfd, nodes[i].name, S_IFCHR | nodes[i].mode,
                    makedev(nodes[i].major, nodes[i].minor)) < 0 ||
            fchmodat(dfd, nodes[i].name, nodes[i].mode, 0) < 0) {
            xo_err_sys(err, "mknod %s/%s", dev, nodes[i].name);
            goto out;
        }
    }
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        /* As runc: /dev/core only where there is a /proc/kcore (the
         * loader's own kernel has none), so no link dangles. */
        if (!strcmp(links[i].name, "core") && access(links[i].target, F_OK) < 0)
            continue;
        if (symlinkat(links[i].target, dfd, links[i].name) < 0) {
            xo_err_sys(err, "symlink %s/%s", dev, links[i].name);
            goto out;
        }
    }
    static const char *const dirs[] = {"pts", "shm", "mqueue"};
    for (size_t i = 0; i < 3; i++)
        if (mkdirat(dfd, dirs[i], 0755) < 0) {
            xo_err_sys(err, "mkdir %s/%s", dev, dirs[i]);
            goto out;
        }
    rc = 0;
out:
    close(dfd);
    return rc;
}
