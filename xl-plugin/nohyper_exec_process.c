/*
 * nohyper_exec_process.c: the process JSON (OCI runtime spec's
 * `process`) that `runc exec --process FILE` runs for `xl-oci exec` in
 * a NOHYPER container.
 *
 * Why a whole process rather than runc exec's --user/--additional-gids
 * flags: runc appends --additional-gids to the container's own
 * process.user.additionalGids, so `exec -u alice` in a root container
 * kept root's supplementary groups (reading files alice must not).  A
 * domain's exec sets exactly the groups of the user asked for; so does
 * this.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "common/abi/exec_channel.h"

#include "common/json.h"
#include "common/json_build.h"
#include "common/pathfmt.h"
#include "nohyper.h"

/* Largest runtime-spec.json read back: what domcfg rendered for us. */
#define SPEC_MAX (64 * 1024 * 1024)

static json_object *strv_json(const char *const *v, size_t n)
{
    json_object *a = xo_jarr();
    for (size_t i = 0; i < n; i++)
        xo_jpush(a, xo_jstr(v[i]));
    return a;
}

/* Whether an entry of env (strings, KEY=VALUE) sets TERM. */
static bool env_has_term(json_object *env)
{
    for (size_t i = 0; i < json_object_array_length(env); i++) {
        const char *e =
            json_object_get_string(json_object_array_get_idx(env, i));
        if (e && !strncmp(e, "TERM=", 5))
            return true;
    }
    return false;
}

int nohyper_exec_process(char **json_r, const char *dir,
                         const struct nohyper_exec_req *r, xo_err *err)
{
    char path[4096];
    json_object *spec = NULL, *proc = NULL;
    *json_r = NULL;
    if (!r->args || !r->args[0])
        return xo_err_set(err, EINVAL, "exec: no command");
    if (xo_path_fmt(path, sizeof(path), err, "%s/runtime-spec.json", dir) < 0 ||
        xo_json_parse_file(&spec, path, SPEC_MAX, err) < 0)
        return -1;
    int rc = -1;
    if (xo_json_get_object(&proc, spec, "process", true, path, err) < 0)
        goto out;
    size_t nargs = 0;
    while (r->args[nargs])
        nargs++;
    xo_jset(proc, "args", strv_json(r->args, nargs));
    xo_jset(proc, "terminal", xo_jbool(r->terminal));
    if (r->cwd)
        xo_jset(proc, "cwd", xo_jstr(r->cwd));
    json_object *env = NULL;
    if (xo_json_get_array(&env, proc, "env", false, path, err) < 0)
        goto out;
    if (!env) {
        env = xo_jarr();
        xo_jset(proc, "env", env);
    }
    /* Appended, as runc exec --env does: the later entry of a name wins
     * when runc sets up the environment.  KEY alone (Docker exec's -e KEY
     * the client has not) removes every entry of KEY so far; runc would
     * refuse it ("missing '='"). */
    for (size_t i = 0; i < r->nenv; i++) {
        if (strchr(r->env[i], '=')) {
            xo_jpush(env, xo_jstr(r->env[i]));
            continue;
        }
        size_t kl = strlen(r->env[i]);
        for (size_t j = json_object_array_length(env); j-- > 0;) {
            const char *e =
                json_object_get_string(json_object_array_get_idx(env, j));
            if (e && !strncmp(e, r->env[i], kl) && e[kl] == '=')
                json_object_array_del_idx(env, j, 1);
        }
    }
    if (r->terminal && !env_has_term(env))
        xo_jpush(env, xo_jstr(EXEC_TTY_TERM));
    if (r->user) {
        json_object *u = xo_jobj();
        xo_jset(u, "uid", xo_juint64(r->user->uid));
        xo_jset(u, "gid", xo_juint64(r->user->gid));
        /* All of them, the primary group first, as the entrypoint's
         * (user.h: a group-restricted file stays denied), and nothing
         * else: the list replaces the spec's. */
        json_object *g = xo_jarr();
        for (size_t i = 0; i < r->user->ngroups; i++)
            xo_jpush(g, xo_juint64(r->user->groups[i]));
        xo_jset(u, "additionalGids", g);
        json_object *old;
        if (json_object_object_get_ex(proc, "user", &old) &&
            json_object_object_get_ex(old, "umask", &old))
            xo_jset(u, "umask", json_object_get(old));
        xo_jset(proc, "user", u);
    }
    *json_r = xo_json_to_string(proc);
    rc = 0;
out:
    json_object_put(spec);
    return rc;
}
