/* volattach.c: managed volumes at create and destroy (volattach.h). */
#include "xl-plugin/volattach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/pathfmt.h"
#include "domcfg/domain_config.h"
#include "domcfg/volumes.h"
#include "image/volstore.h"
#include "xl-plugin/volattach_seed.h"
#include "xl-plugin/share_views.h"

/* An anonymous volume's name: "<container>.anon<index>", then
 * "<container>.anon<index>-<k>" for k = 2, 3... while taken. */
static int anon_name(char *buf, size_t len, const char *container, size_t i,
                     unsigned k, xo_err *err)
{
    int r = k < 2
                ? xo_path_fmt(buf, len, NULL, "%s.anon%zu", container, i)
                : xo_path_fmt(buf, len, NULL, "%s.anon%zu-%u", container, i, k);
    if (r < 0 || volstore_check_name(buf, NULL) < 0)
        return xo_err_set(
            err, ENAMETOOLONG,
            "container name %s is too long to name its anonymous volumes (%s.anonN, at most %d bytes); give the image's Volumes in oci_volumes",
            container, container, VOLSTORE_NAME_MAX);
    return 0;
}

/* The attachment of the volume `r` describes (its disk image's path in
 * path[4096]). */
static int attachment(struct dc_volume_attachment *a, char *path,
                      const char *root, const struct volstore_record *r,
                      enum volstore_fs fs, xo_err *err)
{
    if (volstore_path(path, 4096, root, r->name, volstore_data_name(r->format),
                      err) < 0)
        return -1;
    a->source = path;
    a->fstype = volstore_fs_to_string(fs);
    a->qcow2 = r->format == VOLSTORE_QCOW2;
    a->overlay = false;
    return 0;
}

/* A read-only qcow2 use goes through an overlay of its own (QEMU's qdisk
 * cannot open a read-only drive; image/volstore_reader.c): made unless
 * `dry_run`, its path in path[4096] as the attachment's source. */
static int reader_overlay(struct dc_volume_attachment *a, char *path,
                          const char *root, const char *name,
                          const char *container, bool dry_run, xo_err *err)
{
    if (volstore_reader_path(path, 4096, root, name, container, err) < 0 ||
        (!dry_run && volstore_reader_make(root, name, container, err) < 0))
        return -1;
    a->source = path;
    a->overlay = true;
    return 0;
}

static int anonymous(struct domain_config *dc, size_t i, const char *root,
                     bool dry_run, xo_err *err)
{
    char name[VOLSTORE_NAME_MAX + 1], path[4096];
    struct volstore_record r;
    volstore_record_init(&r);
    if (anon_name(name, sizeof(name), dc->name, i, 1, err) < 0)
        return -1;
    struct volstore_create_opts o = {.name = name,
                                     .size = VOLATTACH_ANON_SIZE,
                                     .fs = VOLSTORE_FS_EXT4,
                                     .fs_set = true,
                                     .owner = dc->name};
    int rc = 0;
    struct volattach_seed seed;
    int seeded = 0;
    if (dry_run) {
        /* What create would make, without making it. */
        memcpy(r.name, name, strlen(name) + 1);
    } else if (dc->rootfs_image &&
               (seeded = volattach_seed_open(&seed, root, dc->rootfs_image,
                                             dc->rootfs_fstype,
                                             dc->volumes[i].target, err)) < 0) {
        rc = xo_err_wrap(err, "anonymous volume for %s: the image's content",
                         dc->volumes[i].target);
    } else {
        /* What the image holds there fills it, as Docker copies it. */
        o.seed = seeded > 0 ? seed.path : NULL;
        /* A name taken (by the volumes `destroy --keep-volumes` kept of
         * an earlier container of this name, or by the admin's): the
         * next one, as Docker gives a new container new anonymous
         * volumes (helper-72: the create after a destroy --keep-volumes
         * failed, "volume app.anon0 exists"). */
        for (unsigned k = 2;; k++) {
            if (volstore_create(&r, root, &o, err) == 0)
                break;
            if (err->errnum == EEXIST && k <= 99) {
                xo_err_clear(err);
                if (anon_name(name, sizeof(name), dc->name, i, k, err) == 0)
                    continue;
            }
            rc = xo_err_wrap(err, "anonymous volume for %s",
                             dc->volumes[i].target);
            break;
        }
    }
    if (!dry_run && dc->rootfs_image)
        volattach_seed_close(&seed);
    struct dc_volume_attachment a;
    if (rc == 0 && (attachment(&a, path, root, &r, VOLSTORE_FS_EXT4, err) < 0 ||
                    (!dry_run &&
                     volstore_user_add(root, name, dc->name, false, err) < 0) ||
                    domcfg_attach_volume(dc, i, name, &a, err) < 0))
        rc = -1;
    volstore_record_dispose(&r);
    return rc;
}

