/* json.c: strict json-c helpers (see json.h). */
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "fileio.h"

/* Deep nesting is never legitimate in the documents we read. */
#define XO_JSON_MAX_DEPTH 32

/* Appends ".key" or "[i]" to a JSON path for messages (cut when long). */
static void path_push(char *path, size_t cap, const char *key, size_t idx)
{
    size_t n = strlen(path);
    if (n + 1 >= cap)
        return;
    if (key)
        /* may truncate: a path for messages, cut when long */
        snprintf(path + n, cap - n, "%s%s", n ? "." : "", key);
    else
        /* may truncate: as above */
        snprintf(path + n, cap - n, "[%zu]", idx);
}

/*
 * json-c keeps a string's length, so "A=b\u0000c" parses to 5 bytes that
 * C code would read as "A=b".  Finds the first string value holding a NUL
 * byte, depth first; returns true with its path in `path`.
 */
static bool find_nul(json_object *o, char *path, size_t cap)
{
    size_t mark = strlen(path);
    switch (json_object_get_type(o)) {
    case json_type_string:
        return strlen(json_object_get_string(o)) !=
               (size_t)json_object_get_string_len(o);
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            path_push(path, cap, NULL, i);
            if (find_nul(json_object_array_get_idx(o, i), path, cap))
                return true;
            path[mark] = '\0';
        }
        return false;
    case json_type_object: {
        json_object_object_foreach (o, k, v) {
            path_push(path, cap, k, 0);
            if (v && find_nul(v, path, cap))
                return true;
            path[mark] = '\0';
        }
        return false;
    }
    default:
        return false;
    }
}

/* The offset of the first "\u0000" escape in the text, or -1. */
static long raw_nul_escape(const char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] != '\\')
            continue;
        if (buf[i + 1] == 'u' && i + 6 <= len &&
            !memcmp(buf + i + 2, "0000", 4))
            return (long)i;
        i++; /* the escaped character */
    }
    return -1;
}

/* Refuses a document holding a NUL in any string: in a value, naming its
 * path; in an object key (json-c cuts keys at the NUL, so only the text
 * can tell), naming the offset. */
static int check_nul(json_object *obj, const char *buf, size_t len,
                     const char *where, xo_err *err)
{
    char path[256] = "";
    if (obj && find_nul(obj, path, sizeof(path)))
        return xo_err_set(err, EINVAL,
                          "%s: \"%s\" holds a NUL character (\\u0000)", where,
                          path[0] ? path : "(the document)");
    long off = raw_nul_escape(buf, len);
    if (off >= 0)
        return xo_err_set(
            err, EINVAL,
            "%s: an object key at offset %ld holds a NUL character (\\u0000)",
            where, off);
    return 0;
}

int xo_json_parse(json_object **out_r, const char *buf, size_t len, size_t max,
                  const char *where, xo_err *err)
{
    if (len > max)
        return xo_err_set(err, EFBIG, "%s: larger than %zu bytes", where, max);
    if (memchr(buf, '\0', len))
        return xo_err_set(err, EINVAL, "%s: contains a NUL byte", where);

    json_tokener *tok = json_tokener_new_ex(XO_JSON_MAX_DEPTH);
    if (!tok)
        xo_oom();
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *obj = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t off = json_tokener_get_parse_end(tok);
    int rc = 0;
    if (jerr == json_tokener_continue)
        rc = xo_err_set(
            err, EINVAL,
            "%s: invalid JSON: unexpected end of input at offset %zu", where,
            len);
    else if (jerr != json_tokener_success)
        rc = xo_err_set(err, EINVAL, "%s: invalid JSON at offset %zu: %s",
                        where, off, json_tokener_error_desc(jerr));
    else {
        /* Only whitespace may follow the document. */
        for (size_t i = off; i < len; i++) {
            if (!strchr(" \t\r\n", buf[i])) {
                rc = xo_err_set(err, EINVAL,
                                "%s: invalid JSON at offset %zu: trailing data",
                                where, i);
                break;
            }
        }
    }
    json_tokener_free(tok);
    if (rc == 0)
        rc = check_nul(obj, buf, len, where, err);
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
    if (rc == 1 && (rc = xo_json_string(out_r, v, key, where, err)) == 0)
        rc = 1;
    return rc;
}

int xo_json_string(const char **out_r, json_object *v, const char *field,
                   const char *where, xo_err *err)
{
    const char *s = json_object_get_string(v);
    if (strlen(s) != (size_t)json_object_get_string_len(v))
        return xo_err_set(err, EINVAL,
                          "%s: \"%s\" holds a NUL character (\\u0000)", where,
                          field);
    *out_r = s;
    return 0;
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
                          "%s: \"%s\" has %zu items, at most %zu allowed",
                          where, key, n, max_items);
    /* Bounded by max_items and by the document already in memory. */
    char **v = xo_xcalloc(n + 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(e, json_type_string)) {
            xo_strv_free(v);
            return xo_err_set(err, EINVAL, "%s: \"%s\"[%zu] must be a string",
                              where, key, i);
        }
        char field[300];
        const char *sv = NULL;
        /* may truncate: names the entry in messages only */
        snprintf(field, sizeof(field), "%s[%zu]", key, i);
        if (xo_json_string(&sv, e, field, where, err) < 0) {
            xo_strv_free(v);
            return -1;
        }
        v[i] = xo_xstrdup(sv);
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
    if (!s)
        xo_oom(); /* json-c's print buffer could not grow */
    size_t n = strlen(s);
    char *out = xo_xmalloc(n + 2);
    memcpy(out, s, n);
    out[n] = '\n';
    out[n + 1] = '\0';
    return out;
}
