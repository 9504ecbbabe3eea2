/*
 * volstore_create.c: making volumes (volstore.h): blank, from a parent,
 * or imported from a disk image file.  Every volume is built in a work
 * directory beside the others and renamed into place whole, under the
 * store's exclusive lock, so of two creates of one name the first wins
 * and the second finds it taken; a failure removes the work directory.
 */
#include "image/volstore_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fault.h"
#include "common/fileio.h"
#include "common/json_build.h"
#include "common/pathfmt.h"
#include "domcfg/metadata.h"
#include "image/fsat.h"

/* A create in progress: the work dir and the files made in it. */
struct work {
    char dir[4096];
    char data[4096];
    char scratch[4096]; /* a raw image qemu-img converts, or "" */
    const char *seed;   /* volstore_create_opts.seed */
};

static void work_discard(struct work *w)
{
    char rec[4200];
    if (w->data[0])
        unlink(w->data);
    if (w->scratch[0])
        unlink(w->scratch);
    if (xo_path_fmt(rec, sizeof(rec), NULL, "%s/%s", w->dir, VOLSTORE_RECORD) >=
        0)
        unlink(rec);
    rmdir(w->dir);
}

/* Under the lock: EEXIST when `name` is taken; else the work dir made. */
static int work_begin(struct work *w, const char *root, const char *name,
                      enum volstore_format f, xo_err *err)
{
    char dir[4096], final[4096];
    memset(w, 0, sizeof(*w));
    if (volstore_dir(dir, sizeof(dir), root, err) < 0 ||
        volstore_path(final, sizeof(final), root, name, NULL, err) < 0)
        return -1;
    if (access(final, F_OK) == 0)
        return xo_err_set(err, EEXIST, "volume \"%s\" exists", name);
    /* Every create holds the store's lock exclusively while its own work
     * dir exists, as the caller does now, so any found are what killed
     * ones left.  Best effort: what cannot go now goes with the next
     * create, or prune. */
    xo_err ignore = XO_ERR_INIT;
    volstore_remove_stale_work(dir, NULL, NULL, &ignore);
    xo_err_clear(&ignore);
    if (xo_path_fmt(w->dir, sizeof(w->dir), err,
                    "%s/" VOLSTORE_WORK_PREFIX "%s.XXXXXX", dir, name) < 0)
        return -1;
    if (!mkdtemp(w->dir))
        return xo_err_sys(err, "cannot make a work directory in %s", dir);
    if (xo_path_fmt(w->data, sizeof(w->data), err, "%s/%s", w->dir,
                    volstore_data_name(f)) < 0) {
        rmdir(w->dir);
        return -1;
    }
    return 0;
}

/* Writes the record and renames the work dir to the volume's name. */
static int work_commit(struct work *w, const char *root,
                       const struct volstore_record *r, xo_err *err)
{
    char rec[4200], final[4096];
    if (xo_path_fmt(rec, sizeof(rec), err, "%s/%s", w->dir, VOLSTORE_RECORD) <
            0 ||
        volstore_path(final, sizeof(final), root, r->name, NULL, err) < 0 ||
        volstore_record_write(rec, r, err) < 0 ||
        xo_fsync_path(w->data, err) < 0 || xo_fsync_path(w->dir, err) < 0)
        return -1;
    if (rename(w->dir, final) < 0)
        return xo_err_sys(err, "cannot rename %s to %s", w->dir, final);
    char *slash = strrchr(final, '/');
    *slash = '\0';
    return xo_fsync_path(final, err);
}

/* r's labels from "KEY=VALUE" strings, following metadata.h. */
static int set_labels(struct volstore_record *r, char *const *labels, size_t n,
                      xo_err *err)
{
    size_t bytes = 0;
    r->labels = xo_jobj();
    r->annotations = xo_jobj();
    for (size_t i = 0; i < n; i++) {
        char *key = NULL;
        const char *value = NULL;
        if (metadata_split(&key, &value, labels[i], err) < 0)
            return xo_err_wrap(err, "--label \"%.64s\"", labels[i]);
        if (json_object_object_get_ex(r->labels, key, NULL)) {
            xo_err_set(err, EINVAL, "--label: key \"%s\" is given twice", key);
            free(key);
            return -1;
        }
        bytes += strlen(key) + strlen(value);
        xo_jset(r->labels, key, xo_jstr(value));
        free(key);
    }
    return metadata_check_bounds(n, bytes, "labels", err);
}

