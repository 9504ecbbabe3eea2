/*
 * runtime_spec.c: the top of an OCI runtime spec (see runtime_spec.h):
 * ociVersion, root, hostname, annotations, linux.namespaces, and the
 * typed getters the other runtime_spec_*.c files share.
 */
#include "domcfg/runtime_spec.h"
#include "domcfg/runtime_spec_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"

static const char *type_name(json_type t)
{
    switch (t) {
    case json_type_string:
        return "a string";
    case json_type_int:
        return "an integer";
    case json_type_boolean:
        return "true or false";
    case json_type_array:
        return "an array";
    case json_type_object:
        return "an object";
    default:
        return "a number";
    }
}

int runtime_spec_fail(const struct rs_parse *p, const char *path,
                      const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    /* may truncate: message text */
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return xo_err_set(p->err, EINVAL, "%s: %s: %s", p->where, path, msg);
}

/* Appends `s` to the path in `out` (of length *len), cutting it to fit:
 * paths are only shown in messages, never used to find data. */
static void path_add(char out[RS_PATH_MAX], size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (n > RS_PATH_MAX - 1 - *len)
        n = RS_PATH_MAX - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

void runtime_spec_child(char out[RS_PATH_MAX], const char *parent,
                        const char *key)
{
    size_t len = 0;
    out[0] = '\0';
    path_add(out, &len, parent);
    if (*parent)
        path_add(out, &len, ".");
    path_add(out, &len, key);
}

void runtime_spec_index(char out[RS_PATH_MAX], const char *parent, size_t i)
{
    char idx[32];
    /* cannot truncate: a size_t is at most 20 digits */
    snprintf(idx, sizeof(idx), "[%zu]", i);
    size_t len = 0;
    out[0] = '\0';
    path_add(out, &len, parent);
    path_add(out, &len, idx);
}

int runtime_spec_get(json_object **out_r, json_object *obj, const char *key,
                     json_type t, bool required, const char *parent,
                     const struct rs_parse *p)
{
    char path[RS_PATH_MAX];
    runtime_spec_child(path, parent, key);
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || !v) {
        if (required)
            return runtime_spec_fail(p, path, "is missing");
        return 0;
    }
    if (!json_object_is_type(v, t))
        return runtime_spec_fail(p, path, "must be %s", type_name(t));
    *out_r = v;
    return 1;
}

int runtime_spec_str(char **out_r, json_object *v, size_t max, const char *path,
                     const struct rs_parse *p)
{
    if (!json_object_is_type(v, json_type_string))
        return runtime_spec_fail(p, path, "must be a string");
    /* xo_json_parse refused strings holding a NUL, so the length is the
     * C string's. */
    size_t len = (size_t)json_object_get_string_len(v);
    if (len > max)
        return runtime_spec_fail(p, path, "is longer than %zu bytes", max);
    *out_r = xo_xstrdup(json_object_get_string(v));
    return 0;
}

int runtime_spec_uint(uint64_t *out_r, json_object *v, uint64_t max,
                      const char *path, const struct rs_parse *p)
{
    if (!json_object_is_type(v, json_type_int))
        return runtime_spec_fail(p, path, "must be an integer");
    /* json-c keeps integers above INT64_MAX as unsigned; get_int64 then
     * clamps to INT64_MAX, so only a written minus sign reads negative. */
    if (json_object_get_int64(v) < 0)
        return runtime_spec_fail(p, path, "must not be negative");
    uint64_t x = json_object_get_uint64(v);
    if (x > max)
        return runtime_spec_fail(p, path, "must be at most %llu",
                                 (unsigned long long)max);
    *out_r = x;
    return 0;
}

int runtime_spec_strv(char ***out_r, size_t *n_r, json_object *arr,
                      size_t max_items, size_t max_len, const char *path,
                      const struct rs_parse *p)
{
    size_t n = json_object_array_length(arr);
    if (n > max_items)
        return runtime_spec_fail(p, path, "has more than %zu entries",
                                 max_items);
    char **v = xo_xcalloc(n + 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        char ip[RS_PATH_MAX];
        runtime_spec_index(ip, path, i);
        if (runtime_spec_str(&v[i], json_object_array_get_idx(arr, i), max_len,
                             ip, p) < 0) {
            xo_strv_free(v);
            return -1;
        }
    }
    *out_r = v;
    *n_r = n;
    return 0;
}

