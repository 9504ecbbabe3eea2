/* runc_pod.c: an app container's share of its pod's sandbox (runc_pod.h). */
#include "runc_pod.h"

#include <errno.h>
#include <stdlib.h>

#include "common/abi/sysctl.h"
#include "common/alloc.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "domcfg/runtime_spec.h"

int runc_pod_sysctls(char ***out_r, const struct runc_global *g,
                     const char *sandbox_id, xo_err *err)
{
    *out_r = NULL;
    struct runc_state s;
    if (runc_state_read(g, sandbox_id, &s, err) < 0) {
        if (err->errnum == ENOENT) { /* not ours: nothing to take */
            xo_err_clear(err);
            err->errnum = 0;
            return 0;
        }
        return xo_err_wrap(err, "pod sandbox %s", sandbox_id);
    }
    if (!s.sandbox)
        return 0;
    char path[4200];
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    if (xo_path_fmt(path, sizeof(path), err, "%s/config.json", s.bundle) < 0 ||
        runtime_spec_load(&rs, path, err) < 0) {
        runtime_spec_dispose(&rs);
        return xo_err_wrap(err, "pod sandbox %s", sandbox_id);
    }
    char **v = xo_xcalloc(rs.n_sysctl + 1, sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < rs.n_sysctl; i++) {
        char name[OCI_SYSCTL_MAX_NAME + 1];
        const char *value = NULL;
        if (oci_sysctl_split(rs.sysctl[i], name, &value) == 0 &&
            oci_sysctl_namespaced(name))
            v[n++] = xo_xstrdup(rs.sysctl[i]);
    }
    runtime_spec_dispose(&rs);
    if (n == 0) {
        free(v);
        v = NULL;
    }
    *out_r = v;
    return 0;
}
