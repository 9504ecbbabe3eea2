/*
 * runtime_spec_sysctl.c: linux.sysctl of a runtime spec (runtime-spec
 * config-linux.md "Sysctl"): an object whose keys are sysctl names and
 * whose values are the strings to write.  runc writes them in the
 * container's namespaces and refuses a name the kernel does not keep per
 * namespace; in a domain the whole kernel is the container's, so every
 * name common/abi/sysctl.h accepts goes to the loader (boot spec v8).
 */
#include "domcfg/runtime_spec_int.h"

#include <stdio.h>
#include <string.h>

#include "common/abi/sysctl.h"
#include "common/alloc.h"

int runtime_spec_parse_sysctl(struct runtime_spec *rs, json_object *o,
                              const struct rs_parse *p)
{
    json_object *lx = NULL, *sc = NULL;
    int r = runtime_spec_get(&lx, o, "linux", json_type_object, false, "", p);
    if (r > 0)
        r = runtime_spec_get(&sc, lx, "sysctl", json_type_object, false,
                             "linux", p);
    if (r <= 0)
        return r;
    size_t n = (size_t)json_object_object_length(sc);
    if (n > OCI_SYSCTL_MAX)
        return runtime_spec_fail(p, "linux.sysctl", "has more than %d entries",
                                 OCI_SYSCTL_MAX);
    rs->sysctl = xo_xcalloc(n + 1, sizeof(char *));
    json_object_object_foreach (sc, key, val) {
        char path[RS_PATH_MAX];
        /* may truncate: a path shown in messages */
        snprintf(path, sizeof(path), "linux.sysctl[\"%.64s\"]", key);
        if (!val || !json_object_is_type(val, json_type_string))
            return runtime_spec_fail(p, path, "must be a string");
        const char *value = json_object_get_string(val);
        const char *why = oci_sysctl_problem(key, value);
        if (why)
            return runtime_spec_fail(p, path, "%s", why);
        rs->sysctl[rs->n_sysctl++] = xo_xasprintf("%s=%s", key, value);
    }
    return 0;
}
