/*
 * runc_network.c: the network of an xl-oci-runc container whose spec has a
 * network namespace (runc.h: late_network), done by `start`.
 *
 * containerd's `ctr run --cni` runs CNI in the container's namespace
 * between create and start (the placeholder's, /proc/PID/ns/net); CRI
 * gives a pod's namespace by path, filled before create.  Either way the
 * namespace's interface is known here: its address goes to the guest as
 * the boot spec's late network (common/abi/boot_spec.h, v4), written into
 * the domain's xenstore home before the domain is unpaused, and the
 * guest's vif is joined to that interface (netback/netns.h).  A namespace
 * with nothing but lo gives the guest no interface, as runc's container
 * would have none.
 */
#include "runc_network.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/abi/boot_spec.h"
#include "common/pathfmt.h"
#include "domcfg/domcfg.h"

/* Writes the late network blob of `n` vifs into the domain's home. */
static int write_late_network(struct xo_xs *xs, uint32_t domid,
                              const struct dc_vif *vifs, size_t n, xo_err *err)
{
    void *blob = NULL;
    size_t len = 0;
    char path[96];
    if (domcfg_late_network(&blob, &len, vifs, n, err) < 0 ||
        xo_path_fmt(path, sizeof(path), err,
                    "/local/domain/%u/" BOOT_SPEC_LATE_NETWORK_KEY, domid) < 0) {
        free(blob);
        return -1;
    }
    /* A child of the domain's home takes its permissions: dom0 owns it,
     * the guest may read it. */
    bool ok = xo_xs_write(xs, path, blob, (unsigned)len);
    int e = errno;
    free(blob);
    if (!ok) {
        errno = e;
        return xo_err_sys(err, "cannot write xenstore %s", path);
    }
    return 0;
}

int runc_network_start(struct xen_handles *h, const struct runc_state *s,
                       uint32_t domid, xo_err *err)
{
    if (!s->late_network)
        return 0;
    return write_late_network(h->xs, domid, NULL, 0, err);
}
