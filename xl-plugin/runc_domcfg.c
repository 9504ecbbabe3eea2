/* runc_domcfg.c: an xl-oci-runc container's domain_config (runc_domcfg.h). */
#include "runc_domcfg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "common/abi/rlimits.h"
#include "common/abi/sysctl.h"
#include "common/fileio.h"
#include "domcfg/domcfg.h"
#include "domcfg/from_runtime_spec.h"
#include "domcfg/spec_mounts.h"
#include "domcfg/sysctls.h"

int runc_domcfg_write_app_cfg(const char *path, const char *name,
                              const char *volume, xo_err *err)
{
    char text[8400];
    int n = snprintf(
        text, sizeof(text),
        "# made by xl-oci-runc create for a containerd bundle\nname = \"%s\"\noci_root = \"%s\"\n",
        name, volume);
    if (n < 0 || (size_t)n >= sizeof(text) || strchr(volume, '"'))
        return xo_err_set(err, EINVAL, "root volume path %s", volume);
    return xo_write_file_atomic(path, text, (size_t)n, 0600, err);
}

/* The bundle's config.json over what app.cfg and the (empty) image
 * config gave the domain (domcfg_opts.override_process). */
static int apply_spec(struct domain_config *dc, void *ctx, xo_err *err)
{
    const struct runc_domcfg_in *in = ctx;
    /* The pod's first: the container's own, set after, win. */
    for (char **p = in->pod_sysctls; p && *p; p++) {
        char name[OCI_SYSCTL_MAX_NAME + 1];
        const char *value = NULL;
        if (oci_sysctl_split(*p, name, &value) == 0)
            domcfg_sysctl_set(dc, name, value);
    }
    if (domcfg_from_runtime_spec(dc, in->rs, in->spec_path, err) < 0)
        return -1;
    bool has_nofile = false;
    for (size_t i = 0; i < dc->n_rlimits; i++)
        has_nofile |= dc->rlimits[i].resource == RLIMIT_NOFILE;
    if (!has_nofile && in->nofile_hard > 0 && dc->n_rlimits < OCI_RLIMIT_COUNT)
        dc->rlimits[dc->n_rlimits++] =
            (struct dc_rlimit){RLIMIT_NOFILE, in->nofile_soft, in->nofile_hard};
    /* The app.cfg create wrote has no volumes: the spec's are all. */
    return domcfg_spec_mounts(dc, in->rs, in->bundle, in->spec_path, err);
}

int runc_domcfg_build(struct domain_config *dc, const struct app_cfg *ac,
                      const struct runc_domcfg_in *in, xo_err *err)
{
    /* With an override_process, domcfg gives no defaults of its own to
     * what the spec says (Docker's sysctls among them). */
    struct domcfg_opts opts = {
        .state_root = in->state_root,
        .default_loader = in->default_loader,
        .override_process = apply_spec,
        .override_ctx = (void *)in,
    };
    return domcfg_from_app_cfg(dc, ac, &opts, err);
}
