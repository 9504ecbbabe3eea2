/* runc_pod_member.c: a pod's app containers in its domain
 * (runc_pod_member.h). */
#include "runc_pod_member.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/pathfmt.h"

bool runc_pod_domain_wanted(const struct runtime_spec *rs)
{
    const char *v = runtime_spec_annotation(rs, RUNC_POD_DOMAIN_ANNOTATION);
    return v && strcmp(v, "true") == 0;
}

int runc_pod_member_sandbox(const struct runc_global *g,
                            const struct runtime_spec *rs,
                            struct runc_state *sb, xo_err *err)
{
    if (rs->container_type != RUNTIME_CONTAINER_CRI || !rs->sandbox_id)
        return 0;
    if (runc_state_read(g, rs->sandbox_id, sb, err) < 0) {
        if (err->errnum == ENOENT) { /* another runtime's sandbox */
            xo_err_clear(err);
            err->errnum = 0;
            return 0;
        }
        return xo_err_wrap(err, "pod sandbox %s", rs->sandbox_id);
    }
    return sb->sandbox && sb->pod_domain ? 1 : 0;
}

int runc_pod_member_check(const struct domain_config *dc, const char *spec_path,
                          xo_err *err)
{
    const char *what = NULL;
    if (dc->terminal)
        what = "process.terminal (no console of its own in the pod's domain)";
    else if (dc->writable == DC_WRITABLE_DISK)
        what = "a writable layer on a disk";
    else if (dc->binds_image)
        what = "bind mounts too large to travel in the boot spec";
    else if (dc->n_disks || dc->n_vifs)
        what = "disks or interfaces of its own";
    for (size_t i = 0; !what && i < dc->n_volumes; i++)
        if (dc->volumes[i].kind != DC_VOLUME_TMPFS &&
            dc->volumes[i].kind != DC_VOLUME_BIND)
            what = dc->volumes[i].kind == DC_VOLUME_SHARE
                       ? "a live share (org.xl-oci.shared-mounts)"
                       : "a volume on a disk of its own";
    if (what)
        return xo_err_set(
            err, ENOTSUP,
            "%s: a container of a pod with a domain (%s) cannot have %s yet",
            spec_path, RUNC_POD_DOMAIN_ANNOTATION, what);
    return 0;
}

int runc_pod_member_fifo(const char *dir, xo_err *err)
{
    char path[4200];
    if (xo_path_fmt(path, sizeof(path), err, "%s/" RUNC_POD_MEMBER_FIFO, dir) <
        0)
        return -1;
    if (mkfifo(path, 0600) < 0)
        return xo_err_sys(err, "cannot make %s", path);
    return 0;
}

int runc_pod_member_start(const char *dir, xo_err *err)
{
    char path[4200];
    if (xo_path_fmt(path, sizeof(path), err, "%s/" RUNC_POD_MEMBER_FIFO, dir) <
        0)
        return -1;
    /* Non-blocking: ENXIO when nobody has it open for reading. */
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == ENXIO
                   ? xo_err_set(
                         err, ESRCH,
                         "%s: the container's placeholder is not waiting for its start",
                         path)
                   : xo_err_sys(err, "%s", path);
    int rc = write(fd, "s", 1) == 1 ? 0 : xo_err_sys(err, "%s", path);
    close(fd);
    return rc;
}