/*
 * A blank (":mkfs") or fresh volume (volstore_fresh_ext4) at its first
 * read-write use at `target` takes what dc's image holds there, as Docker
 * fills an empty named volume from the image (helper-72: postgres's data
 * directory became a root-owned ext4 with lost+found, which initdb
 * refuses); *r is read again when it was.  Anonymous volumes are made so.
 */
static int seed_first_use(struct volstore_record *r, const char *root,
                          const char *name, const struct domain_config *dc,
                          const char *target, bool mkfs, xo_err *err)
{
    if (!dc->rootfs_image ||
        !((r->fs == VOLSTORE_FS_NONE && mkfs) || volstore_fresh_ext4(r)))
        return 0;
    struct volattach_seed seed;
    int rc = volattach_seed_open(&seed, root, dc->rootfs_image,
                                 dc->rootfs_fstype, target, err);
    if (rc > 0)
        rc = volstore_seed(root, name, seed.path, err);
    volattach_seed_close(&seed);
    if (rc > 0 && volstore_get(r, root, name, err) < 0)
        return -1;
    return rc < 0
               ? xo_err_wrap(err, "filling volume \"%s\" with the image's %s",
                             name, target)
               : 0;
}

/* Volume `name` for a use (read_only, mkfs asked) at `target` of dc's
 * container (NULL: the writable layer's), its record in *r. */
static int named(struct volstore_record *r, enum volstore_fs *fs_r,
                 const char *root, const char *name,
                 const struct domain_config *dc, const char *target,
                 bool read_only, bool mkfs, bool dry_run, xo_err *err)
{
    const char *container = dc->name;
    if (volstore_get(r, root, name, err) < 0)
        return -1;
    if (!dry_run && !read_only && target &&
        seed_first_use(r, root, name, dc, target, mkfs, err) < 0)
        return -1;
    *fs_r = r->fs;
    if (r->fs == VOLSTORE_FS_NONE && !mkfs && r->has_checksum)
        return xo_err_set(
            err, EINVAL,
            "volume \"%s\" has no file system recorded (imported with --fs none, the default for a qcow2): if it holds one, import it again with --fs ext4",
            name);
    if (r->fs == VOLSTORE_FS_NONE && !mkfs)
        return xo_err_set(
            err, EINVAL,
            "volume \"%s\" has no file system (--fs none): add \":mkfs\" to its oci_volumes entry to format it as ext4 on first use",
            name);
    /* The loader carries ext4, erofs and squashfs drivers only: xfs.ko
     * is 4 MiB, which every domain would hold in its memory. */
    if (r->fs == VOLSTORE_FS_XFS)
        return xo_err_set(
            err, ENOTSUP,
            "volume \"%s\" holds xfs, which the loader cannot mount (it has no xfs driver); use an ext4 volume",
            name);
    if (r->fs == VOLSTORE_FS_NONE) {
        *fs_r = VOLSTORE_FS_EXT4;
        if (!dry_run && (volstore_mkfs(root, name, err) < 0 ||
                         volstore_get(r, root, name, err) < 0))
            return -1;
    }
    if (!dry_run &&
        volstore_user_add(root, name, container, read_only, err) < 0)
        return -1;
    return 0;
}

/*
 * A share's directory, made canonical: QEMU serves exactly the directory
 * it was given, and one named through a symlink could later be pointed
 * elsewhere.  ENOTDIR (or stat's error) naming the entry otherwise.
 */
