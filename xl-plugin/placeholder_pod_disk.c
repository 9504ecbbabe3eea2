/* placeholder_pod_disk.c: a pod member's root disk as the pod's guest sees it
 * (placeholder_pod_disk.h). */
#include "placeholder_pod_disk.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xenbus.h>

#include "common/pathfmt.h"
#include "status.h"

/* XenbusState names, for the error that says where a disk stopped. */
static const char *xenbus_state_name(long s)
{
    static const char *const names[] = {
        "Unknown", "Initialising", "InitWait",      "Initialised", "Connected",
        "Closing", "Closed",       "Reconfiguring", "Reconfigured"};
    return s >= 0 && s < (long)(sizeof(names) / sizeof(names[0])) ? names[s]
                                                                  : "invalid";
}

/* A node's value as a XenbusState; -1 when absent or not a number (the
 * frontend's nodes are the guest's to write). */
static long read_state(struct xo_xs *xs, const char *path)
{
    unsigned len = 0;
    char *v = xo_xs_read(xs, path, &len);
    char *end = NULL;
    long s = v && len > 0 && len < 4 ? strtol(v, &end, 10) : -1;
    if (!end || *end)
        s = -1;
    free(v);
    return s;
}

/* The devid of domid's disk named vdev, from dom0's backend nodes (only
 * dom0 writes them); -1 with err when there is none. */
static long find_devid(struct xo_xs *xs, uint32_t domid, const char *vdev,
                       xo_err *err)
{
    char dir[96], path[128];
    /* cannot truncate: a u32 domid is at most 10 digits */
    snprintf(dir, sizeof(dir), "/local/domain/0/backend/vbd/%u", domid);
    unsigned n = 0;
    char **ids = xo_xs_directory(xs, dir, &n);
    long devid = -1;
    for (unsigned i = 0; ids && i < n && devid < 0; i++) {
        char *end = NULL;
        long id = strtol(ids[i], &end, 10);
        if (end == ids[i] || *end || id < 0 || id > 0x7fffffff)
            continue;
        /* cannot truncate: dir's 95 bytes and at most 10 digits */
        snprintf(path, sizeof(path), "%s/%ld/dev", dir, id);
        unsigned len = 0;
        char *dev = xo_xs_read(xs, path, &len);
        if (dev && !strcmp(dev, vdev))
            devid = id;
        free(dev);
    }
    free(ids);
    if (devid < 0)
        xo_err_set(err, ENOENT, "domain %u has no disk %s", domid, vdev);
    return devid;
}

int placeholder_pod_disk_announce(struct xo_xs *xs, uint32_t domid,
                                  const char *vdev, long max_ms, xo_err *err)
{
    long devid = find_devid(xs, domid, vdev, err);
    if (devid < 0)
        return -1;
    char fe[96], node[128], state[128];
    /* cannot truncate: a u32 domid and a devid below 2^31 */
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%ld", domid, devid);
    if (xo_path_fmt(node, sizeof(node), err, "%s/virtual-device", fe) < 0 ||
        xo_path_fmt(state, sizeof(state), err, "%s/state", fe) < 0)
        return -1;
    /* The write that fires the guest's watch on its devices. */
    unsigned len = 0;
    char *v = xo_xs_read(xs, node, &len);
    bool written = v && xo_xs_write(xs, node, v, len);
    free(v);
    if (!written)
        return xo_err_sys(err, "disk %s of domain %u: %s", vdev, domid, node);
    /* Without a watch (the file store), a read every 100 ms. */
    bool watching = xo_xs_watch(xs, state, "pod-disk");
    long long end = status_monotonic_ms() + max_ms;
    long s;
    for (;;) {
        s = read_state(xs, state);
        if (s == XenbusStateConnected || s == XenbusStateClosing ||
            s == XenbusStateClosed || status_monotonic_ms() >= end)
            break;
        status_wait_event(xs, watching, end);
    }
    if (watching)
        xo_xs_unwatch(xs, state, "pod-disk");
    if (s == XenbusStateConnected)
        return 0;
    return xo_err_set(
        err,
        s == XenbusStateClosing || s == XenbusStateClosed ? EIO : ETIMEDOUT,
        "disk %s of domain %u not connected after %ld s (its frontend is %s)",
        vdev, domid, max_ms / 1000, xenbus_state_name(s));
}
