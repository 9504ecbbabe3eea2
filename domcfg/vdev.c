/* vdev.c: a disk vdev as libxl numbers it (see vdev.h). */
#include "vdev.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XVD_MAJOR 202
#define EXT_FLAG (1L << 28) /* libxl's "extended" numbers, past 15/15 */
#define MAX_PV_DISKS (1L << 20)

/*
 * `name` is `prefix` followed by drive letters (a..z, then aa..: libxl
 * reads them as bijective base 26, so "a" is 0, "z" 25, "aa" 26) and an
 * optional partition number, as libxl's device_virtdisk_matches() reads
 * it: no letters gives libxl a disk of -1, refused here; a partition with
 * a leading 0 is refused, and libxl reads the rest with strtoul(), base
 * 10.  Sets *disk_r and *part_r.
 */
static bool letters_disk(const char *name, const char *prefix, long max_disk,
                         long max_part, long *disk_r, long *part_r)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0)
        return false;
    const char *p = name + pl;
    long disk = -1;
    for (; *p >= 'a' && *p <= 'z'; p++) {
        disk = (disk + 1) * 26 + (*p - 'a');
        if (disk > max_disk)
            return false;
    }
    if (disk < 0)
        return false;
    *disk_r = disk;
    *part_r = 0;
    if (!*p)
        return true;
    if (*p == '0')
        return false;
    char *end;
    errno = 0;
    unsigned long part = strtoul(p, &end, 10);
    if (errno || *end || part > (unsigned long)max_part)
        return false;
    *part_r = (long)part;
    return true;
}

/* "dDpP": libxl's sscanf("d%ip%i%n") of the whole name, D below 2^20
 * and P below 256; a negative D or P is refused here. */
static bool dp_disk(const char *name, long *disk_r, long *part_r)
{
    if (name[0] != 'd')
        return false;
    char *end;
    errno = 0;
    long disk = strtol(name + 1, &end, 0);
    if (errno || end == name + 1 || *end != 'p')
        return false;
    const char *p = end + 1;
    long part = strtol(p, &end, 0);
    if (errno || end == p || *end)
        return false;
    if (disk < 0 || disk >= MAX_PV_DISKS || part < 0 || part >= 256)
        return false;
    *disk_r = disk;
    *part_r = part;
    return true;
}

long domcfg_vdev_number(const char *vdev)
{
    long disk, part;
    if (dp_disk(vdev, &disk, &part) ||
        letters_disk(vdev, "xvd", MAX_PV_DISKS - 1, 255, &disk, &part))
        return disk <= 15 && part <= 15 ? (XVD_MAJOR << 8) | (disk << 4) | part
                                        : EXT_FLAG | (disk << 8) | part;
    /* A number, as libxl's strtoul(vdev, &end, 0); "" is 0 there too. */
    char *end;
    errno = 0;
    unsigned long ul = strtoul(vdev, &end, 0);
    if (!errno && !*end && ul <= INT_MAX)
        return (long)ul;
    if (letters_disk(vdev, "hd", 3, 63, &disk, &part))
        return ((disk < 2 ? 3L : 22L) << 8) | ((disk & 1) << 6) | part;
    if (letters_disk(vdev, "sd", 15, 15, &disk, &part))
        return (8L << 8) | (disk << 4) | part;
    return -1;
}

long domcfg_vdev_pv_disk(long number, long *part_r)
{
    if (number < 0)
        return -1;
    if (number & EXT_FLAG) {
        *part_r = number & 0xff;
        return (number >> 8) & (MAX_PV_DISKS - 1);
    }
    if ((number >> 8) != XVD_MAJOR)
        return -1;
    *part_r = number & 0xf;
    return (number >> 4) & 0xf;
}

void domcfg_vdev_format(char *buf, size_t size, long number)
{
    long part = 0;
    long disk = domcfg_vdev_pv_disk(number, &part);
    if (disk < 0) {
        /* may truncate: a message's detail */
        snprintf(buf, size, "%ld", number);
        return;
    }
    char letters[8]; /* 2^20 disks need at most 5 letters */
    size_t n = 0;
    for (long d = disk + 1; d > 0 && n < sizeof(letters); d = (d - 1) / 26)
        letters[n++] = (char)('a' + (d - 1) % 26);
    char name[16] = "xvd";
    for (size_t i = 0; i < n; i++)
        name[3 + i] = letters[n - 1 - i];
    name[3 + n] = '\0';
    if (part)
        snprintf(buf, size, "%s%ld", name, part); /* may truncate: a detail */
    else
        snprintf(buf, size, "%s", name); /* may truncate: a detail */
}
