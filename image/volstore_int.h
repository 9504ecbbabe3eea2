/*
 * volstore_int.h: what the files of managed volumes (volstore_*.c) share
 * and nobody else calls: running helper programs, the data operations on
 * disk images, and the store's own steps.
 */
#ifndef XL_OCI_IMAGE_VOLSTORE_INT_H
#define XL_OCI_IMAGE_VOLSTORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/volstore.h"

/* A work directory's name: VOLSTORE_WORK_PREFIX "NAME.XXXXXX" (mkdtemp),
 * under storage/volumes (volstore.h). */
#define VOLSTORE_WORK_PREFIX ".new-"

/*
 * Removes every work directory in the volume directory `dir`: the caller
 * holds the store's lock exclusively, so each is what a create, import or
 * removal that was killed left.  Counts them into *removed_r and the
 * bytes their files took into *bytes_r (either may be NULL).  All that
 * can go goes; -1 with err for the first that could not.
 */
int volstore_remove_stale_work(const char *dir, size_t *removed_r,
                               uint64_t *bytes_r, xo_err *err);

/*
 * Runs argv (argv[0] found on PATH) with stdin /dev/null.  Its stdout
 * into out[out_len] NUL-terminated when `out` (E2BIG when it does not
 * fit); a failure (exit status or signal) quotes its stderr's tail.
 */
int volstore_run(const char *const argv[], char *out, size_t out_len,
                 xo_err *err);

/* volstore_run, where an exit status up to `ok_max` is success too (the
 * fsck convention: e2fsck's 1 and 2 say errors were corrected). */
int volstore_run_upto(const char *const argv[], int ok_max, xo_err *err);

/* A sparse raw file of `size` bytes at `path` (O_EXCL), 0600. */
int volstore_data_blank(const char *path, uint64_t size, xo_err *err);

/* mke2fs -t ext4 or mkfs.xfs on the raw image at `path`. */
int volstore_data_mkfs(const char *path, enum volstore_fs fs, xo_err *err);

/* An ext4 file system at `path` filled from directory `seed` (see
 * volstore_create_opts.seed). */
int volstore_data_mkfs_seeded(const char *path, const char *seed, xo_err *err);

/*
 * The raw image `src` into a new file `dst`: a reflink (FICLONE, *how_r
 * "reflink") where the file system has it, else a copy keeping holes
 * (*how_r "copy").
 */
int volstore_data_clone(const char *dst, const char *src, const char **how_r,
                        xo_err *err);

/*
 * Copies `src` (an outside file, opened without following a last
 * symlink) to a new file `dst` (O_EXCL), keeping all-zero blocks as
 * holes, hashing every byte: *sum_r, *size_r.
 */
int volstore_data_copy_hash(struct digest *sum_r, uint64_t *size_r,
                            const char *dst, const char *src, xo_err *err);

/* The sha256 and size of the file `path`. */
int volstore_data_hash(struct digest *sum_r, uint64_t *size_r, const char *path,
                       xo_err *err);

/*
 * What `qemu-img info` says of the qcow2 at `path` (opened as qcow2, never
 * probed): its virtual size.  A backing file or an external data file
 * (either could name any file of the host) is refused (EPERM).  Errors
 * name `shown` (the file the admin gave), not `path` (the store's copy).
 */
int volstore_qcow2_check(uint64_t *size_r, const char *path, const char *shown,
                         xo_err *err);

/* True when the file at `path` starts with qcow2's magic ("QFI\xfb"). */
bool volstore_data_is_qcow2(const char *path);

/* The file system a raw image's superblock says (ext4, xfs), else none. */
enum volstore_fs volstore_data_detect_fs(const char *path);

/* Grows the data file at `path` of format `f` to `size` bytes. */
int volstore_data_grow(const char *path, enum volstore_format f, uint64_t size,
                       xo_err *err);

/*
 * Grows the image at `path` of format `f` from `old_size` to `size`
 * bytes, and its file system to fill it where that is done on the host
 * (a raw ext4 image: e2fsck before the file grows, resize2fs after, the
 * file set back to `old_size` when resize2fs fails, unless the superblock
 * already spans more: then *kept_r, the file stays grown and the caller
 * records `size`); *grown_r false for the others, which grow when
 * mounted.
 */
int volstore_data_resize(bool *grown_r, bool *kept_r, const char *path,
                         enum volstore_format f, enum volstore_fs fs,
                         uint64_t old_size, uint64_t size, xo_err *err);

/* The record's "created" time, now, RFC 3339 UTC. */
void volstore_now(char buf[32]);

/* Fails EBUSY naming r's users ("volume V is in use by a, b"). */
int volstore_busy(const struct volstore_record *r, const char *what,
                  xo_err *err);

/* Removes r's record, data and directory (the caller holds the lock and
 * has checked users and children). */
int volstore_remove_files(const char *root, const struct volstore_record *r,
                          xo_err *err);

/* "a, b, c" of a NULL-terminated vector, into buf[len] (cut with "..."). */
void volstore_join(char *buf, size_t len, char *const *names, size_t n);

#endif
