/*
 * pathfmt.h: building a path (file, xenstore key, argument naming a file)
 * into a fixed-size buffer, where a path that does not fit is an error.
 *
 * A truncated path names another file: "/var/lib/xl-oci/domains/NAME"
 * cut short may be a sibling's directory, and a cut xenstore key another
 * node.  So nothing in xl-oci fills a path buffer with an unchecked
 * snprintf(); tier 95 (tools/check-snprintf.sh) refuses one.
 */
#ifndef XL_OCI_COMMON_PATHFMT_H
#define XL_OCI_COMMON_PATHFMT_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "common/error.h"

/* How much of a path that did not fit the message shows. */
#define XO_PATH_SHOWN 64

/*
 * Formats `fmt` into buf[size] (printf rules).  Returns the length on
 * success.  When the result, with its NUL, needs more than `size` bytes,
 * fails with ENAMETOOLONG: *err says "path too long: \"PREFIX...\" (N
 * bytes, at most M)", PREFIX being the first XO_PATH_SHOWN bytes, and buf
 * holds "" so a half path can never be used.  `err` may be NULL (the
 * caller then reports errno-style, as the guest's init does).
 */
int xo_path_fmt(char *buf, size_t size, xo_err *err, const char *fmt, ...)
    XO_PRINTF(4, 5);
int xo_path_vfmt(char *buf, size_t size, xo_err *err, const char *fmt,
                 va_list ap) XO_PRINTF(4, 0);

/*
 * The number of components of `path` ("/" 0, "/m" 1, "//m//sub/" 2): the
 * key mounts are ordered by, a parent before what is mounted inside it, as
 * Docker and containerd order a container's mounts.
 */
size_t xo_path_depth(const char *path);

/*
 * Copies the string in char array `src` into char array `dst`, which the
 * compiler proves is at least as large: the copy of a fixed-size field into
 * another that cannot truncate, with no result to check.
 */
#define XO_COPY_STR(dst, src)                                                  \
    do {                                                                       \
        _Static_assert(sizeof(dst) >= sizeof(src),                             \
                       "XO_COPY_STR: " #dst " is smaller than " #src);         \
        _Static_assert(sizeof(src) != sizeof(char *) ||                        \
                           !__builtin_types_compatible_p(                      \
                               __typeof__(src), __typeof__(&(src)[0])),        \
                       "XO_COPY_STR: " #src " must be an array");              \
        memcpy((dst), (src), sizeof(src));                                     \
        (dst)[sizeof(dst) - 1] = '\0';                                         \
    } while (0)

#endif
