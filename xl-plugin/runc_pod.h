/*
 * runc_pod.h: what a Kubernetes pod's app container takes from its pod's
 * sandbox container (CRI's "pause" container), which runs no domain.
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_POD_H
#define XL_OCI_XL_PLUGIN_RUNC_POD_H

#include "common/error.h"
#include "domcfg/runtime_spec.h"
#include "runc.h"

/*
 * The pod's sysctls: CRI writes a pod's securityContext.sysctls (and its
 * own defaults, such as net.ipv4.ip_unprivileged_port_start=0 with
 * enable_unprivileged_ports) into the sandbox's linux.sysctl only; under
 * runc the app containers see them because they join the sandbox's
 * network, IPC and UTS namespaces.  A domain has its own kernel, so each
 * app container's domain sets them itself: the names the kernel keeps
 * per namespace (oci_sysctl_namespaced) of sandbox `sandbox_id`'s spec,
 * as its create kept them in its state directory under this --root
 * (runc_pod_keep_sysctls: the spec as it was then, not its bundle now).
 *
 * *out_r: an owned NULL-terminated vector of "NAME=VALUE" (free with
 * xo_strv_free), NULL when the sandbox is not this runtime's (no state
 * under --root: another runtime's, or gone) or sets none.  Errors: the
 * sandbox's state or kept sysctls unreadable or invalid, naming the file.
 */
int runc_pod_sysctls(char ***out_r, const struct runc_global *g,
                     const char *sandbox_id, xo_err *err);

/* The sandbox's file of them, a JSON array of "NAME=VALUE". */
#define RUNC_POD_SYSCTLS "pod-sysctls.json"

/* At the sandbox's create: its namespaced sysctls into `dir` (its state
 * directory), when it has any. */
int runc_pod_keep_sysctls(const char *dir, const struct runtime_spec *rs,
                          xo_err *err);

#endif
