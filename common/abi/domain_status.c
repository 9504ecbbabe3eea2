/* common/abi/domain_status.c: DomainStatus state names (see header). */
#include "common/abi/domain_status.h"

#include <stddef.h>
#include <string.h>

static const char *const state_names[] = {
    [DOMAIN_STATE_CREATING] = "creating",
    [DOMAIN_STATE_BOOTING] = "booting",
    [DOMAIN_STATE_RUNNING] = "running",
    [DOMAIN_STATE_PAUSED] = "paused",
    [DOMAIN_STATE_HALTING] = "halting",
    [DOMAIN_STATE_HALTED] = "halted",
    [DOMAIN_STATE_BROKEN] = "broken",
    [DOMAIN_STATE_RESTARTING] = "restarting",
};

const char *domain_state_to_string(enum domain_state s)
{
    if ((unsigned)s >= sizeof(state_names) / sizeof(state_names[0]) ||
        !state_names[s])
        return "unknown";
    return state_names[s];
}

int domain_state_from_string(const char *str, enum domain_state *s_r)
{
    for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
        if (state_names[i] && strcmp(state_names[i], str) == 0) {
            *s_r = (enum domain_state)i;
            return 0;
        }
    return -1;
}

bool domain_state_is_final(enum domain_state s)
{
    return s == DOMAIN_STATE_HALTED || s == DOMAIN_STATE_BROKEN;
}