bool runtime_spec_abs_path_ok(const char *s)
{
    if (s[0] != '/' || strlen(s) > RUNTIME_SPEC_MAX_PATH)
        return false;
    for (const char *d = s; (d = strstr(d, "..")); d += 2)
        if (d[-1] == '/' && (d[2] == '/' || d[2] == '\0'))
            return false;
    return true;
}

void runtime_spec_init(struct runtime_spec *rs)
{
    memset(rs, 0, sizeof(*rs));
}

void runtime_spec_dispose(struct runtime_spec *rs)
{
    free(rs->oci_version);
    free(rs->root_path);
    free(rs->hostname);
    runtime_spec_process_dispose(&rs->process);
    for (size_t i = 0; i < rs->n_mounts; i++) {
        free(rs->mounts[i].destination);
        free(rs->mounts[i].type);
        free(rs->mounts[i].source);
        xo_strv_free(rs->mounts[i].options);
    }
    free(rs->mounts);
    for (size_t i = 0; i < rs->n_annotations; i++) {
        free(rs->annotations[i].key);
        free(rs->annotations[i].value);
    }
    free(rs->annotations);
    for (size_t i = 0; i < rs->n_namespaces; i++) {
        free(rs->namespaces[i].type);
        free(rs->namespaces[i].path);
    }
    free(rs->namespaces);
    xo_strv_free(rs->sysctl);
    xo_strv_free(rs->masked_paths);
    xo_strv_free(rs->readonly_paths);
    for (int k = 0; k < RUNTIME_HOOK_KINDS; k++) {
        for (size_t i = 0; i < rs->n_hooks[k]; i++) {
            free(rs->hooks[k][i].path);
            xo_strv_free(rs->hooks[k][i].args);
            xo_strv_free(rs->hooks[k][i].env);
        }
        free(rs->hooks[k]);
    }
    runtime_spec_init(rs);
}

const char *runtime_spec_annotation(const struct runtime_spec *rs,
                                    const char *key)
{
    for (size_t i = 0; i < rs->n_annotations; i++)
        if (strcmp(rs->annotations[i].key, key) == 0)
            return rs->annotations[i].value;
    return NULL;
}

const struct runtime_namespace *
runtime_spec_namespace(const struct runtime_spec *rs, const char *type)
{
    for (size_t i = 0; i < rs->n_namespaces; i++)
        if (strcmp(rs->namespaces[i].type, type) == 0)
            return &rs->namespaces[i];
    return NULL;
}

/* "1.MINOR.PATCH[-suffix]": the runtime-spec's semver; any 1.x is read,
 * as every minor version only adds fields. */
static bool version_ok(const char *v)
{
    unsigned a, b, c;
    int n = 0;
    return sscanf(v, "%u.%u.%u%n", &a, &b, &c, &n) == 3 && a == 1 &&
           (v[n] == '\0' || v[n] == '-' || v[n] == '+');
}

static int parse_root(struct runtime_spec *rs, json_object *o,
                      const struct rs_parse *p)
{
    json_object *root = NULL, *v = NULL;
    if (runtime_spec_get(&root, o, "root", json_type_object, true, "", p) < 0 ||
        runtime_spec_get(&v, root, "path", json_type_string, true, "root", p) <
            0 ||
        runtime_spec_str(&rs->root_path, v, RUNTIME_SPEC_MAX_PATH, "root.path",
                         p) < 0)
        return -1;
    if (!rs->root_path[0])
        return runtime_spec_fail(p, "root.path", "is empty");
    int r = runtime_spec_get(&v, root, "readonly", json_type_boolean, false,
                             "root", p);
    if (r < 0)
        return -1;
    rs->root_readonly = r == 1 && json_object_get_boolean(v);
    return 0;
}

