/*
 * safepath.h: walking paths inside a root that comes from an untrusted
 * image.  A container image may hold symlinks such as /data -> /xl-oci or
 * /etc/resolv.conf -> ../../..; the loader follows them only inside the
 * root (as runc's securejoin) or not at all, so nothing it does on the
 * image's behalf lands outside the container's root.
 */
#ifndef XL_OCI_LOADER_SAFEPATH_H
#define XL_OCI_LOADER_SAFEPATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"

/*
 * Opens (O_PATH) the directory `path` (absolute, relative to `rootfd`),
 * creating missing components with mode 0755 when `create`.  A symlink,
 * a non-directory or a ".." component is an error naming the path.
 * Returns the fd or -1.
 */
int safepath_dir(int rootfd, const char *path, bool create, xo_err *err);

/*
 * Opens (O_PATH) `path` under `rootfd` as the container will see it, as
 * runc resolves a mount's destination (securejoin) and Docker's daemon a
 * working directory: symlinks, absolute or relative, are followed inside
 * the root (absolute links and ".." stop at rootfd), a dangling one too,
 * its target made and the link kept (an image's /data -> /srv/data with
 * no /srv/data makes /srv/data); missing components are created,
 * directories (0755) and, unless `dir`, the last one as an empty regular
 * file (0644).  A loop of links is an error (ELOOP).  What is found must
 * be a directory (`dir`) or a regular file, else an error naming the
 * path.  For a mount point: mount on /proc/self/fd/N of the fd returned.
 */
int safepath_in_root(int rootfd, const char *path, bool dir, xo_err *err);

/*
 * Writes `len` bytes of `data` into the regular file `path` resolves to
 * inside the root (safepath_in_root(): links followed in the root and
 * kept, a dangling one's target made), truncated first, owned by root
 * with `mode`: a runtime-provided /etc/resolv.conf lands where runc binds
 * Docker's, on the image's link's target.  A target that is no regular
 * file (a directory) is an error naming `path`, as runc's bind fails.  A
 * target on a mount other than the root's or a tmpfs (a block volume, a
 * share) is never written: the entry `path` itself is replaced by the
 * file, and when its directory is reached by a link onto such a mount,
 * EXDEV naming `path`.
 */
int safepath_write(int rootfd, const char *path, const void *data, size_t len,
                   mode_t mode, xo_err *err);

/*
 * Opens (O_PATH) `rel` (relative) beneath the directory `dirfd` with no
 * symlink on the way or at the end (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS): a bind's source, which mount(2) would otherwise
 * follow to wherever a link points.  Returns the fd or -1 naming `rel`.
 */
int safepath_beneath(int dirfd, const char *rel, xo_err *err);

/*
 * The mode bits (07777) of the directory `path` resolves to inside the
 * root, as safepath_in_root() resolves it, creating nothing: 0 and *mode_r
 * when it is a directory, -1 when it is missing or anything else.
 */
int safepath_dir_mode(int rootfd, const char *path, unsigned *mode_r);

/* chmod of what `path` resolves to inside the root (the top of a mount
 * made there since); -1 and errno on failure. */
int safepath_chmod(int rootfd, const char *path, unsigned mode);

#endif
