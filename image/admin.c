/*
 * admin.c: image_list(), image_remove(), image_prune(): the store seen as
 * names, root volumes and blobs.  Removal takes the store lock exclusively
 * (lock.h), so it never races a pull; a volume is retired by renaming it
 * into tmp/ first, so it disappears from volumes/ in one step.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blobstore.h"
#include "common/alloc.h"
#include "common/fileio.h"
#include "fsat.h"
#include "image.h"
#include "lock.h"
#include "manifest.h"
#include "ref.h"
#include "refstore.h"
#include "strset.h"
#include "volume.h"
#include "image/scratch.h"
#include "image/volume_record.h"

void image_list_free(struct image_info *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        image_info_dispose(&list[i]);
    free(list);
}

static int64_t file_size(const char *dir, const char *name)
{
    char *p = xo_path_join(dir, name);
    struct stat st;
    int64_t size = lstat(p, &st) == 0 ? (int64_t)st.st_size : -1;
    free(p);
    return size;
}

int image_list(const char *root, struct image_info **list_r, size_t *n_r,
               char ***damaged_r, size_t *n_damaged_r, xo_err *err)
{
    struct ref_entry *refs = NULL;
    size_t all = 0, n = 0;
    if (refstore_list(root, damaged_r != NULL, &refs, &all, err) < 0)
        return -1;
    while (n < all && refs[n].name) /* the damaged ones are last */
        n++;
    if (damaged_r) {
        *damaged_r = xo_xcalloc(all - n + 1, sizeof(**damaged_r));
        for (size_t i = n; i < all; i++) {
            (*damaged_r)[i - n] = refs[i].damaged;
            refs[i].damaged = NULL;
        }
        *n_damaged_r = all - n;
    }
    struct image_info *list = xo_xcalloc(n, sizeof(*list));
    for (size_t i = 0; i < n; i++) {
        struct image_info *in = &list[i];
        in->name = refs[i].name;
        refs[i].name = NULL;
        in->manifest = refs[i].manifest;
        in->has_index = refs[i].has_index;
        in->index = refs[i].index;
        in->pulled = refs[i].pulled;
        in->volume_dir = volume_path(root, &in->manifest);
        in->rootfs_size = file_size(in->volume_dir, IMAGE_VOLUME_ROOTFS);
        struct volume_record vr;
        xo_err ignored = XO_ERR_INIT;
        if (volume_record_read(&vr, in->volume_dir, &ignored) == 1) {
            in->has_rootfs_digest = true;
            in->rootfs_digest = vr.rootfs_digest;
        }
        xo_err_clear(&ignored);
    }
    refstore_list_free(refs, all);
    *list_r = list;
    *n_r = n;
    return 0;
}

/*
 * Adds every "volumes/sha256/<hex>" a domain file mentions.  Scanning the
 * domain's own state (its libxl config names the rootfs image by path)
 * keeps a running domain's volume even when no root-volume file was
 * written.
 */
static void scan_volume_refs(struct strset *used, const char *buf)
{
    static const char needle[] = "volumes/sha256/";
    for (const char *p = strstr(buf, needle); p; p = strstr(p + 1, needle)) {
        const char *hex = p + sizeof(needle) - 1;
        if (strspn(hex, "0123456789abcdef") < DIGEST_HEX_LEN)
            continue;
        char h[DIGEST_HEX_LEN + 1];
        memcpy(h, hex, DIGEST_HEX_LEN);
        h[DIGEST_HEX_LEN] = '\0';
        strset_add(used, h);
    }
}

/* image_note_fn: a state file's text names the volumes in it; a bare
 * digest or hex (a volume's own record) counts too. */
static void note_use(void *ctx, const char *user, const char *text)
{
    (void)user;
    struct strset *used = ctx;
    const char *v = text + strspn(text, " \n");
    if (!strncmp(v, DIGEST_ALGO ":", sizeof(DIGEST_ALGO)))
        v += sizeof(DIGEST_ALGO);
    char h[DIGEST_HEX_LEN + 1] = "";
    if (strspn(v, "0123456789abcdef") == DIGEST_HEX_LEN) {
        memcpy(h, v, DIGEST_HEX_LEN);
        h[DIGEST_HEX_LEN] = '\0';
    }
    if (h[0])
        strset_add(used, h);
    scan_volume_refs(used, text);
}

