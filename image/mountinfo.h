/*
 * mountinfo.h: what the kernel says is mounted at a directory, from
 * /proc/self/mountinfo (proc(5)), and the layers of an overlay mount.
 * The bundle rootfs cache (bundle_rootfs.h) keys an overlay by its lower
 * layers, which only the mount table names.
 */
#ifndef XL_OCI_IMAGE_MOUNTINFO_H
#define XL_OCI_IMAGE_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* Longest mountinfo line read; overlay's options fit in a page. */
#define MOUNTINFO_LINE_MAX (64 * 1024)
/* Most lower layers taken from one overlay (Linux allows 500). */
#define MOUNTINFO_MAX_LOWERS 500

struct mountinfo_entry {
    char *root;       /* field 4: the mount's root in its file system */
    char *fstype;     /* "overlay", "ext4", ... */
    char *super_opts; /* the last field, as the kernel escapes it (a ','
                         in a value is \054: split, then unescape) */
};

void mountinfo_entry_dispose(struct mountinfo_entry *e);

/*
 * The mount whose mount point is exactly `path` (an absolute path with no
 * symlinks, e.g. from realpath()), the last such line, which is the one
 * on top.  `table` is the mountinfo file (NULL: /proc/self/mountinfo).
 * Returns 1 with *e_r filled, 0 when nothing is mounted there, -1.
 */
int mountinfo_find(struct mountinfo_entry *e_r, const char *table,
                   const char *path, xo_err *err);

/* An overlay's layers, as its mount options name them. */
struct mountinfo_overlay {
    char **lowers; /* top first, NULL-terminated; absolute, or relative to
                      the directory the mounter was in (containerd's
                      mounts of overlays with options over a page) */
    size_t n_lowers;
    char *upper; /* absolute, or NULL for a read-only overlay */
    char *work;  /* absolute, or NULL */
};

void mountinfo_overlay_dispose(struct mountinfo_overlay *o);

/*
 * An overlay's layers from its super options: lowerdir (top first, as
 * overlayfs lists them, with its "\:" escapes undone), upperdir and
 * workdir.  Returns 0 with *o_r filled, or -1 when lowerdir is missing
 * or has an empty layer, there are too many layers, or upperdir or
 * workdir is not absolute.  Lower layers are as given: whether a relative
 * one can be resolved is the caller's (bundle_source.c) to decide.
 */
int mountinfo_overlay_layers(struct mountinfo_overlay *o_r,
                             const char *super_opts, xo_err *err);

#endif
