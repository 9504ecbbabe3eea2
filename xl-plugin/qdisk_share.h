/*
 * qdisk_share.h: Xen's block-script sharing rule for the disks QEMU
 * serves (qcow2 files: libxl's qdisk backend), which no loop device
 * stands for (loopdev.h applies the rule to those).
 *
 * QEMU in Xen 4.17 takes no image lock a second domain's QEMU would meet:
 * the lab (45 writable-qcow2-not-shared) ran two domains on one qcow2
 * writable layer, and the first was left broken.  The rule is read from
 * what xenstore says every qdisk backend of every domain serves, as
 * Xen's block script reads every vbd's, so domains xl-oci did not make
 * count too.
 */
#ifndef XL_OCI_XL_PLUGIN_QDISK_SHARE_H
#define XL_OCI_XL_PLUGIN_QDISK_SHARE_H

#include <libxl.h>

#include "common/error.h"
#include "common/xs_client.h"

/*
 * For every disk of `d` QEMU would serve (format qcow2, or the qdisk
 * backend): EBUSY, naming the file and the domain, when a qdisk backend
 * of a running domain serves the same file (device and inode) and either
 * side writes to it.  `xs` is dom0's xenstore.  Backends whose params are
 * malformed, or whose file cannot be stat'ed, do not count.
 */
int xen_qdisk_check_sharing(struct xo_xs *xs, const libxl_domain_config *d,
                            xo_err *err);

#endif
