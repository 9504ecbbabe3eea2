/*
 * runtime_spec_hooks.c: a runtime spec's hooks (runtime-spec config.md,
 * "POSIX-platform Hooks"): for each point of the lifecycle an array of
 * { path, args, env, timeout }.  They run programs of the runtime's
 * caller (containerd's CNI hook, Docker's libnetwork-setkey, nerdctl's
 * oci-hook), so they are checked here for shape and bounds only; what
 * runs them is xl-plugin/runc_hooks.c.
 */
#include "domcfg/runtime_spec_int.h"

#include <string.h>

#include "common/alloc.h"

static const char *const kinds[RUNTIME_HOOK_KINDS] = {
    "prestart",       "createRuntime", "createContainer",
    "startContainer", "poststart",     "poststop"};

const char *runtime_spec_hook_kind(enum runtime_spec_hook_kind k)
{
    return k < RUNTIME_HOOK_KINDS ? kinds[k] : "?";
}

static int parse_hook(struct runtime_hook *h, json_object *o, const char *path,
                      const struct rs_parse *p)
{
    json_object *v = NULL;
    char child[RS_PATH_MAX];
    if (!json_object_is_type(o, json_type_object))
        return runtime_spec_fail(p, path, "must be an object");
    if (runtime_spec_get(&v, o, "path", json_type_string, true, path, p) < 0)
        return -1;
    runtime_spec_child(child, path, "path");
    if (runtime_spec_str(&h->path, v, RUNTIME_SPEC_MAX_PATH, child, p) < 0)
        return -1;
    if (h->path[0] != '/')
        return runtime_spec_fail(p, child, "\"%.64s\" is not absolute",
                                 h->path);
    int r = runtime_spec_get(&v, o, "args", json_type_array, false, path, p);
    runtime_spec_child(child, path, "args");
    if (r < 0 ||
        (r > 0 &&
         runtime_spec_strv(&h->args, &h->n_args, v, RUNTIME_SPEC_MAX_HOOK_STRS,
                           RUNTIME_SPEC_MAX_HOOK_STR, child, p) < 0))
        return -1;
    r = runtime_spec_get(&v, o, "env", json_type_array, false, path, p);
    runtime_spec_child(child, path, "env");
    if (r < 0 ||
        (r > 0 &&
         runtime_spec_strv(&h->env, &h->n_env, v, RUNTIME_SPEC_MAX_HOOK_STRS,
                           RUNTIME_SPEC_MAX_HOOK_STR, child, p) < 0))
        return -1;
    r = runtime_spec_get(&v, o, "timeout", json_type_int, false, path, p);
    runtime_spec_child(child, path, "timeout");
    uint64_t t = 0;
    if (r < 0 ||
        (r > 0 &&
         runtime_spec_uint(&t, v, RUNTIME_SPEC_MAX_HOOK_TIMEOUT, child, p) < 0))
        return -1;
    if (r > 0 && t == 0)
        return runtime_spec_fail(p, child, "must be greater than zero");
    h->timeout = (unsigned)t;
    return 0;
}

int runtime_spec_parse_hooks(struct runtime_spec *rs, json_object *o,
                             const struct rs_parse *p)
{
    json_object *hooks = NULL;
    int r =
        runtime_spec_get(&hooks, o, "hooks", json_type_object, false, "", p);
    if (r <= 0)
        return r;
    for (int k = 0; k < RUNTIME_HOOK_KINDS; k++) {
        json_object *arr = NULL;
        char path[RS_PATH_MAX];
        runtime_spec_child(path, "hooks", kinds[k]);
        r = runtime_spec_get(&arr, hooks, kinds[k], json_type_array, false,
                             "hooks", p);
        if (r < 0)
            return -1;
        if (r == 0)
            continue;
        size_t n = json_object_array_length(arr);
        if (n > RUNTIME_SPEC_MAX_HOOKS)
            return runtime_spec_fail(p, path, "has more than %d hooks",
                                     RUNTIME_SPEC_MAX_HOOKS);
        rs->hooks[k] = xo_xcalloc(n ? n : 1, sizeof(struct runtime_hook));
        for (size_t i = 0; i < n; i++) {
            char ip[RS_PATH_MAX];
            runtime_spec_index(ip, path, i);
            rs->n_hooks[k]++; /* disposed even if half parsed */
            if (parse_hook(&rs->hooks[k][i], json_object_array_get_idx(arr, i),
                           ip, p) < 0)
                return -1;
        }
    }
    return 0;
}
