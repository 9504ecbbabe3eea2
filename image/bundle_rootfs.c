/*
 * bundle_rootfs.c: a bundle's rootfs directory to a cached root volume
 * (see bundle_rootfs.h): lookup under the store lock, one build per key,
 * mkfs.erofs straight from the rootfs (or from a read-only overlay that
 * adds missing mount points), publish by rename.
 */
#include "image/bundle_rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/json_build.h"
#include "image/bundle_ghosts.h"
#include "image/erofs.h"
#include "image/fsat.h"
#include "image/image.h"
#include "image/lock.h"
#include "image/progress.h"
#include "image/volume.h"

static const char *const mountpoints[] = {"proc", "sys", "dev"};
#define N_MOUNTPOINTS (sizeof(mountpoints) / sizeof(*mountpoints))
/* Mount data is one page; "lowerdir=" and a margin off 4096. */
#define OVERLAY_OPTS_MAX 4000

/* What a bundle volume's image config says: nothing but the platform. */
static const char image_config[] =
    "{\"architecture\": \"amd64\", \"os\": \"linux\", \"config\": {}}\n";

void bundle_volume_dispose(struct bundle_volume *v)
{
    free(v->dir);
    if (v->lock_fd >= 0)
        close(v->lock_fd);
    bundle_source_dispose(&v->src);
    v->dir = NULL;
    v->lock_fd = -1;
}

/* Work in progress for one build, all under <root>/tmp. */
struct build {
    char *tmp;   /* <root>/tmp */
    char *vol;   /* the volume being filled */
    char *extra; /* a layer holding the missing mount points */
    char *mnt;   /* where the read-only overlay is mounted */
    bool mounted;
};

static void build_cleanup(struct build *b)
{
    xo_err ignore = XO_ERR_INIT;
    if (b->mounted)
        umount2(b->mnt, MNT_DETACH);
    char *dirs[] = {b->mnt, b->extra, b->vol};
    for (size_t i = 0; i < 3; i++)
        if (dirs[i])
            fsat_remove_path(dirs[i], &ignore);
    xo_err_clear(&ignore);
    free(b->tmp);
    free(b->vol);
    free(b->extra);
    free(b->mnt);
}

static int make_tmp(char **out_r, const char *tmp, const char *what,
                    const struct digest *key, xo_err *err)
{
    *out_r = xo_xasprintf("%s/%s-%.12s-XXXXXX", tmp, what, digest_hex(key));
    if (!mkdtemp(*out_r)) {
        int rc = xo_err_sys(err, "cannot create a directory in %s", tmp);
        free(*out_r);
        *out_r = NULL;
        return rc;
    }
    return 0;
}