/* The manifest digests the caller's domains use, as `users` tells. */
static int domain_uses(struct strset *used, const struct image_users *users,
                       xo_err *err)
{
    if (!users || !users->in_use)
        return 0;
    return users->in_use(users->opaque, note_use, used, err);
}

/* Hex digests of manifests some name points at; *damaged_r (optional)
 * counts the records that name nothing anyone can read. */
static int named_manifests(struct strset *named, const char *root,
                           size_t *damaged_r, xo_err *err)
{
    struct ref_entry *refs = NULL;
    size_t n = 0;
    if (refstore_list(root, damaged_r != NULL, &refs, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (refs[i].name)
            strset_add(named, digest_hex(&refs[i].manifest));
        else
            (*damaged_r)++;
    refstore_list_free(refs, n);
    return 0;
}

/* Size of the files directly in a volume directory. */
static uint64_t dir_bytes(const char *dir)
{
    uint64_t total = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)))
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    closedir(d);
    return total;
}

/* Moves volumes/sha256/<hex> into tmp/ (one atomic step), then deletes it. */
static int retire_volume(const char *root, const char *hex,
                         struct image_prune_stats *st, xo_err *err)
{
    int rc = 0;
    char *vol = xo_xasprintf("%s/volumes/sha256/%s", root, hex);
    char *tmp = xo_xasprintf("%s/tmp/rm-%.12s-XXXXXX", root, hex);
    uint64_t bytes = dir_bytes(vol);
    if (!mkdtemp(tmp)) {
        rc = xo_err_sys(err, "cannot create a directory under %s/tmp", root);
    } else if (rename(vol, tmp) < 0 && errno != ENOENT) {
        rc = xo_err_sys(err, "cannot retire volume %s", vol);
        rmdir(tmp);
    } else {
        rc = fsat_remove_path(tmp, err);
        if (rc == 0 && st) {
            st->volumes_removed++;
            st->bytes_freed += bytes;
        }
    }
    free(vol);
    free(tmp);
    return rc;
}

/* Adds the manifest, config and layers a volume was built from. */
static int keep_volume_blobs(struct strset *keep, const char *root,
                             const char *hex, xo_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    struct oci_manifest m = {0};
    strset_add(keep, hex);
    char *path = xo_xasprintf("%s/volumes/sha256/%s/%s", root, hex,
                              IMAGE_VOLUME_MANIFEST);
    int rc = 0;
    if (access(path, F_OK) == 0 &&
        (rc = xo_read_file(&buf, &len, path, MANIFEST_MAX_BYTES, err)) == 0 &&
        (rc = manifest_parse(&m, buf, len, path, err)) == 0) {
        strset_add(keep, digest_hex(&m.config.digest));
        for (size_t i = 0; i < m.n_layers; i++)
            strset_add(keep, digest_hex(&m.layers[i].digest));
        manifest_dispose(&m);
    }
    free(buf);
    free(path);
    return rc;
}

/* Lists the hex names in a directory of digests into `out`. */
static int list_hex_dir(struct strset *out, const char *dir, xo_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : xo_err_sys(err, "cannot read %s", dir);
    struct dirent *e;
    struct digest tmp;
    xo_err ignore = XO_ERR_INIT;
    while ((e = readdir(d)))
        if (digest_from_hex(&tmp, e->d_name, &ignore) == 0)
            strset_add(out, e->d_name);
    xo_err_clear(&ignore);
    closedir(d);
    return 0;
}

