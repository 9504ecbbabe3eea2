/*
 * runtime_spec_process.c: the "process" object of an OCI runtime spec
 * (see runtime_spec.h): args, env, cwd, user, terminal, rlimits,
 * capabilities, noNewPrivileges.  Sizes are bounded as execve() bounds
 * them (domain_config.h), so a spec read here is one the loader runs.
 */
#include "domcfg/runtime_spec_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/abi/capabilities.h"
#include "common/abi/rlimits.h"
#include "common/alloc.h"
#include "common/json.h"
#include "domcfg/domain_config.h"

static int get_bool(bool *out_r, json_object *o, const char *key,
                    const struct rs_parse *p)
{
    json_object *v = NULL;
    int r =
        runtime_spec_get(&v, o, key, json_type_boolean, false, "process", p);
    if (r >= 0)
        *out_r = r == 1 && json_object_get_boolean(v);
    return r < 0 ? -1 : 0;
}

static int parse_exec(struct runtime_process *pr, json_object *o,
                      const struct rs_parse *p)
{
    json_object *v = NULL;
    if (runtime_spec_get(&v, o, "args", json_type_array, true, "process", p) <
            0 ||
        runtime_spec_strv(&pr->args, &pr->n_args, v, DC_MAX_EXEC_STRINGS,
                          DC_MAX_ARG_STRLEN, "process.args", p) < 0)
        return -1;
    if (pr->n_args == 0 || !pr->args[0][0])
        return runtime_spec_fail(p, "process.args",
                                 "must name a program to run");
    int r =
        runtime_spec_get(&v, o, "env", json_type_array, false, "process", p);
    if (r < 0 || (r == 1 && runtime_spec_strv(
                                &pr->env, &pr->n_env, v, DC_MAX_EXEC_STRINGS,
                                DC_MAX_ARG_STRLEN, "process.env", p) < 0))
        return -1;
    if (!pr->env)
        pr->env = xo_xcalloc(1, sizeof(char *));
    for (size_t i = 0; i < pr->n_env; i++) {
        const char *eq = strchr(pr->env[i], '=');
        if (!eq || eq == pr->env[i]) {
            char path[RS_PATH_MAX];
            runtime_spec_index(path, "process.env", i);
            return runtime_spec_fail(p, path, "\"%.64s\" is not KEY=VALUE",
                                     pr->env[i]);
        }
    }
    if (runtime_spec_get(&v, o, "cwd", json_type_string, true, "process", p) <
            0 ||
        runtime_spec_str(&pr->cwd, v, RUNTIME_SPEC_MAX_PATH, "process.cwd", p) <
            0)
        return -1;
    /* ".." is resolved as runc resolves it, inside the root
     * (from_runtime_spec.c cleans the path): "/bin/../tmp" is /tmp. */
    if (pr->cwd[0] != '/')
        return runtime_spec_fail(p, "process.cwd",
                                 "\"%.64s\" is not an absolute path", pr->cwd);
    return 0;
}

static int parse_user(struct runtime_process *pr, json_object *o,
                      const struct rs_parse *p)
{
    json_object *u = NULL, *v = NULL;
    uint64_t x = 0;
    /* A missing user, uid or gid is 0, as runc reads the spec (Go's zero
     * values; the spec calls them required, and runc runs without). */
    int r =
        runtime_spec_get(&u, o, "user", json_type_object, false, "process", p);
    if (r <= 0)
        return r;
    r = runtime_spec_get(&v, u, "uid", json_type_int, false, "process.user", p);
    if (r < 0 || (r == 1 && runtime_spec_uint(&x, v, UINT32_MAX - 1,
                                              "process.user.uid", p) < 0))
        return -1;
    pr->uid = r == 1 ? (uint32_t)x : 0;
    r = runtime_spec_get(&v, u, "gid", json_type_int, false, "process.user", p);
    if (r < 0 || (r == 1 && runtime_spec_uint(&x, v, UINT32_MAX - 1,
                                              "process.user.gid", p) < 0))
        return -1;
    pr->gid = r == 1 ? (uint32_t)x : 0;
    /* umask(2) keeps the permission bits of what it is given: 07777 is
     * 0777, as runc sets it. */
    r = runtime_spec_get(&v, u, "umask", json_type_int, false, "process.user",
                         p);
    if (r < 0 || (r == 1 && runtime_spec_uint(&x, v, UINT32_MAX,
                                              "process.user.umask", p) < 0))
        return -1;
    pr->has_umask = r == 1;
    pr->umask = (uint32_t)x & 0777;
    r = runtime_spec_get(&v, u, "additionalGids", json_type_array, false,
                         "process.user", p);
    if (r <= 0)
        return r;
    size_t n = json_object_array_length(v);
    if (n > RUNTIME_SPEC_MAX_GIDS)
        return runtime_spec_fail(p, "process.user.additionalGids",
                                 "has more than %d entries",
                                 RUNTIME_SPEC_MAX_GIDS);
    pr->additional_gids = xo_xcalloc(n, sizeof(*pr->additional_gids));
    for (size_t i = 0; i < n; i++) {
        char path[RS_PATH_MAX];
        runtime_spec_index(path, "process.user.additionalGids", i);
        if (runtime_spec_uint(&x, json_object_array_get_idx(v, i),
                              UINT32_MAX - 1, path, p) < 0)
            return -1;
        pr->additional_gids[pr->n_additional_gids++] = (uint32_t)x;
    }
    return 0;
}

