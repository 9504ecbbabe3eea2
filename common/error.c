/* error.c: the xo_err implementation (see error.h for the contract). */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap); /* cannot truncate: n counted */
    return s;
}

/* Out of memory while reporting: keep a static message rather than none
 * (oom kept: the guest's init links this file and returns its errors). */
static char oom_msg[] = "out of memory while formatting an error";

static void set_msg(xo_err *err, char *msg)
{
    xo_err_clear(err);
    err->msg = msg ? msg : oom_msg;
}

int xo_err_set(xo_err *err, int errnum, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *m = vformat(fmt, ap);
    va_end(ap);
    set_msg(err, m);
    err->errnum = errnum;
    return -1;
}

int xo_err_sys(xo_err *err, const char *fmt, ...)
{
    int saved = errno;
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *m = vformat(fmt, ap);
    va_end(ap);
    char *full = NULL;
    if (m) {
        const char *e = strerror(saved);
        size_t len = strlen(m) + strlen(e) + 3;
        full = malloc(len);
        if (full)
            snprintf(full, len, "%s: %s", m, e); /* cannot truncate: len */
        free(m);
    }
    set_msg(err, full);
    err->errnum = saved;
    errno = saved;
    return -1;
}

int xo_err_wrap(xo_err *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *ctx = vformat(fmt, ap);
    va_end(ap);
    const char *old = xo_err_msg(err);
    char *full = NULL;
    if (ctx) {
        size_t len = strlen(ctx) + strlen(old) + 3;
        full = malloc(len);
        if (full)
            snprintf(full, len, "%s: %s", ctx, old); /* cannot truncate: len */
        free(ctx);
    }
    int errnum = err->errnum;
    if (full)
        set_msg(err, full);
    err->errnum = errnum;
    return -1;
}

void xo_err_clear(xo_err *err)
{
    if (!err)
        return;
    if (err->msg != oom_msg)
        free(err->msg);
    err->msg = NULL;
    err->errnum = 0;
}

const char *xo_err_msg(const xo_err *err)
{
    return err && err->msg ? err->msg : "unknown error";
}

void xo_err_print(xo_err *err, const char *prog, FILE *out)
{
    fprintf(out, "%s: ", prog);
    for (const unsigned char *p = (const unsigned char *)xo_err_msg(err); *p;
         p++)
        fputc((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f ? '?' : *p,
              out);
    fputc('\n', out);
    xo_err_clear(err);
}

void xo_text_printable(char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            *s = '?';
}
