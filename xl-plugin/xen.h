/*
 * xen.h: opening libxl and xenstore, for the commands that touch domains
 * (and only them: everything else must work where no Xen runs).
 */
#ifndef XL_OCI_XL_PLUGIN_XEN_H
#define XL_OCI_XL_PLUGIN_XEN_H

#include <libxl.h>
#include <stdbool.h>

#include "common/error.h"
#include "common/xs_client.h"

struct domain_status; /* status.h */

struct xen_handles {
    libxl_ctx *ctx;
    xentoollog_logger *logger;
    struct xo_xs *xs;
};

/* True when this host is Xen's dom0 (privcmd is there, and the kernel
 * is not another domain: XENFEAT_dom0 in /sys/hypervisor, else xenfs's
 * capabilities), or where a test points XENSTORED_PATH; XL_OCI_NO_XEN=1
 * says no, for tests.  Without Xen (a Xen guest included), containers
 * run NOHYPER and DomainStatus lives in <root>/status. */
bool xen_host_present(void);

/* Opens both; on failure says that Xen is not running here. */
int xen_open(struct xen_handles *h, xo_err *err);
/* Opens xenstore only (list, status, logs: no libxl needed); on a host
 * without Xen, the file store under the state root (common/xs_dir.h). */
int xen_open_xs(struct xen_handles *h, xo_err *err);
void xen_close(struct xen_handles *h);

/*
 * A domain's maxmem in KiB: libxl's memory/static-max in xenstore, what
 * a memory target may rise to (libxl_set_memory_target's bound).  Not
 * libxl_dominfo's max_memkb: that is Xen's current page limit, which
 * libxl keeps at the target plus 1 MiB of slack and raises with it.
 * `fallback_kb` (that max_memkb) when the node is missing or malformed.
 */
uint64_t xen_domain_maxmem_kb(struct xen_handles *h, uint32_t domid,
                              uint64_t fallback_kb);

/*
 * The domid of container `name`'s domain, known by the UUID DomainStatus
 * records (st, may be NULL), which a restart keeps (create saves it in
 * the domain's config): DomainStatus's domid when that domain carries the
 * UUID (one hypercall, so a reused domid is never taken for ours), else
 * the domain bearing the container's name if it carries the UUID (a
 * restart that died before publishing its new domid).  A domain that only
 * shares the name (an `xl create` of it once the container's domain was
 * gone) is never the container's (helper-69: destroy destroyed it).  With
 * no UUID recorded yet (a half-created container), the name alone.  0
 * with *domid_r, -1 when none is found.
 */
int xen_container_domid(struct xen_handles *h, const char *name,
                        const struct domain_status *st, uint32_t *domid_r);

/* Whether domain `domid` exists and carries `uuid` (text, as DomainStatus
 * keeps it). */
bool xen_domain_has_uuid(struct xen_handles *h, uint32_t domid,
                         const char *uuid);

/* Writes a re-created domain's domid and UUID into NAME's DomainStatus
 * (the monitor tells its domain from a reused domid by the UUID); an
 * unreadable UUID is written empty.  -1 with `err` set when a write fails. */
int xen_publish_domain(struct xen_handles *h, const char *name, uint32_t domid,
                       xo_err *err);

#endif
