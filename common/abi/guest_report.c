/* common/abi/guest_report.c: phase names of the guest report (see header). */
#include "common/abi/guest_report.h"

#include <stddef.h>
#include <string.h>

static const char *const phase_names[] = {
    [GUEST_PHASE_MOUNTING] = "mounting",
    [GUEST_PHASE_EXEC] = "exec",
    [GUEST_PHASE_EXITED] = "exited",
    [GUEST_PHASE_FAILED] = "failed",
};

const char *guest_phase_to_string(enum guest_phase p)
{
    if ((unsigned)p >= sizeof(phase_names) / sizeof(phase_names[0]))
        return NULL;
    return phase_names[p];
}

int guest_phase_from_string(const char *s, enum guest_phase *p_r)
{
    for (size_t i = 0; i < sizeof(phase_names) / sizeof(phase_names[0]); i++)
        if (phase_names[i] && strcmp(phase_names[i], s) == 0) {
            *p_r = (enum guest_phase)i;
            return 0;
        }
    return -1;
}
