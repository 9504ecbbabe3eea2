/*
 * common/abi/guest_meminfo.h: the guest's memory figures in xenstore,
 * written by the loader's init (loader/xen-tools/run.c) and read by
 * `xl-oci stats` (xl-plugin/stats_collect.c).  One definition for both
 * sides.
 *
 * Xen knows a domain's memory (what it was given) but not how much of it
 * the guest uses.  The keys are those XenServer's guest agent
 * (xe-guest-utilities) writes, relative to /local/domain/<domid>/, in
 * KiB, plain decimal:
 *   data/meminfo_total   MemTotal of the guest's /proc/meminfo
 *   data/meminfo_free    MemAvailable (what the guest could use without
 *                        swapping; the page cache it can drop counts as
 *                        free, as `docker stats` leaves inactive file
 *                        pages out of "used")
 * They are outside the guest report's directory (guest_report.h) so that
 * updates do not wake the monitor, which watches that directory.  The
 * guest writes them once the entrypoint runs, then every
 * GUEST_MEMINFO_PERIOD_MS when either moved by GUEST_MEMINFO_STEP_KB or
 * more.  The guest is untrusted: dom0 takes only plain decimal of at most
 * GUEST_MEMINFO_DIGITS digits with free <= total, and shows the result as
 * the guest's claim, never uses it to decide anything.
 *
 * Plain C, no includes of ours: host and guest code include it alike.
 */
#ifndef XL_OCI_COMMON_ABI_GUEST_MEMINFO_H
#define XL_OCI_COMMON_ABI_GUEST_MEMINFO_H

#include <stddef.h>

#define GUEST_MEMINFO_KEY_TOTAL "data/meminfo_total"
#define GUEST_MEMINFO_KEY_FREE "data/meminfo_free"
#define GUEST_MEMINFO_PERIOD_MS 5000
#define GUEST_MEMINFO_STEP_KB 1024
/* 12 digits of KiB: up to 931 TiB, more than a domain can have. */
#define GUEST_MEMINFO_DIGITS 12

/*
 * Guest side: MemTotal and MemAvailable, in KiB, from `text` (len bytes,
 * NUL not needed), the form of proc(5)'s /proc/meminfo ("Key:  N kB"
 * lines).  0 with both set; -1 when either is missing or not a number.
 */
int guest_meminfo_parse(const char *text, size_t len,
                        unsigned long long *total_kb,
                        unsigned long long *avail_kb);

/*
 * dom0 side: the used KiB (total - free) from the two keys' values as
 * read (len bytes each, no NUL needed).  0 with *used_kb set; -1 unless
 * both are plain decimal of 1..GUEST_MEMINFO_DIGITS digits and free <=
 * total.
 */
int guest_meminfo_used(const char *total, size_t total_len, const char *free,
                       size_t free_len, unsigned long long *used_kb);

#endif
