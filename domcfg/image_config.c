/* image_config.c: strict reading of the OCI image config (see header). */
#include "image_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "domain_config.h"
#include "metadata.h"

void domcfg_image_config_init(struct image_config *ic)
{
    memset(ic, 0, sizeof(*ic));
}

void domcfg_image_config_dispose(struct image_config *ic)
{
    free(ic->os);
    free(ic->architecture);
    free(ic->user);
    xo_strv_free(ic->env);
    xo_strv_free(ic->entrypoint);
    xo_strv_free(ic->cmd);
    free(ic->working_dir);
    free(ic->stop_signal);
    xo_strv_free(ic->volumes);
    xo_strv_free(ic->labels);
    domcfg_image_config_init(ic);
}

static int dup_string(char **out_r, json_object *obj, const char *key,
                      bool required, const char *where, xo_err *err)
{
    const char *s = NULL;
    int rc = xo_json_get_string(&s, obj, key, required, where, err);
    if (rc <= 0)
        return rc;
    if (strlen(s) > DC_MAX_STRING)
        return xo_err_set(err, EINVAL, "%s: \"%s\" longer than %d bytes", where,
                          key, DC_MAX_STRING);
    *out_r = xo_xstrdup(s);
    return 1;
}

/* The keys of an object of empty objects (Volumes) or a string map (Labels). */
static int map_to_strv(char ***out_r, json_object *cfg, const char *key,
                       bool with_values, size_t max, size_t max_len,
                       const char *where, xo_err *err)
{
    json_object *m = NULL;
    int rc = xo_json_get_object(&m, cfg, key, false, where, err);
    if (rc <= 0)
        return rc;
    size_t n = (size_t)json_object_object_length(m), i = 0;
    if (n > max)
        return xo_err_set(err, E2BIG,
                          "%s: \"%s\" has %zu entries, at most %zu allowed",
                          where, key, n, max);
    char **v = xo_xcalloc(n + 1, sizeof(*v));
    json_object_object_foreach (m, k, val) {
        if (with_values && !json_object_is_type(val, json_type_string)) {
            xo_strv_free(v);
            return xo_err_set(err, EINVAL, "%s: \"%s\".\"%s\" must be a string",
                              where, key, k);
        }
        const char *sv = NULL;
        if (with_values && xo_json_string(&sv, val, k, where, err) < 0) {
            xo_strv_free(v);
            return -1;
        }
        size_t len = strlen(k) + (sv ? strlen(sv) + 1 : 0) + 1;
        if (len > max_len + 1) {
            xo_strv_free(v);
            return xo_err_set(err, EINVAL,
                              "%s: \"%s\" entry longer than %zu bytes", where,
                              key, max_len);
        }
        v[i++] = sv ? xo_xasprintf("%s=%s", k, sv) : xo_xstrdup(k);
    }
    *out_r = v;
    return 1;
}

/* Entrypoint and Cmd as moby reads them (strslice.StrSlice): a list of
 * strings, or one string as a list of one, as some image builders write
 * them.  containerd's types take the list only; Docker runs both. */
static int get_exec_strv(char ***out_r, json_object *cfg, const char *key,
                         const char *where, xo_err *err)
{
    json_object *v = NULL;
    if (json_object_object_get_ex(cfg, key, &v) &&
        json_object_is_type(v, json_type_string)) {
        const char *s = NULL;
        if (xo_json_string(&s, v, key, where, err) < 0)
            return -1;
        char **one = xo_xcalloc(2, sizeof(*one));
        one[0] = xo_xstrdup(s);
        *out_r = one;
        return 1;
    }
    return xo_json_get_strv(out_r, NULL, cfg, key, DC_MAX_EXEC_STRINGS, where,
                            err);
}

static int parse_fields(struct image_config *ic, json_object *root,
                        const char *where, xo_err *err)
{
    if (!json_object_is_type(root, json_type_object))
        return xo_err_set(err, EINVAL, "%s: must be a JSON object", where);
    if (dup_string(&ic->os, root, "os", true, where, err) < 0 ||
        dup_string(&ic->architecture, root, "architecture", true, where, err) <
            0)
        return -1;

    json_object *cfg = NULL;
    int rc = xo_json_get_object(&cfg, root, "config", false, where, err);
    if (rc <= 0)
        return rc;
    if (dup_string(&ic->user, cfg, "User", false, where, err) < 0 ||
        dup_string(&ic->working_dir, cfg, "WorkingDir", false, where, err) <
            0 ||
        dup_string(&ic->stop_signal, cfg, "StopSignal", false, where, err) <
            0 ||
        xo_json_get_strv(&ic->env, NULL, cfg, "Env", DC_MAX_EXEC_STRINGS, where,
                         err) < 0 ||
        get_exec_strv(&ic->entrypoint, cfg, "Entrypoint", where, err) < 0 ||
        get_exec_strv(&ic->cmd, cfg, "Cmd", where, err) < 0 ||
        map_to_strv(&ic->volumes, cfg, "Volumes", false, DC_MAX_VOLUMES * 4,
                    DC_MAX_STRING, where, err) < 0 ||
        /* Labels are checked against the rules in metadata.c, which
         * leaves out with a warning what they refuse (Docker keeps any
         * label): here every one is read, bounded by the document's size. */
        map_to_strv(&ic->labels, cfg, "Labels", true, IMAGE_CONFIG_MAX_BYTES,
                    IMAGE_CONFIG_MAX_BYTES, where, err) < 0)
        return -1;
    return 0;
}

int domcfg_image_config_parse(struct image_config *ic, const char *buf,
                              size_t len, const char *where, xo_err *err)
{
    json_object *root = NULL;
    if (xo_json_parse(&root, buf, len, IMAGE_CONFIG_MAX_BYTES, where, err) < 0)
        return -1;
    int rc = parse_fields(ic, root, where, err);
    json_object_put(root);
    if (rc < 0)
        domcfg_image_config_dispose(ic);
    return rc;
}

int domcfg_image_config_load(struct image_config *ic, const char *path,
                             xo_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (xo_read_file(&buf, &len, path, IMAGE_CONFIG_MAX_BYTES, err) < 0)
        return -1;
    int rc = domcfg_image_config_parse(ic, buf, len, path, err);
    free(buf);
    return rc;
}
