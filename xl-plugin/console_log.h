/*
 * console_log.h: a container's console log, <logdir>/NAME.log, which
 * `xl-oci logs` and `console` follow: appended to by one writer (the Xen
 * monitor for a domain, the output copier for a NOHYPER container) and
 * rotated to NAME.log.1 (replacing an older one) so that neither is ever
 * larger than the cap, $XL_OCI_LOG_MAX bytes.
 */
#ifndef XL_OCI_XL_PLUGIN_CONSOLE_LOG_H
#define XL_OCI_XL_PLUGIN_CONSOLE_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define CONSOLE_LOG_DEFAULT_MAX (1024 * 1024)
/* A smaller cap would rotate on every console line or two. */
#define CONSOLE_LOG_MIN_MAX 4096

struct console_log {
    const char *name; /* the container's */
    int fd;           /* -1 when not open */
    size_t size, max; /* bytes in the file; the cap */
    /* Output that could not be written (a full disk) since the last
     * write that worked, with the first error: said on the monitor's
     * stderr when it begins, and in the log, on a line of its own, once
     * it can be written again. */
    unsigned long long lost;
    int lost_errno;
    bool ends_line; /* the last byte written to the file was a newline */
};

/* Past it a cap is this (1 TiB). */
#define CONSOLE_LOG_MAX_MAX (1ULL << 40)

/*
 * The cap in bytes from $XL_OCI_LOG_MAX, into *max_r: bytes, or a number
 * with K, M, G or T (binary; "10M", "10m", "10MiB" alike).  Unset or empty
 * gives CONSOLE_LOG_DEFAULT_MAX, a value under CONSOLE_LOG_MIN_MAX the
 * minimum, over CONSOLE_LOG_MAX_MAX that.  -1 with err quoting the value
 * when it is no size; *max_r is then the default.
 */
int console_log_max(size_t *max_r, xo_err *err);

/* Opens (creates, 0640, in a log dir made when missing) NAME.log for
 * appending; l->name and l->max set by the caller.  -1 with err naming
 * the file. */
int console_log_open(struct console_log *l, xo_err *err);

/* Appends `len` bytes, rotating where they would pass the cap: at the
 * last newline that fits (a line longer than the cap is cut at the cap).
 * A failed write or reopen loses those bytes only: the container's
 * output must not stop for its log, and a log not open (its open or a
 * reopen failed) is opened again first. */
void console_log_write(struct console_log *l, const void *buf, size_t len);

void console_log_close(struct console_log *l);

#endif
