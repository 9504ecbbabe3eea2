/*
 * volume.h: building a root volume (see image.h for its layout) from
 * verified blobs: unpack the layers into a scratch tree, mkfs.erofs it,
 * add the exact config and manifest bytes and the passwd/group copies,
 * then rename the finished directory into volumes/sha256/<hex>.  A crash
 * leaves only scratch under tmp/, never a volume that looks complete.
 * The layers may still be downloading when the build starts (a
 * layer_feed): each is unpacked once it is verified, or followed as it
 * arrives, and nothing is built from the tree before all are verified.
 */
#ifndef XL_OCI_IMAGE_VOLUME_H
#define XL_OCI_IMAGE_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

#include "blobstore.h"
#include "erofs.h"
#include "common/error.h"
#include "common/user.h"
#include "manifest.h"
#include "unpack.h"

/* Caps on the passwd/group copies the host reads without mounting: the
 * bound user resolution reads them with (common/user.h), so that what
 * pull copies, create and the loader can read. */
#define VOLUME_ETC_FILE_MAX XO_USER_MAX_FILE

/* <root>/volumes/sha256/<hex>, owned by the caller; never NULL. */
char *volume_path(const char *root, const struct digest *manifest);

bool volume_exists(const char *root, const struct digest *manifest);

struct volume_src {
    const struct digest *manifest_digest;
    const struct oci_manifest *manifest;
    const char *manifest_buf;
    size_t manifest_len;
    const char *config_buf;
    size_t config_len;
    /* Where the layers come from (layer_feed.h); NULL: all are stored. */
    struct layer_feed *feed;
    /* The feed's downloads may be followed as they arrive. */
    bool follow;
};

/* Where volume_build reports, as in image_pull_opts (each may be NULL). */
struct volume_report {
    void (*progress)(void *arg, const char *line);
    void (*warn)(void *arg, const char *line);
    void *arg;
};

/* Builds the volume unless it exists; `rep` may be NULL. */
int volume_build(const char *root, const struct blob_store *bs,
                 const struct volume_src *src, const struct unpack_opts *uo,
                 const struct volume_report *rep, xo_err *err);

/*
 * The mkfs.erofs parameters of the volume named `md`: its UUID is md's
 * first 128 bits (an RFC 9562 version 8 UUID), its build time
 * `build_time` (seconds since the epoch, negative taken as 0; files newer
 * than that are clamped to it); no_xattrs false (the caller sets it when
 * it knows the tree has none).
 */
void volume_erofs_params(struct erofs_params *p, const struct digest *md,
                         int64_t build_time);

/*
 * Copies /etc/passwd and /etc/group of the tree at `tree` (as the
 * container sees them: symlinks followed inside the tree only, regular
 * files only, at most VOLUME_ETC_FILE_MAX bytes) into the volume
 * directory `vol` as IMAGE_VOLUME_PASSWD and IMAGE_VOLUME_GROUP; an
 * absent file is skipped.
 */
int volume_copy_etc(const char *tree, const char *vol, xo_err *err);

/*
 * Reads /etc/passwd and /etc/group of the tree at `tree` the same way
 * (inside the tree only, regular files only, never blocking on a FIFO,
 * at most VOLUME_ETC_FILE_MAX bytes each) into NUL-terminated texts to
 * free; NULL for an absent one.  For a tree a container may change while
 * it runs (exec's user under NOHYPER).
 */
int volume_read_etc(const char *tree, char **passwd_r, char **group_r,
                    xo_err *err);

/*
 * Renames the finished volume directory `vol` (under the store's tmp/)
 * to `final` (under <root>/volumes/sha256/) and syncs the parent.
 * Losing a race to another build of the same volume is success: `vol` is
 * removed and `final`, as good as ours, stays.
 */
int volume_publish(const char *root, const char *vol, const char *final,
                   xo_err *err);

#endif
