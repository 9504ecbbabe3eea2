/*
 * vif-xl-oci: libxl's hotplug script for a vif on an xl-oci network,
 * installed as PREFIX/lib/xl-oci/hotplug/vif-xl-oci (a small program, not
 * a shell script: it runs on every create and destroy, and a script that
 * forks a process per step would be the slow part of a create).
 *
 * usage (by libxl): vif-xl-oci online|offline|add|remove [type_if=vif]
 * environment (libxl_linux.c get_hotplug_env):
 *   XENBUS_PATH  the vif's backend directory, backend/vif/DOMID/DEVID
 *   vif          the backend device, vifDOMID.DEVID
 *   XL_OCI_ROOT  xl-oci's state root (default /var/lib/xl-oci), inherited
 *                from the xl-oci command that made libxl run us
 * xenstore keys read: XENBUS_PATH/{mac,bridge,vifname}.
 *
 * online/add: the lease with that MAC on the network whose bridge that is
 * gets its anti-spoof elements, the vif (renamed to vifname if set) joins
 * the bridge with the network's MTU, and "hotplug-status" = "connected" is
 * written, as Xen's vif-bridge does.  On failure "hotplug-error" gets the
 * message and "hotplug-status" = "error" (xen-hotplug-common.sh's fatal),
 * and the exit status is 1.  An empty bridge key is a vif xl-oci-runc
 * splices into a container's network namespace itself (netback/netns.h):
 * online only says "connected" and leaves the vif down in dom0.  offline/remove: everything online added is
 * removed; nothing is written (libxl removes the backend).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "common/error.h"
#include "common/pathfmt.h"
#include "netback/netback.h"

#define PROG "vif-xl-oci"
/* xenstore paths we build from XENBUS_PATH stay well inside this. */
#define XS_PATH_MAX 256

static struct xs_handle *xs;
static const char *be;

/* XENBUS_PATH/key, malloc'd, or NULL (err set). */
static char *xs_get(const char *key, bool required, xo_err *err)
{
    char path[XS_PATH_MAX];
    unsigned len = 0;
    if (xo_path_fmt(path, sizeof(path), err, "%s/%s", be, key) < 0)
        return NULL;
    char *v = xs_read(xs, XBT_NULL, path, &len);
    if (!v && required)
        xo_err_sys(err, "cannot read %s", path);
    return v;
}

static void xs_put(const char *key, const char *val)
{
    char path[XS_PATH_MAX];
    xo_err err = XO_ERR_INIT;
    if (xo_path_fmt(path, sizeof(path), &err, "%s/%s", be, key) < 0) {
        xo_err_print(&err, PROG, stderr);
        return;
    }
    if (!xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val)))
        fprintf(stderr, PROG ": cannot write %s: %s\n", path, strerror(errno));
}

/* As xen-hotplug-common.sh's fatal: tell libxl, log, fail. */
static int fatal(xo_err *err)
{
    const char *msg = xo_err_msg(err);
    if (xs && be) {
        xs_put("hotplug-error", msg);
        xs_put("hotplug-status", "error");
    }
    fprintf(stderr, PROG ": %s\n", msg);
    xo_err_clear(err);
    return 1;
}

static const char *state_root(void)
{
    const char *r = getenv("XL_OCI_ROOT");
    return r && *r ? r : XO_STATE_ROOT;
}

static int online(const char *dev, xo_err *err)
{
    char *mac = xs_get("mac", true, err), *bridge = NULL, *vifname = NULL;
    int rc = -1;
    if (!mac || !(bridge = xs_get("bridge", true, err)))
        goto out;
    if (!*bridge) {
        xs_put("hotplug-status", "connected");
        rc = 0;
        goto out;
    }
    vifname = xs_get("vifname", false, err);
    if (vifname && *vifname && strcmp(vifname, dev) != 0) {
        xo_err_set(
            err, EINVAL,
            "vifname=%s: renaming vifs is not supported with xl-oci networks",
            vifname);
        goto out;
    }
    if (netback_vif_online(state_root(), bridge, mac, dev, NULL, err) < 0)
        goto out;
    xs_put("hotplug-status", "connected");
    rc = 0;
out:
    free(mac);
    free(bridge);
    free(vifname);
    return rc;
}

int main(int argc, char **argv)
{
    xo_err err = XO_ERR_INIT;
    const char *cmd = argc > 1 ? argv[1] : "";
    const char *dev = getenv("vif");
    be = getenv("XENBUS_PATH");
    if (!be || !*be || strlen(be) > XS_PATH_MAX - 32) {
        fprintf(stderr, PROG ": XENBUS_PATH unset or too long\n");
        return 1;
    }
    xs = xs_open(0);
    if (!xs) {
        xo_err_sys(&err, "cannot open xenstore");
        return fatal(&err);
    }
    int rc = 0;
    if (!dev || !*dev) {
        xo_err_set(&err, EINVAL, "environment variable vif unset");
        rc = fatal(&err);
    } else if (strcmp(cmd, "online") == 0 || strcmp(cmd, "add") == 0) {
        if (online(dev, &err) < 0)
            rc = fatal(&err);
    } else if (strcmp(cmd, "offline") == 0 || strcmp(cmd, "remove") == 0) {
        if (netback_vif_offline(state_root(), dev, &err) < 0) {
            fprintf(stderr, PROG ": %s\n", xo_err_msg(&err));
            xo_err_clear(&err);
            rc = 1;
        }
    } else {
        xo_err_set(&err, EINVAL, "unknown command '%s'", cmd);
        rc = fatal(&err);
    }
    xs_close(xs);
    return rc;
}
