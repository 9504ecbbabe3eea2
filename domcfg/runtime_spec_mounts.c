/*
 * runtime_spec_mounts.c: the "mounts" array of an OCI runtime spec (see
 * runtime_spec.h), each checked and sorted into what the loader already
 * provides, host binds, tmpfs, and the rest.
 */
#include "domcfg/runtime_spec_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "domcfg/merge.h"

/* Kernel file systems the loader and runc mount by themselves. */
static const char *const provided_types[] = {"proc",   "sysfs",  "devpts",
                                             "mqueue", "cgroup", "cgroup2"};

static bool has_option(const struct runtime_mount *m, const char *opt)
{
    for (size_t i = 0; i < m->n_options; i++)
        if (strcmp(m->options[i], opt) == 0)
            return true;
    return false;
}

static void classify(struct runtime_mount *m)
{
    for (size_t i = 0; i < m->n_options; i++) {
        if (strcmp(m->options[i], "ro") == 0)
            m->read_only = true;
        else if (strcmp(m->options[i], "rw") == 0)
            m->read_only = false;
    }
    m->recursive = has_option(m, "rbind");
    /* runc: a mount is a bind mount when its type says so or its options
     * do, whatever else the type names. */
    if (strcmp(m->type, "bind") == 0 || has_option(m, "bind") || m->recursive) {
        m->kind = RUNTIME_MOUNT_BIND;
        return;
    }
    for (size_t i = 0; i < sizeof(provided_types) / sizeof(*provided_types);
         i++)
        if (strcmp(m->type, provided_types[i]) == 0) {
            m->kind = RUNTIME_MOUNT_PROVIDED;
            return;
        }
    if (strcmp(m->type, "tmpfs") == 0)
        m->kind = strcmp(m->destination, "/dev") == 0 ||
                          strcmp(m->destination, "/dev/shm") == 0
                      ? RUNTIME_MOUNT_PROVIDED
                      : RUNTIME_MOUNT_TMPFS;
    else
        m->kind = RUNTIME_MOUNT_OTHER;
}

static int parse_mount(struct runtime_mount *m, json_object *e,
                       const char *path, const struct rs_parse *p)
{
    char fp[RS_PATH_MAX];
    json_object *v = NULL;
    if (!json_object_is_type(e, json_type_object))
        return runtime_spec_fail(p, path, "must be an object");
    runtime_spec_child(fp, path, "destination");
    if (runtime_spec_get(&v, e, "destination", json_type_string, true, path,
                         p) < 0 ||
        runtime_spec_str(&m->destination, v, RUNTIME_SPEC_MAX_PATH, fp, p) < 0)
        return -1;
    /* As runc resolves a destination: relative to /, and "..", "//",
     * "/./" and a trailing '/' resolved lexically, never above / (CRI
     * passes Kubernetes' mountPath "/data/" as it is: helper-63). */
    if (m->destination[0] != '/') {
        char *abs = xo_xasprintf("/%s", m->destination);
        free(m->destination);
        m->destination = abs;
    }
    merge_clean_abs_path(m->destination);
    const char *keys[] = {"type", "source"};
    char **outs[] = {&m->type, &m->source};
    for (size_t k = 0; k < 2; k++) {
        runtime_spec_child(fp, path, keys[k]);
        int r =
            runtime_spec_get(&v, e, keys[k], json_type_string, false, path, p);
        if (r < 0 ||
            (r == 1 &&
             runtime_spec_str(outs[k], v, RUNTIME_SPEC_MAX_PATH, fp, p) < 0))
            return -1;
        if (r == 0)
            *outs[k] = xo_xstrdup("");
    }
    runtime_spec_child(fp, path, "options");
    int r = runtime_spec_get(&v, e, "options", json_type_array, false, path, p);
    if (r < 0 || (r == 1 && runtime_spec_strv(&m->options, &m->n_options, v,
                                              RUNTIME_SPEC_MAX_MOUNT_OPTS,
                                              RUNTIME_SPEC_MAX_OPT, fp, p) < 0))
        return -1;
    if (!m->options)
        m->options = xo_xcalloc(1, sizeof(char *));
    classify(m);
    if (m->kind == RUNTIME_MOUNT_BIND && !m->source[0])
        return runtime_spec_fail(p, path, "a bind mount needs a source");
    if (m->kind == RUNTIME_MOUNT_BIND) {
        for (const char *d = m->source; (d = strstr(d, "..")); d += 2)
            if ((d == m->source || d[-1] == '/') && (d[2] == '/' || !d[2]))
                return runtime_spec_fail(
                    p, path, "bind source \"%.64s\" holds ..", m->source);
    }
    return 0;
}

int runtime_spec_parse_mounts(struct runtime_spec *rs, json_object *arr,
                              const struct rs_parse *p)
{
    size_t n = json_object_array_length(arr);
    if (n > RUNTIME_SPEC_MAX_MOUNTS)
        return runtime_spec_fail(p, "mounts", "has more than %d entries",
                                 RUNTIME_SPEC_MAX_MOUNTS);
    rs->mounts = xo_xcalloc(n, sizeof(*rs->mounts));
    for (size_t i = 0; i < n; i++) {
        char path[RS_PATH_MAX];
        runtime_spec_index(path, "mounts", i);
        if (parse_mount(&rs->mounts[rs->n_mounts++],
                        json_object_array_get_idx(arr, i), path, p) < 0)
            return -1;
    }
    return 0;
}
