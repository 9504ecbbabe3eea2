/*
 * pod_registry.c: the pod containers a domain runs, for exec into them
 * (pod_container.h: pod_container_register and what follows).
 *
 * A pod container's session writes, once its process runs, two files in
 * the registry's directory, a tmpfs no mount namespace shows (reached
 * through the base's registry fd, pod_container_registry_open):
 * TARGET.pid, the process's pid as the exec server sees it (decimal), and
 * TARGET.spec, its boot spec.  TARGET is the name of the container's
 * root device, which dom0 gives each container of the pod its own
 * (xl-plugin/runc_pod_member.h).  An exec session with that target reads
 * them back and runs its process there, as in the domain's own
 * container.  Only the loader's own processes can reach them: the files
 * once lay in the initramfs beside the staging directories, where a
 * container that walked out of its root could rewrite them (a pid of
 * its choice, a spec with every capability) for the next exec into a
 * sibling.
 */
#include "pod_container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/abi/exec_channel.h"
#include "common/fileio.h"
#include "common/pathfmt.h"

/* TARGET.EXT in the registry's directory. */
static int reg_path(char *buf, size_t len, const char *target, const char *ext,
                    xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s.%s", target, ext);
}

int pod_container_registry_open(const char *dir, xo_err *err)
{
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return xo_err_sys(err, "mkdir %s", dir);
    /* 25 members' specs of at most 64 KiB each, and their pids. */
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=0700,size=2m,nr_inodes=128") < 0) {
        xo_err_sys(err, "mount the pod registry on %s", dir);
        rmdir(dir);
        return -1;
    }
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        xo_err_sys(err, "open %s", dir);
    if (umount2(dir, MNT_DETACH) < 0 && fd >= 0) {
        xo_err_sys(err, "detach %s", dir);
        close(fd);
        fd = -1;
    }
    rmdir(dir);
    return fd;
}

const char *pod_container_target(const struct boot_spec *spec)
{
    const char *dev = spec->root_device ? spec->root_device : "";
    const char *base = strrchr(dev, '/');
    base = base ? base + 1 : dev;
    return exec_request_target_ok(base) ? base : NULL;
}

static int write_at(int dirfd, const char *path, const void *data, size_t len,
                    xo_err *err)
{
    int fd =
        openat(dirfd, path,
               O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return xo_err_sys(err, "%s", path);
    int rc = xo_write_all(fd, data, len) < 0 ? xo_err_sys(err, "%s", path) : 0;
    close(fd);
    return rc;
}

int pod_container_register(const struct exec_pod_base *base,
                           const struct boot_spec *spec, const void *blob,
                           size_t len, pid_t pid, xo_err *err)
{
    const char *target = pod_container_target(spec);
    if (!target)
        return 0; /* no name an exec could give: nothing to find */
    char path[PATH_MAX], text[24];
    /* cannot truncate: a pid in 24 bytes */
    int n = snprintf(text, sizeof(text), "%d\n", (int)pid);
    if (reg_path(path, sizeof(path), target, "spec", err) < 0 ||
        write_at(base->registry_fd, path, blob, len, err) < 0 ||
        reg_path(path, sizeof(path), target, "pid", err) < 0 ||
        write_at(base->registry_fd, path, text, (size_t)n, err) < 0)
        return -1;
    return 0;
}

void pod_container_unregister(const struct exec_pod_base *base,
                              const struct boot_spec *spec)
{
    const char *target = pod_container_target(spec);
    char path[PATH_MAX];
    xo_err err = XO_ERR_INIT;
    if (target && reg_path(path, sizeof(path), target, "pid", &err) >= 0)
        unlinkat(base->registry_fd, path, 0);
    if (target && reg_path(path, sizeof(path), target, "spec", &err) >= 0)
        unlinkat(base->registry_fd, path, 0);
    xo_err_clear(&err);
}

/* Reads at most `max` bytes of `path` under dirfd; the length, or -1. */
static ssize_t read_at(int dirfd, const char *path, void *buf, size_t max)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    size_t got = 0;
    ssize_t n = 0;
    while (got < max && (n = read(fd, (char *)buf + got, max - got)) > 0)
        got += (size_t)n;
    close(fd);
    return n < 0 ? -1 : (ssize_t)got;
}

int pod_container_find(const struct exec_pod_base *base, const char *target,
                       struct boot_spec *spec, pid_t *pid_r, xo_err *err)
{
    if (!base || base->root_fd < 0 || base->registry_fd < 0)
        return xo_err_set(err, ENOTSUP, "this domain runs no pod containers");
    char path[PATH_MAX], text[24];
    if (reg_path(path, sizeof(path), target, "pid", err) < 0)
        return -1;
    ssize_t n = read_at(base->registry_fd, path, text, sizeof(text) - 1);
    if (n <= 0)
        return xo_err_set(err, ESRCH, "no pod container runs on %s", target);
    text[n] = '\0';
    char *end;
    long pid = strtol(text, &end, 10);
    if (pid < 2 || *end != '\n')
        return xo_err_set(err, EINVAL, "%s: not a pid", path);
    /* Static: a spec is up to 64 KiB; one session looks up one target. */
    static uint8_t blob[EXEC_CONTAINER_SPEC_MAX + 1];
    if (reg_path(path, sizeof(path), target, "spec", err) < 0)
        return -1;
    n = read_at(base->registry_fd, path, blob, sizeof(blob));
    if (n <= 0 || (size_t)n > EXEC_CONTAINER_SPEC_MAX)
        return xo_err_set(err, EINVAL, "%s: no boot spec", path);
    if (boot_spec_parse(spec, blob, (size_t)n, err) < 0)
        return xo_err_wrap(err, "%s", path);
    *pid_r = (pid_t)pid;
    return 0;
}
