/* log.c: leveled diagnostics on stderr (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static enum xo_log_level cur_level = XO_LOG_WARN;
static const char *cur_prefix = "xl-oci";

void xo_log_set_level(enum xo_log_level level)
{
    cur_level = level;
}

void xo_log_set_prefix(const char *prefix)
{
    cur_prefix = prefix;
}

void xo_log(enum xo_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    if (level > cur_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: %s: ", cur_prefix, names[level]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
