/* gunzip_lib.c: ISA-L's table, filled on first use (gunzip_lib.h). */
#include "gunzip_lib.h"

struct gunzip_isal_fns gunzip_isal;

static const char *const isal_names[] = {GUNZIP_ISAL_FUNCS(XO_DLIB_NAME)};
static void *isal_addrs[sizeof(isal_names) / sizeof(isal_names[0])];

/* void * to a function pointer: the conversion POSIX guarantees for
 * dlsym's results. */
static void isal_bind(void *const *a)
{
    size_t i = 0;
#define GUNZIP_ISAL_BIND(field, fn)                                            \
    gunzip_isal.field = (__typeof__(fn) *)a[i++];
    GUNZIP_ISAL_FUNCS(GUNZIP_ISAL_BIND)
#undef GUNZIP_ISAL_BIND
}

static struct xo_dlib isal_lib =
    XO_DLIB_INIT(XO_ISAL_SONAME, "inflating gzip image layers", isal_names,
                 isal_addrs, isal_bind);

int gunzip_isal_load(xo_err *err)
{
    return xo_dlib_load(&isal_lib, err);
}