static int share_dir(struct dc_volume *v, const char *where, xo_err *err)
{
    char *real = realpath(v->source, NULL);
    struct stat st;
    if (!real || stat(real, &st) < 0) {
        free(real);
        return xo_err_sys(err, "%s: share:%s:%s", where, v->source, v->target);
    }
    if (!S_ISDIR(st.st_mode)) {
        free(real);
        return xo_err_set(err, ENOTDIR, "%s: share:%s:%s: not a directory",
                          where, v->source, v->target);
    }
    if (strcmp(real, "/") == 0 || strchr(real, ',') || strchr(real, ':')) {
        int rc = xo_err_set(
            err, EINVAL,
            "%s: share:%s:%s: the directory is %s, which cannot be shared (/, or a name with ',' or ':')",
            where, v->source, v->target, real);
        free(real);
        return rc;
    }
    free(v->source);
    v->source = real;
    return 0;
}

static int resolve(struct domain_config *dc, const char *root, bool dry_run,
                   xo_err *err)
{
    char path[4096];
    struct volstore_record r;
    struct dc_volume_attachment a;
    enum volstore_fs fs;
    int rc = 0;
    /* The key and its line in app.cfg when dc came from one (helper-65:
     * these errors named the file alone). */
    const char *wvol = dc->where_volumes ? dc->where_volumes : "oci_volumes";
    const char *wwr = dc->where_writable ? dc->where_writable : "oci_writable";
    if (dc->writable_volume) {
        volstore_record_init(&r);
        if (named(&r, &fs, root, dc->writable_volume, dc, NULL, false, false,
                  dry_run, err) < 0 ||
            attachment(&a, path, root, &r, fs, err) < 0 ||
            domcfg_attach_writable(dc, &a, err) < 0)
            rc = xo_err_wrap(err, "%s", wwr);
        volstore_record_dispose(&r);
    }
    for (size_t i = 0; i < dc->n_volumes && rc == 0; i++) {
        struct dc_volume *v = &dc->volumes[i];
        /* The item's own line, where oci_volumes spans lines or += */
        const char *w = v->where ? v->where : wvol;
        if (v->kind == DC_VOLUME_SHARE)
            rc = share_dir(v, w, err);
        if (v->kind != DC_VOLUME_NAMED)
            continue;
        if (v->anonymous) {
            rc = anonymous(dc, i, root, dry_run, err);
            continue;
        }
        volstore_record_init(&r);
        if (named(&r, &fs, root, v->name, dc, v->target, v->read_only, v->mkfs,
                  dry_run, err) < 0 ||
            attachment(&a, path, root, &r, fs, err) < 0 ||
            (v->read_only && a.qcow2 &&
             reader_overlay(&a, path, root, v->name, dc->name, dry_run, err) <
                 0) ||
            domcfg_attach_volume(dc, i, NULL, &a, err) < 0)
            rc = xo_err_wrap(err, "%s: %s", w, v->target);
        volstore_record_dispose(&r);
    }
    /* Read-only shares: QEMU is given a read-only view (share_views.h). */
    if (rc == 0 && !dry_run)
        rc = share_views_make(dc, root, err);
    return rc;
}

int volattach_check_shares(struct domain_config *dc, xo_err *err)
{
    for (size_t i = 0; i < dc->n_volumes; i++)
        if (dc->volumes[i].kind == DC_VOLUME_SHARE &&
            share_dir(&dc->volumes[i],
                      dc->volumes[i].where ? dc->volumes[i].where
                      : dc->where_volumes  ? dc->where_volumes
                                           : "oci_volumes",
                      err) < 0)
            return -1;
    return 0;
}

int volattach_resolve(struct domain_config *dc, const char *root, bool dry_run,
                      xo_err *err)
{
    if (resolve(dc, root, dry_run, err) == 0)
        return 0;
    if (!dry_run) {
        xo_err undo = XO_ERR_INIT;
        if (volstore_release(root, dc->name, false, NULL, NULL, &undo) < 0)
            fprintf(stderr, "xl-oci: warning: %s\n", xo_err_msg(&undo));
        xo_err_clear(&undo);
        if (share_views_release(root, dc->name, &undo) < 0)
            fprintf(stderr, "xl-oci: warning: %s\n", xo_err_msg(&undo));
        xo_err_clear(&undo);
    }
    return -1;
}

static void say(void *arg, const char *line)
{
    fprintf(stderr, "%s: %s\n", (const char *)arg, line);
}

int volattach_release(const char *root, const char *container, bool keep,
                      xo_err *err)
{
    /* The domain is gone, and with it the QEMU serving its shares. */
    if (share_views_release(root, container, err) < 0)
        return -1;
    return volstore_release(root, container, keep, say, (void *)container, err);
}
