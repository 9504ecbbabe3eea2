/*
 * alloc.h: the one policy for a failed allocation.
 *
 * A host tool that cannot allocate a few hundred bytes can do nothing
 * useful, and a hundred hand-written "out of memory" branches each risk
 * leaving a half-built JSON document or state file behind (json-c, given
 * a NULL member, silently writes null).  So allocations that cannot fail
 * usefully go through these helpers, which never return NULL: on failure
 * they call the OOM handler, which by default prints "PROG: out of memory"
 * to stderr and aborts.  The guest's init (PID 1, where aborting would
 * panic the domain with no word to the host) installs a handler that
 * reports the failure through the guest report and powers the domain off,
 * as for any other failure (loader/xen-tools/init.c; its children just
 * exit 127); see docs/decisions.md, "Allocation failure".
 * A size that comes from outside (a layer, a registry response) is
 * checked against a named limit first and refused with an error naming
 * it; what is allocated under the limit follows this policy.
 */
#ifndef XL_OCI_COMMON_ALLOC_H
#define XL_OCI_COMMON_ALLOC_H

#include <stddef.h>

#include "common/error.h"

/* Calls the OOM handler; never returns. */
_Noreturn void xo_oom(void);

/* Replaces the OOM handler; `fn` must not return (it is followed by
 * abort() if it does).  NULL restores the default. */
void xo_oom_set_handler(void (*fn)(void));

/* malloc, calloc, strdup and asprintf that never return NULL. */
void *xo_xmalloc(size_t size);
void *xo_xcalloc(size_t n, size_t size);
char *xo_xstrdup(const char *s);
char *xo_xasprintf(const char *fmt, ...) XO_PRINTF(1, 2);

/* realloc that never returns NULL; `p` stays owned by the caller until
 * the call returns (on failure the process does not come back). */
void *xo_xrealloc(void *p, size_t size);

/* realloc of `n` elements of `size` bytes: an `n * size` that overflows
 * size_t calls the OOM handler too, as calloc does.  The callers grow
 * their arrays by doubling a count they bound themselves. */
void *xo_xreallocarray(void *p, size_t n, size_t size);

/* strndup (at most `n` bytes of `s`, then a NUL) that never returns NULL. */
char *xo_xstrndup(const char *s, size_t n);

#endif
