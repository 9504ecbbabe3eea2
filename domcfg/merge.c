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
 *   cwd, user, stop signal: app.cfg if set, else the image, else defaults.
 */
#include "merge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app_cfg.h"
#include "common/json.h"
#include "signals.h"

#define DEFAULT_PATH                                                           \
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static size_t strv_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static int strv_append(char ***v, size_t *n, const char *s, size_t max,
                       const char *what, xo_err *err)
{
    if (*n >= max)
        return xo_err_set(err, E2BIG, "%s: more than %zu entries", what, max);
    char **nv = realloc(*v, (*n + 2) * sizeof(**v));
    if (!nv)
        return xo_err_set(err, ENOMEM, "out of memory");
    *v = nv;
    nv[*n] = strdup(s);
    if (!nv[*n])
        return xo_err_set(err, ENOMEM, "out of memory");
    nv[++*n] = NULL;
    return 0;
}

static int env_key_len(const char *kv, size_t *len_r)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return -1;
    *len_r = (size_t)(eq - kv);
    return 0;
}

/* Sets KEY=VALUE in env, replacing an entry with the same key. */
static int env_set(struct domain_config *dc, const char *kv, const char *what,
                   xo_err *err)
{
    size_t klen;
    if (env_key_len(kv, &klen) < 0)
        return xo_err_set(err, EINVAL, "%s: \"%s\" is not KEY=VALUE", what, kv);
    for (size_t i = 0; i < dc->n_env; i++) {
        size_t l2;
        if (env_key_len(dc->env[i], &l2) == 0 && l2 == klen &&
            strncmp(dc->env[i], kv, klen) == 0) {
            char *d = strdup(kv);
            if (!d)
                return xo_err_set(err, ENOMEM, "out of memory");
            free(dc->env[i]);
            dc->env[i] = d;
            return 0;
        }
    }
    return strv_append(&dc->env, &dc->n_env, kv, DC_MAX_ENV, what, err);
}

static bool env_has(const struct domain_config *dc, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < dc->n_env; i++)
        if (strncmp(dc->env[i], key, klen) == 0 && dc->env[i][klen] == '=')
            return true;
    return false;
}

static int merge_args(struct domain_config *dc, const struct app_cfg *ac,
                      const struct image_config *ic, xo_err *err)
{
    char **ep = NULL, **cmd = NULL;
    int has_ep =
        app_cfg_list(ac, "oci_entrypoint", DC_MAX_ARGS, &ep, NULL, err);
    if (has_ep < 0)
        return -1;
    int has_cmd = app_cfg_list(ac, "oci_cmd", DC_MAX_ARGS, &cmd, NULL, err);
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
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < strv_len(use_ep); i++)
        rc = strv_append(&dc->args, &dc->n_args, use_ep[i], DC_MAX_ARGS,
                         "entrypoint and cmd", err);
    for (size_t i = 0; rc == 0 && i < strv_len(use_cmd); i++)
        rc = strv_append(&dc->args, &dc->n_args, use_cmd[i], DC_MAX_ARGS,
                         "entrypoint and cmd", err);
    xo_strv_free(ep);
    xo_strv_free(cmd);
    if (rc < 0)
        return -1;
    if (dc->n_args == 0)
        return xo_err_set(
            err, EINVAL,
            "nothing to run: neither the image config (%s) nor %s sets an entrypoint or cmd",
            dc->image_config_path, app_cfg_path(ac));
    if (dc->args[0][0] == '\0')
        return xo_err_set(
            err, EINVAL,
            "nothing to run: the program (first word of %s) is an empty string",
            prog_from);
    return 0;
}

static int merge_env(struct domain_config *dc, const struct app_cfg *ac,
                     const struct image_config *ic, xo_err *err)
{
    for (size_t i = 0; i < strv_len(ic->env); i++)
        if (env_set(dc, ic->env[i], dc->image_config_path, err) < 0)
            return -1;
    char **env = NULL;
    int has = app_cfg_list(ac, "oci_env", DC_MAX_ENV, &env, NULL, err);
    if (has < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && has && env[i]; i++) {
        size_t klen;
        if (env_key_len(env[i], &klen) < 0)
            rc = app_cfg_bad_value(ac, "oci_env", err,
                                   "\"%s\" is not "
                                   "KEY=VALUE",
                                   env[i]);
        else
            rc = env_set(dc, env[i], "oci_env", err);
    }
    xo_strv_free(env);
    if (rc < 0)
        return -1;
    if (!env_has(dc, "PATH"))
        return env_set(dc, DEFAULT_PATH, "PATH", err);
    return 0;
}

static int dup_into(char **dst, const char *src, xo_err *err)
{
    free(*dst);
    *dst = strdup(src);
    return *dst ? 0 : xo_err_set(err, ENOMEM, "out of memory");
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

int merge_process(struct domain_config *dc, const struct app_cfg *ac,
                  const struct image_config *ic, xo_err *err)
{
    if (merge_args(dc, ac, ic, err) < 0 || merge_env(dc, ac, ic, err) < 0)
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
                                     "\"%s\" is not "
                                     "an absolute path",
                                     cwd);
        return xo_err_set(err, EINVAL,
                          "%s: WorkingDir \"%s\" is not an "
                          "absolute path",
                          dc->image_config_path, cwd);
    }
    if (dup_into(&dc->cwd, cwd, err) < 0)
        return -1;

    if ((r = app_cfg_string(ac, "oci_user", &s, err)) < 0)
        return -1;
    const char *user = r ? s : (ic->user ? ic->user : "");
    if (!valid_user(user)) {
        if (r)
            return app_cfg_bad_value(ac, "oci_user", err,
                                     "\"%s\" is not a "
                                     "valid user[:group]",
                                     user);
        return xo_err_set(err, EINVAL,
                          "%s: User \"%s\" is not a valid "
                          "user[:group]",
                          dc->image_config_path, user);
    }
    if (dup_into(&dc->user, user, err) < 0)
        return -1;

    if ((r = app_cfg_string(ac, "oci_stop_signal", &s, err)) < 0)
        return -1;
    const char *sig = r ? s : ic->stop_signal;
    dc->stop_signal = 15;
    if (sig && *sig) {
        int n = signal_from_string(sig);
        if (n < 0) {
            if (r)
                return app_cfg_bad_value(ac, "oci_stop_signal", err,
                                         "\"%s\" is not a signal", sig);
            return xo_err_set(err, EINVAL,
                              "%s: StopSignal \"%s\" is not a "
                              "signal",
                              dc->image_config_path, sig);
        }
        dc->stop_signal = n;
    }
    dc->stop_timeout = 10;
    if (app_cfg_long(ac, "oci_stop_timeout", 0, 3600, &dc->stop_timeout, err) <
        0)
        return -1;

    size_t n = strv_len(ic->labels);
    for (size_t i = 0; i < n; i++)
        if (strv_append(&dc->labels, &dc->n_labels, ic->labels[i], 256,
                        "Labels", err) < 0)
            return -1;
    return 0;
}
