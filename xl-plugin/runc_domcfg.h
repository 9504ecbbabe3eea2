/*
 * runc_domcfg.h: the domain_config of an xl-oci-runc container: an
 * app.cfg naming only what create chose (the domain name and the root
 * volume made of the bundle's rootfs), with the bundle's config.json over
 * it, as a domain's own keys override an image's.  Apart from
 * runc_create.c so that a unit test builds the very config create does.
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_DOMCFG_H
#define XL_OCI_XL_PLUGIN_RUNC_DOMCFG_H

#include "common/error.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domain_config.h"
#include "domcfg/runtime_spec.h"

/* Writes that app.cfg to `path`: `name` and `volume` are ours
 * (runc_domain_name, the store's volume path); no value of the bundle's
 * goes into it. */
int runc_domcfg_write_app_cfg(const char *path, const char *name,
                              const char *volume, xo_err *err);

struct runc_domcfg_in {
    const struct runtime_spec *rs; /* the bundle's config.json, parsed */
    const char *spec_path;         /* its path, for errors */
    const char *bundle;            /* the bundle's directory */
    char **pod_sysctls; /* the pod's (runc_pod_sysctls), NULL: none */
    const char *state_root, *default_loader; /* domcfg_opts' */
    /* The caller's RLIMIT_NOFILE (getrlimit), given to the container when
     * the spec sets none: under runc a container inherits its runtime's
     * limits, containerd's under CRI (which drops the spec's rlimits),
     * where a domain's PID 1 starts from the kernel's 1024:4096
     * (helper-70: Elasticsearch's bootstrap check wants 65535).  Both 0:
     * none given. */
    uint64_t nofile_soft, nofile_hard;
};

/* `dc` (initialised) from `ac` (that app.cfg) and `in`: the sysctls are
 * exactly the pod's and then the spec's (the spec's winning), as runc
 * sets them; the spec's mounts are the only volumes. */
int runc_domcfg_build(struct domain_config *dc, const struct app_cfg *ac,
                      const struct runc_domcfg_in *in, xo_err *err);

#endif
