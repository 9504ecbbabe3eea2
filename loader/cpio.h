/*
 * cpio.h: a writer for the "newc" cpio format, the one the Linux kernel
 * unpacks into its initial root file system.  Used to build the loader's
 * initramfs (loader/xen-tools/mkcpio) and each domain's small boot spec
 * archive.  Entries are owned by root with mtime 0, so archives of the
 * same content are byte-identical.
 */
#ifndef XL_OCI_LOADER_CPIO_H
#define XL_OCI_LOADER_CPIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

struct cpio_writer {
    int fd;           /* not owned */
    const char *path; /* for error messages */
    uint32_t ino;
    uint64_t off; /* bytes written so far */
};

/* Starts writing to `fd` (at its current position, assumed aligned). */
void cpio_init(struct cpio_writer *w, int fd, const char *path);

int cpio_add_dir(struct cpio_writer *w, const char *name, mode_t perm,
                 xo_err *err);
int cpio_add_data(struct cpio_writer *w, const char *name, mode_t perm,
                  const void *data, size_t len, xo_err *err);
/* Streams the regular file `src` into the archive. */
int cpio_add_file(struct cpio_writer *w, const char *name, mode_t perm,
                  const char *src, xo_err *err);
int cpio_add_symlink(struct cpio_writer *w, const char *name,
                     const char *target, xo_err *err);
/* A character (`type` 'c') or block ('b') device node. */
int cpio_add_node(struct cpio_writer *w, const char *name, mode_t perm,
                  char type, unsigned major, unsigned minor, xo_err *err);

/* Writes the trailer and pads the archive to a multiple of 512 bytes. */
int cpio_finish(struct cpio_writer *w, xo_err *err);

#endif