static int parse_rlimits(struct runtime_process *pr, json_object *o,
                         const struct rs_parse *p)
{
    json_object *arr = NULL;
    int r = runtime_spec_get(&arr, o, "rlimits", json_type_array, false,
                             "process", p);
    if (r <= 0)
        return r;
    size_t n = json_object_array_length(arr);
    if (n > OCI_RLIMIT_COUNT)
        return runtime_spec_fail(p, "process.rlimits",
                                 "has more than %d entries", OCI_RLIMIT_COUNT);
    for (size_t i = 0; i < n; i++) {
        char path[RS_PATH_MAX], fp[RS_PATH_MAX];
        runtime_spec_index(path, "process.rlimits", i);
        json_object *e = json_object_array_get_idx(arr, i), *v = NULL;
        if (!json_object_is_type(e, json_type_object))
            return runtime_spec_fail(p, path, "must be an object");
        const char *name = NULL;
        runtime_spec_child(fp, path, "type");
        if (runtime_spec_get(&v, e, "type", json_type_string, true, path, p) <
            0)
            return -1;
        name = json_object_get_string(v);
        int res = oci_rlimit_from_name(name);
        if (res < 0)
            return runtime_spec_fail(p, fp, "\"%.32s\" is not a resource limit",
                                     name);
        for (size_t j = 0; j < pr->n_rlimits; j++)
            if (pr->rlimits[j].resource == res)
                return runtime_spec_fail(p, fp, "%s is listed twice", name);
        struct runtime_rlimit *l = &pr->rlimits[pr->n_rlimits];
        runtime_spec_child(fp, path, "hard");
        if (runtime_spec_get(&v, e, "hard", json_type_int, true, path, p) < 0 ||
            runtime_spec_uint(&l->hard, v, OCI_RLIM_INFINITY, fp, p) < 0)
            return -1;
        runtime_spec_child(fp, path, "soft");
        if (runtime_spec_get(&v, e, "soft", json_type_int, true, path, p) < 0 ||
            runtime_spec_uint(&l->soft, v, OCI_RLIM_INFINITY, fp, p) < 0)
            return -1;
        if (l->soft > l->hard)
            return runtime_spec_fail(p, path, "soft limit above the hard one");
        l->resource = res;
        pr->n_rlimits++;
    }
    return 0;
}

static const char *const cap_sets[RUNTIME_CAP_SETS] = {
    [RUNTIME_CAP_BOUNDING] = "bounding",
    [RUNTIME_CAP_EFFECTIVE] = "effective",
    [RUNTIME_CAP_INHERITABLE] = "inheritable",
    [RUNTIME_CAP_PERMITTED] = "permitted",
    [RUNTIME_CAP_AMBIENT] = "ambient",
};

/* Unknown names are refused rather than skipped as runc skips them: a
 * capability we cannot name is one we cannot give or withhold knowingly. */
static int parse_caps(struct runtime_process *pr, json_object *o,
                      const struct rs_parse *p)
{
    json_object *caps = NULL;
    int r = runtime_spec_get(&caps, o, "capabilities", json_type_object, false,
                             "process", p);
    if (r <= 0)
        return r;
    pr->has_capabilities = true;
    for (int s = 0; s < RUNTIME_CAP_SETS; s++) {
        char sp[RS_PATH_MAX];
        runtime_spec_child(sp, "process.capabilities", cap_sets[s]);
        json_object *arr = NULL;
        if ((r = runtime_spec_get(&arr, caps, cap_sets[s], json_type_array,
                                  false, "process.capabilities", p)) < 0)
            return -1;
        size_t n = r == 1 ? json_object_array_length(arr) : 0;
        if (n > 4 * (OCI_CAP_LAST + 1))
            return runtime_spec_fail(p, sp, "has more than %d entries",
                                     4 * (OCI_CAP_LAST + 1));
        for (size_t i = 0; i < n; i++) {
            char ip[RS_PATH_MAX];
            runtime_spec_index(ip, sp, i);
            json_object *v = json_object_array_get_idx(arr, i);
            if (!json_object_is_type(v, json_type_string))
                return runtime_spec_fail(p, ip, "must be a string");
            int c = oci_cap_from_name(json_object_get_string(v));
            if (c < 0)
                return runtime_spec_fail(p, ip, "\"%.32s\" is not a capability",
                                         json_object_get_string(v));
            pr->caps[s] |= UINT64_C(1) << c;
        }
    }
    return 0;
}

int runtime_spec_parse_process(struct runtime_process *pr, json_object *o,
                               const struct rs_parse *p)
{
    if (get_bool(&pr->terminal, o, "terminal", p) < 0 ||
        get_bool(&pr->no_new_privileges, o, "noNewPrivileges", p) < 0 ||
        parse_exec(pr, o, p) < 0 || parse_user(pr, o, p) < 0 ||
        parse_rlimits(pr, o, p) < 0 || parse_caps(pr, o, p) < 0)
        return -1;
    return 0;
}
