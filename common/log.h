/*
 * log.h: diagnostics for the command layer and long-running monitors.
 * Library code reports failures through xo_err, never through the log;
 * the log is for progress and for things worth knowing that are not errors.
 */
#ifndef XL_OCI_COMMON_LOG_H
#define XL_OCI_COMMON_LOG_H

#include "error.h"

enum xo_log_level { XO_LOG_ERROR, XO_LOG_WARN, XO_LOG_INFO, XO_LOG_DEBUG };

/* Messages above `level` are dropped; default XO_LOG_WARN. */
void xo_log_set_level(enum xo_log_level level);
void xo_log_set_prefix(const char *prefix);
void xo_log(enum xo_log_level level, const char *fmt, ...) XO_PRINTF(2, 3);

/*
 * Where messages go instead of stderr: `sink` gets each message's level
 * and text (no prefix, no newline) and `opaque`; NULL restores stderr.
 * For a command whose stderr is not its user's (xl-oci-runc's is the
 * container's, its messages belong in the shim's --log file).
 */
typedef void xo_log_sink(enum xo_log_level level, const char *msg,
                         void *opaque);
void xo_log_set_sink(xo_log_sink *sink, void *opaque);

/*
 * Progress stamps for `-v`: an info line "TOPIC: T ms: STEP", T the
 * milliseconds (CLOCK_MONOTONIC) since the process's first stamp, which
 * also gives the wall clock in s since the epoch so that a benchmark can
 * add the process's start-up.  Commands stamp their steps (exec's round
 * trip, create's phases) so that a slow run says where its time went.
 * Prints nothing below -v.
 */
void xo_stamp(const char *topic, const char *fmt, ...) XO_PRINTF(2, 3);

#define xo_warn(...) xo_log(XO_LOG_WARN, __VA_ARGS__)
#define xo_info(...) xo_log(XO_LOG_INFO, __VA_ARGS__)
#define xo_debug(...) xo_log(XO_LOG_DEBUG, __VA_ARGS__)

#endif
