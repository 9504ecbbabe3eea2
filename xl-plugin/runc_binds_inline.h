/*
 * runc_binds_inline.h: a runtime spec's small bind sources copied into the
 * boot spec itself (common/abi/boot_spec.h, v6 binds/entry@N) instead of
 * an ext4 image: no mke2fs, no image, no disk for the domain to attach.
 * CRI binds three /etc files of a few hundred bytes into every container
 * of a pod; runc_binds_make() takes this path when all sources together
 * stay under the limits below and hold only regular files, directories
 * and symlinks (hard links inside a directory, and special files, keep
 * the image, which preserves them).
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_BINDS_INLINE_H
#define XL_OCI_XL_PLUGIN_RUNC_BINDS_INLINE_H

#include "common/error.h"
#include "domcfg/domain_config.h"

/* What may travel in the spec (the format allows more: a boot spec is
 * held in the domain's memory twice, in its initramfs and in the
 * loader's tmpfs). */
#define RUNC_BINDS_INLINE_MAX_BYTES (256U << 10)
#define RUNC_BINDS_INLINE_MAX_ENTRIES 256U

/*
 * Reads every BIND volume's source (already resolved with realpath and
 * measured) into dc->bind_entries, in the order the loader creates them
 * (a directory before its entries; nothing followed through a symlink),
 * and sets dc->binds_inline.  Errors name the mount and the file: one
 * that cannot be read, changed type while read, or data beyond
 * RUNC_BINDS_INLINE_MAX_BYTES (a source that grew since it was
 * measured).  On failure dc has no entries and binds_inline is false.
 */
int runc_binds_inline_read(struct domain_config *dc, xo_err *err);

#endif
