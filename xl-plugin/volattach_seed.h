/*
 * volattach_seed.h: a directory of a container's root volume, opened on the
 * host, to fill an anonymous volume with (Docker copies what the image
 * holds at a volume's path into a new anonymous volume; a blank one hid
 * it, and an image's non-root USER lost its own data directory).
 *
 * The root volume's file system image (erofs, ext4 or squashfs) is
 * mounted read-only, nosuid, nodev on a private directory under the state
 * root, through a read-only loop device; the path resolves inside it with
 * chroot semantics (image/fsat.h), so a symlink in the image cannot lead
 * out of it.
 */
#ifndef XL_OCI_XL_PLUGIN_VOLATTACH_SEED_H
#define XL_OCI_XL_PLUGIN_VOLATTACH_SEED_H

#include <stdbool.h>

#include "common/error.h"

struct volattach_seed {
    char mnt[4096]; /* the mount point, "" when none */
    int loopfd, rootfd, dirfd;
    char path[64]; /* "/proc/self/fd/N": the directory, for a child */
};

/*
 * Opens `target` (absolute, as a volume's path) of the root volume
 * `image` (fstype erofs, ext4 or squashfs) with the mount under
 * `state_root`.  1 with s->path naming the directory (its fd is inherited
 * by children, so a program started meanwhile reads it there), 0 when
 * the image has no directory there (nothing to copy), -1 with err.
 * volattach_seed_close() in every case.
 */
int volattach_seed_open(struct volattach_seed *s, const char *state_root,
                        const char *image, const char *fstype,
                        const char *target, xo_err *err);

/* Unmounts, detaches and removes what volattach_seed_open made. */
void volattach_seed_close(struct volattach_seed *s);

#endif
