/*
 * volumes.c: oci_writable, oci_volumes and the image's Volumes into a
 * domain_config, and the attachment of managed volumes (volumes.h).
 */
#include "domcfg/volumes.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/abi/tmpfs_options.h"
#include "common/alloc.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domain_config.h"
#include "domcfg/image_config.h"
#include "domcfg/merge.h"
#include "image/volstore.h"

char *domcfg_vdev_name(size_t index)
{
    char buf[8];
    /* cannot truncate: 4 bytes */
    snprintf(buf, sizeof(buf), "xvd%c", (char)('a' + index));
    return xo_xstrdup(buf);
}

/* A tmpfs size: digits with an optional k/m/g suffix or a percentage. */
bool domcfg_valid_tmpfs_size(const char *s)
{
    return oci_tmpfs_size_ok(s);
}

bool domcfg_valid_guest_path(const char *p)
{
    if (p[0] != '/' || strlen(p) > 1024)
        return false;
    /* No "..": a volume target must not climb out of the container root. */
    for (const char *s = p; (s = strstr(s, "..")); s += 2)
        if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
            return false;
    return strcmp(p, "/") != 0 && !strchr(p, ',') && !strchr(p, ':');
}

static int build_writable(struct domain_config *dc, const struct app_cfg *ac,
                          size_t *next_vdev, xo_err *err)
{
    const char *w = NULL;
    int r = app_cfg_string(ac, "oci_writable", &w, err);
    if (r < 0)
        return -1;
    if (r == 1) {
        free(dc->where_writable);
        dc->where_writable = app_cfg_where(ac, "oci_writable");
    }
    if (!r || strncmp(w, "tmpfs", 5) == 0) {
        dc->writable = DC_WRITABLE_TMPFS;
        if (r && w[5] == ':') {
            if (!domcfg_valid_tmpfs_size(w + 6))
                return app_cfg_bad_value(
                    ac, "oci_writable", err,
                    "\"%s\" is not a tmpfs size (e.g. 64m)", w + 6);
            dc->writable_size = xo_xstrdup(w + 6);
        } else if (r && w[5] != '\0') {
            return app_cfg_bad_value(
                ac, "oci_writable", err,
                "\"%s\" is not tmpfs[:SIZE], a block image or a volume", w);
        }
        return 0;
    }
    xo_err why = XO_ERR_INIT;
    if (w[0] != '/' && volstore_check_name(w, &why) < 0) {
        r = app_cfg_bad_value(
            ac, "oci_writable", err,
            "\"%s\" is not an absolute path to a block image or a volume name: %s",
            w, xo_err_msg(&why));
        xo_err_clear(&why);
        return r;
    }
    dc->writable = DC_WRITABLE_DISK;
    if (w[0] == '/')
        dc->writable_source = xo_xstrdup(w);
    else
        dc->writable_volume = xo_xstrdup(w);
    dc->writable_vdev = domcfg_vdev_name((*next_vdev)++);
    return 0;
}

int domcfg_share_tag(char *buf, size_t size, size_t index)
{
    /* may truncate: checked below */
    int n = snprintf(buf, size, BOOT_SPEC_SHARE_TAG "%zu", index);
    return n < 0 || (size_t)n >= size || n > BOOT_SPEC_MAX_SHARE_TAG ? -1 : 0;
}

/* "share:/DIR:/TARGET[:ro|rw]" (f[0] is "share"), n fields. */
static int parse_share(struct dc_volume *v, char **f, size_t n, size_t i,
                       const struct app_cfg *ac, xo_err *err)
{
    if (n < 3 || !domcfg_valid_guest_path(f[1]) ||
        !domcfg_valid_guest_path(f[2]))
        return app_cfg_bad_item(
            ac, "oci_volumes", i, err,
            "item %zu: share:/DIR:/TARGET[:ro|rw], DIR and TARGET absolute paths other than / without \"..\", ':' or ','",
            i);
    if (n > 4 || (n == 4 && strcmp(f[3], "ro") && strcmp(f[3], "rw")))
        return app_cfg_bad_item(
            ac, "oci_volumes", i, err,
            "item %zu: \"%s\" is not an option here (share:/DIR:/TARGET[:ro|rw])",
            i, f[n - 1]);
    v->kind = DC_VOLUME_SHARE;
    v->source = xo_xstrdup(f[1]);
    v->target = xo_xstrdup(f[2]);
    merge_clean_abs_path(v->target); /* "/./m" and "/m/" are /m */
    v->read_only = n == 4 && f[3][1] == 'o';
    return 0;
}

