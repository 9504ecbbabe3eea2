/*
 * bundle_rootfs.h: an OCI bundle's rootfs directory (containerd's
 * snapshot mount) made into a root volume the loader boots, cached in the
 * store so that the next container of the same image does no mkfs work.
 *
 * The volume lives where pulled ones do, <root>/volumes/sha256/<key>
 * (image.h), named by the key of bundle_source.h, and holds:
 *   rootfs.erofs        mkfs.erofs of the rootfs (with /proc, /sys and
 *                       /dev added when the tree lacks them, without the
 *                       whiteouts overlayfs lists but cannot find:
 *                       bundle_ghosts.h)
 *   passwd, group       copies of its /etc files (domcfg resolves the
 *                       user against them)
 *   image-config.json   {"architecture": "amd64", "os": "linux",
 *                       "config": {}}: a bundle brings no image config,
 *                       its config.json says everything
 *   bundle.json         the record: {"version": 1, "kind": "overlay",
 *                       "cached": true, "key": "sha256:..",
 *                       "lowerdirs": [...]}
 * It appears only by rename() once complete; a killed build leaves work
 * under tmp/ (and at most a read-only overlay mounted there), which
 * `prune` removes.
 *
 * Concurrency: the store lock is held shared from the lookup to the
 * caller's close of *lock_fd_r, so a prune (exclusive) never removes a
 * volume before the caller closes it; xl-oci-runc closes it before
 * create takes the state lock (image/lock.h's order), and a prune in
 * the moment until the domain's state dir names the volume may remove a
 * cached one that nothing else uses (create then fails naming it; the
 * next create builds it again).  Two builds of the same key serialize
 * on tmp/bundle-<hex>.lock, and the second finds the first's volume.
 *
 * Pruning: the volume is an entry like any other for image_prune(): it
 * stays while a domain's state, as `users` reports it, names its path.
 * A volume that is not cached (kind other than overlay) serves one
 * container; bundle_rootfs_release() removes it when that one is gone.
 */
#ifndef XL_OCI_IMAGE_BUNDLE_ROOTFS_H
#define XL_OCI_IMAGE_BUNDLE_ROOTFS_H

#include <stdbool.h>

#include "common/error.h"
#include "image/bundle_source.h"

#define BUNDLE_RECORD "bundle.json"
#define BUNDLE_RECORD_MAX_BYTES (256 * 1024)

struct bundle_volume {
    char *dir;   /* <root>/volumes/sha256/<key>, owned */
    bool hit;    /* found in the cache: no mkfs ran */
    int lock_fd; /* the store lock, held shared; close once recorded */
    struct bundle_source src;
};

/* Progress lines ("building rootfs.erofs from overlay of 3 layers"). */
struct bundle_report {
    void (*progress)(void *arg, const char *line);
    void *arg;
};

void bundle_volume_dispose(struct bundle_volume *v); /* closes lock_fd */

/*
 * The root volume for the bundle rootfs directory `rootfs`, found or
 * built under the store `root`; `rep` may be NULL.  Needs root when the
 * tree lacks /proc, /sys or /dev (a read-only overlay adds them).
 */
int bundle_rootfs_volume(struct bundle_volume *v_r, const char *root,
                         const char *rootfs, const struct bundle_report *rep,
                         xo_err *err);

/*
 * Called when the container using `volume_dir` is deleted: removes the
 * volume if it served that container alone (not cached), keeps a cached
 * one for the next container (prune removes it once unused).  A
 * directory that is not a bundle volume of `root` is an error.
 */
int bundle_rootfs_release(const char *root, const char *volume_dir,
                          xo_err *err);

#endif
