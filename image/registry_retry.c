/* registry_retry.c: the registry retry policy and what its error answers
 * say (registry_retry.h). */
#include "registry_retry.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "common/error.h"
#include "common/json.h"

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

/* The spec's error body as ": CODE: message" (registry_retry.h). */
void registry_error_text(char *out, size_t cap, const char *body, size_t len)
{
    json_object *o = NULL, *errs = NULL;
    const char *code = NULL, *msg = NULL;
    xo_err ignore = XO_ERR_INIT;
    out[0] = '\0';
    if (!body || !len ||
        xo_json_parse(&o, body, len, REGISTRY_ERROR_BODY_MAX, "", &ignore) <
            0) {
        xo_err_clear(&ignore);
        return;
    }
    json_object *e = NULL;
    if (json_object_is_type(o, json_type_object) &&
        xo_json_get_array(&errs, o, "errors", true, "", &ignore) == 1 &&
        json_object_array_length(errs) > 0)
        e = json_object_array_get_idx(errs, 0);
    if (e && json_object_is_type(e, json_type_object) &&
        xo_json_get_string(&code, e, "code", false, "", &ignore) >= 0 &&
        xo_json_get_string(&msg, e, "message", false, "", &ignore) >= 0 &&
        (code || msg)) {
        /* may truncate: a message */
        snprintf(out, cap, ": %.64s%s%.*s", code ? code : "",
                 code && msg ? ": " : "", REGISTRY_ERROR_TEXT_MAX,
                 msg ? msg : "");
        xo_text_printable(out); /* the server's words, to a terminal */
    }
    xo_err_clear(&ignore);
    json_object_put(o);
}
