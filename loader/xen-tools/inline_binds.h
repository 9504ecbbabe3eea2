/*
 * inline_binds.h: the boot spec's v6 inline bind copies made into files
 * (common/abi/boot_spec.h, binds/entry@N), for mounts.c to bind from.
 */
#ifndef XL_OCI_LOADER_INLINE_BINDS_H
#define XL_OCI_LOADER_INLINE_BINDS_H

#include "bootspec.h"
#include "common/error.h"

/*
 * Mounts a tmpfs (mode 0700, nosuid, nodev; the copies' size and 1 MiB
 * for writes to them) on `dir`, which it creates,
 * and makes spec's binds entries there in order, each with its mode and
 * owner.  An entry's parent is opened without following any symlink
 * (safepath_dir), so an entry named under an earlier symlink entry fails
 * instead of landing elsewhere; a name made twice fails.  Errors name
 * the entry by its node and path.
 */
int inline_binds_make(const struct boot_spec *spec, const char *dir,
                      xo_err *err);

#endif
