/* guest_report.c: validation of guest-written values (see header). */
#include "guest_report.h"

#include <stdio.h>
#include <string.h>

static const char *const phase_names[] = {
    [GUEST_PHASE_NONE] = "",         [GUEST_PHASE_MOUNTING] = "mounting",
    [GUEST_PHASE_EXEC] = "exec",     [GUEST_PHASE_EXITED] = "exited",
    [GUEST_PHASE_FAILED] = "failed",
};

const char *guest_phase_name(enum guest_phase p)
{
    return (unsigned)p < sizeof(phase_names) / sizeof(phase_names[0])
               ? phase_names[p]
               : "";
}

static bool printable(const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

int guest_report_accept(struct guest_report *r, const char *key,
                        const char *value, size_t len, char *why, size_t whylen)
{
    if (len > GUEST_VALUE_MAX) {
        snprintf(why, whylen,
                 "%s: value of %zu bytes is over the limit of "
                 "%d",
                 key, len, GUEST_VALUE_MAX);
        return -1;
    }
    if (memchr(value, '\0', len) || !printable(value, len)) {
        snprintf(why, whylen, "%s: value holds control characters", key);
        return -1;
    }
    if (strcmp(key, "phase") == 0) {
        for (int p = GUEST_PHASE_MOUNTING; p <= GUEST_PHASE_FAILED; p++) {
            if (strlen(phase_names[p]) == len &&
                memcmp(phase_names[p], value, len) == 0) {
                r->phase = (enum guest_phase)p;
                return 0;
            }
        }
        snprintf(why, whylen, "phase: unknown phase \"%.*s\"",
                 (int)(len > 32 ? 32 : len), value);
        return -1;
    }
    if (strcmp(key, "exit-code") == 0) {
        /* 1 to 3 decimal digits, no sign, no leading zeros, 0..255. */
        int v = 0;
        bool ok = len >= 1 && len <= 3 && !(len > 1 && value[0] == '0');
        for (size_t i = 0; ok && i < len; i++) {
            if (value[i] < '0' || value[i] > '9')
                ok = false;
            else
                v = v * 10 + (value[i] - '0');
        }
        if (!ok || v > 255) {
            snprintf(why, whylen,
                     "exit-code: \"%.*s\" is not a number in "
                     "0..255",
                     (int)(len > 32 ? 32 : len), value);
            return -1;
        }
        r->exit_code = v;
        r->has_exit_code = true;
        return 0;
    }
    if (strcmp(key, "error") == 0) {
        memcpy(r->error, value, len);
        r->error[len] = '\0';
        return 0;
    }
    snprintf(why, whylen, "unknown key \"%.*s\"",
             (int)(strlen(key) > 32 ? 32 : strlen(key)), key);
    return -1;
}
