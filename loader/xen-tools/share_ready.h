/*
 * share_ready.h: waiting for a share's 9pfs frontend (boot spec v7
 * mount/share) before its tag is mounted.
 */
#ifndef XL_OCI_LOADER_SHARE_READY_H
#define XL_OCI_LOADER_SHARE_READY_H

#include "common/error.h"

/*
 * Waits up to `ms` milliseconds for the domain's 9pfs device whose tag
 * (xenstore device/9pfs/N/tag, written by libxl) is `tag` to reach
 * XenbusStateConnected (its frontend's state 4): Linux's 9pfs frontend
 * lists a device before it has read its tag, and a mount in that window
 * can meet a device with no tag yet, or rings QEMU has not yet mapped.
 * ETIMEDOUT naming the tag and the state last seen; EIO when xenstore
 * cannot be reached.
 */
int mounts_share_ready(const char *tag, unsigned ms, xo_err *err);

#endif