/* Splits "A:B:C..." in place at ':' into at most `max` fields. */
static size_t split(char *s, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = s;
    for (char *p = s; *p && n <= max; p++)
        if (*p == ':') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

/* Whether `t` is /dev itself, or /proc or /sys or under them. */
static bool kernel_path(const char *t)
{
    static const char *const dirs[] = {"/proc", "/sys"};
    for (size_t k = 0; k < 2; k++) {
        size_t n = strlen(dirs[k]);
        if (!strncmp(t, dirs[k], n) && (t[n] == '\0' || t[n] == '/'))
            return true;
    }
    return strcmp(t, "/dev") == 0;
}

/* One oci_volumes entry into v; -1 with err naming the item. */
static int parse_entry(struct dc_volume *v, char *spec, size_t i,
                       const struct app_cfg *ac, xo_err *err)
{
    char *f[5];
    size_t n = split(spec, f, 4);
    if (strcmp(f[0], "share") == 0)
        return parse_share(v, f, n, i, ac, err);
    if (n < 2)
        return app_cfg_bad_item(
            ac, "oci_volumes", i, err,
            "item %zu: \"%s\" needs \":/TARGET\", an absolute path without \"..\", ':' or ','",
            i, f[0]);
    if (!domcfg_valid_guest_path(f[1]))
        return app_cfg_bad_item(
            ac, "oci_volumes", i, err,
            "item %zu: target \"%.200s\" is not an absolute path other than / without \"..\" or ','",
            i, f[1]);
    /* runc mounts its own /proc, /sys and /dev, and so does the loader:
     * a volume over them fails deep in the start (helper-65: "open
     * /proc/sys/net/ipv4/ip_unprivileged_port_start"), if it starts. */
    /* Cleaned before it is checked, ordered and compared: "/./m" sorted
     * after "/m/sub" and hid it, "/m/" beside "/m" was two mounts on one
     * point (helper-74). */
    char *target = xo_xstrdup(f[1]);
    merge_clean_abs_path(target);
    if (kernel_path(target)) {
        int rc = app_cfg_bad_item(
            ac, "oci_volumes", i, err,
            "item %zu: target %.200s is the kernel's (/proc, /sys or /dev itself): no volume can be mounted there",
            i, f[1]);
        free(target);
        return rc;
    }
    v->target = target;
    if (strcmp(f[0], "tmpfs") == 0) {
        v->kind = DC_VOLUME_TMPFS;
        if (n > 3)
            return app_cfg_bad_item(
                ac, "oci_volumes", i, err,
                "item %zu: tmpfs:/TARGET[:SIZE], SIZE like 64m or 10%%", i);
        if (n == 3 && !domcfg_valid_tmpfs_size(f[2]))
            return app_cfg_bad_item(
                ac, "oci_volumes", i, err,
                "item %zu: size \"%.64s\": tmpfs:/TARGET[:SIZE], SIZE like 64m or 10%%",
                i, f[2]);
        if (n == 3)
            v->size = xo_xstrdup(f[2]);
        return 0;
    }
    xo_err why = XO_ERR_INIT;
    if (f[0][0] == '/') {
        v->kind = DC_VOLUME_FILE;
        v->source = xo_xstrdup(f[0]);
    } else if (volstore_check_name(f[0], &why) == 0) {
        v->kind = DC_VOLUME_NAMED;
        v->name = xo_xstrdup(f[0]);
    } else {
        int rc = app_cfg_bad_item(
            ac, "oci_volumes", i, err,
            "item %zu: \"%s\" is neither an absolute path, tmpfs, nor a volume name: %s",
            i, f[0], xo_err_msg(&why));
        xo_err_clear(&why);
        return rc;
    }
    bool mode = false;
    for (size_t k = 2; k < n; k++) {
        if ((!strcmp(f[k], "ro") || !strcmp(f[k], "rw")) && !mode) {
            v->read_only = f[k][1] == 'o';
            mode = true;
        } else if (!strcmp(f[k], "mkfs") && v->kind == DC_VOLUME_NAMED &&
                   !v->mkfs) {
            v->mkfs = true;
        } else {
            return app_cfg_bad_item(
                ac, "oci_volumes", i, err,
                "item %zu: \"%s\" is not an option here (%s)", i, f[k],
                v->kind == DC_VOLUME_NAMED ? "NAME:/TARGET[:ro|rw][:mkfs]"
                                           : "/FILE:/TARGET[:ro|rw]");
        }
    }
    if (v->mkfs && v->read_only)
        return app_cfg_bad_item(
            ac, "oci_volumes", i, err,
            "item %zu: \":mkfs\" formats the volume, which \":ro\" forbids", i);
    return 0;
}

/*
 * Whether the volume or image file `v` names is already one of the
 * container's (its writable volume, or another entry): two block devices
 * of one file system in one guest corrupt it, and the volume's record
 * kept only the last use's mode (helper-72: "v1:/a" and "v1:/b:ro" read
 * as a read-only use while /a wrote it).  Docker binds one directory
 * twice; a disk cannot be.
 */
/* Whether two image paths name one file: the same string, or the same
 * device and inode ("/d/./a.img", "/d//a.img", a symlink, a hard link:
 * helper-74). */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return strcmp(a, b) == 0 ||
           (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
            sa.st_ino == sb.st_ino);
}