static void say(const struct volstore_create_opts *o, const char *fmt, ...)
    XO_PRINTF(2, 3);
static void say(const struct volstore_create_opts *o, const char *fmt, ...)
{
    if (!o->say)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    /* may truncate: a line of progress text */
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    o->say(o->say_arg, line);
}

/* A blank volume's data: a sparse raw file, formatted when asked; a
 * qcow2 with a file system is formatted raw and converted (mkfs writes
 * only files and devices). */
static int make_blank(struct work *w, const struct volstore_record *r,
                      xo_err *err)
{
    char size[32];
    /* cannot truncate: a 64-bit number in 32 bytes */
    snprintf(size, sizeof(size), "%llu", (unsigned long long)r->size);
    if (r->format == VOLSTORE_RAW && w->seed && r->fs == VOLSTORE_FS_EXT4)
        return volstore_data_blank(w->data, r->size, err) < 0 ||
                       volstore_data_mkfs_seeded(w->data, w->seed, err) < 0
                   ? -1
                   : 0;
    if (w->seed)
        return xo_err_set(
            err, EINVAL,
            "only a raw ext4 volume is filled from a directory (--fs ext4, --format raw)");
    if (r->format == VOLSTORE_RAW)
        return volstore_data_blank(w->data, r->size, err) < 0 ||
                       volstore_data_mkfs(w->data, r->fs, err) < 0
                   ? -1
                   : 0;
    if (r->fs == VOLSTORE_FS_NONE) {
        const char *argv[] = {"qemu-img", "create", "-q", "-f",
                              "qcow2",    w->data,  size, NULL};
        if (volstore_run(argv, NULL, 0, err) < 0)
            return -1;
        return chmod(w->data, 0600) < 0
                   ? xo_err_sys(err, "cannot chmod %s", w->data)
                   : 0;
    }
    if (xo_path_fmt(w->scratch, sizeof(w->scratch), err, "%s/scratch.raw",
                    w->dir) < 0 ||
        volstore_data_blank(w->scratch, r->size, err) < 0 ||
        volstore_data_mkfs(w->scratch, r->fs, err) < 0)
        return -1;
    const char *argv[] = {"qemu-img", "convert", "-q",       "-f",    "raw",
                          "-O",       "qcow2",   w->scratch, w->data, NULL};
    if (volstore_run(argv, NULL, 0, err) < 0)
        return -1;
    unlink(w->scratch);
    w->scratch[0] = '\0';
    return chmod(w->data, 0600) < 0
               ? xo_err_sys(err, "cannot chmod %s", w->data)
               : 0;
}

/* A child's data from parent p: a qcow2 backed by p's data, a reflink or
 * copy of a raw p, a raw conversion of a qcow2 p. */