static int parse_annotations(struct runtime_spec *rs, json_object *o,
                             const struct rs_parse *p)
{
    json_object *ann = NULL;
    int r = runtime_spec_get(&ann, o, "annotations", json_type_object, false,
                             "", p);
    if (r <= 0)
        return r;
    size_t n = (size_t)json_object_object_length(ann);
    if (n > RUNTIME_SPEC_MAX_ANNOTATIONS)
        return runtime_spec_fail(p, "annotations", "has more than %d entries",
                                 RUNTIME_SPEC_MAX_ANNOTATIONS);
    rs->annotations = xo_xcalloc(n, sizeof(*rs->annotations));
    json_object_object_foreach (ann, key, val) {
        char path[RS_PATH_MAX];
        /* may truncate: a path shown in messages */
        snprintf(path, sizeof(path), "annotations[\"%.64s\"]", key);
        size_t kl = strlen(key);
        if (kl == 0 || kl > RUNTIME_SPEC_MAX_ANNOTATION_KEY)
            return runtime_spec_fail(p, path, "key must be 1 to %d bytes",
                                     RUNTIME_SPEC_MAX_ANNOTATION_KEY);
        /* Annotations become labels "KEY=VALUE" of the domain. */
        if (strchr(key, '='))
            return runtime_spec_fail(p, path, "key holds '='");
        struct runtime_annotation *a = &rs->annotations[rs->n_annotations];
        if (!val)
            return runtime_spec_fail(p, path, "must be a string");
        a->key = xo_xstrdup(key);
        rs->n_annotations++;
        if (runtime_spec_str(&a->value, val, RUNTIME_SPEC_MAX_ANNOTATION_VALUE,
                             path, p) < 0)
            return -1;
    }
    const char *t = runtime_spec_annotation(rs, RUNTIME_SPEC_CRI_TYPE);
    if (!t)
        rs->container_type = RUNTIME_CONTAINER_PLAIN;
    else if (strcmp(t, "sandbox") == 0)
        rs->container_type = RUNTIME_CONTAINER_SANDBOX;
    else if (strcmp(t, "container") == 0)
        rs->container_type = RUNTIME_CONTAINER_CRI;
    else
        return runtime_spec_fail(
            p, "annotations[\"" RUNTIME_SPEC_CRI_TYPE "\"]",
            "\"%.64s\" is neither sandbox nor container", t);
    rs->sandbox_id = runtime_spec_annotation(rs, RUNTIME_SPEC_CRI_SANDBOX_ID);
    return 0;
}

static const char *const ns_types[] = {"pid", "network", "mount",  "ipc",
                                       "uts", "user",    "cgroup", "time"};

static int parse_namespaces(struct runtime_spec *rs, json_object *o,
                            const struct rs_parse *p)
{
    json_object *lx = NULL, *arr = NULL;
    int r = runtime_spec_get(&lx, o, "linux", json_type_object, false, "", p);
    if (r > 0)
        r = runtime_spec_get(&arr, lx, "namespaces", json_type_array, false,
                             "linux", p);
    if (r <= 0)
        return r;
    size_t n = json_object_array_length(arr);
    if (n > RUNTIME_SPEC_MAX_NAMESPACES)
        return runtime_spec_fail(p, "linux.namespaces",
                                 "has more than %d entries",
                                 RUNTIME_SPEC_MAX_NAMESPACES);
    rs->namespaces = xo_xcalloc(n, sizeof(*rs->namespaces));
    for (size_t i = 0; i < n; i++) {
        char path[RS_PATH_MAX], tp[RS_PATH_MAX], pp[RS_PATH_MAX];
        runtime_spec_index(path, "linux.namespaces", i);
        runtime_spec_child(tp, path, "type");
        runtime_spec_child(pp, path, "path");
        json_object *e = json_object_array_get_idx(arr, i), *v = NULL;
        if (!json_object_is_type(e, json_type_object))
            return runtime_spec_fail(p, path, "must be an object");
        struct runtime_namespace *ns = &rs->namespaces[rs->n_namespaces++];
        if (runtime_spec_get(&v, e, "type", json_type_string, true, path, p) <
                0 ||
            runtime_spec_str(&ns->type, v, 16, tp, p) < 0)
            return -1;
        size_t k = 0;
        while (k < sizeof(ns_types) / sizeof(*ns_types) &&
               strcmp(ns_types[k], ns->type) != 0)
            k++;
        if (k == sizeof(ns_types) / sizeof(*ns_types))
            return runtime_spec_fail(p, tp, "\"%s\" is not a namespace type",
                                     ns->type);
        for (size_t j = 0; j + 1 < rs->n_namespaces; j++)
            if (strcmp(rs->namespaces[j].type, ns->type) == 0)
                return runtime_spec_fail(p, tp, "\"%s\" is listed twice",
                                         ns->type);
        if ((r = runtime_spec_get(&v, e, "path", json_type_string, false, path,
                                  p)) < 0 ||
            (r == 1 &&
             runtime_spec_str(&ns->path, v, RUNTIME_SPEC_MAX_PATH, pp, p) < 0))
            return -1;
        /* "" means no path, as runc reads it. */
        if (ns->path && !ns->path[0]) {
            free(ns->path);
            ns->path = NULL;
        }
        if (ns->path && !runtime_spec_abs_path_ok(ns->path))
            return runtime_spec_fail(p, pp, "\"%.64s\" is not an absolute path",
                                     ns->path);
    }
    return 0;
}

