/* common/abi/restart_policy.c: restart policy grammar and backoff (see
 * header). */
#include "common/abi/restart_policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mode_names[] = {
    [RESTART_NO] = "no",
    [RESTART_ON_FAILURE] = "on-failure",
    [RESTART_ALWAYS] = "always",
    [RESTART_UNLESS_STOPPED] = "unless-stopped",
};

int restart_policy_parse(const char *text, struct restart_policy *p_r)
{
    const char *colon = strchr(text, ':');
    size_t n = colon ? (size_t)(colon - text) : strlen(text);
    for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
        if (strlen(mode_names[i]) != n || strncmp(mode_names[i], text, n))
            continue;
        struct restart_policy p = {.mode = (enum restart_mode)i, .max = 0};
        if (colon) {
            const char *s = colon + 1;
            char *end;
            /* Plain decimal digits only: no sign, space or leading 0. */
            if (p.mode != RESTART_ON_FAILURE || *s < '1' || *s > '9')
                return -2;
            errno = 0;
            long max = strtol(s, &end, 10);
            if (errno || *end || max > RESTART_MAX_LIMIT)
                return -2;
            p.max = max;
        }
        *p_r = p;
        return 0;
    }
    return -1;
}

void restart_policy_format(char *buf, size_t len,
                           const struct restart_policy *p)
{
    unsigned m = (unsigned)p->mode;
    const char *name =
        m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "no";
    if (p->mode == RESTART_ON_FAILURE && p->max > 0)
        /* cannot truncate: callers give RESTART_POLICY_TEXT_MAX + 1 */
        snprintf(buf, len, "%s:%ld", name, p->max);
    else
        snprintf(buf, len, "%s", name); /* cannot truncate: as above */
}

bool restart_policy_wants(const struct restart_policy *p, int exit_code,
                          long restarts)
{
    switch (p->mode) {
    case RESTART_ALWAYS:
    case RESTART_UNLESS_STOPPED:
        return true;
    case RESTART_ON_FAILURE:
        return exit_code != 0 && (p->max == 0 || restarts < p->max);
    default:
        return false;
    }
}

long long restart_backoff_ms(long streak, long long ran_ms, long *streak_r)
{
    if (streak < 0 || ran_ms >= RESTART_RESET_MS)
        streak = 0;
    long long delay = RESTART_BACKOFF_FIRST_MS;
    /* Doubling stops at the cap, so no shift can overflow. */
    for (long i = 0; i < streak && delay < RESTART_BACKOFF_MAX_MS; i++)
        delay *= 2;
    if (delay > RESTART_BACKOFF_MAX_MS)
        delay = RESTART_BACKOFF_MAX_MS;
    /* Past the cap the count no longer matters: keep it from growing. */
    *streak_r = streak < 1000 ? streak + 1 : streak;
    return delay;
}