/* Removes blobs no name and no volume refers to. */
static int gc_blobs(const char *root, struct image_prune_stats *st, xo_err *err)
{
    struct strset keep = {0}, vols = {0}, blobs = {0};
    struct ref_entry *refs = NULL;
    size_t n = 0;
    int rc = -1;
    char *vdir = xo_xasprintf("%s/volumes/sha256", root);
    char *bdir = xo_xasprintf("%s/blobs/sha256", root);
    if (refstore_list(root, false, &refs, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        strset_add(&keep, digest_hex(&refs[i].manifest));
        if (refs[i].has_index)
            strset_add(&keep, digest_hex(&refs[i].index));
    }
    if (list_hex_dir(&vols, vdir, err) < 0)
        goto out;
    for (size_t i = 0; i < vols.cap; i++)
        if (vols.slots[i] &&
            keep_volume_blobs(&keep, root, vols.slots[i], err) < 0)
            goto out;
    if (list_hex_dir(&blobs, bdir, err) < 0)
        goto out;
    rc = 0;
    for (size_t i = 0; rc == 0 && i < blobs.cap; i++) {
        const char *hex = blobs.slots[i];
        if (!hex || strset_has(&keep, hex))
            continue;
        uint64_t size =
            (uint64_t)(file_size(bdir, hex) > 0 ? file_size(bdir, hex) : 0);
        char *p = xo_xasprintf("%s/%s", bdir, hex);
        if (unlink(p) < 0 && errno != ENOENT)
            rc = xo_err_sys(err, "cannot remove blob %s", p);
        else if (st) {
            st->blobs_removed++;
            st->bytes_freed += size;
        }
        free(p);
    }
out:
    refstore_list_free(refs, n);
    strset_clear(&keep);
    strset_clear(&vols);
    strset_clear(&blobs);
    free(vdir);
    free(bdir);
    return rc;
}

/* Removes volumes in `candidates` that no name and no domain uses. */
static int retire_unused(const char *root, const struct strset *candidates,
                         const struct image_users *users,
                         struct image_prune_stats *st, xo_err *err)
{
    struct strset named = {0}, used = {0};
    int rc =
        named_manifests(&named, root, st ? &st->damaged_records : NULL, err);
    if (rc == 0)
        rc = domain_uses(&used, users, err);
    for (size_t i = 0; rc == 0 && i < candidates->cap; i++) {
        const char *hex = candidates->slots[i];
        if (hex && !strset_has(&named, hex) && !strset_has(&used, hex))
            rc = retire_volume(root, hex, st, err);
    }
    strset_clear(&named);
    strset_clear(&used);
    return rc;
}

/* The first domain that uses volume `hex`, as domain_uses() finds it. */
struct first_user {
    const char *hex;
    char name[256];
};

static void note_first_user(void *ctx, const char *user, const char *text)
{
    struct first_user *f = ctx;
    struct strset used = {0};
    note_use(&used, user, text);
    if (!f->name[0] && strset_has(&used, f->hex))
        /* may truncate: a domain's name in a message */
        snprintf(f->name, sizeof(f->name), "%s", user);
    strset_clear(&used);
}

/* EBUSY naming the domain that uses volume `hex` (docker rmi's conflict),
 * or 0 when none does. */
static int refuse_in_use(const char *hex, const struct image_users *users,
                         xo_err *err)
{
    struct first_user f = {.hex = hex};
    if (users && users->in_use &&
        users->in_use(users->opaque, note_first_user, &f, err) < 0)
        return -1;
    if (!f.name[0])
        return 0;
    return xo_err_set(
        err, EBUSY,
        "container %s uses this image (sha256:%.12s): destroy it first, or rmi -f removes the name and keeps the volume while the container uses it",
        f.name, hex);
}

/* Whether a name other than `name` points at manifest `hex`. */
static int other_name(const char *root, const char *name, const char *hex,
                      bool *found_r, xo_err *err)
{
    struct ref_entry *refs = NULL;
    size_t n = 0;
    *found_r = false;
    if (refstore_list(root, false, &refs, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && !*found_r; i++)
        *found_r = strcmp(refs[i].name, name) != 0 &&
                   strcmp(digest_hex(&refs[i].manifest), hex) == 0;
    refstore_list_free(refs, n);
    return 0;
}

/* The store's lock exclusive, then the users' own (lock.h's order): what
 * rmi and prune decide on holds still until unlock_both(). */
static int lock_both(int *store_r, int *held_r, const char *root,
                     const struct image_users *users, xo_err *err)
{
    if (image_store_lock(store_r, root, true, err) < 0)
        return -1;
    *held_r = -1;
    if (users && users->hold &&
        (*held_r = users->hold(users->opaque, err)) < 0) {
        close(*store_r);
        *store_r = -1;
        return -1;
    }
    return 0;
}

static void unlock_both(int store, int held)
{
    if (held >= 0)
        close(held);
    close(store);
}

static int remove_locked(const char *root, const struct image_ref *r,
                         const struct image_users *users, bool force,
                         xo_err *err)
{
    struct strset affected = {0};
    int rc = 0;
    if (r->kind == IMAGE_REF_DIGEST && !force &&
        refuse_in_use(digest_hex(&r->digest), users, err) < 0)
        return -1;
    if (r->kind == IMAGE_REF_DIGEST) {
        struct ref_entry *refs = NULL;
        size_t n = 0;
        if (refstore_list(root, false, &refs, &n, err) < 0)
            return -1;
        for (size_t i = 0; i < n && rc == 0; i++)
            if (digest_equal(&refs[i].manifest, &r->digest) ||
                (refs[i].has_index && digest_equal(&refs[i].index, &r->digest)))
                rc = refstore_remove(root, refs[i].name, err);
        refstore_list_free(refs, n);
        if (rc == 0 && !volume_exists(root, &r->digest))
            rc = xo_err_set(err, ENOENT, "no image %s in %s", r->digest.str,
                            root);
        if (rc == 0)
            strset_add(&affected, digest_hex(&r->digest));
    } else {
        struct ref_entry e;
        int found = refstore_get(root, r->canonical, &e, err);
        if (found == REFSTORE_DAMAGED) {
            /* The name's own record, which nothing can read: removing it
             * is the way out (prune then takes what only it named). */
            xo_err_clear(err);
            rc = refstore_remove(root, r->canonical, err);
        } else if (found == 0)
            rc = xo_err_set(err, ENOENT, "no image named %s in %s",
                            r->canonical, root);
        else if (found < 0)
            rc = -1;
        bool shared = false;
        if (found == 1 && !force &&
            (other_name(root, r->canonical, digest_hex(&e.manifest), &shared,
                        err) < 0 ||
             (!shared &&
              refuse_in_use(digest_hex(&e.manifest), users, err) < 0)))
            rc = -1;
        if (found == 1 && rc == 0) {
            rc = refstore_remove(root, r->canonical, err);
            if (rc == 0)
                strset_add(&affected, digest_hex(&e.manifest));
        }
        if (found == 1)
            refstore_entry_dispose(&e);
    }
    if (rc == 0)
        rc = retire_unused(root, &affected, users, NULL, err);
    if (rc == 0)
        rc = gc_blobs(root, NULL, err);
    strset_clear(&affected);
    return rc;
}

/*
 * "sha256:" and 12 to 63 hex digits, as `images` shows a digest: the one
 * root volume whose digest starts so, as docker rmi takes a short ID.
 * 0 with *full_r (malloc'd) when `ref` is such a prefix of exactly one,
 * 1 when `ref` is no such prefix (parse it as given), -1 with `err` when
 * it matches none or several.
 */
static int expand_prefix(char **full_r, const char *root, const char *ref,
                         xo_err *err)
{
    bool tagged = strncmp(ref, "sha256:", 7) == 0;
    const char *hex = tagged ? ref + 7 : ref;
    size_t n = strlen(hex);
    bool is_hex = strspn(hex, "0123456789abcdef") == n;
    if (tagged && n < 12 && is_hex)
        return xo_err_set(
            err, EINVAL,
            "%s: a digest needs 64 hex digits, or the first 12 or more of one (as 'xl-oci images' shows)",
            ref);
    /* Bare hex of 12 to 64 digits is an image ID first, as `docker rmi
     * 6efaa17d13df` reads it; a name only when no digest starts so. */
    if (n < 12 || n > 64 || (tagged && n == 64) || !is_hex)
        return 1;
    char *vdir = xo_xasprintf("%s/volumes/sha256", root);
    DIR *d = opendir(vdir);
    free(vdir);
    struct dirent *e;
    char *found = NULL;
    int matches = 0;
    while (d && (e = readdir(d)))
        if (strlen(e->d_name) == 64 && strncmp(e->d_name, hex, n) == 0 &&
            matches++ == 0)
            found = xo_xasprintf("sha256:%s", e->d_name);
    if (d)
        closedir(d);
    if (matches == 1) {
        *full_r = found;
        return 0;
    }
    free(found);
    if (!tagged && matches == 0)
        return 1;
    return matches
               ? xo_err_set(err, EINVAL,
                            "%s: %d images have digests that start so", ref,
                            matches)
               : xo_err_set(err, ENOENT, "%s: no image has such a digest", ref);
}

int image_remove(const char *root, const char *ref,
                 const struct image_users *users, bool force, xo_err *err)
{
    struct image_ref r;
    char *full = NULL;
    int x = expand_prefix(&full, root, ref, err);
    if (x < 0)
        return -1;
    int parsed = image_ref_parse(&r, full ? full : ref, err);
    free(full);
    if (parsed < 0)
        return -1;
    int lock = -1, held = -1;
    int rc = lock_both(&lock, &held, root, users, err);
    if (rc == 0) {
        rc = remove_locked(root, &r, users, force, err);
        unlock_both(lock, held);
    }
    if (rc < 0)
        xo_err_wrap(err, "removing %s", ref);
    image_ref_dispose(&r);
    return rc;
}

int image_clean_tmp(const char *root, bool keep_partials, size_t *removed_r,
                    uint64_t *bytes_r, xo_err *err)
{
    char *dir = xo_xasprintf("%s/tmp", root);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int rc = errno == ENOENT ? 0 : xo_err_sys(err, "cannot open %s", dir);
        free(dir);
        return rc;
    }
    struct strset names = {0};
    DIR *d = fdopendir(dup(fd));
    struct dirent *e;
    int rc = 0;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        /* An interrupted download, which a pull resumes (blobstore.c). */
        if (keep_partials && n > 8 &&
            strcmp(e->d_name + n - 8, ".partial") == 0)
            continue;
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            strset_add(&names, e->d_name);
    }
    if (d)
        closedir(d);
    for (size_t i = 0; rc == 0 && i < names.cap; i++) {
        if (!names.slots[i])
            continue;
        /* A killed pull's scratch tmpfs (scratch.h) is still mounted. */
        char *path = xo_xasprintf("%s/%s", dir, names.slots[i]);
        scratch_unmount_leftover(path);
        free(path);
        struct stat st;
        bool file =
            fstatat(fd, names.slots[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode);
        if (fsat_remove_tree(fd, names.slots[i]) < 0) {
            rc = xo_err_sys(err, "cannot remove %s/%s", dir, names.slots[i]);
        } else {
            if (removed_r)
                (*removed_r)++;
            if (bytes_r && file)
                *bytes_r += (uint64_t)st.st_blocks * 512;
        }
    }
    strset_clear(&names);
    close(fd);
    free(dir);
    return rc;
}

int image_prune(const char *root, const struct image_users *users,
                struct image_prune_stats *stats_r, xo_err *err)
{
    struct image_prune_stats st = {0};
    struct strset vols = {0};
    char *vdir = xo_xasprintf("%s/volumes/sha256", root);
    int lock = -1, held = -1;
    int rc = lock_both(&lock, &held, root, users, err);
    if (rc == 0) {
        rc = list_hex_dir(&vols, vdir, err);
        if (rc == 0)
            rc = retire_unused(root, &vols, users, &st, err);
        if (rc == 0)
            rc = gc_blobs(root, &st, err);
        if (rc == 0)
            rc = image_clean_tmp(root, false, &st.leftovers_removed,
                                 &st.bytes_freed, err);
        unlock_both(lock, held);
    }
    strset_clear(&vols);
    free(vdir);
    if (rc < 0)
        return xo_err_wrap(err, "pruning %s", root);
    if (stats_r)
        *stats_r = st;
    return 0;
}
