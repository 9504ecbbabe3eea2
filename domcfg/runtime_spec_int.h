/*
 * runtime_spec_int.h: what the files of the runtime spec reader share
 * (runtime_spec.c, runtime_spec_process.c, runtime_spec_mounts.c): typed
 * getters that name the JSON path of the value at fault.  Not for other
 * modules: they use runtime_spec.h.
 */
#ifndef XL_OCI_DOMCFG_RUNTIME_SPEC_INT_H
#define XL_OCI_DOMCFG_RUNTIME_SPEC_INT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "domcfg/runtime_spec.h"

/* A JSON path shown in messages ("process.user.additionalGids[3]"). */
#define RS_PATH_MAX 320

struct rs_parse {
    const char *where; /* the file */
    xo_err *err;
};

/* Sets the error "WHERE: PATH: MESSAGE" (EINVAL) and returns -1. */
int runtime_spec_fail(const struct rs_parse *p, const char *path,
                      const char *fmt, ...) XO_PRINTF(3, 4);

/* "PARENT.KEY" (or "KEY" at the top) and "PARENT[I]" into out. */
void runtime_spec_child(char out[RS_PATH_MAX], const char *parent,
                        const char *key);
void runtime_spec_index(char out[RS_PATH_MAX], const char *parent, size_t i);

/*
 * obj[key] of json type `t`: 1 with *out_r set, 0 when absent or null
 * and not `required`, -1 ("is missing", "must be an array", ...).
 */
int runtime_spec_get(json_object **out_r, json_object *obj, const char *key,
                     json_type t, bool required, const char *parent,
                     const struct rs_parse *p);

/* A copy of string `v` of at most `max` bytes (*out_r owned). */
int runtime_spec_str(char **out_r, json_object *v, size_t max, const char *path,
                     const struct rs_parse *p);

/* A JSON integer in [0, max] (a number like 1.5 or -1 is refused). */
int runtime_spec_uint(uint64_t *out_r, json_object *v, uint64_t max,
                      const char *path, const struct rs_parse *p);

/* An array of at most `max_items` strings of at most `max_len` bytes, as
 * an owned NULL-terminated vector. */
int runtime_spec_strv(char ***out_r, size_t *n_r, json_object *arr,
                      size_t max_items, size_t max_len, const char *path,
                      const struct rs_parse *p);

/* An absolute path without a ".." component, at most
 * RUNTIME_SPEC_MAX_PATH bytes. */
bool runtime_spec_abs_path_ok(const char *s);

int runtime_spec_parse_process(struct runtime_process *pr, json_object *o,
                               const struct rs_parse *p);
int runtime_spec_parse_mounts(struct runtime_spec *rs, json_object *arr,
                              const struct rs_parse *p);
/* linux.resources' memory limit and CPU quota (the rest is ignored). */
int runtime_spec_parse_resources(struct runtime_spec *rs, json_object *o,
                                 const struct rs_parse *p);
/* hooks: each kind an array of {path, args, env, timeout}. */
int runtime_spec_parse_hooks(struct runtime_spec *rs, json_object *o,
                             const struct rs_parse *p);
/* linux.sysctl: an object of strings, checked by common/abi/sysctl.h. */
/* linux.maskedPaths and linux.readonlyPaths (runtime_spec_paths.c). */
int runtime_spec_parse_paths(struct runtime_spec *rs, json_object *o,
                             const struct rs_parse *p);
int runtime_spec_parse_sysctl(struct runtime_spec *rs, json_object *o,
                              const struct rs_parse *p);

#endif
