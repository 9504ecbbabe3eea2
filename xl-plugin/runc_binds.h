/*
 * runc_binds.h: the copies of a runtime spec's bind mounts
 * (domcfg/spec_mounts.h), in one ext4 image the domain gets as a disk.
 *
 * Each BIND volume's source, a regular file or a directory tree on the
 * host, is bound in a private mount namespace onto entry "N" (its
 * subpath) of an empty staging directory, and mke2fs -d copies that tree
 * into the image: e2fsprogs does the copying (owners, modes, symlinks,
 * hard links), nothing here reads file contents.
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_BINDS_H
#define XL_OCI_XL_PLUGIN_RUNC_BINDS_H

#include "common/error.h"
#include "domcfg/domain_config.h"

/* What the copies may hold, all binds together. */
#define RUNC_BINDS_MAX_BYTES (256ULL << 20)
#define RUNC_BINDS_MAX_ENTRIES 65536

/*
 * Copies dc's BIND volumes' sources: into the boot spec when they are
 * small (runc_binds_inline.h; dc->binds_inline set, nothing made at
 * `path`), else into the image at `path` (which must not exist), setting
 * dc->binds_image to it; with none, does nothing.
 * Errors name the mount's destination and source: a source that is
 * missing or neither a regular file nor a directory, copies over the
 * limits above (E2BIG), or mke2fs's own failure quoted.  On failure
 * nothing is left at `path`.
 */
int runc_binds_make(struct domain_config *dc, const char *path, xo_err *err);

/* Removes the image at `path` and what a killed runc_binds_make() left
 * beside it; an absent image is no error. */
int runc_binds_remove(const char *path, xo_err *err);

#endif
