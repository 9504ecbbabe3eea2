/*
 * tarfix.h: a layer's tar stream as Go's archive/tar reads it, before
 * libarchive does.
 *
 * moby, containerd and umoci read layers with Go's archive/tar, which
 * differs from libarchive on two points a layer can hit:
 *   - a size (in the header or a pax "size" record) on an entry that has
 *     no data (hardlink, symlink, device, directory, fifo) is ignored;
 *     libarchive skips that many bytes, so a huge one fails the layer as
 *     truncated and a small one loses the following headers;
 *   - a regular file ('0', '7') whose name ends in '/' is a file (its
 *     name cleaned); libarchive makes it a directory and then reads the
 *     file's data as headers.
 * The filter rewrites just those headers (size 0, the name without its
 * trailing slashes) and passes every other byte through unchanged.
 * It refuses, as Go does, a pax record whose key is empty or holds a NUL
 * byte, and a "path", "linkpath", "uname" or "gname" whose value holds
 * one: libarchive would cut the name at the NUL and apply a file that
 * every Go-based tool refuses to read ("a\0b" written as "a").  It
 * reads pax times as Go does: "mtime=+N" is N and an empty "mtime" keeps
 * the header's (libarchive read both as 0), and a time that is no number
 * ("1.6e9") is refused.  An all-zero block where a header is due must be
 * followed by another (the end) or nothing: Go refuses a header after
 * it, where libarchive would end the layer there.  The
 * layer's diff_id is hashed before it, over the bytes as they came.
 * Anything it does not understand (a bad checksum, an unknown type, a
 * huge extended header) makes it step aside for the rest of the stream:
 * libarchive then reads it as it always did.
 */
#ifndef XL_OCI_IMAGE_TARFIX_H
#define XL_OCI_IMAGE_TARFIX_H

#include <sys/types.h>

/* The source: the next block of the tar stream, 0 at its end, -1 on an
 * error (the source keeps it). */
typedef ssize_t (*unpack_tarfix_source)(void *arg, const void **buf);

struct unpack_tarfix;

struct unpack_tarfix *unpack_tarfix_new(unpack_tarfix_source src, void *arg);
void unpack_tarfix_free(struct unpack_tarfix *t);

/* The next block of the filtered stream in *buf (valid until the next
 * call): its length, 0 at the end, -1 when the source failed or the
 * filter refused a header (unpack_tarfix_refusal() then says why). */
ssize_t unpack_tarfix_read(struct unpack_tarfix *t, const void **buf);

/* Why the filter refused the stream (valid until unpack_tarfix_free), or
 * NULL when it did not. */
const char *unpack_tarfix_refusal(const struct unpack_tarfix *t);

#endif
