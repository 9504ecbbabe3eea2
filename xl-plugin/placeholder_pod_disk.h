/*
 * placeholder_pod_disk.h: a pod member's root disk as the pod's guest sees it.
 *
 * A member's root is hot-added to its pod's domain at create
 * (runc_pod_attach.c), which on a loaded host can fall while the pod's
 * guest boots.  Linux lists the devices it finds in xenstore first and
 * sets its watch for new ones after (6.1, drivers/xen/xenbus/
 * xenbus_probe_frontend.c, frontend_probe_and_watch()): a disk written
 * between the two is never probed, and the member's session then waits
 * in vain for its /dev/xvdN.  So once the pod runs (its guest's watch set
 * long before), dom0 writes one node of the disk's frontend again with
 * its own value, which fires that watch (a disk the guest already has is
 * left as it is), and waits for the frontend to be Connected before the
 * session asks the guest to mount it.
 */
#ifndef XL_OCI_XL_PLUGIN_PLACEHOLDER_POD_DISK_H
#define XL_OCI_XL_PLUGIN_PLACEHOLDER_POD_DISK_H

#include <stdint.h>

#include "common/error.h"
#include "common/xs_client.h"

/* Finds domid's disk `vdev` ("xvdb") through its backend's "dev" node
 * (/local/domain/0/backend/vbd/DOMID/DEVID), rewrites the frontend's
 * virtual-device, then waits up to max_ms for the frontend's state to be
 * XenbusStateConnected (xen/io/xenbus.h).  0; -1 with err naming the
 * disk and, after the wait, the state it was left in (ENOENT: no such
 * disk; ETIMEDOUT; EIO: the frontend is closing). */
int placeholder_pod_disk_announce(struct xo_xs *xs, uint32_t domid,
                                  const char *vdev, long max_ms, xo_err *err);

#endif
