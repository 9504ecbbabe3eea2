/*
 * sysctls.h: the container's kernel parameters (boot spec v8 sysctl).
 */
#ifndef XL_OCI_LOADER_SYSCTLS_H
#define XL_OCI_LOADER_SYSCTLS_H

#include <stdbool.h>

#include "bootspec.h"
#include "common/error.h"

/*
 * Writes each entry's VALUE to /proc/sys/NAME, in the spec's order (the
 * loader's /proc: the domain's kernel, whose namespaces are the
 * container's).  In the host test mode (`host`) the kernel is the host's:
 * a name the kernel does not keep per namespace (oci_sysctl_namespaced)
 * is refused before anything is written, so a test cannot change the
 * host.  Errors name the sysctl: ENOENT "this kernel has no sysctl NAME",
 * else the write's errno (EINVAL: the kernel refused the value).
 */
int sysctls_apply(const struct boot_spec *spec, bool host, xo_err *err);

#endif
