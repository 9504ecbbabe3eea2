/*
 * vdev.h: a disk's virtual device name (xl's `vdev`, xl-disk-
 * configuration(5)) as the device number libxl gives it.  libxl compares
 * disks and keys them in xenstore (device/vbd/NUMBER) by that number, not
 * by the text: xvda, d0p0, 51712 and 0xca00 are one device to it, and a
 * second disk of the same number fails libxl's create late ("device
 * already exists in xenstore"), a name it cannot number earlier still
 * ("Invalid or unsupported virtual disk identifier").  libxl's own
 * function (libxl__device_disk_dev_number) is internal to libxenlight,
 * not exported, so its rules are written here.
 */
#ifndef XL_OCI_DOMCFG_VDEV_H
#define XL_OCI_DOMCFG_VDEV_H

#include <stddef.h>

/*
 * The device number of `vdev` by Xen 4.17's rules, or -1 for a name libxl
 * refuses:
 *   xvdL[P], dDpP  PV disk D (L: the letters a..z, aa.. as bijective base
 *                  26, at most 2^20 disks; D and P as C reads "%i") and
 *                  partition P (none: 0; P at most 255, no leading 0 in
 *                  xvdLP): (202 << 8) | (D << 4) | P while D and P are
 *                  at most 15, else (1 << 28) | (D << 8) | P;
 *   N              a number as strtoul(N, 0) reads it, at most INT_MAX;
 *   hdL[P]         IDE: disks a..d, partitions to 63, majors 3 and 22;
 *   sdL[P]         SCSI: disks a..p, partitions to 15, major 8.
 * Forms libxl takes but numbers by undefined arithmetic ("xvd" without a
 * letter, "d-1p0") are refused.
 */
long domcfg_vdev_number(const char *vdev);

/*
 * The PV disk (xvd index: 0 is xvda) a number of the xvd or dDpP form
 * names, with its partition in *part_r (0: the whole disk); -1 for the
 * other numbers (hd, sd, a number of another major).
 */
long domcfg_vdev_pv_disk(long number, long *part_r);

/* The number's xvd name ("xvdb", "xvda1", "xvdaa") into buf, or, for a
 * number of no PV disk, the number in decimal. */
void domcfg_vdev_format(char *buf, size_t size, long number);

#endif
