/* fdt_walk.c: the boot spec's structure block walked forward (fdt_walk.h). */
#include "loader/xen-tools/fdt_walk.h"

#include <libfdt.h>
#include <stdint.h>
#include <string.h>

/* Rounds up to the 4-byte alignment of the block's tags (libfdt's
 * FDT_TAGALIGN lives in its private header). */
static size_t tag_align(size_t off)
{
    return (off + FDT_TAGSIZE - 1) & ~(size_t)(FDT_TAGSIZE - 1);
}

/* The big-endian 32-bit word at p. */
static uint32_t be32_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

int bs_fdt_walk(const void *fdt, size_t len)
{
    if (len < sizeof(struct fdt_header))
        return -FDT_ERR_TRUNCATED;
    int r = fdt_check_header(fdt);
    if (r != 0)
        return r;
    if (fdt_totalsize(fdt) > len)
        return -FDT_ERR_TRUNCATED;
    if (fdt_version(fdt) < 16)
        return -FDT_ERR_BADVERSION;
    /* fdt_check_header() put the block inside totalsize. */
    const unsigned char *blk =
        (const unsigned char *)fdt + fdt_off_dt_struct(fdt);
    size_t size = fdt_size_dt_struct(fdt), off = 0;
    while (size - off >= FDT_TAGSIZE) {
        uint32_t tag = be32_at(blk + off);
        off += FDT_TAGSIZE;
        switch (tag) {
        case FDT_BEGIN_NODE: {
            const unsigned char *nul = memchr(blk + off, '\0', size - off);
            if (!nul)
                return -FDT_ERR_BADSTRUCTURE;
            off = tag_align((size_t)(nul - blk) + 1);
            break;
        }
        case FDT_PROP: {
            /* len, nameoff, then len bytes of value */
            if (size - off < 8)
                return -FDT_ERR_BADSTRUCTURE;
            uint32_t plen = be32_at(blk + off);
            off += 8;
            if (plen > size - off)
                return -FDT_ERR_BADSTRUCTURE;
            off = tag_align(off + plen);
            break;
        }
        case FDT_END_NODE:
        case FDT_NOP:
            break;
        case FDT_END:
            return 0;
        default:
            return -FDT_ERR_BADSTRUCTURE;
        }
        if (off > size)
            return -FDT_ERR_BADSTRUCTURE;
    }
    return -FDT_ERR_BADSTRUCTURE; /* no FDT_END inside the block */
}
