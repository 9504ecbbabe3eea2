/*
 * common/oom_kill.h: how many processes the kernel's OOM killer ended, as
 * a "KEY VALUE" per line file of the kernel's gives it: /proc/vmstat
 * (the whole system, a domain's guest kernel for the loader) or a
 * cgroup's memory.events (v2) or memory.oom_control (v1), whose
 * "oom_kill" line is the count (Linux >= 4.13).
 */
#ifndef XL_OCI_COMMON_OOM_KILL_H
#define XL_OCI_COMMON_OOM_KILL_H

/* The value of the "oom_kill" line of the file at `path`, or -1 when the
 * file cannot be read (at most 64 KiB), has no such line or a malformed
 * one. */
long long xo_oom_kill_count(const char *path);

#endif
