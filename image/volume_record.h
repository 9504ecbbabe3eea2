/*
 * volume_record.h: a root volume's own record of what it holds,
 * IMAGE_VOLUME_RECORD ("volume.json") beside the rootfs image:
 *
 *   {"version": 1,
 *    "manifest": "sha256:<hex>",       the image manifest it was built from
 *    "rootfs": "rootfs.erofs",         the rootfs image file in the volume
 *    "rootfs_digest": "sha256:<hex>",  sha256 of that file's bytes
 *    "rootfs_size": <bytes>}
 *
 * The record travels with the volume, so a volume copied out of the store
 * (oci_root = "/path") still says which image it is.  Volumes built before
 * the record existed carry manifest.json only; the image digest is then
 * the sha256 of those exact bytes.  A volume's files are outside input:
 * the record is read with a size cap and every field is checked.
 */
#ifndef XL_OCI_IMAGE_VOLUME_RECORD_H
#define XL_OCI_IMAGE_VOLUME_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "verifier/digest.h"

#define IMAGE_VOLUME_RECORD "volume.json"
#define VOLUME_RECORD_VERSION 1
#define VOLUME_RECORD_MAX_BYTES 4096
/* Longest rootfs file name a record may give (a name, never a path). */
#define VOLUME_RECORD_NAME_MAX 64

struct volume_record {
    struct digest manifest;
    char rootfs[VOLUME_RECORD_NAME_MAX + 1];
    struct digest rootfs_digest;
    uint64_t rootfs_size;
};

/* Hashes `dir`/`rootfs` and fills r's rootfs fields (name, digest, size). */
int volume_record_hash_rootfs(struct volume_record *r, const char *dir,
                              const char *rootfs, xo_err *err);

/* Writes `dir`/volume.json atomically. */
int volume_record_write(const char *dir, const struct volume_record *r,
                        xo_err *err);

/*
 * Reads `dir`/volume.json.  Returns 1 with *r_r filled, 0 when the volume
 * has no record, -1 with an error naming the file and field otherwise.
 */
int volume_record_read(struct volume_record *r_r, const char *dir, xo_err *err);

/*
 * Checks the rootfs image of the root volume `dir` against its record:
 * its size (a stat), and with `full` its sha256 too (reads it all).
 * Returns 1 when it matches or the volume has no record (nothing to hold
 * it to), 0 when it does not, with `err` (EBADMSG) saying what differs,
 * -1 when the record is broken or the file cannot be read.
 */
int volume_record_check(const char *dir, bool full, xo_err *err);

/*
 * The manifest digest of the image in the root volume `dir`: from its
 * record, else the sha256 of its manifest.json.  Returns 1 with *out_r
 * set, 0 when the volume says nothing about its image (a volume made by
 * hand), -1 on a broken record.
 */
int volume_image_digest(struct digest *out_r, const char *dir, xo_err *err);

#endif
