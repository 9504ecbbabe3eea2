/*
 * block-loop.c: libxl's hotplug script for the loop devices xl-oci
 * attaches itself (xl-plugin/loopdev.c), installed as
 * PREFIX/lib/xl-oci/hotplug/block-loop.
 *
 * usage (by libxl): block-loop add|remove, with XENBUS_PATH set to the
 * vbd's backend directory (relative to dom0's home, as libxl gives it),
 * whose "params" is the loop device.
 *
 * "add" writes what blkback waits for: physical-device (the device's
 * major:minor in hex, as Xen's block script writes it), then
 * hotplug-status "connected"; on a fault, hotplug-error and hotplug-status
 * "error", which libxl reports.  Xen's block script does the same for a
 * phy device after a sharing check: under a global lock it lists every
 * vbd backend of every domain, one xenstore process at a time, which grows
 * with the running domains and can never find anything for these devices
 * (create took each one free from /dev/loop-control a moment earlier and
 * still holds it open).  "remove" has nothing to do, as for phy in Xen's
 * script: the device detaches itself (autoclear) once blkback lets go.
 *
 * Before "connected", "add" waits until blkback has opened the device
 * (its vbd's physical_device attribute appears in sysfs once it has):
 * blkback opens it from a xenstore watch on physical-device, in its own
 * time, and libxl returns on "connected".  Whoever attached the loop
 * device closes it then, and autoclear detaches a device nobody holds: a
 * disk whose blkback came later found an empty loop device (a pod
 * member's root read as "cannot find valid erofs superblock" in the
 * guest, one hot-add in about ten in the lab).
 *
 * A static program rather than the shell script it was: bash and three
 * xenstore-* processes took 0.3 s of every create under the lab's
 * emulation (`xl-oci -vv create`'s libxl stamps); one static process
 * speaking to xenstored itself (common/xs_lite.c) takes a fraction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "common/xs_client.h"

/* params is a device path: this much is plenty, and bounds the read. */
#define PARAMS_MAX 4096

static int write_key(struct xo_xs *xs, const char *be, const char *key,
                     const char *value)
{
    char path[PARAMS_MAX];
    if (snprintf(path, sizeof(path), "%s/%s", be, key) >= (int)sizeof(path))
        return -1;
    return xo_xs_write(xs, path, value, (unsigned)strlen(value)) ? 0 : -1;
}

/* Tells libxl why, as xen-hotplug-common.sh's fatal does. */
static int fail(struct xo_xs *xs, const char *be, const char *msg)
{
    fprintf(stderr, "block-loop: %s\n", msg);
    if (xs) {
        write_key(xs, be, "hotplug-error", msg);
        write_key(xs, be, "hotplug-status", "error");
    }
    return 1;
}

/* How long blkback may take to open the device, in ms (milliseconds,
 * under QEMU's TCG; on hardware it takes well under one). */
#define BLKBACK_OPEN_MS 10000

/*
 * The sysfs file blkback makes for backend `be` ("backend/vbd/DOMID/DEVID",
 * relative to dom0's home or absolute) once it has opened the device:
 * SYSFS/bus/xen-backend/devices/vbd-DOMID-DEVID/physical_device (Linux,
 * drivers/block/xen-blkback/xenbus.c).  SYSFS is $XL_OCI_SYSFS (tests)
 * or /sys.  -1 when `be` is not a vbd's backend path.
 */
static int opened_path(const char *be, char *buf, size_t size)
{
    const char *v = strstr(be, "backend/vbd/");
    if (!v)
        return -1;
    v += strlen("backend/vbd/");
    size_t d1 = strspn(v, "0123456789");
    if (d1 == 0 || d1 > 5 || v[d1] != '/')
        return -1;
    const char *dev = v + d1 + 1;
    size_t d2 = strspn(dev, "0123456789");
    if (d2 == 0 || d2 > 10 || dev[d2] != 0)
        return -1;
    const char *sys = getenv("XL_OCI_SYSFS");
    if (!sys || !*sys)
        sys = "/sys";
    int n = snprintf(buf, size,
                     "%s/bus/xen-backend/devices/vbd-%.*s-%s/physical_device",
                     sys, (int)d1, v, dev);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Waits for blkback to open the device (see the top of the file). */
static int wait_opened(const char *be, const char *dev, char *msg, size_t size)
{
    char path[PARAMS_MAX];
    if (opened_path(be, path, sizeof(path)) < 0) {
        /* may truncate: a message */
        snprintf(msg, size, "%s is not a vbd's backend", be);
        return -1;
    }
    struct stat st;
    for (int waited = 0; waited <= BLKBACK_OPEN_MS; waited += 5) {
        if (stat(path, &st) == 0)
            return 0;
        struct timespec t = {0, 5 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    /* may truncate: a message */
    snprintf(msg, size, "blkback did not open %s within %d s (no %s)", dev,
             BLKBACK_OPEN_MS / 1000, path);
    return -1;
}

static int add(struct xo_xs *xs, const char *be)
{
    char path[PARAMS_MAX], msg[PARAMS_MAX + 64];
    if (snprintf(path, sizeof(path), "%s/params", be) >= (int)sizeof(path))
        return fail(xs, be, "XENBUS_PATH is too long");
    unsigned len = 0;
    char *dev = xo_xs_read(xs, path, &len);
    if (!dev || len == 0 || len >= PARAMS_MAX || strlen(dev) != len) {
        free(dev);
        /* may truncate: a message */
        snprintf(msg, sizeof(msg), "cannot read %s", path);
        return fail(xs, be, msg);
    }
    struct stat st;
    if (dev[0] != '/' || stat(dev, &st) < 0 || !S_ISBLK(st.st_mode)) {
        /* may truncate: a message */
        snprintf(msg, sizeof(msg), "%s is not a block device", dev);
        free(dev);
        return fail(xs, be, msg);
    }
    char mm[32];
    /* cannot truncate: two unsigned ints in hex */
    snprintf(mm, sizeof(mm), "%x:%x", major(st.st_rdev), minor(st.st_rdev));
    /* physical-device is what blkback watches: its path first. */
    if (write_key(xs, be, "physical-device-path", dev) < 0 ||
        write_key(xs, be, "physical-device", mm) < 0) {
        free(dev);
        /* may truncate: a message */
        snprintf(msg, sizeof(msg), "cannot write %s", be);
        return fail(xs, be, msg);
    }
    int rc = wait_opened(be, dev, msg, sizeof(msg));
    free(dev);
    if (rc < 0)
        return fail(xs, be, msg);
    if (write_key(xs, be, "hotplug-status", "connected") < 0) {
        /* may truncate: a message */
        snprintf(msg, sizeof(msg), "cannot write %s", be);
        return fail(xs, be, msg);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *be = getenv("XENBUS_PATH");
    if (!be || !*be) {
        fprintf(stderr, "block-loop: XENBUS_PATH unset\n");
        return 1;
    }
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "remove") == 0)
        return 0;
    struct xo_xs *xs = xo_xs_open();
    if (!xs) {
        perror("block-loop: cannot connect to xenstored");
        return 1;
    }
    int rc;
    if (strcmp(cmd, "add") == 0) {
        rc = add(xs, be);
    } else {
        char msg[128];
        /* may truncate: a message */
        snprintf(msg, sizeof(msg), "unknown command '%.64s'", cmd);
        rc = fail(xs, be, msg);
    }
    xo_xs_close(xs);
    return rc;
}
