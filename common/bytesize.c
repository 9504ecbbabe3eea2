/* bytesize.c: "64M" and the like in bytes (see bytesize.h). */
#include "common/bytesize.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

int xo_bytesize_parse(uint64_t *bytes_r, const char *s, xo_err *err)
{
    const char *p = s;
    uint64_t v = 0;
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
    static const char units[] = "kmgt";
    const char *u = *p ? strchr(units, tolower((unsigned char)*p)) : NULL;
    unsigned shift = u ? 10 * (unsigned)(u - units + 1) : 0;
    if (u) {
        p++;
        if (strcmp(p, "iB") == 0 || strcmp(p, "B") == 0)
            p += strlen(p);
    }
    if (*p)
        return xo_err_set(err, EINVAL,
                          "size \"%.32s\": unit \"%.8s\" is not K, M, G or T",
                          s, p - (u ? 1 : 0));
    if (v > (UINT64_MAX >> shift))
        return xo_err_set(err, ERANGE, "size \"%.32s\" is too large", s);
    *bytes_r = v << shift;
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
