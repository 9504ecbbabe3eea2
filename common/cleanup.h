/*
 * cleanup.h: scope-bound cleanup for simple functions (GCC/Clang attribute).
 * Use these or one `out:` label in a function, never both.
 */
#ifndef XL_OCI_COMMON_CLEANUP_H
#define XL_OCI_COMMON_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void xo_freep(void *p)
{
    free(*(void **)p);
}

static inline void xo_closep(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

static inline void xo_fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}

#define cleanup_free __attribute__((cleanup(xo_freep)))
#define cleanup_close __attribute__((cleanup(xo_closep)))
#define cleanup_fclose __attribute__((cleanup(xo_fclosep)))

/* Hands ownership out of a cleanup_* variable: returns it and clears it. */
#define xo_steal(p)                                                            \
    ({                                                                         \
        __typeof__(p) xo_steal_tmp_ = (p);                                     \
        (p) = NULL;                                                            \
        xo_steal_tmp_;                                                         \
    })

#endif
