/*
 * json.h: json-c helpers with one discipline: parse strictly (UTF-8
 * validated, size capped, syntax errors reported with their offset), then
 * per field: get, type-check, copy out, and say "missing" and "wrong type"
 * differently.  `where` names what is being read (a file, or a digest) and
 * opens every message.
 */
#ifndef XL_OCI_COMMON_JSON_H
#define XL_OCI_COMMON_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/*
 * Parses `len` bytes of `buf`; refuses more than `max` bytes, a NUL byte,
 * and a NUL escaped as \u0000 in any string (naming the path of the value,
 * e.g. "config.Env[1]", or the offset of a key): C code reading the
 * string would see it cut at the NUL.
 */
int xo_json_parse(json_object **out_r, const char *buf, size_t len, size_t max,
                  const char *where, xo_err *err);

/* Reads and parses the file `path` (at most `max` bytes). */
int xo_json_parse_file(json_object **out_r, const char *path, size_t max,
                       xo_err *err);

/*
 * Field getters.  Each returns 1 when the key is present with the right
 * type (*out_r set), 0 when it is absent or null and not `required`
 * (*out_r untouched), -1 with an error otherwise: "missing" for an absent
 * required key, "must be a string" (etc.) for a wrong type, "holds a NUL
 * character" for a string with an escaped NUL.  Returned
 * strings and objects are borrowed from `obj`.
 */
int xo_json_get_string(const char **out_r, json_object *obj, const char *key,
                       bool required, const char *where, xo_err *err);
/*
 * The C string of a string object `v` (borrowed); fails naming `field`
 * when it holds a NUL, which C code would silently cut at.
 */
int xo_json_string(const char **out_r, json_object *v, const char *field,
                   const char *where, xo_err *err);
int xo_json_get_object(json_object **out_r, json_object *obj, const char *key,
                       bool required, const char *where, xo_err *err);
int xo_json_get_array(json_object **out_r, json_object *obj, const char *key,
                      bool required, const char *where, xo_err *err);

/*
 * An array of strings copied out as a NULL-terminated, owned vector
 * (*out_r; free with xo_strv_free).  Refuses more than `max_items`.
 */
int xo_json_get_strv(char ***out_r, size_t *n_r, json_object *obj,
                     const char *key, size_t max_items, const char *where,
                     xo_err *err);

/* Frees a NULL-terminated vector of strings. */
void xo_strv_free(char **v);

/* Serializes pretty-printed, without escaping '/', ending in "\n"; owned,
 * never NULL (a failed allocation calls xo_oom(), common/alloc.h). */
char *xo_json_to_string(json_object *obj);

#endif
