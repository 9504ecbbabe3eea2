/* xenlight_lib.c: the tables of libxenlight, libxlutil and libyajl,
 * filled on first use (xenlight_lib.h). */
#include "common/xenlight_lib.h"

#include <stdatomic.h>

struct xo_xl_fns xo_xl;
struct xo_xlu_fns xo_xlu;
struct xo_yajl_fns xo_yajl;

/* void * to a function pointer: the conversion POSIX guarantees for
 * dlsym's results. */
#define XO_BIND_ONE(field, fn) tbl->field = (__typeof__(fn) *)a[i++];

static const char *const xl_names[] = {XO_XL_FUNCS(XO_DLIB_NAME)};
static void *xl_addrs[sizeof(xl_names) / sizeof(xl_names[0])];
static void xl_bind(void *const *a)
{
    struct xo_xl_fns *tbl = &xo_xl;
    size_t i = 0;
    XO_XL_FUNCS(XO_BIND_ONE)
}

static const char *const xlu_names[] = {XO_XLU_FUNCS(XO_DLIB_NAME)};
static void *xlu_addrs[sizeof(xlu_names) / sizeof(xlu_names[0])];
static void xlu_bind(void *const *a)
{
    struct xo_xlu_fns *tbl = &xo_xlu;
    size_t i = 0;
    XO_XLU_FUNCS(XO_BIND_ONE)
}

static const char *const yajl_names[] = {XO_YAJL_FUNCS(XO_DLIB_NAME)};
static void *yajl_addrs[sizeof(yajl_names) / sizeof(yajl_names[0])];
static void yajl_bind(void *const *a)
{
    struct xo_yajl_fns *tbl = &xo_yajl;
    size_t i = 0;
    XO_YAJL_FUNCS(XO_BIND_ONE)
}

static struct xo_dlib xl_lib =
    XO_DLIB_INIT(XO_XENLIGHT_SONAME, "talking to Xen through libxl", xl_names,
                 xl_addrs, xl_bind);
static struct xo_dlib xlu_lib =
    XO_DLIB_INIT(XO_XLUTIL_SONAME, "reading xl config files", xlu_names,
                 xlu_addrs, xlu_bind);
static struct xo_dlib yajl_lib = XO_DLIB_INIT(
    XO_YAJL_SONAME, "writing libxl's JSON", yajl_names, yajl_addrs, yajl_bind);

static atomic_bool loaded;

int xo_xenlight_load(xo_err *err)
{
    if (atomic_load(&loaded))
        return 0;
    if (xo_dlib_load(&xl_lib, err) < 0 || xo_dlib_load(&xlu_lib, err) < 0 ||
        xo_dlib_load(&yajl_lib, err) < 0)
        return -1;
    atomic_store(&loaded, true);
    return 0;
}

bool xo_xenlight_loaded(void)
{
    return atomic_load(&loaded);
}
