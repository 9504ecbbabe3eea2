/*
 * share_views.h: what QEMU serves for a share.  QEMU, the 9pfs server of
 * a share (domcfg/volumes.h, boot spec v7 mount/share), runs as root in
 * dom0, its Xen backend reads no read-only flag, and with the
 * "passthrough" model it makes the device nodes a guest asks for and
 * opens what a guest names.  So QEMU is never given the shared directory
 * itself but a view of it: a bind mount, nodev and nosuid (a device node
 * or set-id file a guest made does not work through the view), read-only
 * as well for a share the config marks ":ro" (or a runtime spec's "ro"
 * bind), all of it recursively and with private propagation, at
 *   ROOT/share-views/CONTAINER/INDEX        (INDEX: the volume's index)
 * beside INDEX.origin, which records the directory and the mode, so the
 * view can be made again when dom0 restarts and autostart (or the
 * monitor) creates the domain again from its saved config.  A write, or
 * an open of a device node, through QEMU then fails in dom0's kernel
 * whatever the guest does; the directory is also pinned as create
 * resolved it, not resolved again at each guest connection.  Views live
 * outside the container's state directory, so nothing that removes that
 * directory recursively can reach through one.  Needs mount_setattr(2)
 * (Linux 5.12, glibc 2.36: Debian 12).
 */
#ifndef XL_OCI_XL_PLUGIN_SHARE_VIEWS_H
#define XL_OCI_XL_PLUGIN_SHARE_VIEWS_H

#include "common/error.h"

struct domain_config;

/*
 * For each SHARE volume of dc (its source already canonical, a
 * directory), makes its view under `root` and points the volume's source
 * at it.  Views a killed create left for this name are removed first
 * (create calls this only once the name is known to be free).  On failure
 * views made so far are removed and err names the share.  Needs
 * CAP_SYS_ADMIN in dom0's mount namespace, where libxl starts QEMU.
 */
int share_views_make(struct domain_config *dc, const char *root, xo_err *err);

/*
 * Makes again every view of `container` that is not mounted (after dom0
 * restarted), from its .origin record, before the domain is created
 * again from its saved config.  A directory that is gone fails, naming
 * it.  No views is success.
 */
int share_views_ensure(const char *root, const char *container, xo_err *err);

/*
 * Unmounts and removes every view of `container` and its record
 * (destroy, a failed create), never descending into a mounted view: a
 * view is detached (MNT_DETACH, QEMU may still be exiting), as often as
 * it is mounted, and its empty mount point removed.  No views is success.
 */
int share_views_release(const char *root, const char *container, xo_err *err);

#endif
