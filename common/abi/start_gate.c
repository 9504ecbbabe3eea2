/* common/abi/start_gate.c: the start gate's values (see header). */
#include "common/abi/start_gate.h"

#include <string.h>

static const char *const gate_names[] = {
    [START_GATE_CLOSED] = "closed",
    [START_GATE_OPEN] = "open",
};

const char *start_gate_to_string(enum start_gate g)
{
    if ((unsigned)g >= sizeof(gate_names) / sizeof(gate_names[0]))
        return NULL;
    return gate_names[g];
}

int start_gate_from_string(const char *value, size_t len, enum start_gate *g_r)
{
    if (!value || len > START_GATE_VALUE_MAX)
        return -1;
    for (size_t i = 0; i < sizeof(gate_names) / sizeof(gate_names[0]); i++)
        if (strlen(gate_names[i]) == len &&
            memcmp(gate_names[i], value, len) == 0) {
            *g_r = (enum start_gate)i;
            return 0;
        }
    return -1;
}
