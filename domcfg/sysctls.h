/*
 * sysctls.h: the container's kernel parameters (sysctls) in a
 * domain_config: app.cfg's oci_sysctl, Docker's --sysctl syntax
 * "NAME=VALUE", or a runtime spec's linux.sysctl (from_runtime_spec.c).
 * Both renderings carry them: the boot spec's v8 sysctl (the loader
 * writes them in the domain, whose kernel is the container's) and the
 * runtime spec's linux.sysctl (runc, which takes only names kept per
 * namespace).  Rules: common/abi/sysctl.h.
 */
#ifndef XL_OCI_DOMCFG_SYSCTLS_H
#define XL_OCI_DOMCFG_SYSCTLS_H

#include "common/error.h"
#include "domain_config.h"

struct app_cfg;

/* dc->sysctls from oci_sysctl (at most OCI_SYSCTL_MAX items; a name given
 * twice keeps its last value); errors name app.cfg's line, the key and
 * the item. */
int domcfg_sysctls_build(struct domain_config *dc, const struct app_cfg *ac,
                         xo_err *err);

/*
 * Docker's defaults for a container with a network namespace of its own,
 * each unless dc->sysctls names it already (oci_sysctl wins):
 * net.ipv4.ip_unprivileged_port_start=0 and net.ipv4.ping_group_range=0
 * 2147483647.  Only for an app.cfg container: a runtime spec's sysctls
 * (xl-oci-runc) are all a container gets, as runc sets them.
 */
void domcfg_sysctls_docker_defaults(struct domain_config *dc);

/* Sets NAME to VALUE in dc->sysctls (replacing NAME's value when it is
 * there); both already checked. */
void domcfg_sysctl_set(struct domain_config *dc, const char *name,
                       const char *value);

#endif
