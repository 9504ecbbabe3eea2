/* bytesize.c: "64M" and the like in bytes (see bytesize.h). */
#include "common/bytesize.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

/* Digits after the point taken at most: a whole number of bytes needs no
 * more for K to T (5^d must divide them), and 10^6 << 40 fits 64 bits. */
#define BYTESIZE_FRACTION_MAX 6

int xo_bytesize_parse(uint64_t *bytes_r, const char *s, xo_err *err)
{
    const char *p = s;
    uint64_t v = 0, frac = 0, scale = 1;
    if (*p < '0' || *p > '9')
        return xo_err_set(
            err, EINVAL,
            "size \"%.32s\" is not a number with an optional K, M, G or T", s);
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return xo_err_set(err, ERANGE, "size \"%.32s\" is too large", s);
        v = v * 10 + d;
    }
    /* "1.5G", as Docker's sizes and qemu-img read it, when it is a whole
     * number of bytes (1.5 x 2^30); "1.1K" (1126.4) is refused rather
     * than rounded one way or the other. */
    if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            if (scale == 1000000)
                return xo_err_set(
                    err, EINVAL,
                    "size \"%.32s\": more than %d digits after the point", s,
                    BYTESIZE_FRACTION_MAX);
            frac = frac * 10 + (uint64_t)(*p - '0');
            scale *= 10;
        }
    }
    static const char units[] = "kmgt";
    const char *u = *p ? strchr(units, tolower((unsigned char)*p)) : NULL;
    unsigned shift = u ? 10 * (unsigned)(u - units + 1) : 0;
    if (u) {
        p++;
        /* "iB" or "B" in any case: "10mib" is 10 MiB as "10MiB" is. */
        if (strcasecmp(p, "ib") == 0 || strcasecmp(p, "b") == 0)
            p += strlen(p);
    }
    if (*p)
        return xo_err_set(err, EINVAL,
                          "size \"%.32s\": unit \"%.8s\" is not K, M, G or T",
                          s, p - (u ? 1 : 0));
    if (v > (UINT64_MAX >> shift))
        return xo_err_set(err, ERANGE, "size \"%.32s\" is too large", s);
    uint64_t part = frac << shift; /* < 10^6 * 2^40: fits */
    if (part % scale)
        return xo_err_set(err, EINVAL,
                          "size \"%.32s\" is not a whole number of bytes", s);
    /* No overflow: v << shift leaves room for less than 1 << shift. */
    *bytes_r = (v << shift) + part / scale;
    return 0;
}

int xo_bytesize_bounded(uint64_t *bytes_r, const char *s, uint64_t min,
                        uint64_t max)
{
    uint64_t v = 0;
    xo_err err = XO_ERR_INIT;
    int rc = xo_bytesize_parse(&v, s, &err);
    int why = err.errnum;
    xo_err_clear(&err);
    if (rc < 0 && why != ERANGE) {
        errno = EINVAL;
        return -1;
    }
    *bytes_r = rc < 0 || v > max ? max : v < min ? min : v;
    return 0;
}
