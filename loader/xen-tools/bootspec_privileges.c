/*
 * bootspec_privileges.c: the version 3 part of the boot spec's process
 * node: no-new-privileges, the five capability sets and the resource
 * limits, and version 12's masked and read-only paths
 * (common/abi/boot_spec.h).  A name the tables of common/abi do not
 * know, a limit of the wrong size or a soft limit above its hard one is an
 * error naming the property.
 */
#include "bootspec.h"

#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "bootspec_fdt.h"
#include "common/abi/capabilities.h"

/* A stringlist of capability names -> mask; an empty list is allowed. */
static int get_caps(uint64_t *mask, const void *fdt, int node, const char *name,
                    xo_err *err)
{
    int len = 0;
    const char *p = fdt_getprop(fdt, node, name, &len);
    if (!p)
        return xo_err_set(err, EINVAL, "boot spec: %s/%s/%s: missing",
                          BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_NODE_CAPABILITIES,
                          name);
    if (len > 0 && p[len - 1] != '\0')
        return xo_err_set(
            err, EINVAL, "boot spec: %s/%s/%s: last string not terminated",
            BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_NODE_CAPABILITIES, name);
    *mask = 0;
    for (int off = 0; off < len; off += (int)strlen(p + off) + 1) {
        int c = oci_cap_from_name(p + off);
        if (c < 0)
            return xo_err_set(err, EINVAL,
                              "boot spec: %s/%s/%s: %.64s is not a capability",
                              BOOT_SPEC_NODE_PROCESS,
                              BOOT_SPEC_NODE_CAPABILITIES, name, p + off);
        *mask |= UINT64_C(1) << c;
    }
    return 0;
}

static int parse_caps(struct boot_spec *s, const void *fdt, int process,
                      xo_err *err)
{
    int node = fdt_subnode_offset(fdt, process, BOOT_SPEC_NODE_CAPABILITIES);
    if (node < 0)
        return xo_err_set(err, EINVAL, "boot spec: %s/%s: missing",
                          BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_NODE_CAPABILITIES);
    s->has_caps = true;
    return get_caps(&s->cap_bounding, fdt, node, BOOT_SPEC_PROP_CAP_BOUNDING,
                    err) < 0 ||
                   get_caps(&s->cap_effective, fdt, node,
                            BOOT_SPEC_PROP_CAP_EFFECTIVE, err) < 0 ||
                   get_caps(&s->cap_permitted, fdt, node,
                            BOOT_SPEC_PROP_CAP_PERMITTED, err) < 0 ||
                   get_caps(&s->cap_inheritable, fdt, node,
                            BOOT_SPEC_PROP_CAP_INHERITABLE, err) < 0 ||
                   get_caps(&s->cap_ambient, fdt, node,
                            BOOT_SPEC_PROP_CAP_AMBIENT, err) < 0
               ? -1
               : 0;
}

static int parse_rlimits(struct boot_spec *s, const void *fdt, int process,
                         xo_err *err)
{
    int node = fdt_subnode_offset(fdt, process, BOOT_SPEC_NODE_RLIMITS);
    if (node < 0)
        return 0;
    int prop;
    fdt_for_each_property_offset(prop, fdt, node)
    {
        const char *name = NULL;
        int len = 0;
        const fdt64_t *v = fdt_getprop_by_offset(fdt, prop, &name, &len);
        int res = name ? oci_rlimit_from_name(name) : -1;
        if (!v || res < 0)
            return xo_err_set(err, EINVAL,
                              "boot spec: %s/%s: %.32s is not a resource limit",
                              BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_NODE_RLIMITS,
                              name ? name : "?");
        if (len != 16)
            return xo_err_set(
                err, EINVAL,
                "boot spec: %s/%s/%s: %d bytes, expected two 64-bit cells <soft hard>",
                BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_NODE_RLIMITS, name, len);
        for (size_t i = 0; i < s->nrlimits; i++)
            if (s->rlimits[i].resource == res)
                return xo_err_set(err, EINVAL, "boot spec: %s/%s/%s: twice",
                                  BOOT_SPEC_NODE_PROCESS,
                                  BOOT_SPEC_NODE_RLIMITS, name);
        uint64_t soft, hard;
        memcpy(&soft, &v[0], 8);
        memcpy(&hard, &v[1], 8);
        soft = fdt64_to_cpu(soft);
        hard = fdt64_to_cpu(hard);
        if (soft > hard)
            return xo_err_set(
                err, EINVAL,
                "boot spec: %s/%s/%s: soft limit above the hard one",
                BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_NODE_RLIMITS, name);
        s->rlimits[s->nrlimits++] = (struct bs_rlimit){res, soft, hard};
    }
    return 0;
}

