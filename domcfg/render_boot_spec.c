/*
 * render_boot_spec.c: struct domain_config -> the loader's boot spec, a
 * flattened device tree written with libfdt's sequential-write API.  The
 * format is docs/boot-spec.md; the limits there are enforced by
 * domain_config's own limits plus the blob size check below.
 */
#include "domcfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fstype.h"

#define BOOT_SPEC_VERSION 1
#define BOOT_SPEC_MAX (64 * 1024)

/* A property holding NUL-terminated strings back to back. */
static int prop_strv(void *fdt, const char *name, char *const *v, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    char *buf = malloc(len ? len : 1);
    if (!buf)
        return -FDT_ERR_NOSPACE;
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(v[i]) + 1;
        memcpy(buf + off, v[i], l);
        off += l;
    }
    int r = fdt_property(fdt, name, buf, (int)len);
    free(buf);
    return r;
}

/* Children are numbered by a one-cell "reg" with no size, as dtc expects
 * of nodes with a unit address. */
static int cells(void *fdt)
{
    int r = fdt_property_u32(fdt, "#address-cells", 1);
    return r ? r : fdt_property_u32(fdt, "#size-cells", 0);
}

static int write_process(void *fdt, const struct domain_config *dc)
{
    int r;
    if ((r = fdt_begin_node(fdt, "process")) ||
        (r = prop_strv(fdt, "args", dc->args, dc->n_args)) ||
        (r = prop_strv(fdt, "env", dc->env, dc->n_env)) ||
        (r = fdt_property_string(fdt, "cwd", dc->cwd)) ||
        (r = fdt_property_string(fdt, "user", dc->user)) ||
        (r = fdt_property_u32(fdt, "stop-signal", (uint32_t)dc->stop_signal)) ||
        (r = fdt_property_u32(fdt, "stop-timeout", (uint32_t)dc->stop_timeout)))
        return r;
    return fdt_end_node(fdt);
}

static int write_storage(void *fdt, const struct domain_config *dc)
{
    int r;
    if ((r = fdt_begin_node(fdt, "rootfs")) ||
        (r = fdt_property_string(fdt, "device", "/dev/xvda")) ||
        (r = fdt_property_string(fdt, "fstype", dc->rootfs_fstype)) ||
        (r = fdt_end_node(fdt)))
        return r;

    if ((r = fdt_begin_node(fdt, "writable")))
        return r;
    if (dc->writable == DC_WRITABLE_DISK) {
        char dev[32];
        snprintf(dev, sizeof(dev), "/dev/%s", dc->writable_vdev);
        if ((r = fdt_property_string(fdt, "type", "disk")) ||
            (r = fdt_property_string(fdt, "device", dev)) ||
            (r = fdt_property_string(fdt, "fstype", "ext4")))
            return r;
    } else {
        if ((r = fdt_property_string(fdt, "type", "tmpfs")))
            return r;
        if (dc->writable_size &&
            (r = fdt_property_string(fdt, "size", dc->writable_size)))
            return r;
    }
    if ((r = fdt_end_node(fdt)))
        return r;

    if (dc->n_volumes == 0)
        return 0;
    if ((r = fdt_begin_node(fdt, "mounts")) || (r = cells(fdt)))
        return r;
    for (size_t i = 0; i < dc->n_volumes; i++) {
        const struct dc_volume *v = &dc->volumes[i];
        char node[32], dev[32];
        snprintf(node, sizeof(node), "mount@%zu", i);
        snprintf(dev, sizeof(dev), "/dev/%s", v->vdev);
        if ((r = fdt_begin_node(fdt, node)) ||
            (r = fdt_property_u32(fdt, "reg", (uint32_t)i)) ||
            (r = fdt_property_string(fdt, "device", dev)) ||
            (r = fdt_property_string(fdt, "target", v->target)) ||
            (r = fdt_property_string(fdt, "fstype",
                                     fstype_detect(v->source))) ||
            (r = fdt_property_string(fdt, "options", "")))
            return r;
        if (v->read_only && (r = fdt_property(fdt, "read-only", NULL, 0)))
            return r;
        if ((r = fdt_end_node(fdt)))
            return r;
    }
    return fdt_end_node(fdt);
}

static int write_network(void *fdt, const struct domain_config *dc)
{
    int r;
    if (dc->n_vifs == 0)
        return 0;
    if ((r = fdt_begin_node(fdt, "network")) || (r = cells(fdt)))
        return r;
    if (dc->n_dns && (r = prop_strv(fdt, "dns", dc->dns, dc->n_dns)))
        return r;
    for (size_t i = 0; i < dc->n_vifs; i++) {
        const struct dc_vif *v = &dc->vifs[i];
        char node[32];
        snprintf(node, sizeof(node), "interface@%zu", i);
        if ((r = fdt_begin_node(fdt, node)) ||
            (r = fdt_property_u32(fdt, "reg", (uint32_t)i)) ||
            (r = fdt_property_string(fdt, "mac", v->mac)))
            return r;
        if (v->ip && (r = fdt_property_string(fdt, "address", v->ip)))
            return r;
        /* The default route goes through the first interface. */
        if (i == 0 && dc->gateway &&
            (r = fdt_property_string(fdt, "gateway", dc->gateway)))
            return r;
        if ((r = fdt_end_node(fdt)))
            return r;
    }
    return fdt_end_node(fdt);
}

int domcfg_to_boot_spec(void **blob_r, size_t *len_r,
                        const struct domain_config *dc, xo_err *err)
{
    void *fdt = malloc(BOOT_SPEC_MAX);
    if (!fdt)
        return xo_err_set(err, ENOMEM, "out of memory");
    int r;
    if ((r = fdt_create(fdt, BOOT_SPEC_MAX)) ||
        (r = fdt_finish_reservemap(fdt)) || (r = fdt_begin_node(fdt, "")) ||
        (r = fdt_property_string(fdt, "compatible", "xl-oci,boot-spec")) ||
        (r = fdt_property_u32(fdt, "version", BOOT_SPEC_VERSION)) ||
        (r = fdt_property_string(fdt, "hostname", dc->hostname)) ||
        (r = write_process(fdt, dc)) || (r = write_storage(fdt, dc)) ||
        (r = write_network(fdt, dc)) || (r = fdt_end_node(fdt)) ||
        (r = fdt_finish(fdt))) {
        free(fdt);
        if (r == -FDT_ERR_NOSPACE)
            return xo_err_set(err, E2BIG,
                              "boot spec of domain %s is larger "
                              "than %d bytes",
                              dc->name, BOOT_SPEC_MAX);
        return xo_err_set(err, EINVAL,
                          "cannot build the boot spec of "
                          "domain %s: %s",
                          dc->name, fdt_strerror(r));
    }
    size_t len = fdt_totalsize(fdt);
    void *small = realloc(fdt, len);
    *blob_r = small ? small : fdt;
    *len_r = len;
    return 0;
}
