/*
 * bundle_source.h: what an OCI bundle's rootfs directory is made of, and
 * the cache key of the root volume built from it (bundle_rootfs.h).
 *
 * containerd's overlay snapshotter mounts a container's rootfs as an
 * overlay: lowerdir = the image's committed snapshots (top first), which
 * containerd never changes once committed, and upperdir = the
 * container's own writable snapshot.  The key is the sha256 of the lower
 * chain: each layer's path and identity (device, inode, birth and change
 * times, from statx), so a snapshot path that is reused for other
 * content (containerd's state wiped and rebuilt) gives another key.  A
 * chain containerd mounted by relative paths (options over a page) is
 * keyed by the same absolute paths.
 *
 * Only an overlay whose upper directory is empty is cached: files the
 * upper holds belong to one container.  Such an overlay, and a rootfs
 * that is a plain directory (no contract keeps its content unchanged, and
 * the native snapshotter gives each container its own copy, so a key
 * would never be hit), get a random key: a volume of their own.
 * docs/decisions.md, "Bundle rootfs to root volume", says why.
 */
#ifndef XL_OCI_IMAGE_BUNDLE_SOURCE_H
#define XL_OCI_IMAGE_BUNDLE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "verifier/digest.h"

enum bundle_source_kind {
    BUNDLE_SOURCE_OVERLAY,       /* overlay, empty upper: cached */
    BUNDLE_SOURCE_OVERLAY_UPPER, /* overlay, the upper holds files */
    BUNDLE_SOURCE_DIRECTORY,     /* anything else */
};

struct bundle_source {
    enum bundle_source_kind kind;
    bool overlay;  /* rootfs is an overlay mount, keyed or not */
    char *rootfs;  /* realpath() of the rootfs directory */
    char **lowers; /* overlay lower layers, top first (NULL-terminated),
                      absolute; NULL when not known (kind directory) */
    size_t n_lowers;
    char *upper;       /* overlay upper layer, or NULL */
    struct digest key; /* the volume's name (see above) */
    char why[128];     /* why it is not cached, for a progress line */
};

void bundle_source_dispose(struct bundle_source *s);

/* The name of a kind ("overlay", "overlay-upper", "directory"). */
const char *bundle_source_kind_name(enum bundle_source_kind k);

/*
 * Finds what `rootfs` is, from `mountinfo` (NULL: /proc/self/mountinfo),
 * and its key.  Relative layer paths are resolved where containerd's
 * mount of a long chain put them (bundle_source.c, resolve_relative).  An
 * overlay that cannot be keyed (relative layers not laid out as
 * containerd's, a layer that cannot be stat'ed) is treated as a
 * directory, `overlay` still set, with `why` saying so; errors are only
 * those of rootfs itself and of reading the mount table.
 */
int bundle_source_probe(struct bundle_source *s_r, const char *rootfs,
                        const char *mountinfo, xo_err *err);

#endif
