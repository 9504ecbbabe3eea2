/* progress.c: progress lines (see progress.h). */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>

void image_progress(image_progress_fn fn, void *arg, const char *fmt, ...)
{
    if (!fn)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap); /* may truncate: a progress line */
    va_end(ap);
    fn(arg, line);
}
