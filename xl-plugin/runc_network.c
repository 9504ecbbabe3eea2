/*
 * runc_network.c: the network of an xl-oci-runc container whose spec has a
 * network namespace (runc.h: late_network), done by `start`.
 *
 * containerd's `ctr run --cni` runs CNI in the container's namespace
 * between create and start (the placeholder's, /proc/PID/ns/net); CRI
 * gives a pod's namespace by path, filled before create.  Either way the
 * namespace's interface is known here: its address goes to the guest as
 * the boot spec's late network (common/abi/boot_spec.h, v4), written into
 * the domain's xenstore home before the start gate opens, and the
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
#include "common/alloc.h"
#include "common/pathfmt.h"
#include "domcfg/domcfg.h"
#include "netback/addr.h"
#include "netback/netns.h"
#include "xl_oci.h"
#include "common/xenlight_lib.h"

/* Writes the late network blob of `n` vifs into the domain's home. */
static int write_late_network(struct xo_xs *xs, uint32_t domid,
                              const struct dc_vif *vifs, size_t n, xo_err *err)
{
    void *blob = NULL;
    size_t len = 0;
    char path[96];
    if (domcfg_late_network(&blob, &len, vifs, n, err) < 0 ||
        xo_path_fmt(path, sizeof(path), err,
                    "/local/domain/%u/" BOOT_SPEC_LATE_NETWORK_KEY,
                    domid) < 0) {
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

/* A vif of the domain (paused, or waiting at its start gate) with the
 * interface's MAC, left to us by
 * vif-xl-oci (an empty bridge); its backend device name into dev. */
static int add_vif(struct xen_handles *h, uint32_t domid,
                   const struct nb_netns_iface *ifc, libxl_device_nic *nic,
                   char dev[IFNAMSIZ], xo_err *err)
{
    const char *script = cmd_vif_script(err);
    if (!script)
        return -1;
    memcpy(nic->mac, ifc->mac, sizeof(nic->mac));
    nic->nictype = LIBXL_NIC_TYPE_VIF;
    nic->bridge = xo_xstrdup("");
    nic->script = xo_xstrdup(script);
    if (xo_xl.device_nic_add(h->ctx, domid, nic, NULL) != 0)
        return xo_err_set(err, EIO,
                          "libxl could not add a vif to domain %u for %s",
                          domid, ifc->name);
    return xo_path_fmt(dev, IFNAMSIZ, err, "vif%u.%d", domid, nic->devid);
}

int runc_network_start(struct xen_handles *h, const struct runc_state *s,
                       uint32_t domid, xo_err *err)
{
    if (!s->late_network)
        return 0;
    char ns[4096];
    if (s->netns[0]
            ? xo_path_fmt(ns, sizeof(ns), err, "%s", s->netns) < 0
            : xo_path_fmt(ns, sizeof(ns), err, "/proc/%ld/ns/net", s->pid) < 0)
        return -1;
    struct nb_netns_iface ifc;
    int found = nb_netns_read(ns, &ifc, err);
    if (found < 0)
        return xo_err_wrap(err, "container %s", s->id);
    if (!found)
        return write_late_network(h->xs, domid, NULL, 0, err);

    libxl_device_nic nic;
    xo_xl.device_nic_init(&nic);
    char dev[IFNAMSIZ];
    struct dc_vif v;
    memset(&v, 0, sizeof(v));
    nb_format_mac(v.mac, ifc.mac);
    v.ip = ifc.ipv4[0] ? ifc.ipv4 : NULL;
    v.gateway = ifc.gateway4[0] ? ifc.gateway4 : NULL;
    v.ip6 = ifc.ipv6[0] ? ifc.ipv6 : NULL;
    v.gateway6 = ifc.gateway6[0] ? ifc.gateway6 : NULL;
    v.mtu = ifc.mtu;
    int rc = -1;
    if (add_vif(h, domid, &ifc, &nic, dev, err) < 0)
        goto out;
    if (nb_netns_splice(ns, dev, &ifc, err) < 0 ||
        write_late_network(h->xs, domid, &v, 1, err) < 0) {
        xo_xl.device_nic_remove(h->ctx, domid, &nic, NULL);
        goto out;
    }
    rc = 0;
out:
    xo_xl.device_nic_dispose(&nic);
    return rc;
}
