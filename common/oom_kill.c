/*
 * common/oom_kill.c: the "oom_kill" line of a kernel's counter file
 * (oom_kill.h).
 */
#include "common/oom_kill.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/fileio.h"
#include "common/pathfmt.h"

/* /proc/vmstat is about 5 KB on Linux 6.1; a bound, not an expectation. */
#define COUNTER_FILE_MAX (64 * 1024)
#define OOM_KILL_KEY "oom_kill "

long long xo_oom_kill_count(const char *path)
{
    char *text = NULL;
    xo_err err = XO_ERR_INIT;
    long long n = -1;
    if (xo_read_file(&text, NULL, path, COUNTER_FILE_MAX, &err) == 0) {
        const size_t klen = strlen(OOM_KILL_KEY);
        for (const char *line = text; line && *line;) {
            if (strncmp(line, OOM_KILL_KEY, klen) == 0) {
                char *end;
                long long v = strtoll(line + klen, &end, 10);
                if (end != line + klen && (*end == '\n' || *end == '\0') &&
                    v >= 0)
                    n = v;
                break;
            }
            line = strchr(line, '\n');
            if (line)
                line++;
        }
    }
    xo_err_clear(&err);
    free(text);
    return n;
}

bool xo_cgroup_oom_killed(const char *cgroup_fs, const char *cgroup)
{
    char path[PATH_MAX];
    if (xo_path_fmt(path, sizeof(path), NULL, "%s%s/memory.events", cgroup_fs,
                    cgroup) >= 0 &&
        xo_oom_kill_count(path) > 0)
        return true;
    return xo_path_fmt(path, sizeof(path), NULL,
                       "%s/memory%s/memory.oom_control", cgroup_fs,
                       cgroup) >= 0 &&
           xo_oom_kill_count(path) > 0;
}
