/* dlib.c: shared libraries opened on first use (see dlib.h). */
#include "common/dlib.h"

#include <dlfcn.h>
#include <errno.h>

/* Called with l->lock held and l->loaded false. */
static int load_locked(struct xo_dlib *l, xo_err *err)
{
    void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        return xo_err_set(err, ELIBACC, "%s needs %s: %s", l->purpose,
                          l->soname, e ? e : "dlopen failed");
    }
    for (size_t i = 0; i < l->n; i++) {
        dlerror(); /* a NULL from dlsym is an error only with a message */
        void *p = dlsym(h, l->names[i]);
        const char *e = dlerror();
        if (!p || e) {
            xo_err_set(err, ELIBBAD, "%s needs %s from %s: %s", l->purpose,
                       l->names[i], l->soname, e ? e : "resolved to NULL");
            dlclose(h);
            return -1;
        }
        l->addrs[i] = p;
    }
    /* The handle is never closed: the library serves until exit. */
    l->bind(l->addrs);
    l->loaded = true;
    return 0;
}

int xo_dlib_load(struct xo_dlib *l, xo_err *err)
{
    pthread_mutex_lock(&l->lock);
    int rc = l->loaded ? 0 : load_locked(l, err);
    pthread_mutex_unlock(&l->lock);
    return rc;
}
