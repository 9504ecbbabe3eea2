/* log.c: leveled diagnostics on stderr (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum xo_log_level cur_level = XO_LOG_WARN;
static const char *cur_prefix = "xl-oci";
static xo_log_sink *cur_sink;
static void *cur_opaque;

void xo_log_set_level(enum xo_log_level level)
{
    cur_level = level;
}

void xo_log_set_prefix(const char *prefix)
{
    cur_prefix = prefix;
}

void xo_log_set_sink(xo_log_sink *sink, void *opaque)
{
    cur_sink = sink;
    cur_opaque = opaque;
}

void xo_log(enum xo_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    if (level > cur_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (cur_sink) {
        char msg[1024];
        /* may truncate: a diagnostic line */
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        cur_sink(level, msg, cur_opaque);
        return;
    }
    fprintf(stderr, "%s: %s: ", cur_prefix, names[level]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void xo_stamp(const char *topic, const char *fmt, ...)
{
    /* Stamps sit on create's and exec's paths: nothing to do below -v. */
    if (cur_level < XO_LOG_INFO)
        return;
    static struct timespec base;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    /* may truncate: a progress line */
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (!base.tv_sec && !base.tv_nsec) {
        struct timespec wall;
        clock_gettime(CLOCK_REALTIME, &wall);
        base = now;
        xo_info("%s: 0.0 ms: %s (wall clock %lld.%06ld s)", topic, what,
                (long long)wall.tv_sec, wall.tv_nsec / 1000);
        return;
    }
    double ms = (double)(now.tv_sec - base.tv_sec) * 1e3 +
                (double)(now.tv_nsec - base.tv_nsec) / 1e6;
    xo_info("%s: %.1f ms: %s", topic, ms, what);
}
