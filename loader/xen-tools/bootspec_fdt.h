/*
 * bootspec_fdt.h: the boot spec reader's checked accessors, shared by
 * bootspec.c and bootspec_net.c (not for other users).  Each one checks a
 * property's length and termination before trusting a byte of it, and
 * fails with an error naming WHERE/NAME.
 */
#ifndef XL_OCI_LOADER_BOOTSPEC_FDT_H
#define XL_OCI_LOADER_BOOTSPEC_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "loader/xen-tools/bootspec.h"

/* One NUL-terminated string of at most BS_MAX_STR bytes; an absent
 * optional one gives NULL. */
int bs_get_string(const char **out, const void *fdt, int node,
                  const char *where, const char *name, bool optional,
                  xo_err *err);

/* A stringlist into out[] (NULL-terminated), at most `max` entries. */
int bs_get_stringlist(const char **out, size_t *n_r, size_t max,
                      const void *fdt, int node, const char *where,
                      const char *name, bool optional, xo_err *err);

/* Exactly one u32 cell. */
int bs_get_u32(uint32_t *out, const void *fdt, int node, const char *where,
               const char *name, xo_err *err);

/* Child `name` of `parent`; an absent optional one gives -1. */
int bs_get_node(int *out, const void *fdt, int parent, const char *name,
                bool optional, xo_err *err);

/* Children "PREFIX@N" of `parent` by N: 0..n-1, no gap, no other child. */
int bs_index_children(int *offs, size_t *n_r, size_t max, const void *fdt,
                      int parent, const char *where, const char *prefix,
                      xo_err *err);

/* A relative path of components other than "." and "..", no empty one,
 * at most `max` bytes. */
bool bs_relpath_ok(const char *p, size_t max);

/* The v6 binds node, if any (bootspec_binds.c); after the mounts, whose
 * inline subpaths must name its entries. */
int bs_parse_binds(struct boot_spec *s, const void *fdt, xo_err *err);

/* The network node, if any (bootspec_net.c). */
int bs_parse_network(struct boot_spec *s, const void *fdt, xo_err *err);

#endif
