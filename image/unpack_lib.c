/* unpack_lib.c: libarchive's table, filled on first use (unpack_lib.h). */
#include "unpack_lib.h"

#include "gunzip_lib.h"

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

static void *preload(void *arg)
{
    (void)arg;
    xo_err err = XO_ERR_INIT;
    (void)unpack_archive_load(&err);
    xo_err_clear(&err);
    (void)gunzip_isal_load(&err);
    xo_err_clear(&err);
    return NULL;
}

bool unpack_preload_start(pthread_t *t)
{
    return pthread_create(t, NULL, preload, NULL) == 0;
}

void unpack_preload_join(pthread_t t)
{
    pthread_join(t, NULL);
}
