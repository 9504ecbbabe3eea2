/* pathfmt.c: checked path formatting (see pathfmt.h). */
#include "common/pathfmt.h"

#include <errno.h>
#include <stdio.h>

int xo_path_vfmt(char *buf, size_t size, xo_err *err, const char *fmt,
                 va_list ap)
{
    if (!buf || size == 0) {
        xo_err_set(err, EINVAL, "path buffer of 0 bytes for \"%s\"", fmt);
        errno = EINVAL;
        return -1;
    }
    int n = vsnprintf(buf, size, fmt, ap);
    if (n < 0) {
        int e = errno;
        buf[0] = '\0';
        xo_err_set(err, e, "path format \"%s\" failed", fmt);
        errno = e;
        return -1;
    }
    if ((size_t)n >= size) {
        /* buf holds the first size - 1 bytes: enough to say which path. */
        int shown = (size_t)n < XO_PATH_SHOWN ? n : XO_PATH_SHOWN;
        if ((size_t)shown > size - 1)
            shown = (int)(size - 1);
        xo_err_set(err, ENAMETOOLONG,
                   "path too long: \"%.*s...\" (%d bytes, at most %zu)", shown,
                   buf, n, size - 1);
        buf[0] = '\0';
        errno = ENAMETOOLONG;
        return -1;
    }
    return n;
}

int xo_path_fmt(char *buf, size_t size, xo_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = xo_path_vfmt(buf, size, err, fmt, ap);
    va_end(ap);
    return r;
}

size_t xo_path_depth(const char *path)
{
    size_t n = 0;
    for (const char *p = path; *p; p++)
        if (*p != '/' && (p == path || p[-1] == '/'))
            n++;
    return n;
}