static bool is_writable(const struct domain_config *dc,
                        const struct dc_volume *v)
{
    return (v->kind == DC_VOLUME_NAMED && v->name && dc->writable_volume &&
            strcmp(v->name, dc->writable_volume) == 0) ||
           (v->kind == DC_VOLUME_FILE && v->source && dc->writable_source &&
            same_file(v->source, dc->writable_source));
}

static bool volume_taken(const struct domain_config *dc,
                         const struct dc_volume *v)
{
    if (is_writable(dc, v))
        return true;
    for (size_t k = 0; k < dc->n_volumes; k++) {
        const struct dc_volume *o = &dc->volumes[k];
        if (o->kind != v->kind)
            continue;
        if (v->kind == DC_VOLUME_NAMED && o->name && v->name &&
            strcmp(o->name, v->name) == 0)
            return true;
        if (v->kind == DC_VOLUME_FILE && o->source && v->source &&
            same_file(o->source, v->source))
            return true;
    }
    return false;
}

static bool target_taken(const struct domain_config *dc, const char *t)
{
    for (size_t k = 0; k < dc->n_volumes; k++)
        if (strcmp(dc->volumes[k].target, t) == 0)
            return true;
    return false;
}

int domcfg_build_storage(struct domain_config *dc, const struct app_cfg *ac,
                         const struct image_config *ic, size_t *next_vdev_r,
                         xo_err *err)
{
    size_t next = 1; /* xvda is the rootfs */
    if (build_writable(dc, ac, &next, err) < 0)
        return -1;
    char **vols = NULL;
    size_t n = 0;
    int got = app_cfg_list(ac, "oci_volumes", DC_MAX_VOLUMES, &vols, &n, err);
    if (got < 0)
        return -1;
    free(dc->where_volumes);
    dc->where_volumes =
        got == 1 ? app_cfg_where(ac, "oci_volumes")
                 : xo_xasprintf("%s: the image's Volumes",
                                dc->image_config_path ? dc->image_config_path
                                                      : app_cfg_path(ac));
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct dc_volume v = {.kind = DC_VOLUME_FILE};
        rc = parse_entry(&v, vols[i], i, ac, err);
        if (rc == 0 && target_taken(dc, v.target))
            rc = app_cfg_bad_item(ac, "oci_volumes", i, err,
                                  "target %s is given twice", v.target);
        if (rc == 0 && volume_taken(dc, &v))
            rc = app_cfg_bad_item(
                ac, "oci_volumes", i, err,
                "item %zu: %s \"%s\" is already this container's (%s): a volume is one disk, attached once; mount it once and use a subdirectory",
                i, v.kind == DC_VOLUME_NAMED ? "volume" : "image",
                v.kind == DC_VOLUME_NAMED ? v.name : v.source,
                is_writable(dc, &v) ? "its oci_writable" : "an earlier item");
        if (rc == 0 && v.kind != DC_VOLUME_TMPFS && v.kind != DC_VOLUME_SHARE)
            v.vdev = domcfg_vdev_name(next++);
        if (rc == 0) {
            v.where = app_cfg_where_item(ac, "oci_volumes", i);
            dc->volumes[dc->n_volumes++] = v;
        } else {
            free(v.source);
            free(v.name);
            free(v.target);
            free(v.size);
        }
    }
    xo_strv_free(vols);
    /* The image's Volumes that no entry provides: anonymous volumes, as
     * Docker makes them, rather than a directory of the writable layer
     * that vanishes with it. */
    for (size_t i = 0; rc == 0 && ic->volumes && ic->volumes[i]; i++) {
        /* As app.cfg's targets: cleaned, so "/data/" is oci_volumes'
         * "/data". */
        char *t = xo_xstrdup(ic->volumes[i]);
        if (t[0] == '/')
            merge_clean_abs_path(t);
        if (target_taken(dc, t)) {
            free(t);
            continue;
        }
        if (!domcfg_valid_guest_path(t)) {
            rc = xo_err_set(
                err, EINVAL,
                "%s: Volumes: \"%.64s\" is not a usable mount point (an absolute path without \"..\", ':' or ',')",
                dc->image_config_path, t);
            free(t);
            break;
        }
        if (dc->n_volumes == DC_MAX_VOLUMES) {
            rc = xo_err_set(
                err, E2BIG,
                "%s: Volumes with oci_volumes make more than %d volumes",
                dc->image_config_path, DC_MAX_VOLUMES);
            free(t);
            break;
        }
        struct dc_volume *v = &dc->volumes[dc->n_volumes++];
        memset(v, 0, sizeof(*v));
        v->kind = DC_VOLUME_NAMED;
        v->anonymous = true;
        v->target = t;
        v->vdev = domcfg_vdev_name(next++);
    }
    *next_vdev_r = next;
    return rc;
}

