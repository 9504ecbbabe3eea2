/* psl_lib.c: libpsl's table, filled on first use (psl_lib.h). */
#include "netback/psl_lib.h"

#include <errno.h>
#include <libpsl.h>

#include "common/dlib.h"

/* The functions called: (field, libpsl's function). */
#define NB_PSL_FUNCS(X)                                                        \
    X(latest, psl_latest)                                                      \
    X(is_public_suffix2, psl_is_public_suffix2)                                \
    X(free, psl_free)

static struct {
    NB_PSL_FUNCS(XO_DLIB_FIELD)
} psl;

static const char *const psl_names[] = {NB_PSL_FUNCS(XO_DLIB_NAME)};
static void *psl_addrs[sizeof(psl_names) / sizeof(psl_names[0])];

/* void * to a function pointer: the conversion POSIX guarantees for
 * dlsym's results. */
static void psl_bind(void *const *a)
{
    size_t i = 0;
#define NB_PSL_BIND(field, fn) psl.field = (__typeof__(fn) *)a[i++];
    NB_PSL_FUNCS(NB_PSL_BIND)
#undef NB_PSL_BIND
}

static struct xo_dlib psl_lib = XO_DLIB_INIT(
    XO_PSL_SONAME, "checking network names against the Public Suffix List",
    psl_names, psl_addrs, psl_bind);

int nb_psl_is_tld(const char *name, xo_err *err)
{
    if (xo_dlib_load(&psl_lib, err) < 0)
        return -1;
    /* NULL: the newest of the built-in list and the system's. */
    psl_ctx_t *ctx = psl.latest(NULL);
    if (!ctx)
        return xo_err_set(
            err, EIO,
            "libpsl has no Public Suffix List (apt-get install publicsuffix)");
    int r = psl.is_public_suffix2(ctx, name,
                                  PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE);
    psl.free(ctx);
    return r ? 1 : 0;
}