static int parse_top(struct runtime_spec *rs, json_object *o,
                     const struct rs_parse *p)
{
    json_object *v = NULL, *proc = NULL, *mounts = NULL;
    if (!json_object_is_type(o, json_type_object))
        return xo_err_set(p->err, EINVAL, "%s: not a JSON object", p->where);
    if (runtime_spec_get(&v, o, "ociVersion", json_type_string, true, "", p) <
            0 ||
        runtime_spec_str(&rs->oci_version, v, 64, "ociVersion", p) < 0)
        return -1;
    if (!version_ok(rs->oci_version))
        return runtime_spec_fail(p, "ociVersion",
                                 "\"%s\" is not a runtime-spec 1.x version",
                                 rs->oci_version);
    if (parse_root(rs, o, p) < 0)
        return -1;
    int r = runtime_spec_get(&v, o, "hostname", json_type_string, false, "", p);
    if (r < 0 ||
        (r == 1 && runtime_spec_str(&rs->hostname, v, 255, "hostname", p) < 0))
        return -1;
    /* runc's create needs a process; so does a domain. */
    if (runtime_spec_get(&proc, o, "process", json_type_object, true, "", p) <
            0 ||
        runtime_spec_parse_process(&rs->process, proc, p) < 0)
        return -1;
    if ((r = runtime_spec_get(&mounts, o, "mounts", json_type_array, false, "",
                              p)) < 0 ||
        (r == 1 && runtime_spec_parse_mounts(rs, mounts, p) < 0))
        return -1;
    if (parse_annotations(rs, o, p) < 0 || parse_namespaces(rs, o, p) < 0 ||
        runtime_spec_parse_resources(rs, o, p) < 0 ||
        runtime_spec_parse_sysctl(rs, o, p) < 0 ||
        runtime_spec_parse_paths(rs, o, p) < 0 ||
        runtime_spec_parse_hooks(rs, o, p) < 0)
        return -1;
    return 0;
}

int runtime_spec_parse(struct runtime_spec *rs, const char *buf, size_t len,
                       const char *where, xo_err *err)
{
    json_object *o = NULL;
    if (xo_json_parse(&o, buf, len, RUNTIME_SPEC_MAX_BYTES, where, err) < 0)
        return -1;
    struct rs_parse p = {where, err};
    int rc = parse_top(rs, o, &p);
    json_object_put(o);
    return rc;
}

int runtime_spec_load(struct runtime_spec *rs, const char *path, xo_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (xo_read_file(&buf, &len, path, RUNTIME_SPEC_MAX_BYTES, err) < 0)
        return -1;
    int rc = runtime_spec_parse(rs, buf, len, path, err);
    free(buf);
    return rc;
}

void runtime_spec_process_dispose(struct runtime_process *pr)
{
    xo_strv_free(pr->args);
    xo_strv_free(pr->env);
    free(pr->cwd);
    free(pr->additional_gids);
    memset(pr, 0, sizeof(*pr));
}

int runtime_spec_process_load(struct runtime_process *pr, const char *path,
                              xo_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    json_object *o = NULL;
    memset(pr, 0, sizeof(*pr));
    if (xo_read_file(&buf, &len, path, RUNTIME_SPEC_MAX_BYTES, err) < 0)
        return -1;
    int rc = xo_json_parse(&o, buf, len, RUNTIME_SPEC_MAX_BYTES, path, err);
    free(buf);
    if (rc < 0)
        return -1;
    struct rs_parse p = {path, err};
    rc = json_object_is_type(o, json_type_object)
             ? runtime_spec_parse_process(pr, o, &p)
             : runtime_spec_fail(&p, "process", "must be an object");
    json_object_put(o);
    if (rc < 0)
        runtime_spec_process_dispose(pr);
    return rc;
}
