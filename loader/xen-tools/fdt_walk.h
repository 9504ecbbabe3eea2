/*
 * fdt_walk.h: a bounded walk over an FDT's structure block, run before
 * libfdt's own checks.  Debian 12's libfdt (1.6.1) adds a property's
 * length to its offset as a signed int, so a property whose length reads
 * as negative sends fdt_next_tag() backwards, and fdt_check_full() loops
 * for ever (fixed upstream in dtc 1.7.0, "libfdt: prevent integer overflow
 * in fdt_next_tag").  PID 1 hanging on a damaged boot spec would keep the
 * domain up with no word to the host, so the reader walks the block
 * itself first, moving strictly forward.
 */
#ifndef XL_OCI_LOADER_FDT_WALK_H
#define XL_OCI_LOADER_FDT_WALK_H

#include <stddef.h>

/*
 * Checks that the `len` bytes at `fdt` hold an FDT header (version 16 or
 * later, whose properties are 4-byte aligned) whose totalsize fits in
 * `len`, and a structure block made of known tags, each inside the
 * block, with every node name terminated and every property's length
 * within the block, up to FDT_END.  Returns 0 or a negative libfdt error
 * (-FDT_ERR_TRUNCATED, -FDT_ERR_BADVERSION, -FDT_ERR_BADSTRUCTURE, or what
 * fdt_check_header() returns) for fdt_strerror().
 */
int bs_fdt_walk(const void *fdt, size_t len);

#endif
