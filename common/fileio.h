/*
 * fileio.h: bounded reads and atomic writes.  Every file xl-oci reads from
 * outside is read with a size cap; every state file it writes is written to
 * a temporary name, fsync'd and renamed, so a crash never leaves a
 * half-written file under the real name.
 */
#ifndef XL_OCI_COMMON_FILEIO_H
#define XL_OCI_COMMON_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/*
 * Reads all of `path` into a NUL-terminated buffer (*out_r, length *len_r).
 * Fails naming the file when it is larger than `max` bytes.
 */
int xo_read_file(char **out_r, size_t *len_r, const char *path, size_t max,
                 xo_err *err);

/*
 * Reads open `fd` from its offset to its end into a NUL-terminated buffer
 * (*out_r, length *len_r); errors name the file as `what`.  Fails when it
 * holds more than `max` bytes.  The caller keeps and closes fd.
 */
int xo_read_fd(char **out_r, size_t *len_r, int fd, const char *what,
               size_t max, xo_err *err);

/*
 * xo_read_fd() when open `fd` is a regular file; anything else (a FIFO,
 * a device, a directory: open it O_NONBLOCK, so that a FIFO did not stall
 * the open) gives *out_r NULL and 0.  For files a container controls.
 */
int xo_read_regular_fd(char **out_r, int fd, const char *what, size_t max,
                       xo_err *err);

/* Writes `len` bytes atomically to `path` (temp file, fsync, rename). */
int xo_write_file_atomic(const char *path, const void *data, size_t len,
                         mode_t mode, xo_err *err);

/* fsync of the file or directory at `path` (by name; symlinks are not
 * followed).  An error names the path. */
int xo_fsync_path(const char *path, xo_err *err);

/* Creates `path` and its missing parents with `mode` (like mkdir -p). */
int xo_mkdir_p(const char *path, mode_t mode, xo_err *err);

/* "dir/name", malloc'd, never NULL (alloc.h's policy).  Defined in
 * alloc.c, which the host library and the monitor link: the guest's init
 * links this file but not alloc.c, and does not call it. */
char *xo_path_join(const char *dir, const char *name);

/* Writes all of buf to fd, retrying on EINTR and short writes. */
int xo_write_all(int fd, const void *buf, size_t len);

/* The last cap-1 bytes of file `fd` (a tool's captured stderr, say) into
 * buf, NUL-terminated, trailing newlines and spaces dropped, other
 * newlines made spaces: a one-line quote for an error message.  "" when
 * the file is empty or unreadable. */
void xo_fd_tail(int fd, char *buf, size_t cap);

#endif
