/* fstype.h: which file system a block image holds, from its superblock. */
#ifndef XL_OCI_DOMCFG_FSTYPE_H
#define XL_OCI_DOMCFG_FSTYPE_H

/*
 * What a volume is taken to hold when its image cannot be read (a dry run
 * on another machine) or has no known magic: volumes are normally ext4
 * images, and the loader's mount error names the device when not.
 */
#define FSTYPE_DEFAULT "ext4"

/*
 * Returns "ext4", "erofs" or "squashfs" when the image at `path` carries
 * that superblock magic, else FSTYPE_DEFAULT.
 */
const char *fstype_detect(const char *path);

/* The same without the default: "ext4", "erofs", "squashfs", "qcow2", or
 * NULL when `path` cannot be read (errno set) or is too short, not a file
 * or block device, or carries no magic known here. */
const char *fstype_probe(const char *path);

#endif
