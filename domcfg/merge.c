/*
 * merge.c: the process a container runs, by EVE's rule: the OCI image
 * config is the seed and the domain's own keys override it field by field.
 *
 *   args    = Entrypoint + Cmd.  oci_entrypoint replaces the image's
 *             Entrypoint and, as `docker run --entrypoint` does, drops the
 *             image's Cmd; oci_cmd replaces Cmd.  An Entrypoint of exactly
 *             one empty string ([""], what `--entrypoint ""` and a
 *             Dockerfile's `ENTRYPOINT [""]` leave) means no entrypoint,
 *             as podman and Docker run it: Cmd alone is the command.  An
 *             empty string anywhere else is an argument like any other,
 *             but never the program.
 *   env     = image Env, then oci_env merged by name (a later KEY wins, in
 *             the position of its first appearance).  PATH gets a default
 *             when neither sets it.
 *   cwd, user, stop signal: app.cfg if set, else the image, else defaults;
 *             cwd cleaned lexically as Docker cleans it ("/a/../b/" is
 *             "/b").
 *   labels  = image Labels, then oci_labels by key (metadata.h).
 */
#include "merge.h"

#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app_cfg.h"
#include "common/abi/exec_path.h"
#include "common/alloc.h"
#include "common/json.h"
#include "env_merge.h"
#include "metadata.h"
#include "signals.h"

#define DEFAULT_PATH "PATH=" XO_EXEC_DEFAULT_PATH

static size_t strv_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static void strv_append(char ***v, size_t *n, const char *s)
{
    char **nv = xo_xreallocarray(*v, *n + 2, sizeof(**v));
    *v = nv;
    nv[*n] = xo_xstrdup(s);
    nv[++*n] = NULL;
}

static bool is_key_value(const char *kv)
{
    const char *eq = strchr(kv, '=');
    return eq && eq != kv;
}

static bool env_has(const struct domain_config *dc, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < dc->n_env; i++)
        if (strncmp(dc->env[i], key, klen) == 0 && dc->env[i][klen] == '=')
            return true;
    return false;
}

void merge_env_default(struct domain_config *dc, const char *key,
                       const char *value)
{
    if (env_has(dc, key))
        return;
    char *kv = xo_xasprintf("%s=%s", key, value);
    strv_append(&dc->env, &dc->n_env, kv);
    free(kv);
}

