/* bundle_source.c: a bundle rootfs's layers and cache key (see header). */
#include "image/bundle_source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/json.h"
#include "image/mountinfo.h"

/* Changing how keys are made changes this, so old entries are not hit. */
#define KEY_TAG "xl-oci bundle rootfs key 1 (erofs lz4)\n"

/* "<digits>/fs": a snapshot of containerd's overlay snapshotter, relative
 * to its snapshots directory; with `tail` "/work", its work directory. */
static bool is_snapshot(const char *p, const char *tail)
{
    size_t d = strspn(p, "0123456789");
    return d > 0 && strcmp(p + d, tail) == 0;
}

/* The snapshots directory of an upper layer "<dir>/<id>/fs" whose work
 * directory is "<dir>/<id>/work" (owned), or NULL. */
static char *snapshots_dir(const char *upper, const char *work)
{
    const char *id = NULL;
    for (const char *p = upper; *p; p++)
        if (*p == '/' && is_snapshot(p + 1, "/fs"))
            id = p;
    size_t base = id ? (size_t)(id - upper) : 0;
    size_t idlen = id ? strlen(id) - strlen("/fs") : 0;
    if (!id || base == 0 || strncmp(work, upper, base + idlen) != 0 ||
        strcmp(work + base + idlen, "/work") != 0)
        return NULL;
    return xo_xstrndup(upper, base);
}

/*
 * containerd mounts an overlay whose options pass a page with lowerdir
 * relative to the directory it changes into for the mount(2)
 * (mount/mount_linux.go, compactLowerdirOption): the parent of the
 * layers' longest common prefix, which for its overlay snapshotter is the
 * snapshots directory, where the upper and work directories (left
 * absolute) are too.  The layers are resolved against that directory only
 * when everything matches that layout: all relative, each "<id>/fs",
 * more than one, no '/' in their common prefix (so containerd would have
 * chosen this directory), upperdir "<dir>/<id>/fs" with workdir
 * "<dir>/<id>/work", every layer a directory on the upper's device.
 * Anything else cannot be keyed: -1 with `err` saying why.
 */
static int resolve_relative(struct mountinfo_overlay *o, xo_err *err)
{
    size_t rel = 0;
    for (size_t i = 0; i < o->n_lowers; i++)
        rel += o->lowers[i][0] != '/';
    if (rel == 0)
        return 0;
    char *dir = o->upper && o->work ? snapshots_dir(o->upper, o->work) : NULL;
    size_t common = strlen(o->lowers[0]);
    for (size_t i = 1; i < o->n_lowers; i++)
        for (size_t k = 0; k < common; k++)
            if (o->lowers[i][k] != o->lowers[0][k])
                common = k;
    int rc = 0;
    struct statx up, l;
    if (!dir || rel != o->n_lowers || o->n_lowers < 2 ||
        memchr(o->lowers[0], '/', common))
        rc = xo_err_set(
            err, EINVAL,
            "overlay layer \"%.64s\" is relative, not in containerd's layout",
            o->lowers[0]);
    else if (statx(AT_FDCWD, o->upper, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &up) <
             0)
        rc = xo_err_sys(err, "cannot stat overlay upper layer %s", o->upper);
    for (size_t i = 0; rc == 0 && i < o->n_lowers; i++) {
        char *abs = xo_xasprintf("%s/%s", dir, o->lowers[i]);
        if (!is_snapshot(o->lowers[i], "/fs"))
            rc = xo_err_set(
                err, EINVAL,
                "overlay layer \"%.64s\" is relative, not a containerd snapshot",
                o->lowers[i]);
        else if (statx(AT_FDCWD, abs, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &l) < 0)
            rc = xo_err_sys(err, "cannot stat overlay layer %s", abs);
        else if (!S_ISDIR(l.stx_mode) || l.stx_dev_major != up.stx_dev_major ||
                 l.stx_dev_minor != up.stx_dev_minor)
            rc = xo_err_set(
                err, EINVAL,
                "overlay layer %s is not a directory beside its upper", abs);
        if (rc == 0) {
            free(o->lowers[i]);
            o->lowers[i] = abs;
        } else {
            free(abs);
        }
    }
    free(dir);
    return rc;
}

void bundle_source_dispose(struct bundle_source *s)
{
    free(s->rootfs);
    xo_strv_free(s->lowers);
    free(s->upper);
    memset(s, 0, sizeof(*s));
}

const char *bundle_source_kind_name(enum bundle_source_kind k)
{
    switch (k) {
    case BUNDLE_SOURCE_OVERLAY:
        return "overlay";
    case BUNDLE_SOURCE_OVERLAY_UPPER:
        return "overlay-upper";
    default:
        return "directory";
    }
}

