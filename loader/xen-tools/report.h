/*
 * report.h: how the init tells the host what happened.
 *
 * In a domain, keys go to data/xl-oci/ under the domain's own xenstore
 * home (/local/domain/<domid>/data/xl-oci/), written over the xenbus device
 * with the statically linked libxenstore.  In the host test mode they go to
 * files of the same names in a directory given on the command line.  Either
 * way every report is also a one-line marker on the console, which is the
 * only channel left when xenstore is unreachable.
 */
#ifndef XL_OCI_LOADER_REPORT_H
#define XL_OCI_LOADER_REPORT_H

#include <stddef.h>

#include "common/abi/guest_report.h"
#include "common/error.h"

/*
 * Opens the channel: `dir` non-NULL selects the host test mode.  Must be
 * called before the root is switched (the handle is kept as an fd).  A
 * failure to reach xenstore is not fatal: reports then go to the console.
 */
void report_open(const char *dir);

/* Prints "xl-oci-loader: MESSAGE" on the console. */
void report_marker(const char *fmt, ...) XO_PRINTF(1, 2);

/* The init wrote buf[len] of the container's output to the console: a
 * marker after a partial line starts on a new one. */
void report_console_wrote(const void *buf, size_t len);

void report_phase(enum guest_phase phase);
void report_exit_code(int code);
/* oom-killed "1" (common/abi/guest_report.h), and a marker line; before
 * the exited phase. */
void report_oom_killed(void);

/* Writes net/<index>/{mac,ipv4,ipv6} (common/abi/guest_report.h); the
 * lists are space-separated "ADDR/PREFIX" entries. */
void report_net(size_t index, const char *mac, const char *ipv4,
                const char *ipv6);

/*
 * Writes error (cut to GUEST_REPORT_VALUE_MAX bytes, which dom0 always
 * accepts), then phase=failed, and prints the failure marker.
 */
void report_failure(const char *msg);

/*
 * Writes the guest's memory figures, KiB (common/abi/guest_meminfo.h):
 * data/meminfo_total and data/meminfo_free in a domain, files
 * meminfo_total and meminfo_free in the host test mode.  Quiet: a failure
 * is said once on the console, as the figures come every few seconds.
 */
void report_meminfo(unsigned long long total_kb, unsigned long long free_kb);

#endif
