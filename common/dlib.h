/*
 * dlib.h: a shared library opened on first use (dlopen) and its functions
 * resolved once into a table of typed pointers.
 *
 * For the libraries that only a few commands need (libcurl for pulls,
 * libarchive for unpacking layers, libnftables for networks): linked
 * into build/xl-oci they and their ~40 dependencies are mapped and
 * relocated at every start of every command, `list` and `exec` included
 * (docs/decisions.md, "Optional libraries opened on first use").  systemd
 * loads its optional libraries the same way (src/shared/dlfcn-util.h).
 *
 * A user of this header (image/http_lib.c is the model) keeps:
 *   - an X-macro listing (FIELD, FUNCTION) pairs, FUNCTION being the real
 *     function of the library's header, so that the table's fields are
 *     declared with XO_DLIB_FIELD as `__typeof__(FUNCTION) *FIELD` and the
 *     compiler checks every call made through them;
 *   - the names (XO_DLIB_NAME), a `void *` slot per name, a `struct
 *     xo_dlib` built with XO_DLIB_INIT, and a bind function that copies
 *     the slots into the typed table;
 *   - a load function called at the entry points of the code that needs
 *     the library (before the first call through the table).
 * FIELD differs from FUNCTION: a header may define FUNCTION as a
 * function-like macro (curl.h's type-checking curl_easy_setopt), which
 * would swallow a call `table.FUNCTION(...)`.
 */
#ifndef XL_OCI_COMMON_DLIB_H
#define XL_OCI_COMMON_DLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct xo_dlib {
    const char *soname;       /* "libcurl.so.4": configure reads it */
    const char *purpose;      /* "pulling images", for the error */
    const char *const *names; /* the functions to resolve, n of them */
    void **addrs;             /* n slots, filled before bind runs */
    size_t n;
    /* Copies addrs into the typed table; runs once, under lock. */
    void (*bind)(void *const *addrs);
    pthread_mutex_t lock;
    bool loaded;
};

/* clang-format would lay this initializer out as a block. */
/* clang-format off */
#define XO_DLIB_INIT(soname, purpose, names, addrs, bind)                  \
    { (soname), (purpose), (names), (addrs),                               \
      sizeof(names) / sizeof((names)[0]), (bind),                          \
      PTHREAD_MUTEX_INITIALIZER, false }
/* clang-format on */

/* X-macro helpers for a (FIELD, FUNCTION) list (see the comment above). */
#define XO_DLIB_FIELD(field, fn) __typeof__(fn) *field;
#define XO_DLIB_NAME(field, fn) #fn,

/*
 * Opens l->soname (RTLD_NOW | RTLD_LOCAL) and resolves every name, then
 * calls l->bind; done once per process, under l->lock, so any thread may
 * call it, and each call after a success returns 0 at once.  The library
 * stays loaded for the process's life.  Errors: ELIBACC when the library
 * cannot be opened, ELIBBAD when a function is missing, the message
 * naming the SONAME, the function and dlerror()'s text.  A failure
 * leaves nothing loaded, so a later call tries again.
 */
int xo_dlib_load(struct xo_dlib *l, xo_err *err);

#endif
