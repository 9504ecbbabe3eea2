/*
 * config_rootfs.h: the image config's `rootfs` (OCI image spec,
 * config.md): {"type": "layers", "diff_ids": ["sha256:...", ...]}, the
 * digest of each layer's uncompressed tar in the manifest's layer order.
 * The config's own digest vouches for them, so a layer whose tar hashes to
 * something else is not the layer the config describes.
 */
#ifndef XL_OCI_IMAGE_CONFIG_ROOTFS_H
#define XL_OCI_IMAGE_CONFIG_ROOTFS_H

#include <stddef.h>

#include "common/error.h"
#include "verifier/digest.h"

/*
 * Parses the diff_ids of the config JSON buf[len] (`where` names it in
 * errors) and checks there are exactly `n_layers` of them: *ids_r (free
 * it) receives them.  EINVAL naming the config when rootfs is missing,
 * its type is not "layers", an entry is no sha256 digest, or the count
 * differs from the manifest's.
 */
int config_rootfs_diff_ids(struct digest **ids_r, const char *buf, size_t len,
                           size_t n_layers, const char *where, xo_err *err);

#endif
