/*
 * share_views.h: read-only shares enforced in dom0.  QEMU, the 9pfs
 * server of a share (domcfg/volumes.h, boot spec v7 mount/share), runs as
 * root and its Xen backend reads no read-only flag, so a share the config
 * marks ":ro" (or a runtime spec's "ro" bind) would be read-only only by
 * the guest kernel's say.  Instead QEMU is given a view of the directory:
 * a bind mount of it, read-only, nosuid and nodev recursively, at
 *   ROOT/share-views/CONTAINER/INDEX
 * (INDEX: the volume's index), made at create and removed at destroy.  A
 * write through QEMU then fails in dom0's kernel, whatever the guest does.
 * Views live outside the container's state directory so that nothing
 * that removes that directory recursively can reach through one.
 */
#ifndef XL_OCI_XL_PLUGIN_SHARE_VIEWS_H
#define XL_OCI_XL_PLUGIN_SHARE_VIEWS_H

#include "common/error.h"

struct domain_config;

/*
 * For each read-only SHARE volume of dc (its source already canonical, a
 * directory), makes its view under `root` and points the volume's source
 * at it.  On failure views made so far are removed and err names the
 * share.  Needs CAP_SYS_ADMIN in dom0's mount namespace (create runs as
 * root there; QEMU, started by libxl from this process, sees the view).
 */
int share_views_make(struct domain_config *dc, const char *root, xo_err *err);

/*
 * Unmounts and removes every view of `container` (destroy, a failed
 * create), never descending into a mounted view: a view is detached
 * (MNT_DETACH, QEMU may be exiting) and its now empty mount point
 * removed.  Having none is success.  EBUSY-like errors name the view.
 */
int share_views_release(const char *root, const char *container, xo_err *err);

#endif
