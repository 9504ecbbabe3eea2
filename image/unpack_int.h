/*
 * unpack_int.h: what the layer unpacker's two files share: unpack.c walks
 * the layers and decides what each entry is (root, whiteout, skipped
 * device, object); unpack_obj.c makes the objects.  Internal to image/.
 */
#ifndef XL_OCI_IMAGE_UNPACK_INT_H
#define XL_OCI_IMAGE_UNPACK_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "layerpath.h"
#include "strset.h"
#include "unpack.h"

struct archive;
struct archive_entry;

struct dir_time {
    char *path;
    struct timespec ts[2];
};

struct unpack_ctx {
    char *dir;
    int rootfd;
    struct unpack_opts o;
    bool as_root; /* may chown and create device nodes */
    uint64_t entries;
    uint64_t bytes;
    uint64_t skipped_devices;
    uint64_t xattrs;       /* xattrs set on the objects made */
    struct digest diff_id; /* the next layer's, when has_diff_id */
    bool has_diff_id;
    uint64_t xattrs_dropped;                    /* not kept (layer_xattr.h) */
    char dropped_name[128], dropped_entry[256]; /* the first of them */
    int64_t newest;        /* latest entry mtime seen, seconds */
    struct strset skipped; /* paths of device nodes skipped in /dev */
    struct strset made;    /* what the current layer made (whiteout.h) */
    struct dir_time *dirs;
    size_t n_dirs, cap_dirs;
};

/* What one entry is being applied as; names it in every error. */
struct entry {
    const char *what; /* the layer */
    const char *raw;  /* the name as written in the tarball */
    char path[LAYERPATH_MAX_LEN + 1];
    struct archive_entry *ae;
};

/* An entry's time (seconds) as the root volume keeps it: held to
 * 1970..2446, so that it is the same on a tmpfs or an ext4 scratch tree. */
int64_t unpack_entry_time(int64_t t);

/* Owner, mode, xattrs and (unless a directory) times of the object open
 * as fd. */
int unpack_meta_fd(struct unpack_ctx *c, const struct entry *en, int fd,
                   bool is_dir, xo_err *err);
/* Keeps a directory's times, set by unpack_finish() once its children are
 * made (their number is bounded by the entry limit). */
void unpack_record_dir_time(struct unpack_ctx *c, const struct entry *en);

/*
 * Each makes the object of entry `en` as `base` in directory pfd, where
 * nothing of that name exists any more, never following a symlink, and
 * sets its metadata.  write_file reads the data from `a`; *ended is set
 * when the layer ended cleanly without a footer after it.
 */
int unpack_write_file(struct unpack_ctx *c, const struct entry *en,
                      struct archive *a, int pfd, const char *base, bool *ended,
                      xo_err *err);
int unpack_make_dir(struct unpack_ctx *c, const struct entry *en, int pfd,
                    const char *base, xo_err *err);
int unpack_make_hardlink(struct unpack_ctx *c, const struct entry *en, int pfd,
                         const char *base, xo_err *err);
int unpack_make_node(struct unpack_ctx *c, const struct entry *en, int pfd,
                     const char *base, mode_t type, xo_err *err);
int unpack_make_symlink(struct unpack_ctx *c, const struct entry *en, int pfd,
                        const char *base, xo_err *err);

#endif