static int merge_args(struct domain_config *dc, const struct app_cfg *ac,
                      const struct image_config *ic, bool args_later,
                      xo_err *err)
{
    char **ep = NULL, **cmd = NULL;
    int has_ep = app_cfg_exec_list(ac, "oci_entrypoint", &ep, NULL, err);
    if (has_ep < 0)
        return -1;
    int has_cmd = app_cfg_exec_list(ac, "oci_cmd", &cmd, NULL, err);
    if (has_cmd < 0) {
        xo_strv_free(ep);
        return -1;
    }
    char *const *use_ep = has_ep ? ep : ic->entrypoint;
    char *const *use_cmd = has_cmd ? cmd : (has_ep ? NULL : ic->cmd);
    if (strv_len(use_ep) == 1 && use_ep[0][0] == '\0')
        use_ep = NULL;
    /* Which field the program comes from, for the message below. */
    const char *prog_from =
        strv_len(use_ep)
            ? (has_ep ? "oci_entrypoint" : "the image's Entrypoint")
        : has_cmd ? "oci_cmd"
                  : "the image's Cmd";
    const char *prog_key = strv_len(use_ep) ? (has_ep ? "oci_entrypoint" : NULL)
                           : has_cmd        ? "oci_cmd"
                                            : NULL;
    for (size_t i = 0; i < strv_len(use_ep); i++)
        strv_append(&dc->args, &dc->n_args, use_ep[i]);
    for (size_t i = 0; i < strv_len(use_cmd); i++)
        strv_append(&dc->args, &dc->n_args, use_cmd[i]);
    const char *ep_text = strv_len(ep) ? "[ \"\" ]" : "[ ]";
    xo_strv_free(ep);
    xo_strv_free(cmd);
    if (dc->n_args == 0 && args_later)
        return 0;
    /* An image that has a Cmd: say which key set it aside. */
    if (dc->n_args == 0 && strv_len(ic->cmd) && has_ep && !has_cmd)
        return app_cfg_bad_value(
            ac, "oci_entrypoint", err,
            "%s leaves nothing to run: it clears the entrypoint and, as docker run --entrypoint does, drops the image's Cmd; give the command in oci_cmd",
            ep_text);
    if (dc->n_args == 0 && strv_len(ic->cmd) && has_cmd)
        return app_cfg_bad_value(
            ac, "oci_cmd", err,
            "[ ] leaves nothing to run: it replaces the image's Cmd, and there is no entrypoint");
    /* The image had only an Entrypoint, which app.cfg cleared. */
    if (dc->n_args == 0 && has_ep)
        return app_cfg_bad_value(
            ac, "oci_entrypoint", err,
            "%s leaves nothing to run: it clears the image's Entrypoint, and %s; give the command in oci_cmd",
            ep_text, has_cmd ? "oci_cmd is [ ]" : "the image has no Cmd");
    if (dc->n_args == 0 && has_cmd)
        return app_cfg_bad_value(
            ac, "oci_cmd", err,
            "[ ] leaves nothing to run: the image has no Entrypoint or Cmd");
    if (dc->n_args == 0)
        return xo_err_set(
            err, EINVAL,
            "nothing to run: the image config (%s) has an empty or no Entrypoint and Cmd, and %s sets neither oci_entrypoint nor oci_cmd",
            dc->image_config_path, app_cfg_path(ac));
    /* app.cfg's key, by file and line; the image's field, by file. */
    if (dc->args[0][0] == '\0' && prog_key)
        return app_cfg_bad_item(
            ac, prog_key, 0, err,
            "nothing to run: the program (its first word) is an empty string");
    if (dc->args[0][0] == '\0')
        return xo_err_set(
            err, EINVAL,
            "nothing to run: the program (first word of %s in %s) is an empty string",
            prog_from, dc->image_config_path);
    return 0;
}

static int merge_env(struct domain_config *dc, const struct app_cfg *ac,
                     const struct image_config *ic, xo_err *err)
{
    char **env = NULL;
    size_t n_cfg = 0, n_img = strv_len(ic->env);
    if (app_cfg_exec_list(ac, "oci_env", &env, &n_cfg, err) < 0)
        return -1;
    /* An image's entry without '=' unsets its KEY, as Docker and
     * containerd read it; an empty KEY is still refused. */
    for (size_t i = 0; i < n_img; i++)
        if (ic->env[i][0] == '\0' || ic->env[i][0] == '=') {
            xo_strv_free(env);
            return xo_err_set(err, EINVAL,
                              "%s: Env[%zu] \"%s\" has an empty KEY",
                              dc->image_config_path, i, ic->env[i]);
        }
    for (size_t i = 0; i < n_cfg; i++)
        if (!is_key_value(env[i])) {
            int rc = app_cfg_bad_item(ac, "oci_env", i, err,
                                      "\"%s\" is not KEY=VALUE", env[i]);
            xo_strv_free(env);
            return rc;
        }
    /* The image's Env first, then oci_env: a later KEY wins. */
    const char **all = xo_xcalloc(n_img + n_cfg + 2, sizeof(*all));
    size_t n = 0;
    for (size_t i = 0; i < n_img; i++)
        all[n++] = ic->env[i];
    for (size_t i = 0; i < n_cfg; i++)
        all[n++] = env[i];
    env_merge(&dc->env, &dc->n_env, all, n);
    /* Docker's default PATH, unless the image unset it. */
    bool path_unset = env_merge_unset_last(all, n, "PATH");
    free(all);
    xo_strv_free(env);
    if (!env_has(dc, "PATH") && !path_unset)
        strv_append(&dc->env, &dc->n_env, DEFAULT_PATH);
    return 0;
}

