/*
 * placeholder_pod_member.h: the placeholder of a pod's member container
 * (xl-plugin/runc_pod_member.h), `xl-oci-placeholder --pod-member DIR
 * POD`: dom0's end of the container's session in pod domain POD.
 *
 * It waits until `xl-oci-runc start` writes a byte to DIR/start.fifo,
 * reads the boot spec create rendered (DIR/pod-member.spec, at most
 * EXEC_CONTAINER_SPEC_MAX bytes), waits for the pod to run and for its
 * guest to connect the member's root disk `vdev` (placeholder_pod_disk.h),
 * sends it to POD's loader as a CONTAINER
 * session (common/abi/exec_channel.h) and relays the container's stdout
 * and stderr to its own (the shim's), passing on the signals
 * exec_client_forwards() names.  Its death (SIGKILL) ends the session,
 * and the guest then kills the container.
 */
#ifndef XL_OCI_XL_PLUGIN_PLACEHOLDER_POD_MEMBER_H
#define XL_OCI_XL_PLUGIN_PLACEHOLDER_POD_MEMBER_H

#include "common/xs_client.h"

/* Returns the exit code to exit with: the container's (0-255), or, with
 * a message on stderr, 126 (the guest refused it), 127 (its program was
 * not found), 137 (the session ended without its exit status: the pod's
 * domain went away, and the container with it) or 255 (no start came,
 * or the session could not be had, or the guest did not connect the
 * disk). */
int placeholder_pod_member_run(struct xo_xs *xs, const char *root,
                               const char *dir, const char *pod,
                               const char *vdev);

#endif
