/* guest_report.c: validation of guest-written values (see header). */
#include "guest_report.h"

#include <stdio.h>
#include <string.h>

#include "common/abi/domain_status.h"

static bool printable(const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

/* At most 32 bytes of a refused value or key, for the monitor's log. */
#define SHOWN(len) ((int)((len) > 32 ? 32 : (len)))

int guest_report_accept(struct guest_report *r, const char *key,
                        const char *value, size_t len, char *why, size_t whylen)
{
    if (len > GUEST_REPORT_VALUE_MAX) {
        snprintf(why, whylen, "%s: value of %zu bytes is over the limit of %d",
                 key, len, GUEST_REPORT_VALUE_MAX);
        return -1;
    }
    if (memchr(value, '\0', len) || !printable(value, len)) {
        snprintf(why, whylen, "%s: value holds control characters", key);
        return -1;
    }
    /* Now a C string of `len` bytes: copy it so a missing NUL cannot hurt. */
    char v[GUEST_REPORT_VALUE_MAX + 1];
    memcpy(v, value, len);
    v[len] = '\0';
    if (strcmp(key, GUEST_REPORT_KEY_PHASE) == 0) {
        enum guest_phase p;
        if (guest_phase_from_string(v, &p) < 0) {
            snprintf(why, whylen, "phase: unknown phase \"%.*s\"", SHOWN(len),
                     v);
            return -1;
        }
        r->phase = p;
        return 0;
    }
    if (strcmp(key, GUEST_REPORT_KEY_EXIT_CODE) == 0) {
        /* 1 to 3 decimal digits, no sign, no leading zeros, 0..255. */
        int n = 0;
        bool ok = len >= 1 && len <= 3 && !(len > 1 && v[0] == '0');
        for (size_t i = 0; ok && i < len; i++) {
            if (v[i] < '0' || v[i] > '9')
                ok = false;
            else
                n = n * 10 + (v[i] - '0');
        }
        if (!ok || n > 255) {
            snprintf(why, whylen,
                     "exit-code: \"%.*s\" is not a number in 0..255",
                     SHOWN(len), v);
            return -1;
        }
        r->exit_code = n;
        r->has_exit_code = true;
        return 0;
    }
    if (strcmp(key, GUEST_REPORT_KEY_ERROR) == 0) {
        memcpy(r->error, v, len + 1);
        return 0;
    }
    snprintf(why, whylen, "unknown key \"%.*s\"", SHOWN(strlen(key)), key);
    return -1;
}

size_t guest_report_status_fields(
    struct guest_status_field out[GUEST_STATUS_MAX_FIELDS],
    const struct guest_report *r, enum guest_phase published, const char *now,
    const char *now_ms, char code[8])
{
    size_t n = 0;
    if (r->phase == published)
        return 0;
    if (r->phase == GUEST_PHASE_EXEC && published < GUEST_PHASE_EXEC) {
        out[n++] = (struct guest_status_field){DOMAIN_STATUS_KEY_STARTED, now};
        out[n++] =
            (struct guest_status_field){DOMAIN_STATUS_KEY_STARTED_MS, now_ms};
        out[n++] = (struct guest_status_field){
            DOMAIN_STATUS_KEY_STATE,
            domain_state_to_string(DOMAIN_STATE_RUNNING)};
    }
    if (r->phase == GUEST_PHASE_EXITED && r->has_exit_code) {
        snprintf(code, 8, "%d", r->exit_code);
        out[n++] =
            (struct guest_status_field){DOMAIN_STATUS_KEY_EXIT_CODE, code};
        out[n++] = (struct guest_status_field){DOMAIN_STATUS_KEY_FINISHED, now};
    }
    if (r->phase == GUEST_PHASE_FAILED) {
        out[n++] = (struct guest_status_field){
            DOMAIN_STATUS_KEY_ERROR, r->error[0] ? r->error : "loader failed"};
        out[n++] = (struct guest_status_field){DOMAIN_STATUS_KEY_FINISHED, now};
    }
    return n;
}
