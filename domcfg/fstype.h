/* fstype.h: which file system a block image holds, from its superblock. */
#ifndef XL_OCI_DOMCFG_FSTYPE_H
#define XL_OCI_DOMCFG_FSTYPE_H

/*
 * Returns "ext4", "erofs" or "squashfs" when the image at `path` carries
 * that superblock magic, else "auto" (unreadable or unknown: the loader
 * then tries each file system it knows).
 */
const char *fstype_detect(const char *path);

#endif
