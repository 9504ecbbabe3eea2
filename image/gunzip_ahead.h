/*
 * gunzip_ahead.h: a layer's tar stream inflated (gunzip.h) on a thread of
 * its own, a few blocks ahead of the unpack that reads it.
 *
 * Unpacking a gzip layer is two jobs of about the same size: inflating
 * (ISA-L) and creating the files (the kernel's write and create paths).
 * On one thread they add up; here the inflate runs beside the unpack and
 * the slower of the two sets the pace (docs/decisions.md, "Layers
 * inflated on a thread beside the unpack").  The bytes, their order and
 * every error are exactly gunzip_read()'s.
 *
 * One reader thread calls gunzip_ahead_read(); the source (`src`) is read
 * only by the inflating thread while it runs.  When no thread can be
 * started the decoder runs in the reader's thread, as gunzip_read().
 */
#ifndef XL_OCI_IMAGE_GUNZIP_AHEAD_H
#define XL_OCI_IMAGE_GUNZIP_AHEAD_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "image/unpack.h"

/* Blocks in flight and their size: 4 x 128 KiB, about 20 ms of inflate
 * on this machine, enough to cover a burst of small files. */
#define GUNZIP_AHEAD_SLOTS 4
#define GUNZIP_AHEAD_BLOCK (128 * 1024)

struct gunzip_ahead;

/* Starts inflating `src` (kept, not owned, until gunzip_ahead_free()).
 * NULL with err set when libisal cannot be opened (gunzip_new()). */
struct gunzip_ahead *gunzip_ahead_new(const struct unpack_reader *src,
                                      xo_err *err);

/*
 * The next block of the tar stream: its length with *buf_r pointing at
 * it (valid until the next call), 0 at the end, or -1 with err set as
 * gunzip_read() sets it (the source's error, or EBADMSG).  After 0 or -1
 * every further call gives the same answer.
 */
ssize_t gunzip_ahead_read(struct gunzip_ahead *a, const void **buf_r,
                          xo_err *err);

/* Stops the inflating thread (it finishes at most the source read it is
 * in: a followed download's read returns once the download moves on or
 * ends) and frees.  NULL: no-op. */
void gunzip_ahead_free(struct gunzip_ahead *a);

#endif
