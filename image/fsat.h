/*
 * fsat.h: file-system helpers relative to a directory fd, never following
 * a symlink out of it.  The layer unpacker and the root volume builder do
 * all their writes through these.
 */
#ifndef XL_OCI_IMAGE_FSAT_H
#define XL_OCI_IMAGE_FSAT_H

#include "error.h"

/*
 * Opens directory `path` (relative, normalised; "" is rootfd itself) below
 * rootfd with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): a symlink
 * on the way that leaves rootfd fails with EXDEV.  Returns the fd or -1
 * with errno set (no message: the caller knows the entry name).
 */
int fsat_open_dir_beneath(int rootfd, const char *path);

/*
 * Like fsat_open_dir_beneath() but creates missing directories (mode
 * 0755, owned by the caller) on the way.
 */
int fsat_mkdir_beneath(int rootfd, const char *path);

/*
 * Removes `name` in dirfd, recursively if it is a directory, never
 * following symlinks.  An absent name is not an error.  Returns 0 or -1
 * with errno set.
 */
int fsat_remove_tree(int dirfd, const char *name);

/* Removes the directory tree at an absolute path (absent is fine). */
int fsat_remove_path(const char *path, xo_err *err);

#endif
