/*
 * runc_pod_member.h: a Kubernetes pod whose containers share one domain,
 * as Kata runs a pod in one VM (docs/decisions.md, "A pod's containers in
 * one domain").
 *
 * The pod's sandbox (CRI's "pause" container) asks for it with the
 * annotation org.xl-oci.pod-domain=true (a pod annotation containerd
 * passes on through its pod_annotations setting): its create boots a
 * domain from the sandbox's own bundle, as for any container, whose vif
 * `start` joins to the pod's network namespace.  Each app container of
 * the pod (io.kubernetes.cri.sandbox-id naming that sandbox) is then a
 * member: its create makes its root volume as usual, hot-adds it to the
 * pod's domain as the next free xvd, and renders its boot spec (the same
 * format as a domain's, its root on that xvd) into its state directory;
 * its placeholder (`xl-oci-placeholder --pod-member DIR POD`) waits on a
 * FIFO there until `start`, then runs the container as a session of the
 * pod domain's loader (common/abi/exec_channel.h, CONTAINER) and relays
 * its output and exit code.  The members share the pod's network, UTS and
 * IPC, so they talk over localhost as under runc; each has its own root,
 * mount and PID namespaces.
 *
 * Files in a member's state directory (runc.h): RUNC_POD_MEMBER_SPEC, the
 * boot spec, and RUNC_POD_MEMBER_FIFO.  In the sandbox's: RUNC_POD_LOCK,
 * held while a member picks and attaches its disk.
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_POD_MEMBER_H
#define XL_OCI_XL_PLUGIN_RUNC_POD_MEMBER_H

#include <stdbool.h>

#include "common/error.h"
#include "domcfg/domain_config.h"
#include "domcfg/runtime_spec.h"
#include "runc.h"

#define RUNC_POD_DOMAIN_ANNOTATION "org.xl-oci.pod-domain"
#define RUNC_POD_MEMBER_SPEC "pod-member.spec"
#define RUNC_POD_MEMBER_FIFO "start.fifo"
#define RUNC_POD_LOCK "pod.lock"

/* A sandbox's spec asks for the pod's domain: the annotation is "true". */
bool runc_pod_domain_wanted(const struct runtime_spec *rs);

/*
 * The sandbox of app container spec `rs` (its io.kubernetes.cri.sandbox-id)
 * when that sandbox is this --root's and runs the pod's domain: 1 with its
 * state in *sb.  0 when the spec names no sandbox, or one without a domain
 * or not ours (the container is then a domain of its own, as before).
 * -1 with err when the sandbox's state cannot be read.
 */
int runc_pod_member_sandbox(const struct runc_global *g,
                            const struct runtime_spec *rs,
                            struct runc_state *sb, xo_err *err);

/*
 * Refuses (ENOTSUP, naming `spec_path` and the thing) what a session in a
 * running domain cannot have: a terminal, disks or interfaces of its own
 * besides the root (a writable disk, file or named volumes, bind mounts
 * too large to travel in the boot spec), live shares.
 */
int runc_pod_member_check(const struct domain_config *dc, const char *spec_path,
                          xo_err *err);

/*
 * Makes `dc` (the member's domain config, built as any container's) a
 * member of sandbox `sb`'s domain: runc_pod_member_check(), then, under
 * the pod's lock, picks the first xvd the pod domain does not use,
 * writes the boot spec to DIR/RUNC_POD_MEMBER_SPEC, attaches dc's root
 * image read-only through a loop device (loopdev.h) and hot-adds it to
 * the pod domain as that xvd.  A member with a memory.limit first grows
 * the pod domain's memory target by it, within its maxmem (refused
 * otherwise, naming both).  Sets s->pod, s->pod_vdev and
 * s->pod_memory_mb.  On failure nothing is left attached, grown or
 * written.
 */
int runc_pod_member_attach(struct runc_state *s, struct domain_config *dc,
                           const struct runc_global *g,
                           const struct runc_state *sb, const char *dir,
                           const char *spec_path, xo_err *err);

/*
 * Removes member s's root disk from its pod's domain (libxl's orderly
 * removal, then a forced one when the guest does not let it go), then
 * takes back the memory its limit added (clearing s->pod_memory_mb, for
 * the caller to save); nothing to do when the pod's domain or the disk is
 * gone already.
 */
int runc_pod_member_detach(struct runc_state *s, xo_err *err);

/* Makes DIR/RUNC_POD_MEMBER_FIFO, which the placeholder waits on. */
int runc_pod_member_fifo(const char *dir, xo_err *err);

/*
 * `start` of a member: opens the FIFO its placeholder waits on and
 * writes one byte.  ESRCH when no placeholder waits (it died).
 */
int runc_pod_member_start(const char *dir, xo_err *err);

#endif
