/* common/abi/event_journal.c: event type names (see header). */
#include "common/abi/event_journal.h"

#include <stddef.h>
#include <string.h>

static const char *const type_names[EVENT_TYPE_COUNT] = {
    [EVENT_CREATED] = "created",     [EVENT_STARTED] = "started",
    [EVENT_EXITED] = "exited",       [EVENT_RESTARTING] = "restarting",
    [EVENT_STOPPED] = "stopped",     [EVENT_DESTROYED] = "destroyed",
    [EVENT_ANNOTATED] = "annotated", [EVENT_BROKEN] = "broken",
    [EVENT_PAUSED] = "paused",       [EVENT_UNPAUSED] = "unpaused",
    [EVENT_DEADLINE] = "deadline",   [EVENT_UPDATED] = "updated",
    [EVENT_KILLED] = "killed",       [EVENT_RESTART_FAILED] = "restart-failed",
};

const char *event_type_to_string(enum event_type t)
{
    if ((unsigned)t >= EVENT_TYPE_COUNT)
        return NULL;
    return type_names[t];
}

int event_type_from_string(const char *str, enum event_type *t_r)
{
    for (size_t i = 0; i < EVENT_TYPE_COUNT; i++)
        if (type_names[i] && strcmp(type_names[i], str) == 0) {
            *t_r = (enum event_type)i;
            return 0;
        }
    return -1;
}
