/* xen_stamp_logger.c: libxl's messages as stamps (xen_stamp_logger.h). */
#include "xen_stamp_logger.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/log.h"

struct stamp_logger {
    xentoollog_logger vtable; /* first: libxl holds a pointer to it */
    xentoollog_level min;
};

static void stamp_vmessage(xentoollog_logger *logger, xentoollog_level level,
                           int errnoval, const char *context,
                           const char *format, va_list al)
{
    const struct stamp_logger *l = (const struct stamp_logger *)logger;
    if (level < l->min)
        return;
    char msg[512];
    /* may truncate: a diagnostic line */
    vsnprintf(msg, sizeof(msg), format, al);
    xo_stamp("libxl", "%s: %s%s%s%s%s", xtl_level_to_string(level),
             context ? context : "", context ? ": " : "", msg,
             errnoval >= 0 ? ": " : "",
             errnoval >= 0 ? strerror(errnoval) : "");
}

static void stamp_destroy(xentoollog_logger *logger)
{
    free(logger);
}

xentoollog_logger *xen_stamp_logger_new(xentoollog_level min)
{
    struct stamp_logger *l = xo_xcalloc(1, sizeof(*l));
    l->vtable.vmessage = stamp_vmessage;
    l->vtable.progress = NULL; /* allowed (xentoollog.h) */
    l->vtable.destroy = stamp_destroy;
    l->min = min;
    return &l->vtable;
}
