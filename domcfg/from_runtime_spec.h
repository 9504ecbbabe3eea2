/*
 * from_runtime_spec.h: an OCI runtime spec (runtime_spec.h) onto struct
 * domain_config, the inverse of domcfg_to_runtime_spec(): process (args,
 * env, cwd, user, rlimits, capabilities, noNewPrivileges, terminal),
 * hostname, annotations (as labels; "org.xl-oci.stop-signal" as the stop
 * signal, "org.xl-oci.memory-max" as the container's maximum memory).
 *
 * What domain_config cannot hold stays in the runtime_spec for the
 * caller: mounts, namespaces, the CRI container type.  A spec has no stop
 * timeout (containerd sends SIGKILL itself when its own
 * timeout ends), so dc->stop_timeout is left as the caller set it.
 */
#ifndef XL_OCI_DOMCFG_FROM_RUNTIME_SPEC_H
#define XL_OCI_DOMCFG_FROM_RUNTIME_SPEC_H

#include "common/error.h"
#include "domcfg/domain_config.h"
#include "domcfg/runtime_spec.h"

/* The annotation render_runtime.c writes the stop signal into. */
#define DOMCFG_STOP_SIGNAL_ANNOTATION "org.xl-oci.stop-signal"
/* And the grace period before SIGKILL (seconds, 0-3600). */
#define DOMCFG_STOP_TIMEOUT_ANNOTATION "org.xl-oci.stop-timeout"
/* The CPUs' worth of quota app.cfg's vcpus gave a NOHYPER container
 * (1-128; absent when vcpus was not given): what `update --cap 0` goes
 * back to. */
#define DOMCFG_CGROUP_CPUS_ANNOTATION "org.xl-oci.cgroup-cpus"
/* The most memory an update may give the container later (bytes, or a
 * number with Ki, Mi, Gi, as Kubernetes writes quantities): the domain's
 * maxmem is the loader's need plus this (or the limit, if larger). */
#define DOMCFG_MEMORY_MAX_ANNOTATION "org.xl-oci.memory-max"

/*
 * Fills the fields above of `dc` (initialised; any it already holds are
 * replaced).  The user: the loader resolves the OCI User text against the
 * container's own /etc/passwd and /etc/group, so the spec's numeric uid,
 * gid and additionalGids become "UID:GID" or "UID", whichever resolves to
 * exactly those ids against the copies in dc->root_volume (when set); a
 * spec whose groups neither gives is refused, naming process.user, rather
 * than run with other groups.  `where` (the file) opens every error.
 */
int domcfg_from_runtime_spec(struct domain_config *dc,
                             const struct runtime_spec *rs, const char *where,
                             xo_err *err);

#endif
