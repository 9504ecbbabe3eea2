/*
 * stats_collect.h: one sample of a container's figures for `xl-oci
 * stats` (stats.h), from where each lives:
 *   Xen domain   CPU time, current and maximum memory: libxl_domain_info;
 *                block I/O: blkback's counters of each of its vbds,
 *                /sys/bus/xen-backend/devices/vbd-DOMID-DEV/statistics/
 *                {rd,wr}_sect (512-byte sectors; a qcow2 disk QEMU serves
 *                has none and is not counted); network I/O: netback's
 *                vif counters, /sys/class/net/vifDOMID.N/statistics/
 *                {rx,tx}_bytes, turned round (what the vif receives the
 *                container sent); memory the guest uses: not reported.
 *   NOHYPER      `runc events --stats` (cgroup v1 or v2: CPU time,
 *                memory, block I/O) and /proc/PID/net/dev (its network
 *                namespace's interfaces but lo).
 */
#ifndef XL_OCI_XL_PLUGIN_STATS_COLLECT_H
#define XL_OCI_XL_PLUGIN_STATS_COLLECT_H

#include "common/error.h"
#include "stats.h"
#include "xen.h"

/* Fills *s (stats_sample_init'ed from `st`) with what can be read now;
 * the figures of a container that is not running stay unknown.  `h` has
 * libxl open for a Xen container.  -1 with err only for a source that
 * exists and cannot be read as it must. */
int stats_collect(struct xen_handles *h, const struct domain_status *st,
                  struct stats_sample *s, xo_err *err);

#endif
