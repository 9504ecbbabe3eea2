/*
 * fsat.h: file-system helpers relative to a root directory fd, with the
 * semantics of a chroot: every path, and every symlink met on the way,
 * resolves as if the root were "/" (an absolute symlink starts again at
 * the root, ".." at the root stays there), so nothing ever reaches outside
 * it.  The layer unpacker and the root volume builder do all their writes
 * and reads of an unpacked tree through these.
 *
 * The kernel does it with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 * (Linux >= 5.6).  Where openat2 is missing (ENOSYS, or EPERM from a
 * seccomp profile that predates it), a walker resolves
 * one component at a time itself, opening each with O_NOFOLLOW and reading
 * symlinks with readlinkat, to the same result.  The walker also creates
 * missing directories, including the target of a dangling symlink on the
 * way (layer 1 "var/run -> /run" without /run, layer 2 "var/run/x": /run
 * is created), as containerd and umoci do.
 */
#ifndef XL_OCI_IMAGE_FSAT_H
#define XL_OCI_IMAGE_FSAT_H

#include <stdbool.h>
#include <sys/stat.h>

#include "common/error.h"

/* Symlinks followed in one resolution before ELOOP (the kernel's 40). */
#define FSAT_MAX_SYMLINKS 40

/*
 * Opens directory `path` (relative or absolute, any "." and ".."; "" is
 * the root) under rootfd with chroot semantics, following symlinks in
 * every component, the last one included.  With `create`, missing
 * directories are made (mode 0755, owned by the caller).  Returns an
 * O_RDONLY | O_DIRECTORY fd or -1 with errno set (ENOENT, ENOTDIR, ELOOP,
 * ENAMETOOLONG...; no message: the caller knows the entry name).
 */
int fsat_dir_in_root(int rootfd, const char *path, bool create);

/*
 * Opens `path` under rootfd with chroot semantics for reading (`oflags`
 * without O_CREAT), following symlinks, the last component's included.
 * Returns the fd or -1 with errno set.
 */
int fsat_open_in_root(int rootfd, const char *path, int oflags);

/*
 * True when directory `dirfd` is `ancestorfd` or below it (compared by
 * device and inode, walking up ".." at most `max_up` times).
 */
bool fsat_dir_is_within(int dirfd, int ancestorfd, int max_up);

/*
 * For tests: false makes the helpers above use the component walker, as
 * on a kernel without openat2.  Default true.
 */
void fsat_set_use_openat2(bool use);

/*
 * Removes `name` in dirfd, recursively if it is a directory, never
 * following symlinks.  An absent name is not an error.  Returns 0 or -1
 * with errno set.
 */
int fsat_remove_tree(int dirfd, const char *name);

/* Removes the directory tree at an absolute path (absent is fine). */
int fsat_remove_path(const char *path, xo_err *err);

/*
 * Sets the access and modification times (futimens()'s ts[2]) of the
 * directory dirfd and of every directory below it, never following
 * symlinks; other files keep theirs.  At most LAYERPATH_MAX_DEPTH * 2
 * levels (ELOOP beyond).  Returns 0 or -1 with errno set.
 */
int fsat_set_dir_times(int dirfd, const struct timespec ts[2]);

#endif