static int make_child(struct work *w, const struct volstore_record *r,
                      const struct volstore_record *p, const char *root,
                      const struct volstore_create_opts *o, xo_err *err)
{
    char size[32], backing[4096], pdata[4096];
    /* cannot truncate: a 64-bit number in 32 bytes */
    snprintf(size, sizeof(size), "%llu", (unsigned long long)r->size);
    if (volstore_path(pdata, sizeof(pdata), root, p->name,
                      volstore_data_name(p->format), err) < 0 ||
        xo_path_fmt(backing, sizeof(backing), err, "../%s/%s", p->name,
                    volstore_data_name(p->format)) < 0)
        return -1;
    if (r->format == VOLSTORE_QCOW2) {
        /* Relative, so the store can move (--root elsewhere) and the
         * chain still holds; qemu resolves it from the child's dir. */
        const char *argv[] = {
            "qemu-img", "create", "-q",
            "-f",       "qcow2",  "-b",
            backing,    "-F",     volstore_format_to_string(p->format),
            w->data,    size,     NULL};
        if (volstore_run(argv, NULL, 0, err) < 0)
            return -1;
        say(o, "qcow2 backed by %s: copy-on-write, %s stays unchanged", p->name,
            p->name);
        if (r->size > p->size && r->fs != VOLSTORE_FS_NONE)
            say(o,
                "the %s file system stays at %llu bytes until grown in the container",
                volstore_fs_to_string(r->fs), (unsigned long long)p->size);
        /* qemu-img makes it 0644 under umask 022; volumes are root's. */
        return chmod(w->data, 0600) < 0
                   ? xo_err_sys(err, "cannot chmod %s", w->data)
                   : 0;
    }
    if (p->format == VOLSTORE_QCOW2) {
        const char *argv[] = {"qemu-img", "convert", "-q",  "-f",    "qcow2",
                              "-O",       "raw",     pdata, w->data, NULL};
        if (volstore_run(argv, NULL, 0, err) < 0 ||
            (chmod(w->data, 0600) < 0 &&
             xo_err_sys(err, "cannot chmod %s", w->data)))
            return -1;
        say(o, "copied %s (raw from qcow2, qemu-img convert)", p->name);
    } else {
        const char *how = NULL;
        if (volstore_data_clone(w->data, pdata, &how, err) < 0)
            return -1;
        if (strcmp(how, "reflink") == 0)
            say(o, "reflink of %s: extents shared copy-on-write", p->name);
        else
            say(o, "copied %s: this file system has no reflink (FICLONE)",
                p->name);
    }
    if (r->size > p->size) {
        bool grown = false;
        bool kept;
        if (volstore_data_resize(&grown, &kept, w->data, VOLSTORE_RAW, r->fs,
                                 p->size, r->size, err) < 0)
            return -1;
        if (!grown && r->fs != VOLSTORE_FS_NONE)
            say(o,
                "the %s file system stays at %llu bytes until grown in the container",
                volstore_fs_to_string(r->fs), (unsigned long long)p->size);
    }
    return 0;
}

/* The record of a child of p from the options; EINVAL for what cannot
 * be made. */
static int child_record(struct volstore_record *r,
                        const struct volstore_record *p,
                        const struct volstore_create_opts *o, xo_err *err)
{
    r->format = o->format_set ? o->format : p->format;
    if (o->fs_set && o->fs != p->fs)
        return xo_err_set(err, EINVAL,
                          "--fs %s: a child of \"%s\" holds its %s file system",
                          volstore_fs_to_string(o->fs), p->name,
                          volstore_fs_to_string(p->fs));
    r->fs = p->fs;
    r->size = o->size ? o->size : p->size;
    if (r->size < p->size)
        return xo_err_set(
            err, EINVAL, "size %llu is smaller than parent \"%s\"'s %llu bytes",
            (unsigned long long)r->size, p->name, (unsigned long long)p->size);
    XO_COPY_STR(r->parent, p->name);
    r->backed = r->format == VOLSTORE_QCOW2;
    return 0;
}

/* The parent for `o`, checked usable: EBUSY while written by a user. */
static int get_parent(struct volstore_record *p, const char *root,
                      const char *name, xo_err *err)
{
    if (volstore_get(p, root, name, err) < 0)
        return xo_err_wrap(err, "unknown parent");
    for (size_t i = 0; i < p->n_users; i++)
        if (!p->users[i].read_only)
            return xo_err_set(
                err, EBUSY,
                "parent \"%s\" is not usable: container %s writes to it; stop it or use the volume read-only",
                name, p->users[i].container);
    return 0;
}

int volstore_create(struct volstore_record *r_r, const char *root,
                    const struct volstore_create_opts *o, xo_err *err)
{
    struct volstore_record r, p;
    volstore_record_init(&r);
    volstore_record_init(&p);
    struct work w = {.dir = ""};
    int lock = -1, rc = -1;
    if (volstore_check_name(o->name, err) < 0 ||
        set_labels(&r, o->labels, o->n_labels, err) < 0)
        goto out;
    memcpy(r.name, o->name, strlen(o->name) + 1); /* checked: fits */
    if (o->format_set)
        r.format = o->format;
    if (o->fs_set)
        r.fs = o->fs;
    r.size = o->size;
    volstore_now(r.created);
    if (o->owner)
        r.owner = xo_xstrdup(o->owner);
    if ((lock = volstore_lock(root, true, err)) < 0)
        goto out;
    if (o->parent) {
        if (get_parent(&p, root, o->parent, err) < 0 ||
            child_record(&r, &p, o, err) < 0)
            goto out;
    } else if (!o->size) {
        xo_err_set(err, EINVAL, "a blank volume needs a size");
        goto out;
    }
    if (work_begin(&w, root, o->name, r.format, err) < 0) {
        w.dir[0] = '\0';
        goto out;
    }
    w.seed = o->seed;
    if ((o->parent ? make_child(&w, &r, &p, root, o, err)
                   : make_blank(&w, &r, err)) < 0 ||
        work_commit(&w, root, &r, err) < 0) {
        xo_err_wrap(err, "creating volume \"%s\"", o->name);
        work_discard(&w);
        goto out;
    }
    volstore_record_dispose(r_r);
    *r_r = r;
    volstore_record_init(&r);
    rc = 0;
out:
    if (lock >= 0)
        close(lock);
    volstore_record_dispose(&r);
    volstore_record_dispose(&p);
    return rc;
}

