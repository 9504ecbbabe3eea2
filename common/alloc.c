/* alloc.c: allocations that never return NULL (alloc.h). */
#include "common/alloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void (*oom_handler)(void);

_Noreturn void xo_oom(void)
{
    if (oom_handler)
        oom_handler();
    /* Not stdio: it may need memory itself.  (oom kept: the policy's own
     * message.) */
    static const char msg[] = ": out of memory\n";
    extern char *program_invocation_short_name;
    const char *prog = program_invocation_short_name;
    if (write(STDERR_FILENO, prog, strlen(prog)) < 0 ||
        write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
        (void)0;
    abort();
}

void xo_oom_set_handler(void (*fn)(void))
{
    oom_handler = fn;
}

void *xo_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        xo_oom();
    return p;
}

void *xo_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        xo_oom();
    return p;
}

char *xo_xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        xo_oom();
    return p;
}

void *xo_xrealloc(void *p, size_t size)
{
    void *np = realloc(p, size ? size : 1);
    if (!np)
        xo_oom();
    return np;
}

void *xo_xreallocarray(void *p, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total))
        xo_oom();
    return xo_xrealloc(p, total);
}

char *xo_xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (!p)
        xo_oom();
    return p;
}

char *xo_xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p = NULL;
    va_start(ap, fmt);
    int n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0)
        xo_oom();
    return p;
}