/* Which of /proc, /sys, /dev the tree lacks as directories (a bit each). */
static int missing_mountpoints(const char *tree, unsigned *mask_r, xo_err *err)
{
    int fd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", tree);
    *mask_r = 0;
    for (size_t i = 0; i < N_MOUNTPOINTS; i++) {
        struct stat st;
        if (fstatat(fd, mountpoints[i], &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISDIR(st.st_mode))
            *mask_r |= 1U << i;
    }
    close(fd);
    return 0;
}

/* A layer path as overlay's lowerdir takes it: ':' escaped; ',' cannot
 * be (the options are comma-separated), so it is refused. */
static int append_layer(char **opts, const char *path, xo_err *err)
{
    if (strchr(path, ',') || strchr(path, '\\'))
        return xo_err_set(err, EINVAL,
                          "cannot mount an overlay of %s: ',' or '\\' in it",
                          path);
    size_t len = strlen(*opts), add = strlen(path);
    char *n = xo_xrealloc(*opts, len + 2 * add + 2);
    *opts = n;
    n += len;
    *n++ = ':';
    for (const char *p = path; *p; p++) {
        if (*p == ':')
            *n++ = '\\';
        *n++ = *p;
    }
    *n = '\0';
    return 0;
}

/*
 * A read-only overlay of the source with a layer on top holding the mount
 * points it lacks and the directories that list ghost whiteouts, with a
 * whiteout of each ghost (bundle_ghosts.h), whose root carries the source
 * root's mode, owner and times (overlay shows the top layer's root).  A
 * cached overlay's lowers are stacked directly, so the image is exactly
 * what the key names; anything else, or a chain too long for the mount
 * data, is stacked as the rootfs mount itself.
 */
static int mount_staging(struct build *b, const struct bundle_source *s,
                         unsigned missing, const struct bundle_ghosts *ghosts,
                         xo_err *err)
{
    if (make_tmp(&b->extra, b->tmp, "bextra", &s->key, err) < 0 ||
        make_tmp(&b->mnt, b->tmp, "bmnt", &s->key, err) < 0)
        return -1;
    struct stat st;
    if (stat(s->rootfs, &st) < 0)
        return xo_err_sys(err, "cannot stat %s", s->rootfs);
    for (size_t i = 0; i < N_MOUNTPOINTS; i++) {
        char *p = xo_path_join(b->extra, mountpoints[i]);
        int r = missing & (1U << i) ? mkdir(p, 0755) : 0;
        free(p);
        if (r < 0)
            return xo_err_sys(err, "cannot create a mount point in %s",
                              b->extra);
    }
    if (ghosts->n && bundle_ghosts_layer(ghosts, s->rootfs, b->extra, err) < 0)
        return -1;
    struct timespec t[2] = {st.st_atim, st.st_mtim};
    if (chown(b->extra, st.st_uid, st.st_gid) < 0 ||
        chmod(b->extra, st.st_mode & 07777) < 0 ||
        utimensat(AT_FDCWD, b->extra, t, 0) < 0)
        return xo_err_sys(err, "cannot set the attributes of %s", b->extra);
    /* The layers joined by ':' (each append adds one before it).  The
     * mount data must fit in a page: a long lower chain is replaced by
     * the rootfs mount itself, the same tree (its upper is empty), whose
     * ghosts the top layer whites out. */
    char *layers = NULL, *opts = NULL;
    int rc = 0;
    for (int whole = s->kind != BUNDLE_SOURCE_OVERLAY; rc == 0 && whole < 2;
         whole++) {
        free(layers);
        layers = xo_xstrdup("");
        rc = append_layer(&layers, b->extra, err);
        for (size_t i = 0; !whole && rc == 0 && i < s->n_lowers; i++)
            rc = append_layer(&layers, s->lowers[i], err);
        if (whole && rc == 0)
            rc = append_layer(&layers, s->rootfs, err);
        if (rc == 0 && strlen(layers) < OVERLAY_OPTS_MAX)
            break;
    }
    if (rc == 0)
        opts = xo_xasprintf("lowerdir=%s", layers + 1);
    free(layers);
    if (rc == 0) {
        if (mount("overlay", b->mnt, "overlay",
                  MS_RDONLY | MS_NOSUID | MS_NODEV, opts) < 0)
            rc = xo_err_sys(err, "cannot mount an overlay on %s", b->mnt);
        else
            b->mounted = true;
    }
    free(opts);
    return rc;
}

static int write_record(const char *vol, const struct bundle_source *s,
                        xo_err *err)
{
    json_object *o = xo_jobj(), *lowers = xo_jarr();
    xo_jset(o, "version", xo_jint(1));
    xo_jset(o, "kind", xo_jstr(bundle_source_kind_name(s->kind)));
    xo_jset(o, "cached", xo_jbool(s->kind == BUNDLE_SOURCE_OVERLAY));
    xo_jset(o, "key", xo_jstr(s->key.str));
    for (size_t i = 0; i < s->n_lowers; i++)
        xo_jpush(lowers, xo_jstr(s->lowers[i]));
    xo_jset(o, "lowerdirs", lowers);
    char *text = xo_json_to_string(o);
    json_object_put(o);
    char *rec = xo_path_join(vol, BUNDLE_RECORD);
    char *cfg = xo_path_join(vol, IMAGE_VOLUME_CONFIG);
    int rc = xo_write_file_atomic(rec, text, strlen(text), 0644, err);
    if (rc == 0)
        rc = xo_write_file_atomic(cfg, image_config, strlen(image_config), 0644,
                                  err);
    free(text);
    free(rec);
    free(cfg);
    return rc;
}

/* Builds the volume for `s` and renames it to `final`. */
static int build_volume(const char *root, const struct bundle_source *s,
                        const char *final, const struct bundle_report *rep,
                        xo_err *err)
{
    struct build b = {NULL, NULL, NULL, NULL, false};
    int rc = -1;
    unsigned missing = 0;
    char *image = NULL;
    struct bundle_ghosts ghosts = {NULL, 0, NULL, 0};
    b.tmp = xo_path_join(root, "tmp");
    if (xo_mkdir_p(b.tmp, 0755, err) < 0 ||
        make_tmp(&b.vol, b.tmp, "bvol", &s->key, err) < 0 ||
        missing_mountpoints(s->rootfs, &missing, err) < 0)
        goto out;
    /* Only an overlay lists whiteouts (a plain directory has none), keyed
     * or not. */
    if (s->overlay && bundle_ghosts_find(&ghosts, s->rootfs, err) < 0)
        goto out;
    const char *tree = s->rootfs;
    if (missing || ghosts.n) {
        if (mount_staging(&b, s, missing, &ghosts, err) < 0)
            goto out;
        tree = b.mnt;
    }
    image = xo_path_join(b.vol, IMAGE_VOLUME_ROOTFS);
    image_progress(rep ? rep->progress : NULL, rep ? rep->arg : NULL,
                   "building %s from %s (%s)", IMAGE_VOLUME_ROOTFS, s->rootfs,
                   bundle_source_kind_name(s->kind));
    struct erofs_params ep;
    volume_erofs_params(&ep, &s->key, 0);
    /* No clamp: the tree's newest time is unknown without a walk, and a
     * build time of "now" clamped files dated later (an image may hold
     * them: a pull keeps them) to the build's own time. */
    ep.epoch = EROFS_EPOCH_NONE;
    if (erofs_build(image, tree, &ep, err) < 0 ||
        volume_copy_etc(tree, b.vol, err) < 0 ||
        write_record(b.vol, s, err) < 0)
        goto out;
    if (chmod(b.vol, 0755) < 0) {
        xo_err_sys(err, "cannot chmod %s", b.vol);
        goto out;
    }
    if (xo_fsync_path(b.vol, err) < 0 ||
        volume_publish(root, b.vol, final, err) < 0)
        goto out;
    free(b.vol);
    b.vol = NULL;
    rc = 0;
out:
    free(image);
    bundle_ghosts_dispose(&ghosts);
    build_cleanup(&b);
    return rc;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Serializes builds of one key: tmp/bundle-<hex>.lock, held exclusive. */
static int key_lock(int *fd_r, const char *root, const struct digest *key,
                    xo_err *err)
{
    char *tmp = xo_path_join(root, "tmp");
    char *path = xo_xasprintf("%s/bundle-%s.lock", tmp, digest_hex(key));
    int rc = xo_mkdir_p(tmp, 0755, err), fd = -1;
    if (rc == 0 &&
        (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
        rc = xo_err_sys(err, "cannot open %s", path);
    while (rc == 0 && flock(fd, LOCK_EX) < 0)
        if (errno != EINTR)
            rc = xo_err_sys(err, "cannot lock %s", path);
    if (rc < 0 && fd >= 0)
        close(fd);
    if (rc == 0)
        *fd_r = fd;
    free(tmp);
    free(path);
    return rc;
}

int bundle_rootfs_volume(struct bundle_volume *v_r, const char *root,
                         const char *rootfs, const struct bundle_report *rep,
                         xo_err *err)
{
    struct bundle_volume v = {NULL, false, -1, {0}};
    int klock = -1, rc = -1;
    /* Mount points and copied files get their modes whatever the caller's
     * umask, as a pull's do. */
    mode_t saved_umask = umask(022);
    if (bundle_source_probe(&v.src, rootfs, NULL, err) < 0) {
        umask(saved_umask);
        return -1; /* its error names the rootfs already */
    }
    if (v.src.why[0])
        image_progress(rep ? rep->progress : NULL, rep ? rep->arg : NULL,
                       "not cached: %s", v.src.why);
    if (image_store_lock(&v.lock_fd, root, false, err) < 0)
        goto out;
    v.dir = volume_path(root, &v.src.key);
    bool cached = v.src.kind == BUNDLE_SOURCE_OVERLAY;
    if (cached && is_dir(v.dir)) {
        v.hit = true;
    } else {
        if (cached && key_lock(&klock, root, &v.src.key, err) < 0)
            goto out;
        if (cached && is_dir(v.dir))
            v.hit = true; /* a build that held the key lock made it */
        else if (build_volume(root, &v.src, v.dir, rep, err) < 0)
            goto out;
    }
    rc = 0;
out:
    if (klock >= 0)
        close(klock);
    umask(saved_umask);
    if (rc < 0) {
        bundle_volume_dispose(&v);
        return xo_err_wrap(err, "bundle rootfs %s", rootfs);
    }
    *v_r = v;
    return 0;
}

/* The record of a bundle volume, checked against the directory's name. */
static int read_record(bool *cached_r, const char *dir, xo_err *err)
{
    char *path = xo_path_join(dir, BUNDLE_RECORD);
    json_object *o = NULL, *v = NULL;
    const char *key = NULL;
    int rc = xo_json_parse_file(&o, path, BUNDLE_RECORD_MAX_BYTES, err);
    if (rc == 0 && (!json_object_is_type(o, json_type_object) ||
                    !json_object_object_get_ex(o, "cached", &v) ||
                    !json_object_is_type(v, json_type_boolean)))
        rc = xo_err_set(err, EINVAL, "%s: \"cached\" must be true or false",
                        path);
    if (rc == 0 && xo_json_get_string(&key, o, "key", true, path, err) < 0)
        rc = -1;
    const char *base = strrchr(dir, '/');
    if (rc == 0 && (strncmp(key, DIGEST_ALGO ":", sizeof(DIGEST_ALGO)) ||
                    !base || strcmp(base + 1, key + sizeof(DIGEST_ALGO))))
        rc = xo_err_set(err, EINVAL, "%s: \"key\" is not the volume's name",
                        path);
    if (rc == 0)
        *cached_r = json_object_get_boolean(v);
    json_object_put(o);
    free(path);
    return rc;
}

int bundle_rootfs_release(const char *root, const char *volume_dir, xo_err *err)
{
    char *parent = NULL, *real = realpath(volume_dir, NULL);
    char *vols = xo_path_join(root, "volumes/sha256");
    char *rp = realpath(vols, NULL);
    int rc = 0;
    if (!real || !rp) {
        rc = xo_err_sys(err, "bundle volume %s", volume_dir);
    } else {
        parent = xo_xasprintf("%s/", rp);
        if (strncmp(real, parent, strlen(parent)) != 0 ||
            strchr(real + strlen(parent), '/'))
            rc = xo_err_set(err, EINVAL, "%s is not a volume of the store %s",
                            volume_dir, root);
    }
    bool cached = true;
    int lock = -1;
    if (rc == 0)
        rc = read_record(&cached, real, err);
    /* Exclusive, as image_remove: no build or lookup is under way. */
    if (rc == 0 && !cached &&
        (rc = image_store_lock(&lock, root, true, err)) == 0) {
        char *dest = xo_xasprintf("%s/tmp/rm-bvol-XXXXXX", root);
        if (!mkdtemp(dest) || rename(real, dest) < 0)
            rc = xo_err_sys(err, "cannot retire %s", real);
        else
            rc = fsat_remove_path(dest, err);
        free(dest);
        close(lock);
    }
    free(real);
    free(vols);
    free(rp);
    free(parent);
    return rc;
}