/* One line of the key per layer: path and identity. */
static int hash_layer(struct digest_hasher *h, size_t i, const char *path,
                      xo_err *err)
{
    struct statx stx;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW,
              STATX_BASIC_STATS | STATX_BTIME, &stx) < 0)
        return xo_err_sys(err, "cannot stat overlay layer %s", path);
    if (!S_ISDIR(stx.stx_mode))
        return xo_err_set(err, ENOTDIR, "overlay layer %s is not a directory",
                          path);
    /* A file system without birth times: the change time and inode still
     * tell a new directory from the old one. */
    bool bt = stx.stx_mask & STATX_BTIME;
    char *line = xo_xasprintf(
        "lower %zu %zu:%s dev %u:%u ino %llu ctime %lld.%09u btime %lld.%09u\n",
        i, strlen(path), path, stx.stx_dev_major, stx.stx_dev_minor,
        (unsigned long long)stx.stx_ino, (long long)stx.stx_ctime.tv_sec,
        stx.stx_ctime.tv_nsec, bt ? (long long)stx.stx_btime.tv_sec : 0LL,
        bt ? stx.stx_btime.tv_nsec : 0U);
    int rc = digest_hasher_update(h, line, strlen(line), err);
    free(line);
    return rc;
}

static int key_of_lowers(const struct mountinfo_overlay *o,
                         struct digest *key_r, xo_err *err)
{
    struct digest_hasher *h = NULL;
    if (digest_hasher_new(&h, err) < 0)
        return -1;
    int rc = digest_hasher_update(h, KEY_TAG, strlen(KEY_TAG), err);
    for (size_t i = 0; rc == 0 && i < o->n_lowers; i++)
        rc = hash_layer(h, i, o->lowers[i], err);
    if (rc == 0)
        rc = digest_hasher_final(h, key_r, err);
    digest_hasher_free(h);
    return rc;
}

/* A key no other volume has: the volume belongs to one container. */
static int key_random(struct bundle_source *s, xo_err *err)
{
    unsigned char r[32];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return xo_err_sys(err, "getrandom");
    char buf[9 + sizeof(r)] = "uncached ";
    memcpy(buf + 9, r, sizeof(r));
    return digest_buffer(&s->key, buf, 9 + sizeof(r), err);
}

/* 1 when `dir` holds any entry, 0 when empty, -1. */
static int has_entries(const char *dir, xo_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return xo_err_sys(err, "cannot read overlay upper layer %s", dir);
    struct dirent *e;
    int any = 0;
    while (!any && (e = readdir(d)))
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

/* Fills the overlay fields and the kind; returns whether it is keyed
 * (s->why says why not). */
static bool probe_overlay(struct bundle_source *s,
                          const struct mountinfo_entry *e)
{
    xo_err why = XO_ERR_INIT;
    struct mountinfo_overlay o = {NULL, 0, NULL, NULL};
    bool keyed = false;
    int full = 0;
    s->overlay = true;
    if (strcmp(e->root, "/") != 0)
        xo_err_set(&why, EINVAL,
                   "the overlay is mounted from %.64s, not its root", e->root);
    else if (mountinfo_overlay_layers(&o, e->super_opts, &why) < 0 ||
             resolve_relative(&o, &why) < 0)
        ;
    else if (o.upper && (full = has_entries(o.upper, &why)) != 0)
        s->kind = full == 1 ? BUNDLE_SOURCE_OVERLAY_UPPER : s->kind;
    else if (key_of_lowers(&o, &s->key, &why) == 0)
        keyed = true;
    /* Layers only where they are known: resolved, or all absolute. */
    if (keyed || full == 1) {
        s->lowers = o.lowers;
        s->n_lowers = o.n_lowers;
        s->upper = o.upper;
        o.lowers = NULL;
        o.upper = NULL;
    }
    mountinfo_overlay_dispose(&o);
    if (keyed)
        s->kind = BUNDLE_SOURCE_OVERLAY;
    else if (full == 1)
        /* may truncate: display text */
        snprintf(s->why, sizeof(s->why), "its overlay upper layer holds files");
    else
        /* may truncate: display text */
        snprintf(s->why, sizeof(s->why), "%s", xo_err_msg(&why));
    xo_err_clear(&why);
    return keyed;
}

int bundle_source_probe(struct bundle_source *s_r, const char *rootfs,
                        const char *mountinfo, xo_err *err)
{
    struct bundle_source s;
    memset(&s, 0, sizeof(s));
    s.kind = BUNDLE_SOURCE_DIRECTORY;
    struct stat st;
    if (!(s.rootfs = realpath(rootfs, NULL)))
        return xo_err_sys(err, "bundle rootfs %s", rootfs);
    if (stat(s.rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
        bundle_source_dispose(&s);
        return xo_err_set(err, ENOTDIR, "bundle rootfs %s is not a directory",
                          rootfs);
    }
    struct mountinfo_entry e = {NULL, NULL, NULL};
    int r = mountinfo_find(&e, mountinfo, s.rootfs, err);
    bool keyed = false;
    if (r == 1 && strcmp(e.fstype, "overlay") == 0)
        keyed = probe_overlay(&s, &e);
    else if (r == 1)
        /* may truncate: display text */
        snprintf(s.why, sizeof(s.why), "it is a %.32s mount, not an overlay",
                 e.fstype);
    else if (r == 0)
        /* may truncate: display text */
        snprintf(s.why, sizeof(s.why), "it is a directory, not a mount");
    mountinfo_entry_dispose(&e);
    if (r < 0 || (!keyed && key_random(&s, err) < 0)) {
        bundle_source_dispose(&s);
        return -1;
    }
    *s_r = s;
    return 0;
}
