/* sysctls.c: the boot spec's sysctl entries written (see sysctls.h). */
#include "sysctls.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"

static int write_one(const char *name, const char *value, xo_err *err)
{
    char rel[OCI_SYSCTL_MAX_NAME + 1], path[sizeof(rel) + 16];
    oci_sysctl_path(rel, name);
    memcpy(path, "/proc/sys/", 10);
    memcpy(path + 10, rel, strlen(rel) + 1);
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return xo_err_set(err, ENOENT, "sysctl %s: this kernel has no %s", name,
                          path);
    if (fd < 0)
        return xo_err_sys(err, "sysctl %s: open %s", name, path);
    int rc = 0;
    /* One write: a sysctl handler parses what one write gives it. */
    if (xo_write_all(fd, value, strlen(value)) < 0)
        rc = xo_err_sys(err, "sysctl %s: writing \"%s\"", name, value);
    close(fd);
    return rc;
}

int sysctls_apply(const struct boot_spec *spec, bool host, xo_err *err)
{
    char name[OCI_SYSCTL_MAX_NAME + 1];
    const char *value = NULL;
    if (host)
        for (size_t i = 0; i < spec->nsysctl; i++)
            if (oci_sysctl_split(spec->sysctl[i], name, &value) == 0 &&
                !oci_sysctl_namespaced(name))
                return xo_err_set(
                    err, EPERM,
                    "sysctl %s: not kept per namespace, so the host test mode does not set it (in a domain it is the container's own)",
                    name);
    for (size_t i = 0; i < spec->nsysctl; i++) {
        if (oci_sysctl_split(spec->sysctl[i], name, &value) < 0)
            return xo_err_set(err, EINVAL, "sysctl entry %zu: not NAME=VALUE",
                              i);
        if (write_one(name, value, err) < 0)
            return -1;
    }
    return 0;
}
