/*
 * gunzip.h: a layer's gzip inflated with Intel's ISA-L on its way to
 * libarchive (unpack.c), about twice as fast as libarchive's own zlib
 * filter on this machine (docs/decisions.md, "Layers inflated with
 * ISA-L").
 *
 * The decoder reads a layer's bytes from an unpack_reader.  When they
 * begin with gzip's magic (1f 8b, RFC 1952) it returns them inflated,
 * member after member, each one's CRC-32 and length checked by ISA-L;
 * bytes after the last member that do not start another one are ignored,
 * as libarchive's gzip filter ignores them.  Anything else (a plain tar, a
 * zstd layer) is passed through unchanged for libarchive to recognise.
 */
#ifndef XL_OCI_IMAGE_GUNZIP_H
#define XL_OCI_IMAGE_GUNZIP_H

#include <sys/types.h>

#include "common/error.h"
#include "image/unpack.h"

struct gunzip;

/* A decoder over `src` (kept, not owned).  Opens libisal on first use:
 * NULL with err set when it cannot (ELIBACC, ELIBBAD). */
struct gunzip *gunzip_new(const struct unpack_reader *src, xo_err *err);

/*
 * Up to `cap` bytes of the layer's tar stream into buf: the count, 0 at
 * its end, or -1 with err set: the source's error as it gave it, or
 * EBADMSG naming the compressed offset for data that is not
 * valid gzip (a bad block or symbol, a wrong checksum, a member cut
 * short).
 */
ssize_t gunzip_read(struct gunzip *g, void *buf, size_t cap, xo_err *err);

/* Compressed bytes read from the source so far. */
unsigned long long gunzip_bytes_in(const struct gunzip *g);

void gunzip_free(struct gunzip *g);

#endif
