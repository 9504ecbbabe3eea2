/* unpack_lib.c: libarchive's table, filled on first use (unpack_lib.h). */
#include "unpack_lib.h"

struct unpack_archive_fns unpack_la;

static const char *const archive_names[] = {UNPACK_ARCHIVE_FUNCS(XO_DLIB_NAME)};
static void *archive_addrs[sizeof(archive_names) / sizeof(archive_names[0])];

/* void * to a function pointer: the conversion POSIX guarantees for
 * dlsym's results. */
static void archive_bind(void *const *a)
{
    size_t i = 0;
#define UNPACK_ARCHIVE_BIND(field, fn)                                         \
    unpack_la.field = (__typeof__(fn) *)a[i++];
    UNPACK_ARCHIVE_FUNCS(UNPACK_ARCHIVE_BIND)
#undef UNPACK_ARCHIVE_BIND
}

static struct xo_dlib archive_lib =
    XO_DLIB_INIT(XO_ARCHIVE_SONAME, "unpacking image layers", archive_names,
                 archive_addrs, archive_bind);

int unpack_archive_load(xo_err *err)
{
    return xo_dlib_load(&archive_lib, err);
}
