/* registry_retry.c: the registry retry policy (registry_retry.h). */
#include "registry_retry.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

bool registry_status_transient(long status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

unsigned registry_retry_pause(unsigned n, const char *retry_after)
{
    const char *p = retry_after ? retry_after : "";
    while (*p == ' ' || *p == '\t')
        p++;
    if (isdigit((unsigned char)*p)) {
        char *end;
        errno = 0;
        unsigned long s = strtoul(p, &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        if (!*end)
            return errno || s > REGISTRY_PAUSE_MAX ? REGISTRY_PAUSE_MAX
                                                   : (unsigned)s;
    }
    return n >= 4 ? 8 : 1u << (n ? n - 1 : 0);
}

void registry_pause(unsigned seconds)
{
    struct timespec t = {.tv_sec = seconds, .tv_nsec = 0};
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

bool registry_pause_unless(unsigned seconds, bool (*stop)(void *), void *arg)
{
    for (unsigned tenths = seconds * 10; tenths > 0; tenths--) {
        if (stop(arg))
            return true;
        struct timespec t = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
        while (nanosleep(&t, &t) < 0 && errno == EINTR)
            ;
    }
    return stop(arg);
}
