/* spec_mounts.c: a runtime spec's mounts as a domain's volumes (see
 * spec_mounts.h). */
#include "domcfg/spec_mounts.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/abi/tmpfs_options.h"
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

/* Options of a spec's tmpfs mount that mean nothing in a domain, where
 * the container has its own mount namespace: propagation, and what
 * runc's own mounts carry. */
static bool tmpfs_option_ignored(const char *o)
{
    static const char *const words[] = {
        "private", "rprivate", "slave", "rslave", "shared",  "rshared",
        "bind",    "rbind",    "ro",    "rw",     "defaults"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (!strcmp(o, words[i]))
            return true;
    return false;
}

/*
 * A spec tmpfs mount's options other than size= and ro/rw as the
 * domain's loader takes them (loader/xen-tools/mounts.c): mode= (octal,
 * at most 07777), uid=, gid=, and noexec, nosuid, nodev, their
 * opposites and the atime flags, joined by ','.  *opts_r owned, NULL when none.  Anything
 * else is refused naming it: a tmpfs that silently lost "noexec" or
 * "mode=700" would be writable and executable where runc's is not
 * (helper-63).
 */
static int tmpfs_options(char **opts_r, const struct runtime_mount *m, size_t i,
                         const char *where, xo_err *err)
{
    static const char *const flags[] = {
        "noexec", "exec",    "nosuid",   "suid",        "nodev",
        "dev",    "noatime", "relatime", "strictatime", "nodiratime"};
    char out[256] = "";
    size_t len = 0;
    *opts_r = NULL;
    for (size_t k = 0; k < m->n_options; k++) {
        const char *o = m->options[k];
        bool keep = false;
        if (!strncmp(o, "size=", 5) || tmpfs_option_ignored(o))
            continue;
        if (!strncmp(o, "mode=", 5) || !strncmp(o, "uid=", 4) ||
            !strncmp(o, "gid=", 4)) {
            keep = oci_tmpfs_data_word_ok(o);
        } else {
            for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
                keep = keep || !strcmp(o, flags[f]);
            if (!keep)
                return xo_err_set(
                    err, EINVAL,
                    "%s: mounts[%zu] (%.200s): tmpfs option \"%.64s\" cannot be given to a domain's tmpfs (size=, mode=, uid=, gid=, ro, noexec, nosuid, nodev, their opposites and the atime flags can)",
                    where, i, m->destination, o);
        }
        if (!keep)
            return xo_err_set(
                err, EINVAL,
                "%s: mounts[%zu] (%.200s): tmpfs option \"%.64s\": %s", where,
                i, m->destination, o,
                o[0] == 'm' ? "mode= is octal, at most 07777"
                            : "an id is a number below 2^32");
        size_t ol = strlen(o);
        if (len + ol + 2 > sizeof(out))
            return xo_err_set(
                err, E2BIG, "%s: mounts[%zu] (%.200s): too many tmpfs options",
                where, i, m->destination);
        if (len)
            out[len++] = ',';
        memcpy(out + len, o, ol + 1);
        len += ol;
    }
    if (len)
        *opts_r = xo_xstrdup(out);
    return 0;
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

/* Whether the annotation's list (NULL: none) names `dest`, or is "*". */
static bool listed(const char *list, const char *dest)
{
    if (!list)
        return false;
    if (strcmp(list, "*") == 0)
        return true;
    size_t n = strlen(dest);
    for (const char *p = list; p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, dest, n) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* Every destination the annotation names is a bind's; EINVAL otherwise. */
static int check_listed(const struct runtime_spec *rs, const char *list,
                        const char *where, xo_err *err)
{
    if (!list || strcmp(list, "*") == 0)
        return 0;
    for (const char *p = list; p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool found = false;
        for (size_t i = 0; i < rs->n_mounts && !found; i++)
            found = rs->mounts[i].kind == RUNTIME_MOUNT_BIND &&
                    strlen(rs->mounts[i].destination) == len &&
                    strncmp(rs->mounts[i].destination, p, len) == 0;
        if (!found)
            return xo_err_set(
                err, EINVAL,
                "%s: annotations[\"%s\"]: \"%.*s\" is not the destination of a bind mount (give \"*\" or destinations separated by ',')",
                where, DOMCFG_SHARED_MOUNTS_ANNOTATION,
                (int)(len > 200 ? 200 : len), p);
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/*
 * A bind to share: its source resolved (QEMU serves exactly the directory
 * it is given).  Returns 1 and sets *real_r for a directory, 0 for a
 * source that is no directory when the list is "*" (it is copied as any
 * bind), -1 with err otherwise.
 */
static int share_source(char **real_r, const char *source, bool all, size_t i,
                        const char *where, xo_err *err)
{
    char *real = realpath(source, NULL);
    struct stat st;
    if (!real || stat(real, &st) < 0) {
        free(real);
        return xo_err_sys(err, "%s: mounts[%zu]: source %.200s", where, i,
                          source);
    }
    if (!S_ISDIR(st.st_mode) || strcmp(real, "/") == 0 || strchr(real, ',') ||
        strchr(real, ':')) {
        bool dir = S_ISDIR(st.st_mode);
        free(real);
        if (all && !dir)
            return 0;
        return xo_err_set(
            err, EINVAL,
            "%s: mounts[%zu]: source %.200s: only a directory other than / and without ',' or ':' in its name is shared (%s)",
            where, i, source, DOMCFG_SHARED_MOUNTS_ANNOTATION);
    }
    *real_r = real;
    return 1;
}

int domcfg_spec_mounts(struct domain_config *dc, const struct runtime_spec *rs,
                       const char *bundle, const char *where, xo_err *err)
{
    size_t binds = 0;
    const char *shared =
        runtime_spec_annotation(rs, DOMCFG_SHARED_MOUNTS_ANNOTATION);
    if (check_listed(rs, shared, where, err) < 0)
        return -1;
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
            if (tmpfs_options(&v.tmpfs_opts, m, i, where, err) < 0)
                return -1;
            v.kind = DC_VOLUME_TMPFS;
            v.size = size ? xo_xstrdup(size) : NULL;
            v.read_only = m->read_only;
        } else {
            /* A bind the annotation names is shared when it can be. */
            char *real = NULL;
            int r = 0;
            if (listed(shared, m->destination)) {
                char *src = m->source[0] == '/'
                                ? xo_xstrdup(m->source)
                                : xo_xasprintf("%s/%s", bundle, m->source);
                r = share_source(&real, src, strcmp(shared, "*") == 0, i, where,
                                 err);
                free(src);
                if (r < 0)
                    return -1;
            }
            if (r == 1) {
                v.kind = DC_VOLUME_SHARE;
                v.source = real;
                v.read_only = m->read_only;
                v.target = xo_xstrdup(m->destination);
                dc->volumes[dc->n_volumes++] = v;
                continue;
            }
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
