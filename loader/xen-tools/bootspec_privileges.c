/*
 * bootspec_privileges.c: the version 3 part of the boot spec's process
 * node: no-new-privileges, the five capability sets and the resource
 * limits (common/abi/boot_spec.h).  A name the tables of common/abi do not
 * know, a limit of the wrong size or a soft limit above its hard one is an
 * error naming the property.
 */
#include "bootspec.h"

#include <errno.h>
#include <libfdt.h>
#include <string.h>

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

int boot_spec_parse_privileges(struct boot_spec *s, const void *fdt, int node,
                               xo_err *err)
{
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