static void dup_into(char **dst, const char *src)
{
    free(*dst);
    *dst = xo_xstrdup(src);
}

static bool valid_user(const char *u)
{
    if (strlen(u) > 256)
        return false;
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == '/' || *p == 0x7f)
            return false;
    return true;
}

void merge_clean_abs_path(char *p)
{
    size_t out = 1; /* p[0] is '/' and stays */
    for (size_t i = 1; p[i];) {
        size_t n = strcspn(p + i, "/");
        if (n == 0 || (n == 1 && p[i] == '.')) {
            /* an empty or "." component */
        } else if (n == 2 && p[i] == '.' && p[i + 1] == '.') {
            while (out > 1 && p[out - 1] != '/')
                out--;
            if (out > 1)
                out--;
        } else {
            if (out > 1)
                p[out++] = '/';
            memmove(p + out, p + i, n);
            out += n;
        }
        i += n;
        if (p[i] == '/')
            i++;
    }
    p[out] = '\0';
}

int merge_process(struct domain_config *dc, const struct app_cfg *ac,
                  const struct image_config *ic, bool args_later, xo_err *err)
{
    if (merge_args(dc, ac, ic, args_later, err) < 0 ||
        merge_env(dc, ac, ic, err) < 0)
        return -1;

    const char *s = NULL;
    int r = app_cfg_string(ac, "oci_workdir", &s, err);
    if (r < 0)
        return -1;
    const char *cwd =
        r ? s : (ic->working_dir && *ic->working_dir ? ic->working_dir : "/");
    if (cwd[0] != '/') {
        if (r)
            return app_cfg_bad_value(ac, "oci_workdir", err,
                                     "\"%s\" is not an absolute path", cwd);
        return xo_err_set(err, EINVAL,
                          "%s: WorkingDir \"%s\" is not an absolute path",
                          dc->image_config_path, cwd);
    }
    dup_into(&dc->cwd, cwd);
    merge_clean_abs_path(dc->cwd);

    if ((r = app_cfg_string(ac, "oci_user", &s, err)) < 0)
        return -1;
    /* Empty is no user, and root is not what an admin filling a template
     * meant (helper-65: it ran as uid 0 over the image's 1234). */
    if (r && !*s)
        return app_cfg_bad_value(
            ac, "oci_user", err,
            "empty: leave the key out for the image's User (root when it has none), or give one");
    const char *user = r ? s : (ic->user ? ic->user : "");
    if (!valid_user(user)) {
        if (r)
            return app_cfg_bad_value(ac, "oci_user", err,
                                     "\"%s\" is not a valid user[:group]",
                                     user);
        return xo_err_set(err, EINVAL,
                          "%s: User \"%s\" is not a valid user[:group]",
                          dc->image_config_path, user);
    }
    dup_into(&dc->user, user);
    free(dc->user_from);
    dc->user_from = r ? app_cfg_where(ac, "oci_user")
                    : ic->user && *ic->user
                        ? xo_xasprintf("%s: User", dc->image_config_path)
                        : NULL;

    if ((r = app_cfg_string(ac, "oci_stop_signal", &s, err)) < 0)
        return -1;
    if (r && !*s)
        return app_cfg_bad_value(
            ac, "oci_stop_signal", err,
            "empty: leave the key out for the image's StopSignal (SIGTERM when it has none), or give one");
    const char *sig = r ? s : ic->stop_signal;
    dc->stop_signal = 15;
    if (sig && *sig) {
        int n = signal_from_string(sig);
        if (n < 0) {
            if (r)
                return app_cfg_bad_value(ac, "oci_stop_signal", err,
                                         "\"%s\" is not a signal", sig);
            return xo_err_set(err, EINVAL,
                              "%s: StopSignal \"%s\" is not a signal",
                              dc->image_config_path, sig);
        }
        dc->stop_signal = n;
    }
    dc->stop_timeout = 10;
    if (app_cfg_long(ac, "oci_stop_timeout", 0, 3600, &dc->stop_timeout, err) <
        0)
        return -1;

    return metadata_merge_labels(dc, ac, ic, err);
}
