/*
 * nohyper_oom.c: whether the OOM killer ended a process of a NOHYPER
 * container, read from its cgroup (nohyper.h).
 */
#include <stdbool.h>

#include "common/oom_kill.h"
#include "common/pathfmt.h"
#include "nohyper.h"

bool nohyper_oom_killed(const char *root, const char *name)
{
    char cg[512], path[1024];
    if (nohyper_cgroups_path(cg, sizeof(cg), root, name, NULL) < 0)
        return false;
    if (xo_path_fmt(path, sizeof(path), NULL,
                    NOHYPER_CGROUP_FS "%s/memory.events", cg) >= 0 &&
        xo_oom_kill_count(path) > 0)
        return true;
    return xo_path_fmt(path, sizeof(path), NULL,
                       NOHYPER_CGROUP_FS "/memory%s/memory.oom_control",
                       cg) >= 0 &&
           xo_oom_kill_count(path) > 0;
}
