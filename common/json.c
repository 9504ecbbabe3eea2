/* json.c: strict json-c helpers (see json.h). */
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

/* Deep nesting is never legitimate in the documents we read. */
#define XO_JSON_MAX_DEPTH 32

int xo_json_parse(json_object **out_r, const char *buf, size_t len, size_t max,
                  const char *where, xo_err *err)
{
    if (len > max)
        return xo_err_set(err, EFBIG, "%s: larger than %zu bytes", where, max);
    if (memchr(buf, '\0', len))
        return xo_err_set(err, EINVAL, "%s: contains a NUL byte", where);

    json_tokener *tok = json_tokener_new_ex(XO_JSON_MAX_DEPTH);
    if (!tok)
        return xo_err_set(err, ENOMEM, "%s: out of memory", where);
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *obj = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t off = json_tokener_get_parse_end(tok);
    int rc = 0;
    if (jerr == json_tokener_continue)
        rc = xo_err_set(err, EINVAL,
                        "%s: invalid JSON: unexpected end of "
                        "input at offset %zu",
                        where, len);
    else if (jerr != json_tokener_success)
        rc = xo_err_set(err, EINVAL, "%s: invalid JSON at offset %zu: %s",
                        where, off, json_tokener_error_desc(jerr));
    else {
        /* Only whitespace may follow the document. */
        for (size_t i = off; i < len; i++) {
            if (!strchr(" \t\r\n", buf[i])) {
                rc = xo_err_set(err, EINVAL,
                                "%s: invalid JSON at offset "
                                "%zu: trailing data",
                                where, i);
                break;
            }
        }
    }
    json_tokener_free(tok);
    if (rc < 0) {
        json_object_put(obj);
        return rc;
    }
    *out_r = obj;
    return 0;
}

int xo_json_parse_file(json_object **out_r, const char *path, size_t max,
                       xo_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (xo_read_file(&buf, &len, path, max, err) < 0)
        return -1;
    int rc = xo_json_parse(out_r, buf, len, max, path, err);
    free(buf);
    return rc;
}

static int get_typed(json_object **out_r, json_object *obj, const char *key,
                     json_type type, const char *tname, bool required,
                     const char *where, xo_err *err)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
        if (required)
            return xo_err_set(err, EINVAL, "%s: \"%s\" is missing", where, key);
        return 0;
    }
    if (!json_object_is_type(v, type))
        return xo_err_set(err, EINVAL, "%s: \"%s\" must be %s", where, key,
                          tname);
    *out_r = v;
    return 1;
}

int xo_json_get_string(const char **out_r, json_object *obj, const char *key,
                       bool required, const char *where, xo_err *err)
{
    json_object *v = NULL;
    int rc = get_typed(&v, obj, key, json_type_string, "a string", required,
                       where, err);
    if (rc == 1)
        *out_r = json_object_get_string(v);
    return rc;
}

int xo_json_get_object(json_object **out_r, json_object *obj, const char *key,
                       bool required, const char *where, xo_err *err)
{
    return get_typed(out_r, obj, key, json_type_object, "an object", required,
                     where, err);
}

int xo_json_get_array(json_object **out_r, json_object *obj, const char *key,
                      bool required, const char *where, xo_err *err)
{
    return get_typed(out_r, obj, key, json_type_array, "an array", required,
                     where, err);
}

void xo_strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

int xo_json_get_strv(char ***out_r, size_t *n_r, json_object *obj,
                     const char *key, size_t max_items, const char *where,
                     xo_err *err)
{
    json_object *arr = NULL;
    int rc = xo_json_get_array(&arr, obj, key, false, where, err);
    if (rc <= 0)
        return rc;
    size_t n = json_object_array_length(arr);
    if (n > max_items)
        return xo_err_set(err, E2BIG,
                          "%s: \"%s\" has %zu items, at most %zu "
                          "allowed",
                          where, key, n, max_items);
    char **v = calloc(n + 1, sizeof(*v));
    if (!v)
        return xo_err_set(err, ENOMEM, "%s: out of memory", where);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(e, json_type_string)) {
            xo_strv_free(v);
            return xo_err_set(err, EINVAL, "%s: \"%s\"[%zu] must be a string",
                              where, key, i);
        }
        v[i] = strdup(json_object_get_string(e));
        if (!v[i]) {
            xo_strv_free(v);
            return xo_err_set(err, ENOMEM, "%s: out of memory", where);
        }
    }
    *out_r = v;
    if (n_r)
        *n_r = n;
    return 1;
}

char *xo_json_to_string(json_object *obj)
{
    const char *s = json_object_to_json_string_ext(
        obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                 JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t n = strlen(s);
    char *out = malloc(n + 2);
    if (!out)
        return NULL;
    memcpy(out, s, n);
    out[n] = '\n';
    out[n + 1] = '\0';
    return out;
}