static bool fstype_ok(const char *s)
{
    return s && (strcmp(s, "ext4") == 0 || strcmp(s, "xfs") == 0);
}

int domcfg_attach_volume(struct domain_config *dc, size_t index,
                         const char *name, const struct dc_volume_attachment *a,
                         xo_err *err)
{
    if (index >= dc->n_volumes || dc->volumes[index].kind != DC_VOLUME_NAMED)
        return xo_err_set(err, EINVAL, "volume %zu is not a named volume",
                          index);
    struct dc_volume *v = &dc->volumes[index];
    if (v->attached)
        return xo_err_set(err, EINVAL, "volume %s is attached already",
                          v->target);
    if (!a->source || a->source[0] != '/' || !fstype_ok(a->fstype))
        return xo_err_set(
            err, EINVAL,
            "volume %s: needs an absolute disk image and ext4 or xfs",
            v->target);
    if (a->overlay && (!a->qcow2 || !v->read_only))
        return xo_err_set(
            err, EINVAL,
            "volume %s: an overlay is for a read-only qcow2 volume only",
            v->target);
    if (v->anonymous) {
        if (!name || volstore_check_name(name, err) < 0)
            return xo_err_set(err, EINVAL, "anonymous volume %s: no name",
                              v->target);
        v->name = xo_xstrdup(name);
    }
    v->source = xo_xstrdup(a->source);
    v->fstype = xo_xstrdup(a->fstype);
    v->qcow2 = a->qcow2;
    v->overlay = a->overlay;
    v->attached = true;
    return 0;
}

int domcfg_attach_writable(struct domain_config *dc,
                           const struct dc_volume_attachment *a, xo_err *err)
{
    if (!dc->writable_volume || dc->writable_source || a->overlay)
        return xo_err_set(
            err, EINVAL,
            "the writable layer is no volume, is attached, or is given an overlay");
    if (!a->source || a->source[0] != '/' || !a->fstype ||
        strcmp(a->fstype, "ext4") != 0)
        return xo_err_set(
            err, EINVAL,
            "oci_writable: volume \"%s\" must hold ext4, the writable layer's file system",
            dc->writable_volume);
    dc->writable_source = xo_xstrdup(a->source);
    dc->writable_qcow2 = a->qcow2;
    return 0;
}

int domcfg_volumes_check_attached(const struct domain_config *dc, xo_err *err)
{
    if (dc->writable_volume && !dc->writable_source)
        return xo_err_set(err, EINVAL,
                          "oci_writable: volume \"%s\" is not attached",
                          dc->writable_volume);
    for (size_t i = 0; i < dc->n_volumes; i++) {
        const struct dc_volume *v = &dc->volumes[i];
        if (v->kind == DC_VOLUME_NAMED && !v->attached)
            return xo_err_set(err, EINVAL, "volume %s (%s) is not attached",
                              v->name ? v->name : "anonymous", v->target);
    }
    return 0;
}

int domcfg_nohyper_tmpfs_size(char *buf, size_t len, const char *size,
                              long memory_mb)
{
    size_t n = size ? strlen(size) : 0;
    if (memory_mb <= 0 || (size && size[n - 1] != '%'))
        return xo_path_fmt(buf, len, NULL, "%s", size ? size : "") < 0 ? -1 : 0;
    /* domcfg_valid_tmpfs_size: at most 19 digits before the '%'. */
    unsigned long long pct = size ? strtoull(size, NULL, 10) : 50;
    if (pct == 0) /* "0%": no limit, as the kernel and a domain read it */
        return xo_path_fmt(buf, len, NULL, "0") < 0 ? -1 : 0;
    unsigned long long kib = (unsigned long long)memory_mb * 1024;
    kib = pct > 100 ? kib / 100 * pct : kib * pct / 100;
    return xo_path_fmt(buf, len, NULL, "%lluk", kib ? kib : 1) < 0 ? -1 : 0;
}
