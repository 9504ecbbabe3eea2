/*
 * loopdev.h: loop devices for a domain's file-backed disks.
 *
 * Xen's block hotplug script can attach files itself, but it runs
 * `losetup` and a sharing check over every vbd for each disk, in bash,
 * under a global lock; that is most of a create's time and, under load,
 * can exceed libxl's hotplug timeout, after which the killed script leaves
 * its loop device behind.  So create attaches each raw file disk itself,
 * with LO_FLAGS_AUTOCLEAR, and hands libxl the loop device (phy backend).
 * The loop device then lives exactly as long as its users: create holds it
 * open until libxl has created the domain (blkback has opened it), and it
 * detaches by itself when the domain is destroyed, or at once if the
 * create failed.  Nothing needs cleaning up later, by anyone.
 *
 * Those devices also get their own hotplug script, hotplug/block-loop:
 * Xen's block script, even for a phy device, walks every vbd of every
 * domain for its sharing check (one xenstore process per step), which
 * makes each create slower the more domains run, and cannot match a
 * device create has just taken free and still holds.
 */
#ifndef XL_OCI_XL_PLUGIN_LOOPDEV_H
#define XL_OCI_XL_PLUGIN_LOOPDEV_H

#include <libxl.h>

#include "common/error.h"

struct loop_holds {
    int fds[32]; /* open loop devices, closed by loopdev_holds_release */
    int n;
};

/*
 * For every raw, file-backed disk of `d`: attaches a loop device (read-only
 * when the disk is) and rewrites the disk to use it through the phy
 * backend, with cmd_block_script() as its hotplug script when there is one.
 * On failure everything attached so far is released.
 */
int loopdev_attach_disks(libxl_domain_config *d, struct loop_holds *h,
                         int wait_ms, xo_err *err);

/* How long an attach waits for an image's earlier device to detach, in
 * ms: a create (another container's disk should be refused soon), and a
 * restart of the same domain (its old vbds' devices are being let go). */
#define LOOPDEV_WAIT_CREATE_MS 3000
#define LOOPDEV_WAIT_RESTART_MS 30000

/* Attaches `file` to a free loop device with autoclear (read-only when
 * asked); returns the open loop fd (the device lives while it, or a
 * mount of it, does) with its path in dev[devlen], or -1 with err.
 * Refused (EBUSY, naming the device) while a loop device has the same
 * file (device and inode) attached and sharing it would break Xen's
 * block-script rule: read-write is never shared, read-only only with
 * read-only; a device still detaching is waited for, wait_ms at most. */
int loopdev_attach(const char *file, bool read_only, char *dev, size_t devlen,
                   int wait_ms, xo_err *err);

/* Closes the held devices; autoclear detaches those no domain opened. */
void loopdev_holds_release(struct loop_holds *h);

#endif
