/*
 * tarindex.h: the entries of an image archive's tar file (oci-archive,
 * docker-archive: archive_source.h), read with libarchive
 * (unpack_lib.h), found by name and streamed out one at a time.
 *
 * tar_index_build() reads every header once; the data between them is
 * skipped with lseek(2), so a plain tar costs its headers.  A compressed
 * one (gzip, zstd, xz, bzip2, as `docker load` takes) is decompressed
 * once into an unnamed temporary file, read the same way from then on.
 * tar_entry_read() reads the file again, up to that entry.
 *
 * The archive is hostile.  At most TAR_INDEX_MAX_ENTRIES entries; an
 * entry's name loses a leading "/" and "./" and its empty and "."
 * components, and ".." in it is kept as it is, so such a name never
 * matches a lookup.  A link inside the archive (a symbolic link, as
 * Docker's legacy `docker save` writes for a layer it holds twice, or a
 * hard link) is followed to a regular entry only: at most TAR_LINK_HOPS
 * of them, a symbolic link relative to its own directory and never above
 * the archive's top.  A name the archive holds twice is refused when it
 * is looked up: which one the writer meant cannot be known.
 */
#ifndef XL_OCI_IMAGE_TARINDEX_H
#define XL_OCI_IMAGE_TARINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define TAR_INDEX_MAX_ENTRIES 65536
#define TAR_LINK_HOPS 8
/* What a compressed archive or a sparse entry may grow to, as a multiple
 * of the file's size: image archives compress 2 to 20 times. */
#define TAR_EXPAND_MAX 1024

enum tar_entry_kind {
    TAR_ENTRY_FILE,
    TAR_ENTRY_SYMLINK,
    TAR_ENTRY_HARDLINK,
    TAR_ENTRY_DIR,
    TAR_ENTRY_OTHER,
};

struct tar_entry {
    char *name; /* normalised as above */
    char *link; /* a link's target as written; else NULL */
    enum tar_entry_kind kind;
    int64_t size;   /* bytes of data (a file's) */
    size_t ordinal; /* its place in the archive, from 0 */
};

struct tar_index {
    int fd;            /* the archive, open for the index's life */
    char *path;        /* as given, for messages */
    int64_t file_size; /* bytes of the tar read (decompressed: its own) */
    struct tar_entry *entries;
    size_t n;
};

/*
 * Opens `path` (a regular file) and reads its headers.  A compressed
 * one is first decompressed once into an unnamed file of `spool_dir`
 * (NULL: never, nor where the file system has no O_TMPFILE; then each
 * read decompresses it again up to its entry).  Errors name the file:
 * not a regular file, not a tar archive or a damaged header
 * (libarchive's words), more than TAR_INDEX_MAX_ENTRIES entries, growing
 * past TAR_EXPAND_MAX times its size (decompressed, or a sparse entry),
 * an I/O error.  Dispose with tar_index_dispose() either way.
 */
int tar_index_build(struct tar_index *ix, const char *path,
                    const char *spool_dir, xo_err *err);
void tar_index_dispose(struct tar_index *ix);

/*
 * The regular entry `name` (normalised as entries are) stands for, links
 * followed, into *e_r (borrowed from ix).  ENOENT when no entry has the
 * name (or a link's target), EINVAL when one appears twice or is not a
 * regular file or link, ELOOP after TAR_LINK_HOPS links; each message
 * names the entry.
 */
int tar_index_find(const struct tar_entry **e_r, const struct tar_index *ix,
                   const char *name, xo_err *err);

/* Receives an entry's data in order: 0 for more, 1 to stop reading
 * there (tar_entry_read() then returns 0), -1 (err set) to fail. */
typedef int (*tar_data_fn)(void *arg, const void *buf, size_t len, xo_err *err);

/*
 * Reads the archive again up to entry `e` (of this index) and passes its
 * data to fn.  EIO when the entry found there is not the one indexed
 * (the file changed) or its data ends early.
 */
int tar_entry_read(const struct tar_index *ix, const struct tar_entry *e,
                   tar_data_fn fn, void *arg, xo_err *err);

/*
 * A regular entry of at most `max` bytes into memory, NUL-terminated
 * (*buf_r, free()); EFBIG when it is larger.
 */
int tar_entry_slurp(char **buf_r, size_t *len_r, const struct tar_index *ix,
                    const struct tar_entry *e, size_t max, xo_err *err);

#endif