/* One v12 list: each entry absolute, not "/", without an empty, "." or
 * ".." component (the mount(2) target the loader hands the kernel). */
static int get_paths(const char **out, size_t *n_r, const void *fdt, int node,
                     const char *name, xo_err *err)
{
    if (bs_get_stringlist(out, n_r, BOOT_SPEC_MAX_PATH_LIST, fdt, node,
                          BOOT_SPEC_NODE_PROCESS, name, false, err) < 0)
        return -1;
    for (size_t i = 0; i < *n_r; i++)
        if (out[i][0] != '/' || !bs_relpath_ok(out[i] + 1, BS_MAX_STR))
            return xo_err_set(
                err, EINVAL,
                "boot spec: %s/%s: entry %zu (%.64s) is not an absolute path without empty, \".\" or \"..\" components",
                BOOT_SPEC_NODE_PROCESS, name, i, out[i]);
    return 0;
}

static int parse_path_policy(struct boot_spec *s, const void *fdt, int node,
                             xo_err *err)
{
    bool masked = fdt_getprop(fdt, node, BOOT_SPEC_PROP_MASKED_PATHS, NULL),
         ro = fdt_getprop(fdt, node, BOOT_SPEC_PROP_READONLY_PATHS, NULL);
    s->sys_read_write =
        fdt_getprop(fdt, node, BOOT_SPEC_PROP_SYS_READ_WRITE, NULL) != NULL;
    if (!masked && !ro && !s->sys_read_write)
        return 0;
    if (s->version < 12)
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s: masked-paths, readonly-paths or sys-read-write: not in boot spec version %u",
            BOOT_SPEC_NODE_PROCESS, s->version);
    if (!masked || !ro)
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s: masked-paths and readonly-paths go together (sys-read-write only with them)",
            BOOT_SPEC_NODE_PROCESS);
    s->has_path_policy = true;
    return get_paths(s->masked_paths, &s->nmasked_paths, fdt, node,
                     BOOT_SPEC_PROP_MASKED_PATHS, err) < 0 ||
                   get_paths(s->readonly_paths, &s->nreadonly_paths, fdt, node,
                             BOOT_SPEC_PROP_READONLY_PATHS, err) < 0
               ? -1
               : 0;
}

int boot_spec_parse_privileges(struct boot_spec *s, const void *fdt, int node,
                               xo_err *err)
{
    if (parse_path_policy(s, fdt, node, err) < 0)
        return -1;
    static const char *const v3[] = {BOOT_SPEC_PROP_NO_NEW_PRIVILEGES,
                                     BOOT_SPEC_NODE_CAPABILITIES,
                                     BOOT_SPEC_NODE_RLIMITS};
    if (s->version < 3) {
        for (size_t i = 0; i < 3; i++)
            if (fdt_getprop(fdt, node, v3[i], NULL) ||
                fdt_subnode_offset(fdt, node, v3[i]) >= 0)
                return xo_err_set(
                    err, EINVAL,
                    "boot spec: %s/%s: not in boot spec version %u",
                    BOOT_SPEC_NODE_PROCESS, v3[i], s->version);
        return 0;
    }
    s->no_new_privs =
        fdt_getprop(fdt, node, BOOT_SPEC_PROP_NO_NEW_PRIVILEGES, NULL) != NULL;
    return parse_caps(s, fdt, node, err) < 0 ||
                   parse_rlimits(s, fdt, node, err) < 0
               ? -1
               : 0;
}
