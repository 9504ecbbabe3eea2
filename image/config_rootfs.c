/* config_rootfs.c: the image config's rootfs.diff_ids (config_rootfs.h). */
#include "image/config_rootfs.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"

/* As pull.c's bound on a config. */
#define CONFIG_ROOTFS_MAX_BYTES (4u << 20)

int config_rootfs_diff_ids(struct digest **ids_r, const char *buf, size_t len,
                           size_t n_layers, const char *where, xo_err *err)
{
    *ids_r = NULL;
    json_object *o = NULL, *rootfs = NULL, *ids = NULL;
    if (xo_json_parse(&o, buf, len, CONFIG_ROOTFS_MAX_BYTES, where, err) < 0)
        return -1;
    const char *type = NULL;
    int rc = -1;
    if (xo_json_get_object(&rootfs, o, "rootfs", true, where, err) < 0 ||
        xo_json_get_string(&type, rootfs, "type", true, where, err) < 0 ||
        xo_json_get_array(&ids, rootfs, "diff_ids", true, where, err) < 0)
        goto out;
    if (strcmp(type, "layers") != 0) {
        xo_err_set(err, EINVAL, "%s: rootfs.type is \"%.32s\", not \"layers\"",
                   where, type);
        goto out;
    }
    size_t n = json_object_array_length(ids);
    if (n != n_layers) {
        xo_err_set(
            err, EINVAL,
            "%s: rootfs.diff_ids lists %zu layer%s, the manifest %zu: they must match one to one",
            where, n, n == 1 ? "" : "s", n_layers);
        goto out;
    }
    struct digest *d = xo_xcalloc(n ? n : 1, sizeof(*d));
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(ids, i);
        if (!json_object_is_type(e, json_type_string) ||
            digest_parse(&d[i], json_object_get_string(e), err) < 0) {
            if (!json_object_is_type(e, json_type_string))
                xo_err_set(err, EINVAL, "not a string");
            xo_err_wrap(err, "%s: rootfs.diff_ids[%zu]", where, i);
            free(d);
            goto out;
        }
    }
    *ids_r = d;
    rc = 0;
out:
    json_object_put(o);
    return rc;
}
