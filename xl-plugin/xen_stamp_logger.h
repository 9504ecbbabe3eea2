/*
 * xen_stamp_logger.h: a xentoollog logger for `-vv` whose lines are progress
 * stamps (common/log.h): libxl's and libxenctrl's debug messages then say
 * when, in ms from the command's first stamp, each step of a domain's build
 * happened, beside create's own phases (issue 17: where create's time goes
 * as domains are added).
 */
#ifndef XL_OCI_XL_PLUGIN_XEN_STAMP_LOGGER_H
#define XL_OCI_XL_PLUGIN_XEN_STAMP_LOGGER_H

#include <xentoollog.h>

/* A logger passing messages at `min` and above to xo_stamp() as
 * "libxl: T ms: LEVEL: CONTEXT: MESSAGE[: strerror]"; free it with
 * xtl_logger_destroy().  Aborts when out of memory (common/alloc.h). */
xentoollog_logger *xen_stamp_logger_new(xentoollog_level min);

#endif
