/* spec_mounts.c: a runtime spec's mounts as a domain's volumes (see
 * spec_mounts.h). */
#include "domcfg/spec_mounts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/pathfmt.h"
#include "domcfg/volumes.h"

/* The xvd after every disk dc already has: root, writable layer,
 * volumes, then app.cfg's disk= lines (build_disks numbers those). */
static size_t next_vdev(const struct domain_config *dc)
{
    size_t n = 1 + (dc->writable_vdev != NULL) + dc->n_disks;
    for (size_t i = 0; i < dc->n_volumes; i++)
        n += dc->volumes[i].vdev != NULL;
    return n;
}

static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* No empty or "." component and no trailing '/': the loader compares
 * targets as strings (the /etc files a bind covers, binds under /dev). */
static bool canonical(const char *p)
{
    return !strstr(p, "//") && !strstr(p, "/./") && p[strlen(p) - 1] != '/' &&
           !(strlen(p) >= 2 && strcmp(p + strlen(p) - 2, "/.") == 0);
}

/* The value of a "size=" option, or NULL. */
static const char *size_option(const struct runtime_mount *m)
{
    const char *v = NULL;
    for (size_t i = 0; i < m->n_options; i++)
        if (strncmp(m->options[i], "size=", 5) == 0)
            v = m->options[i] + 5;
    return v;
}

int domcfg_spec_mounts(struct domain_config *dc, const struct runtime_spec *rs,
                       const char *bundle, const char *where, xo_err *err)
{
    size_t binds = 0;
    for (size_t i = 0; i < rs->n_mounts; i++) {
        const struct runtime_mount *m = &rs->mounts[i];
        if (m->kind == RUNTIME_MOUNT_PROVIDED ||
            (m->kind == RUNTIME_MOUNT_BIND &&
             strcmp(m->destination, "/dev/shm") == 0))
            continue;
        if (m->kind == RUNTIME_MOUNT_OTHER)
            return xo_err_set(
                err, EINVAL,
                "%s: mounts[%zu]: type \"%.64s\" at %.200s cannot be mounted in a domain (bind and tmpfs mounts can)",
                where, i, m->type, m->destination);
        if (!domcfg_valid_guest_path(m->destination) ||
            !canonical(m->destination) || under(m->destination, "/proc") ||
            under(m->destination, "/sys") ||
            strcmp(m->destination, "/dev") == 0)
            return xo_err_set(
                err, EINVAL,
                "%s: mounts[%zu]: destination %.200s: must be canonical (no // or /./), not /dev, not under /proc or /sys, no ',' or ':', at most 1024 bytes",
                where, i, m->destination);
        if (dc->n_volumes == DC_MAX_VOLUMES)
            return xo_err_set(
                err, E2BIG,
                "%s: mounts[%zu] (%.200s): a domain takes at most %d volumes and mounts",
                where, i, m->destination, DC_MAX_VOLUMES);
        struct dc_volume v = {.target = NULL};
        if (m->kind == RUNTIME_MOUNT_TMPFS) {
            const char *size = size_option(m);
            if (size && !domcfg_valid_tmpfs_size(size))
                return xo_err_set(
                    err, EINVAL,
                    "%s: mounts[%zu] (%.200s): size=%.32s is not like 64m or 10%%",
                    where, i, m->destination, size);
            v.kind = DC_VOLUME_TMPFS;
            v.size = size ? xo_xstrdup(size) : NULL;
        } else {
            if (!dc->binds_vdev)
                dc->binds_vdev = domcfg_vdev_name(next_vdev(dc));
            v.kind = DC_VOLUME_BIND;
            v.source = m->source[0] == '/'
                           ? xo_xstrdup(m->source)
                           : xo_xasprintf("%s/%s", bundle, m->source);
            v.subpath = xo_xasprintf("%zu", binds++);
            v.vdev = xo_xstrdup(dc->binds_vdev);
            v.read_only = m->read_only;
        }
        v.target = xo_xstrdup(m->destination);
        dc->volumes[dc->n_volumes++] = v;
    }
    return 0;
}

int domcfg_binds_check_made(const struct domain_config *dc, xo_err *err)
{
    for (size_t i = 0; i < dc->n_volumes; i++)
        if (dc->volumes[i].kind == DC_VOLUME_BIND && !dc->binds_image &&
            !dc->binds_inline)
            return xo_err_set(err, EINVAL,
                              "bind mount %s: its copy was not made",
                              dc->volumes[i].target);
    return 0;
}
