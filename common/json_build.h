/*
 * json_build.h: building JSON documents with json-c under the allocation
 * policy of alloc.h.  json-c's constructors return NULL when out of
 * memory, and json_object_object_add() / json_object_array_add() then
 * store a JSON null (or fail) without a word, so a state file or a
 * runtime spec could be written with members missing.  These never
 * return NULL and never drop a member: they call xo_oom() instead.
 * The adders take ownership of `val`, as json-c's do.
 */
#ifndef XL_OCI_COMMON_JSON_BUILD_H
#define XL_OCI_COMMON_JSON_BUILD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

json_object *xo_jobj(void);
json_object *xo_jarr(void);
json_object *xo_jstr(const char *s); /* s must not be NULL */
json_object *xo_jint(int32_t v);
json_object *xo_jint64(int64_t v);
json_object *xo_juint64(uint64_t v);
json_object *xo_jbool(bool v);
/* A number written with `decimals` (0..9) digits after the point, as
 * "12.50" (json-c alone writes 17 significant digits). */
json_object *xo_jfixed(double v, int decimals);

/* obj[key] = val (replacing any member of that name). */
void xo_jset(json_object *obj, const char *key, json_object *val);

/* arr.append(val). */
void xo_jpush(json_object *arr, json_object *val);

#endif
