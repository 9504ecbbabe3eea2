/*
 * gunzip_lib.h: Intel's ISA-L (libisal), opened on first use
 * (common/dlib.h), for the gzip layer decoder (gunzip.c).
 *
 * Every ISA-L call of the decoder goes through the table `gunzip_isal`,
 * whose fields have the types of igzip_lib.h's functions.
 */
#ifndef XL_OCI_IMAGE_GUNZIP_LIB_H
#define XL_OCI_IMAGE_GUNZIP_LIB_H

#include <isa-l/igzip_lib.h>

#include "common/dlib.h"
#include "common/error.h"

/* The functions the decoder calls: (field, ISA-L's function). */
#define GUNZIP_ISAL_FUNCS(X)                                                   \
    X(inflate_init, isal_inflate_init)                                         \
    X(inflate_reset, isal_inflate_reset)                                       \
    X(inflate, isal_inflate)

struct gunzip_isal_fns {
    GUNZIP_ISAL_FUNCS(XO_DLIB_FIELD)
};

/* Valid after gunzip_isal_load() returned 0. */
extern struct gunzip_isal_fns gunzip_isal;

/* Opens libisal (XO_ISAL_SONAME, from configure) once per process; errors
 * as xo_dlib_load(). */
int gunzip_isal_load(xo_err *err);

#endif
