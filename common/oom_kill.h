/*
 * common/oom_kill.h: how many processes the kernel's OOM killer ended, as
 * a "KEY VALUE" per line file of the kernel's gives it: /proc/vmstat
 * (the whole system, a domain's guest kernel for the loader) or a
 * cgroup's memory.events (v2) or memory.oom_control (v1), whose
 * "oom_kill" line is the count (Linux >= 4.13).
 */
#ifndef XL_OCI_COMMON_OOM_KILL_H
#define XL_OCI_COMMON_OOM_KILL_H

#include <stdbool.h>

/* The value of the "oom_kill" line of the file at `path`, or -1 when the
 * file cannot be read (at most 64 KiB), has no such line or a malformed
 * one. */
long long xo_oom_kill_count(const char *path);

/* Whether the OOM killer ended a process in cgroup `cgroup` (a path
 * below the hierarchy's root, "/a/b") of the hierarchies mounted at
 * `cgroup_fs` ("/sys/fs/cgroup"): the oom_kill count of cgroup v2's
 * `cgroup_fs`/`cgroup`/memory.events, or of v1's
 * `cgroup_fs`/memory/`cgroup`/memory.oom_control, is above 0.  False
 * when neither can be read or the path does not fit PATH_MAX. */
bool xo_cgroup_oom_killed(const char *cgroup_fs, const char *cgroup);

#endif
