/*
 * nohyper_oom.c: whether the OOM killer ended a process of a NOHYPER
 * container, read from its cgroup (nohyper.h).
 */
#include <stdbool.h>

#include "common/oom_kill.h"
#include "nohyper.h"

bool nohyper_oom_killed(const char *root, const char *name)
{
    char cg[512];
    return nohyper_cgroups_path(cg, sizeof(cg), root, name, NULL) == 0 &&
           xo_cgroup_oom_killed(NOHYPER_CGROUP_FS, cg);
}
