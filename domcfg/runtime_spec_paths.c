/*
 * runtime_spec_paths.c: linux.maskedPaths and linux.readonlyPaths of a
 * runtime spec (runtime-spec config-linux.md "Masked Paths", "Readonly
 * Paths"): arrays of absolute paths in the container that runc covers
 * (an empty read-only tmpfs over a directory, /dev/null over a file) or
 * remounts read-only.  A domain's loader applies them as the bundle has
 * them (boot spec v12), so they are bounded by the boot spec's limits
 * here, where the message can still name the bundle's file.
 */
#include "domcfg/runtime_spec_int.h"

#include <string.h>

#include "common/abi/boot_spec.h"
#include "common/alloc.h"
#include "domcfg/merge.h"

static int parse_list(char ***out_r, size_t *n_r, json_object *lx,
                      const char *key, const char *path,
                      const struct rs_parse *p)
{
    json_object *arr = NULL;
    int r = runtime_spec_get(&arr, lx, key, json_type_array, false, "linux", p);
    if (r <= 0)
        return r;
    if (runtime_spec_strv(out_r, n_r, arr, BOOT_SPEC_MAX_PATH_LIST,
                          BOOT_SPEC_MAX_STR - 1, path, p) < 0)
        return -1;
    for (size_t i = 0; i < *n_r; i++) {
        char ip[RS_PATH_MAX];
        runtime_spec_index(ip, path, i);
        char *v = (*out_r)[i];
        if (!runtime_spec_abs_path_ok(v))
            return runtime_spec_fail(
                p, ip, "\"%.64s\" is not an absolute path without \"..\"", v);
        /* "//", "/./" and a trailing '/' as the kernel reads them. */
        merge_clean_abs_path(v);
        if (strcmp(v, "/") == 0)
            return runtime_spec_fail(p, ip, "is the container's root");
    }
    return 1;
}

int runtime_spec_parse_paths(struct runtime_spec *rs, json_object *o,
                             const struct rs_parse *p)
{
    json_object *lx = NULL;
    int r = runtime_spec_get(&lx, o, "linux", json_type_object, false, "", p);
    if (r <= 0)
        return r;
    if (parse_list(&rs->masked_paths, &rs->n_masked_paths, lx, "maskedPaths",
                   "linux.maskedPaths", p) < 0 ||
        parse_list(&rs->readonly_paths, &rs->n_readonly_paths, lx,
                   "readonlyPaths", "linux.readonlyPaths", p) < 0)
        return -1;
    return 0;
}
