/*
 * fuzz-vdev.c: libFuzzer target for domcfg_vdev_number(), the reader of
 * a disk's vdev from app.cfg (`disk = [...,vdev=..]`, oci_volumes'
 * targets), line by line.  Whatever is accepted is a number libxl takes
 * (0 to INT_MAX); a number of a PV disk is formatted to a name that reads
 * back as the same disk and partition, and one of the letter forms names
 * a disk within the bounds vdev.h gives.  Built without libFuzzer, main()
 * replays corpus files.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "domcfg/vdev.h"
#include "replay.h"

static void check(const char *s)
{
    long n = domcfg_vdev_number(s);
    if (n < -1 || n > INT_MAX)
        __builtin_trap();
    if (n < 0)
        return;
    long part = -1;
    long disk = domcfg_vdev_pv_disk(n, &part);
    if (disk < -1 || disk >= (1L << 20))
        __builtin_trap();
    char name[32];
    domcfg_vdev_format(name, sizeof(name), n);
    if (!memchr(name, 0, sizeof(name)))
        __builtin_trap();
    if (disk < 0)
        return;
    if (part < 0 || part > 255)
        __builtin_trap();
    /* The name the number is shown as names the same disk. */
    long back = domcfg_vdev_number(name), part2 = -1;
    if (back < 0 || domcfg_vdev_pv_disk(back, &part2) != disk || part2 != part)
        __builtin_trap();
    /* A name of the xvd form reads back to the very same number. */
    if (strncmp(s, "xvd", 3) == 0 && back != n)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char line[256];
    size_t i = 0;
    while (i < size) {
        size_t n = 0;
        while (i < size && data[i] != '\n' && n < sizeof(line) - 1)
            line[n++] = (char)data[i++];
        line[n] = '\0';
        i++;
        check(line);
    }
    return 0;
}
