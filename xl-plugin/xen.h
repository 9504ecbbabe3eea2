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
 * The domid of container `name`'s domain: DomainStatus's domid (st, may
 * be NULL) when the domain of that domid carries DomainStatus's UUID (one
 * hypercall, so a reused domid is never taken for ours), else libxl's
 * lookup by name, which reads every domain's name from xenstore (what a
 * destroy paid per domain running).  The name is kept for a half-created
 * container whose status has no domid yet and for a status whose domid no
 * longer holds its UUID (a restart that died before publishing the new
 * domain): there, as before, the domain bearing the container's name is
 * taken for it.  0 with *domid_r, -1 when neither finds a domain.
 */
int xen_container_domid(struct xen_handles *h, const char *name,
                        const struct domain_status *st, uint32_t *domid_r);

/* Writes a re-created domain's domid and UUID into NAME's DomainStatus
 * (the monitor tells its domain from a reused domid by the UUID); an
 * unreadable UUID is written empty.  -1 with `err` set when a write fails. */
int xen_publish_domain(struct xen_handles *h, const char *name, uint32_t domid,
                       xo_err *err);

#endif