int volstore_import(struct volstore_record *r_r, const char *root,
                    const struct volstore_import_opts *o, xo_err *err)
{
    struct volstore_record r;
    volstore_record_init(&r);
    struct work w;
    int lock = -1, rc = -1;
    if (volstore_check_name(o->name, err) < 0 ||
        set_labels(&r, o->labels, o->n_labels, err) < 0)
        goto out;
    memcpy(r.name, o->name, strlen(o->name) + 1); /* checked: fits */
    r.format = o->format;
    volstore_now(r.created);
    if ((lock = volstore_lock(root, true, err)) < 0 ||
        work_begin(&w, root, o->name, o->format, err) < 0)
        goto out;
    uint64_t bytes = 0;
    if (volstore_data_copy_hash(&r.checksum, &bytes, w.data, o->file, err) < 0)
        goto fail;
    XO_FAULT_POINT("volume-import.copied");
    r.has_checksum = true;
    if (o->expect && !digest_equal(o->expect, &r.checksum)) {
        xo_err_set(err, EBADMSG, "%s has digest %s, not %s", o->file,
                   r.checksum.str, o->expect->str);
        goto fail;
    }
    if (o->format == VOLSTORE_QCOW2) {
        /* The copy is checked, not the outside file: it cannot change
         * between the check and its use. */
        if (volstore_qcow2_check(&r.size, w.data, o->file, err) < 0)
            goto fail;
    } else {
        /* A qcow2 taken for raw would be a small disk of qcow2 metadata. */
        if (volstore_data_is_qcow2(w.data)) {
            xo_err_set(err, EINVAL,
                       "%s is a qcow2 image: import it with --format qcow2",
                       o->file);
            goto fail;
        }
        r.size = bytes;
        if (bytes == 0 || bytes % 512 || bytes > VOLSTORE_SIZE_MAX) {
            xo_err_set(
                err, EINVAL,
                "%s: %llu bytes is not a disk image size (a multiple of 512, up to %llu TiB)",
                o->file, (unsigned long long)bytes,
                (unsigned long long)(VOLSTORE_SIZE_MAX >> 40));
            goto fail;
        }
    }
    r.fs = o->fs_set || o->format != VOLSTORE_RAW
               ? (o->fs_set ? o->fs : VOLSTORE_FS_NONE)
               : volstore_data_detect_fs(w.data);
    /* A raw image's superblock can be read here: --fs must agree with it
     * (random bytes recorded as "ext4" failed only at mount). */
    if (o->fs_set && o->fs != VOLSTORE_FS_NONE && o->format == VOLSTORE_RAW &&
        volstore_data_detect_fs(w.data) != o->fs) {
        xo_err_set(
            err, EINVAL, "%s: --fs %s, but its superblock says %s", o->file,
            volstore_fs_to_string(o->fs),
            volstore_data_detect_fs(w.data) == VOLSTORE_FS_NONE
                ? "neither ext4 nor xfs"
                : volstore_fs_to_string(volstore_data_detect_fs(w.data)));
        goto fail;
    }
    if (work_commit(&w, root, &r, err) < 0)
        goto fail;
    volstore_record_dispose(r_r);
    *r_r = r;
    volstore_record_init(&r);
    rc = 0;
    goto out;
fail:
    xo_err_wrap(err, "importing volume \"%s\"", o->name);
    work_discard(&w);
out:
    if (lock >= 0)
        close(lock);
    volstore_record_dispose(&r);
    return rc;
}
