/*
 * spec_mounts.h: an OCI runtime spec's "mounts" (runtime_spec.h) as a
 * domain's volumes, for xl-oci-runc.  runc mounts them in the container's
 * mount namespace; a domain has its own kernel, so:
 *   - the kernel file systems the loader mounts itself (PROVIDED: proc,
 *     sysfs, devpts, mqueue, cgroup, tmpfs at /dev and /dev/shm) are left
 *     to it;
 *   - a tmpfs elsewhere becomes a tmpfs volume (its size= option kept);
 *   - a bind mount becomes a BIND volume: its source (a file or a
 *     directory) is copied into one ext4 image at create (runc_binds.h)
 *     and the loader binds that copy on the destination, read-only when
 *     the spec says "ro" (docs/decisions.md, "Bind mounts of a runtime
 *     spec are copied into the domain": writes stay in the domain, and
 *     later changes on the host are not seen);
 *   - a bind the annotation DOMCFG_SHARED_MOUNTS_ANNOTATION names (or
 *     every bind of a directory, with "*") becomes a SHARE volume
 *     instead: the directory is shared live through Xen 9pfs, served by
 *     QEMU in dom0 (boot spec v7 mount/share), so writes on either side
 *     are seen on the other at once, as under runc;
 *   - any other type is refused, naming the mount.
 */
#ifndef XL_OCI_DOMCFG_SPEC_MOUNTS_H
#define XL_OCI_DOMCFG_SPEC_MOUNTS_H

#include "common/error.h"
#include "domcfg/domain_config.h"
#include "domcfg/runtime_spec.h"

/* The runtime spec annotation that asks for live shares: "*" (every bind
 * whose source is a directory) or destinations separated by ','. */
#define DOMCFG_SHARED_MOUNTS_ANNOTATION "org.xl-oci.shared-mounts"

/*
 * Appends rs's mounts to dc->volumes in the spec's order.  A relative
 * bind source is taken relative to `bundle` (as runc does).  BIND volumes
 * get subpaths "0", "1", ... and the next free xvd as dc->binds_vdev;
 * dc->binds_image stays NULL for the command layer to make.  Errors
 * (EINVAL, E2BIG) start with `where` and name mounts[N]: a type the
 * domain cannot mount, a destination under /proc or /sys or with ',' or
 * ':', a tmpfs size= it cannot take, more than DC_MAX_VOLUMES volumes.
 * A bind of /dev/shm is left to the loader's own tmpfs (CRI's pod-wide
 * /dev/shm cannot be shared between domains).  Shares: the annotation
 * naming a destination no bind mount has, or a bind it names whose
 * source is not a directory (resolved with realpath; "/" is refused),
 * is EINVAL naming the annotation or mounts[N].
 */
int domcfg_spec_mounts(struct domain_config *dc, const struct runtime_spec *rs,
                       const char *bundle, const char *where, xo_err *err);

/* EINVAL when dc has BIND volumes and neither a binds_image nor
 * binds_inline copies: the renderers' check, as domcfg_volumes_check_attached() for managed volumes. */
int domcfg_binds_check_made(const struct domain_config *dc, xo_err *err);

#endif
