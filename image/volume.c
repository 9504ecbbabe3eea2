/* volume.c: root volume assembly (see volume.h). */
#include "progress.h"
#include "volume.h"
#include "image/config_rootfs.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "erofs.h"
#include "common/alloc.h"
#include "common/fileio.h"
#include "fsat.h"
#include "image.h"
#include "common/fault.h"
#include "common/pathfmt.h"
#include "image/layer_feed.h"
#include "image/scratch.h"
#include "image/volume_record.h"

/* Mount points a read-only rootfs must already have (lab/images.md: runc
 * and the loader cannot mkdir them on EROFS). */
static const char *const mountpoints[] = {"proc", "sys", "dev"};

char *volume_path(const char *root, const struct digest *manifest)
{
    return xo_xasprintf("%s/volumes/sha256/%s", root, digest_hex(manifest));
}

bool volume_exists(const char *root, const struct digest *manifest)
{
    char *p = volume_path(root, manifest);
    struct stat st;
    bool ok = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return ok;
}

/* Reads /etc/NAME of the tree at rootfd into *buf_r (NULL when absent or
 * no regular file). */
static int read_etc_file(char **buf_r, int rootfd, const char *name,
                         xo_err *err)
{
    /* As the container will see it: symlinks (an /etc/passwd that points
     * elsewhere in the image) followed inside the rootfs only.  Found by
     * an O_PATH descriptor and opened only when it is a regular file: a
     * device node of the image (--allow-devices) is never opened, which
     * on a disk scratch tree opened the host's device (on the nodev tmpfs
     * it failed the pull), nor a FIFO. */
    char path[64], what[64], proc[64];
    *buf_r = NULL;
    if (xo_path_fmt(path, sizeof(path), err, "etc/%s", name) < 0 ||
        xo_path_fmt(what, sizeof(what), err, "/etc/%s of the image", name) < 0)
        return -1;
    int pfd = fsat_open_in_root(rootfd, path, O_PATH);
    if (pfd < 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
            return 0;
        return xo_err_sys(err, "cannot open %s", what);
    }
    struct stat st;
    if (fstat(pfd, &st) < 0) {
        int rc = xo_err_sys(err, "cannot stat %s", what);
        close(pfd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        close(pfd);
        return 0;
    }
    /* The same inode, reopened for reading (cannot truncate: 14 bytes
     * and an int's digits in 64). */
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
    int fd = open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    close(pfd);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", what);
    int rc = xo_read_regular_fd(buf_r, fd, what, VOLUME_ETC_FILE_MAX, err);
    close(fd);
    return rc;
}

/*
 * The mkfs.erofs parameters that make the image a function of the
 * manifest digest alone (docs/decisions.md, "Reproducible root volumes"):
 * the UUID is the digest's first 128 bits marked as an RFC 9562 version 8
 * (vendor-defined) UUID, and the build time is one second after the
 * newest entry of the layers (unpack_build_time()), so clamping never
 * changes a file of the image.
 */
void volume_erofs_params(struct erofs_params *p, const struct digest *md,
                         int64_t build_time)
{
    const char *h = digest_hex(md);
    char v[33];
    memcpy(v, h, 32);
    v[32] = '\0';
    v[12] = '8';
    int nibble = v[16] <= '9' ? v[16] - '0' : v[16] - 'a' + 10;
    v[16] = "89ab"[nibble & 3];
    /* cannot truncate: 36 bytes, p->uuid holds 37 */
    snprintf(p->uuid, sizeof(p->uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", v, v + 8,
             v + 12, v + 16, v + 20);
    p->epoch = build_time < 0 ? 0 : (long long)build_time;
    p->no_xattrs = false; /* the caller knows better */
}

/* Layer i from the feed, else from the store. */
static int unpack_one(const struct blob_store *bs, const struct volume_src *src,
                      size_t i, bool follow, struct unpack_ctx *ctx,
                      const char *what, xo_err *err)
{
    if (src->feed)
        return layer_feed_unpack(src->feed, i, ctx, follow, what, err);
    int fd = -1;
    if (blobstore_open_blob(&fd, bs, &src->manifest->layers[i].digest, err) < 0)
        return -1;
    int rc = unpack_layer(ctx, fd, what, err);
    close(fd);
    return rc;
}

/* The directories every rootfs holds, for the loader's mounts; made
 * before unpack_finish() so they get their time too. */
static int make_mountpoints(const char *scratch, xo_err *err)
{
    int rootfd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return xo_err_sys(err, "cannot open %s", scratch);
    int rc = 0;
    for (size_t i = 0;
         rc == 0 && i < sizeof(mountpoints) / sizeof(*mountpoints); i++) {
        if (mkdirat(rootfd, mountpoints[i], 0755) < 0) {
            if (errno != EEXIST)
                rc = xo_err_sys(err, "cannot create /%s in the rootfs",
                                mountpoints[i]);
            continue; /* the image's own */
        }
        /* Empty, 0755, root's: nothing of the image's root, whose
         * setgid bit, group or default ACL a new directory inherits. */
        int fd = openat(rootfd, mountpoints[i],
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fchown(fd, 0, 0) < 0 || fchmod(fd, 0755) < 0 ||
            (fremovexattr(fd, "system.posix_acl_default") < 0 &&
             errno != ENODATA && errno != EOPNOTSUPP) ||
            (fremovexattr(fd, "system.posix_acl_access") < 0 &&
             errno != ENODATA && errno != EOPNOTSUPP))
            rc = xo_err_sys(err, "cannot make /%s in the rootfs 0755 root's",
                            mountpoints[i]);
        if (fd >= 0)
            close(fd);
    }
    close(rootfd);
    return rc;
}

static int unpack_all(const struct blob_store *bs, const char *scratch,
                      const struct volume_src *src, bool follow,
                      const struct unpack_opts *uo,
                      const struct volume_report *rep, int64_t *build_time_r,
                      uint64_t *xattrs_r, xo_err *err)
{
    void (*progress)(void *, const char *) = rep ? rep->progress : NULL;
    void *parg = rep ? rep->arg : NULL;
    struct unpack_ctx *ctx = NULL;
    size_t n = src->manifest->n_layers;
    struct digest *diff_ids = NULL;
    char where[128];
    /* cannot truncate: a digest in 128 bytes */
    snprintf(where, sizeof(where), "image config of %s",
             src->manifest_digest->str);
    if (config_rootfs_diff_ids(&diff_ids, src->config_buf, src->config_len, n,
                               where, err) < 0)
        return -1;
    if (unpack_begin(&ctx, scratch, uo, err) < 0) {
        free(diff_ids);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct oci_descriptor *l = &src->manifest->layers[i];
        char what[128];
        /* may truncate: a progress line */
        snprintf(what, sizeof(what), "layer %zu/%zu (%s)", i + 1, n,
                 l->digest.str);
        image_progress(progress, parg, "unpacking %s", what);
        unpack_expect_diff_id(ctx, &diff_ids[i]);
        rc = unpack_one(bs, src, i, follow, ctx, what, err);
        XO_FAULT_POINT("pull.unpack-layer");
    }
    if (rc == 0)
        rc = make_mountpoints(scratch, err);
    if (rc == 0)
        rc = unpack_finish(ctx, err);
    uint64_t skipped = unpack_skipped_devices(ctx);
    if (rc == 0 && skipped && rep)
        image_progress(
            rep->warn, parg,
            "skipped %llu device node%s in /dev of the image (the container gets its own /dev)",
            (unsigned long long)skipped, skipped == 1 ? "" : "s");
    const char *xname, *xentry;
    uint64_t dropped = unpack_dropped_xattrs(ctx, &xname, &xentry);
    if (rc == 0 && dropped && rep)
        image_progress(
            rep->warn, parg,
            "dropped %llu extended attribute%s no container's file keeps (overlay or SELinux state of the build host, a name Linux has no namespace for, or a user.* one on a symlink, which Linux keeps none on; the first: %s on \"%s\")",
            (unsigned long long)dropped, dropped == 1 ? "" : "s", xname,
            xentry);
    *build_time_r = unpack_build_time(ctx);
    *xattrs_r = unpack_xattrs(ctx);
    unpack_free(ctx);
    free(diff_ids);
    return rc;
}

int volume_read_etc(const char *tree, char **passwd_r, char **group_r,
                    xo_err *err)
{
    *passwd_r = *group_r = NULL;
    int rootfd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return xo_err_sys(err, "cannot open %s", tree);
    int rc = read_etc_file(passwd_r, rootfd, "passwd", err) < 0 ||
                     read_etc_file(group_r, rootfd, "group", err) < 0
                 ? -1
                 : 0;
    close(rootfd);
    if (rc < 0) {
        free(*passwd_r);
        *passwd_r = NULL;
    }
    return rc;
}

/* Writes `text` (NULL: nothing, the image has no such file) to `dest`. */
static int write_etc_copy(const char *dest, const char *text, xo_err *err)
{
    return text ? xo_write_file_atomic(dest, text, strlen(text), 0644, err) : 0;
}

int volume_copy_etc(const char *tree, const char *vol, xo_err *err)
{
    char *pw_text, *gr_text;
    if (volume_read_etc(tree, &pw_text, &gr_text, err) < 0)
        return -1;
    char *pw = xo_xasprintf("%s/%s", vol, IMAGE_VOLUME_PASSWD);
    char *gr = xo_xasprintf("%s/%s", vol, IMAGE_VOLUME_GROUP);
    int rc = write_etc_copy(pw, pw_text, err) < 0 ||
                     write_etc_copy(gr, gr_text, err) < 0
                 ? -1
                 : 0;
    free(pw);
    free(gr);
    free(pw_text);
    free(gr_text);
    return rc;
}

static int write_docs(const char *vol, const struct volume_src *src,
                      xo_err *err)
{
    char *cfg = xo_xasprintf("%s/%s", vol, IMAGE_VOLUME_CONFIG);
    char *man = xo_xasprintf("%s/%s", vol, IMAGE_VOLUME_MANIFEST);
    int rc = -1;
    if (xo_write_file_atomic(cfg, src->config_buf, src->config_len, 0644,
                             err) == 0 &&
        xo_write_file_atomic(man, src->manifest_buf, src->manifest_len, 0644,
                             err) == 0)
        rc = 0;
    free(cfg);
    free(man);
    return rc;
}

/* Hashes the rootfs image into the volume's record (volume_record.h). */
static int write_record(const char *vol, const struct digest *md, xo_err *err)
{
    struct volume_record r;
    memset(&r, 0, sizeof(r));
    r.manifest = *md;
    if (volume_record_hash_rootfs(&r, vol, IMAGE_VOLUME_ROOTFS, err) < 0)
        return -1;
    return volume_record_write(vol, &r, err);
}

int volume_publish(const char *root, const char *vol, const char *final,
                   xo_err *err)
{
    char *parent = xo_xasprintf("%s/volumes/sha256", root);
    int rc = xo_mkdir_p(parent, 0755, err);
    if (rc == 0 && rename(vol, final) < 0) {
        if (errno == EEXIST || errno == ENOTEMPTY)
            rc = fsat_remove_path(vol, err);
        else
            rc = xo_err_sys(err, "cannot rename %s to %s", vol, final);
    }
    if (rc == 0)
        rc = xo_fsync_path(parent, err);
    free(parent);
    return rc;
}

/*
 * Moves the damaged volume `dir` out of the store into `tmpdir` and
 * removes it there (a container still running on it keeps its open
 * file), so the build can publish a new one under the same name.
 */
static int set_aside(const char *dir, const char *tmpdir, xo_err *err)
{
    xo_err failed = *err; /* the damage, said after the move */
    *err = (xo_err)XO_ERR_INIT;
    char *aside = xo_xasprintf("%s/damaged-XXXXXX", tmpdir);
    int rc = 0;
    if (!mkdtemp(aside) || rename(dir, aside) < 0) {
        rc = xo_err_sys(err, "cannot move the damaged root volume %s aside",
                        dir);
        rmdir(aside);
        xo_err_clear(&failed);
    } else {
        xo_err ignore = XO_ERR_INIT;
        fsat_remove_path(aside, &ignore);
        xo_err_clear(&ignore);
        *err = failed;
    }
    free(aside);
    return rc;
}

/*
 * The present volume `dir`, hashed against its record under a lock on
 * the directory itself, so that of two pulls finding it damaged one sets
 * it aside and the other, waiting, then sees it gone (or rebuilt: the
 * inode at the path is no longer the one it locked) and looks again.  A
 * record that cannot be read counts as damage.  1 when it is whole; 0
 * when it is set aside (or was, by another pull) and must be built, with
 * `err` saying what was wrong when this pull found it; -1 on errors.
 */
static int check_present(const char *dir, const char *tmpdir, xo_err *err)
{
    for (int tries = 0; tries < 8; tries++) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return errno == ENOENT
                       ? (xo_err_set(err, ENOENT, "%s is gone", dir), 0)
                       : xo_err_sys(err, "cannot open %s", dir);
        while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
            ;
        struct stat a, b;
        if (fstat(fd, &a) < 0 || stat(dir, &b) < 0 || a.st_dev != b.st_dev ||
            a.st_ino != b.st_ino) {
            close(fd); /* set aside or replaced meanwhile: look again */
            continue;
        }
        int ok = volume_record_check(dir, true, err);
        if (ok != 1 && set_aside(dir, tmpdir, err) < 0)
            ok = -1;
        else if (ok != 1)
            ok = 0;
        close(fd);
        return ok;
    }
    return xo_err_set(err, EAGAIN, "%s keeps changing", dir);
}

int volume_build(const char *root, const struct blob_store *bs,
                 const struct volume_src *src, const struct unpack_opts *uo,
                 const struct volume_report *rep, xo_err *err)
{
    void (*progress)(void *, const char *) = rep ? rep->progress : NULL;
    void *progress_arg = rep ? rep->arg : NULL;
    const struct digest *md = src->manifest_digest;
    if (volume_exists(root, md)) {
        /* Pulled before: held to its record (a truncated or altered
         * rootfs image was taken as ready and failed only at create). */
        char *have = volume_path(root, md);
        int ok = check_present(have, bs->tmpdir, err);
        if (ok == 0)
            image_progress(progress, progress_arg,
                           "the root volume is damaged (%s): building it again",
                           xo_err_msg(err));
        free(have);
        if (ok != 0) /* 1: it holds what it says; -1: an error */
            return ok < 0 ? -1 : 0;
        xo_err_clear(err);
    }
    struct scratch scr = {NULL, false, -1};
    struct scratch_removal removal = {.running = false};
    char *vol = NULL, *final = volume_path(root, md);
    char *image = NULL;
    int rc = -1;
    /* Directories the unpack creates for missing parents get 0755 whatever
     * the caller's umask, so the image does not depend on the shell that
     * pulled it. */
    mode_t saved_umask = umask(022);
    vol = xo_xasprintf("%s/vol-%.12s-XXXXXX", bs->tmpdir, digest_hex(md));
    uint64_t compressed = 0;
    for (size_t i = 0; i < src->manifest->n_layers; i++)
        if (src->manifest->layers[i].size > 0)
            compressed += (uint64_t)src->manifest->layers[i].size;
    if (scratch_make(&scr, bs->tmpdir, digest_hex(md), compressed, err) < 0)
        goto out;
    if (!mkdtemp(vol)) {
        free(vol);
        vol = NULL;
        xo_err_sys(err, "cannot create a directory in %s", bs->tmpdir);
        goto out;
    }
    image = xo_xasprintf("%s/%s", vol, IMAGE_VOLUME_ROOTFS);
    int64_t build_time = 0;
    uint64_t xattrs = 0;
    bool follow = src->follow;
    while (unpack_all(bs, scr.path, src, follow, uo, rep, &build_time, &xattrs,
                      err) < 0) {
        /* A tmpfs too small, or without user.* xattrs (before Linux 6.6):
         * the same unpack again, on disk.  A download followed while it
         * was unpacked started again: the same unpack again, from the
         * verified blobs.  Each happens once at most. */
        bool to_disk = scratch_retry_on_disk(&scr, err->errnum);
        if (!to_disk && !(follow && err->errnum == LAYER_FEED_RESTART))
            goto out;
        if (to_disk)
            image_progress(progress, progress_arg,
                           "the scratch tmpfs failed (%s): unpacking on disk",
                           strerror(err->errnum));
        else
            image_progress(progress, progress_arg, "%s: unpacking again",
                           xo_err_msg(err));
        xo_err_clear(err);
        xo_err ignore = XO_ERR_INIT;
        fsat_remove_path(scr.path, &ignore); /* the half-made tree */
        xo_err_clear(&ignore);
        if (mkdir(scr.path, 0700) < 0 && errno != EEXIST) {
            xo_err_sys(err, "cannot create %s", scr.path);
            goto out;
        }
        if (to_disk && scratch_to_disk(&scr, err) < 0)
            goto out;
        follow = false;
    }
    /* Nothing is built from the tree before every layer is verified and
     * stored (the unpack has seen each verified; the last may still be
     * syncing into the store). */
    if (src->feed && layer_feed_wait(src->feed, err) < 0)
        goto out;
    if (volume_copy_etc(scr.path, vol, err) < 0)
        goto out;
    image_progress(progress, progress_arg, "building %s", IMAGE_VOLUME_ROOTFS);
    struct erofs_params ep;
    volume_erofs_params(&ep, md, build_time);
    ep.no_xattrs = xattrs == 0;
    struct erofs_job job;
    if (erofs_start(&job, image, scr.path, &ep, err) < 0)
        goto out;
    /* The config and manifest are written (and fsynced) while mkfs.erofs
     * runs. */
    if (write_docs(vol, src, err) < 0) {
        erofs_abort(&job);
        goto out;
    }
    if (erofs_wait(&job, err) < 0)
        goto out;
    /* The tree is not needed any more: it goes while the image is hashed. */
    scratch_remove_begin(&removal, &scr);
    image_progress(progress, progress_arg, "recording the volume");
    /* The image's writeback, begun by erofs_wait, runs while it is
     * hashed; the fsync then waits only for what is left of it. */
    if (write_record(vol, md, err) < 0 || xo_fsync_path(image, err) < 0)
        goto out;
    if (chmod(vol, 0755) < 0) {
        xo_err_sys(err, "cannot chmod %s", vol);
        goto out;
    }
    XO_FAULT_POINT("pull.volume-before-publish");
    if (xo_fsync_path(vol, err) < 0 ||
        volume_publish(root, vol, final, err) < 0)
        goto out;
    XO_FAULT_POINT("pull.volume-after-publish");
    image_progress(progress, progress_arg, "root volume %s ready", final);
    free(vol);
    vol = NULL;
    rc = 0;
out:
    if (rc < 0)
        xo_err_wrap(err, "building root volume for %s", md->str);
    scratch_remove(&scr);
    scratch_remove_end(&removal);
    xo_err dummy = XO_ERR_INIT;
    if (vol)
        fsat_remove_path(vol, &dummy);
    xo_err_clear(&dummy);
    free(vol);
    free(final);
    free(image);
    umask(saved_umask);
    return rc;
}
