/*
 * unpack_lib.h: libarchive, opened on first use (common/dlib.h), for the
 * layer unpacker (unpack.c, unpack_obj.c) and the image archives' reader
 * (tarindex.c).
 *
 * unpack_archive_load() runs in unpack_begin(); every libarchive call of
 * the unpacker goes through the table `unpack_la`, whose fields have the
 * types of archive.h's and archive_entry.h's functions, so the compiler
 * checks each call as it did the direct ones.
 */
#ifndef XL_OCI_IMAGE_UNPACK_LIB_H
#define XL_OCI_IMAGE_UNPACK_LIB_H

#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>
#include <stdbool.h>

#include "common/dlib.h"
#include "common/error.h"

/* The functions the unpacker calls: (field, libarchive's function). */
#define UNPACK_ARCHIVE_FUNCS(X)                                                \
    X(read_new, archive_read_new)                                              \
    X(read_support_filter_gzip, archive_read_support_filter_gzip)              \
    X(read_support_filter_zstd, archive_read_support_filter_zstd)              \
    X(read_support_format_tar, archive_read_support_format_tar)                \
    X(read_support_format_empty, archive_read_support_format_empty)            \
    X(read_support_format_raw, archive_read_support_format_raw)                \
    X(read_open, archive_read_open)                                            \
    X(read_open2, archive_read_open2)                                          \
    X(read_support_filter_xz, archive_read_support_filter_xz)                  \
    X(read_support_filter_bzip2, archive_read_support_filter_bzip2)            \
    X(read_next_header, archive_read_next_header)                              \
    X(read_data_block, archive_read_data_block)                                \
    X(read_free, archive_read_free)                                            \
    X(set_error, archive_set_error)                                            \
    X(error_string, archive_error_string)                                      \
    X(entry_pathname, archive_entry_pathname)                                  \
    X(entry_filetype, archive_entry_filetype)                                  \
    X(entry_hardlink, archive_entry_hardlink)                                  \
    X(entry_symlink, archive_entry_symlink)                                    \
    X(entry_perm, archive_entry_perm)                                          \
    X(entry_uid, archive_entry_uid)                                            \
    X(entry_gid, archive_entry_gid)                                            \
    X(entry_rdev, archive_entry_rdev)                                          \
    X(entry_size, archive_entry_size)                                          \
    X(entry_sparse_count, archive_entry_sparse_count)                          \
    X(entry_size_is_set, archive_entry_size_is_set)                            \
    X(entry_mtime, archive_entry_mtime)                                        \
    X(entry_mtime_nsec, archive_entry_mtime_nsec)                              \
    X(entry_atime, archive_entry_atime)                                        \
    X(entry_atime_nsec, archive_entry_atime_nsec)                              \
    X(entry_atime_is_set, archive_entry_atime_is_set)                          \
    X(entry_xattr_reset, archive_entry_xattr_reset)                            \
    X(entry_xattr_next, archive_entry_xattr_next)                              \
    X(entry_acl_reset, archive_entry_acl_reset)                                \
    X(entry_acl_next, archive_entry_acl_next)

struct unpack_archive_fns {
    UNPACK_ARCHIVE_FUNCS(XO_DLIB_FIELD)
};

/* Valid after unpack_archive_load() returned 0. */
extern struct unpack_archive_fns unpack_la;

/* Opens libarchive (XO_ARCHIVE_SONAME, from configure) once per process;
 * errors as xo_dlib_load(). */
int unpack_archive_load(xo_err *err);

/*
 * Loads libarchive and libisal (gunzip_lib.h) on a thread of their own,
 * so that mapping and relocating them and their dependencies (about 15
 * ms: libarchive brings libxml2 and ICU's data) overlaps a pull's wait
 * for the manifest and config.  Only moves work earlier: unpack_begin()
 * loads them anyway and reports a failure.  True when the thread runs;
 * then unpack_preload_join(*t) must be called once.
 */
bool unpack_preload_start(pthread_t *t);
void unpack_preload_join(pthread_t t);

#endif
