/* runc_pod.c: an app container's share of its pod's sandbox (runc_pod.h). */
#include "runc_pod.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/abi/sysctl.h"
#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/json_build.h"
#include "common/pathfmt.h"

int runc_pod_keep_sysctls(const char *dir, const struct runtime_spec *rs,
                          xo_err *err)
{
    json_object *a = xo_jarr();
    for (size_t i = 0; i < rs->n_sysctl; i++) {
        char name[OCI_SYSCTL_MAX_NAME + 1];
        const char *value = NULL;
        if (oci_sysctl_split(rs->sysctl[i], name, &value) == 0 &&
            oci_sysctl_namespaced(name))
            xo_jpush(a, xo_jstr(rs->sysctl[i]));
    }
    int rc = 0;
    if (json_object_array_length(a) > 0) {
        char path[4200];
        char *text = xo_json_to_string(a);
        rc = xo_path_fmt(path, sizeof(path), err, "%s/" RUNC_POD_SYSCTLS, dir) <
                         0 ||
                     xo_write_file_atomic(path, text, strlen(text), 0600, err) <
                         0
                 ? -1
                 : 0;
        free(text);
    }
    json_object_put(a);
    return rc;
}

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
    char dir[4096], path[4200];
    if (!s.sandbox ||
        runc_state_dir(dir, sizeof(dir), g, sandbox_id, err) < 0 ||
        xo_path_fmt(path, sizeof(path), err, "%s/" RUNC_POD_SYSCTLS, dir) < 0)
        return s.sandbox ? -1 : 0;
    if (access(path, F_OK) < 0)
        return 0; /* the sandbox set none */
    /* Written by the sandbox's create, from entries checked there; checked
     * again, as a file under --root could have been edited since. */
    json_object *a = NULL;
    char **v = NULL;
    size_t n = 0;
    if (xo_json_parse_file(&a, path, 64 * 1024, err) < 0)
        return xo_err_wrap(err, "pod sandbox %s", sandbox_id);
    json_object *wrap = xo_jobj();
    xo_jset(wrap, "sysctl", json_object_get(a));
    /* 1 when present, as it is here (0: absent, -1: an error). */
    int rc =
        xo_json_get_strv(&v, &n, wrap, "sysctl", OCI_SYSCTL_MAX, path, err) < 0
            ? -1
            : 0;
    json_object_put(wrap);
    json_object_put(a);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char name[OCI_SYSCTL_MAX_NAME + 1];
        const char *value = NULL;
        if (oci_sysctl_split(v[i], name, &value) < 0 ||
            oci_sysctl_problem(name, value) || !oci_sysctl_namespaced(name))
            rc = xo_err_set(err, EINVAL, "%s: entry %zu is not a pod sysctl",
                            path, i);
    }
    if (rc < 0) {
        xo_strv_free(v);
        return xo_err_wrap(err, "pod sandbox %s", sandbox_id);
    }
    if (n == 0) {
        xo_strv_free(v);
        v = NULL;
    }
    *out_r = v;
    return 0;
}
