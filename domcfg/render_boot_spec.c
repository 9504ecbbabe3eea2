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
#include <sys/stat.h>

#include <libfdt.h>

#include "domcfg/spec_mounts.h"
#include "domcfg/volumes.h"
#include "common/abi/boot_spec.h"
#include "common/abi/sysctl.h"
#include "common/abi/capabilities.h"
#include "common/abi/rlimits.h"
#include "common/alloc.h"
#include "common/pathfmt.h"
#include "fstype.h"

/* A property holding NUL-terminated strings back to back. */
/* The entrypoint's stdin is /dev/null (boot spec v9): without a terminal
 * and unless app.cfg asks for the console (oci_stdin = 1). */
static bool stdin_null(const struct domain_config *dc)
{
    return !dc->terminal && !dc->stdin_open;
}

static int prop_strv(void *fdt, const char *name, char *const *v, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    char *buf = xo_xmalloc(len);
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

/* Children are numbered by a one-cell BOOT_SPEC_PROP_REG with no size, as dtc expects
 * of nodes with a unit address. */
static int cells(void *fdt)
{
    int r = fdt_property_u32(fdt, BOOT_SPEC_PROP_ADDRESS_CELLS, 1);
    return r ? r : fdt_property_u32(fdt, BOOT_SPEC_PROP_SIZE_CELLS, 0);
}

/* A stringlist of the capability names in `mask` (may be empty). */
static int prop_caps(void *fdt, const char *name, uint64_t mask)
{
    char *names[OCI_CAP_LAST + 1];
    size_t n = 0;
    for (int c = 0; c <= OCI_CAP_LAST; c++)
        if (mask & (UINT64_C(1) << c))
            names[n++] = (char *)oci_cap_name(c);
    return prop_strv(fdt, name, names, n);
}

/* Version 3: capabilities, rlimits, no-new-privileges, as the runtime
 * spec has them (dc->caps; app.cfg leaves inheritable and ambient empty). */
static int write_privileges(void *fdt, const struct domain_config *dc)
{
    const struct dc_caps *c = &dc->caps;
    int r = 0;
    if ((dc->no_new_privileges &&
         (r = fdt_property(fdt, BOOT_SPEC_PROP_NO_NEW_PRIVILEGES, NULL, 0))) ||
        (r = fdt_begin_node(fdt, BOOT_SPEC_NODE_CAPABILITIES)) ||
        (r = prop_caps(fdt, BOOT_SPEC_PROP_CAP_BOUNDING, c->bounding)) ||
        (r = prop_caps(fdt, BOOT_SPEC_PROP_CAP_EFFECTIVE, c->effective)) ||
        (r = prop_caps(fdt, BOOT_SPEC_PROP_CAP_PERMITTED, c->permitted)) ||
        (r = prop_caps(fdt, BOOT_SPEC_PROP_CAP_INHERITABLE, c->inheritable)) ||
        (r = prop_caps(fdt, BOOT_SPEC_PROP_CAP_AMBIENT, c->ambient)) ||
        (r = fdt_end_node(fdt)) ||
        (r = fdt_begin_node(fdt, BOOT_SPEC_NODE_RLIMITS)))
        return r;
    for (size_t i = 0; i < dc->n_rlimits; i++) {
        const struct dc_rlimit *l = &dc->rlimits[i];
        fdt64_t v[2] = {cpu_to_fdt64(l->soft), cpu_to_fdt64(l->hard)};
        if ((r = fdt_property(fdt, oci_rlimit_name(l->resource), v, sizeof(v))))
            return r;
    }
    return fdt_end_node(fdt);
}

/* v6 process/groups: big-endian u32 cells. */
static int write_groups(void *fdt, const struct domain_config *dc)
{
    if (!dc->n_groups)
        return 0;
    if (dc->n_groups > BOOT_SPEC_MAX_GROUPS)
        return -FDT_ERR_BADVALUE; /* domcfg_from_runtime_spec bounds it */
    fdt32_t cells[BOOT_SPEC_MAX_GROUPS];
    for (size_t i = 0; i < dc->n_groups; i++)
        cells[i] = cpu_to_fdt32(dc->groups[i]);
    return fdt_property(fdt, BOOT_SPEC_PROP_GROUPS, cells,
                        (int)(dc->n_groups * sizeof(cells[0])));
}

/* v12 process/masked-paths, readonly-paths, sys-read-write: a runtime
 * spec's, exactly (has_path_policy); else nothing, the loader's defaults. */
static int write_path_policy(void *fdt, const struct domain_config *dc)
{
    int r;
    if (!dc->has_path_policy)
        return 0;
    if (dc->n_masked_paths > BOOT_SPEC_MAX_PATH_LIST ||
        dc->n_readonly_paths > BOOT_SPEC_MAX_PATH_LIST)
        return -FDT_ERR_BADVALUE; /* runtime_spec_parse_paths bounds them */
    if ((r = prop_strv(fdt, BOOT_SPEC_PROP_MASKED_PATHS, dc->masked_paths,
                       dc->n_masked_paths)) ||
        (r = prop_strv(fdt, BOOT_SPEC_PROP_READONLY_PATHS, dc->readonly_paths,
                       dc->n_readonly_paths)))
        return r;
    return dc->sys_read_write
               ? fdt_property(fdt, BOOT_SPEC_PROP_SYS_READ_WRITE, NULL, 0)
               : 0;
}

static int write_process(void *fdt, const struct domain_config *dc)
{
    int r;
    if ((r = fdt_begin_node(fdt, BOOT_SPEC_NODE_PROCESS)) ||
        (r = prop_strv(fdt, BOOT_SPEC_PROP_ARGS, dc->args, dc->n_args)) ||
        (r = prop_strv(fdt, BOOT_SPEC_PROP_ENV, dc->env, dc->n_env)) ||
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_CWD, dc->cwd)) ||
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_USER, dc->user)) ||
        (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_STOP_SIGNAL,
                              (uint32_t)dc->stop_signal)) ||
        (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_STOP_TIMEOUT,
                              (uint32_t)dc->stop_timeout)) ||
        (dc->terminal &&
         (r = fdt_property(fdt, BOOT_SPEC_PROP_TERMINAL, NULL, 0))) ||
        (stdin_null(dc) &&
         (r = fdt_property(fdt, BOOT_SPEC_PROP_STDIN_NULL, NULL, 0))) ||
        (r = write_groups(fdt, dc)) ||
        (dc->has_umask &&
         (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_UMASK, dc->umask))) ||
        (r = write_path_policy(fdt, dc)) || (r = write_privileges(fdt, dc)))
        return r;
    return fdt_end_node(fdt);
}

static int write_storage(void *fdt, const struct domain_config *dc)
{
    int r;
    char root[32];
    if (xo_path_fmt(root, sizeof(root), NULL, "/dev/%s",
                    dc->rootfs_vdev ? dc->rootfs_vdev : "xvda") < 0)
        return -FDT_ERR_BADVALUE; /* runc_pod_member makes xvdX: cannot be */
    if ((r = fdt_begin_node(fdt, BOOT_SPEC_NODE_ROOTFS)) ||
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_DEVICE, root)) ||
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_FSTYPE,
                                 dc->rootfs_fstype)) ||
        (dc->root_readonly &&
         (r = fdt_property(fdt, BOOT_SPEC_PROP_READ_ONLY, NULL, 0))) ||
        (r = fdt_end_node(fdt)))
        return r;

    if ((r = fdt_begin_node(fdt, BOOT_SPEC_NODE_WRITABLE)))
        return r;
    if (dc->writable == DC_WRITABLE_DISK) {
        char dev[32];
        if (xo_path_fmt(dev, sizeof(dev), NULL, "/dev/%s", dc->writable_vdev) <
            0)
            return -FDT_ERR_BADVALUE; /* vdev_name() makes xvdX: cannot be */
        if ((r = fdt_property_string(fdt, BOOT_SPEC_PROP_TYPE,
                                     BOOT_SPEC_WRITABLE_DISK)) ||
            (r = fdt_property_string(fdt, BOOT_SPEC_PROP_DEVICE, dev)) ||
            (r = fdt_property_string(fdt, BOOT_SPEC_PROP_FSTYPE, "ext4")))
            return r;
    } else {
        if ((r = fdt_property_string(fdt, BOOT_SPEC_PROP_TYPE,
                                     BOOT_SPEC_WRITABLE_TMPFS)))
            return r;
        if (dc->writable_size &&
            (r = fdt_property_string(fdt, BOOT_SPEC_PROP_SIZE,
                                     dc->writable_size)))
            return r;
    }
    if ((r = fdt_end_node(fdt)))
        return r;

    if (dc->n_volumes == 0)
        return 0;
    if ((r = fdt_begin_node(fdt, BOOT_SPEC_NODE_MOUNTS)) || (r = cells(fdt)))
        return r;
    for (size_t i = 0; i < dc->n_volumes; i++) {
        const struct dc_volume *v = &dc->volumes[i];
        char node[32], dev[32];
        if (xo_path_fmt(node, sizeof(node), NULL, BOOT_SPEC_NODE_MOUNT "@%zu",
                        i) < 0 ||
            xo_path_fmt(dev, sizeof(dev), NULL, "/dev/%s",
                        v->vdev ? v->vdev : "") < 0)
            return -FDT_ERR_BADVALUE; /* an index and xvdX: cannot be */
        const char *fstype = v->kind == DC_VOLUME_TMPFS   ? "tmpfs"
                             : v->kind == DC_VOLUME_BIND  ? "ext4"
                             : v->kind == DC_VOLUME_SHARE ? NULL
                             : v->kind == DC_VOLUME_NAMED
                                 ? v->fstype
                                 : fstype_detect(v->source);
        char opts[320] = "";
        /* tmpfs: no device; its size and a spec's other options (mode=,
         * uid=, gid=, noexec...), checked by domcfg, as options. */
        const char *topts = v->kind == DC_VOLUME_TMPFS ? v->tmpfs_opts : NULL;
        if (v->kind == DC_VOLUME_TMPFS &&
            (xo_path_fmt(dev, sizeof(dev), NULL, "tmpfs") < 0 ||
             xo_path_fmt(opts, sizeof(opts), NULL, "%s%s%s%s",
                         v->size ? "size=" : "", v->size ? v->size : "",
                         v->size && topts ? "," : "", topts ? topts : "") < 0))
            return -FDT_ERR_BADVALUE; /* sizes 20 bytes, options 256 */
        /* An inline bind's copy is in the spec's binds node, a share is
         * its 9pfs device's tag: neither has a device or fstype. */
        bool in_spec = v->kind == DC_VOLUME_BIND && dc->binds_inline;
        bool share = v->kind == DC_VOLUME_SHARE;
        char tag[BOOT_SPEC_MAX_SHARE_TAG + 1];
        if (share && domcfg_share_tag(tag, sizeof(tag), i) < 0)
            return -FDT_ERR_BADVALUE; /* an index under 16: cannot be */
        if ((r = fdt_begin_node(fdt, node)) ||
            (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_REG, (uint32_t)i)) ||
            (!in_spec && !share &&
             (r = fdt_property_string(fdt, BOOT_SPEC_PROP_DEVICE, dev))) ||
            (r = fdt_property_string(fdt, BOOT_SPEC_PROP_TARGET, v->target)) ||
            (!in_spec && !share &&
             (r = fdt_property_string(fdt, BOOT_SPEC_PROP_FSTYPE, fstype))) ||
            (share &&
             (r = fdt_property_string(fdt, BOOT_SPEC_PROP_SHARE, tag))) ||
            (r = fdt_property_string(fdt, BOOT_SPEC_PROP_OPTIONS, opts)) ||
            (in_spec &&
             (r = fdt_property(fdt, BOOT_SPEC_PROP_INLINE, NULL, 0))))
            return r;
        if (v->read_only &&
            (r = fdt_property(fdt, BOOT_SPEC_PROP_READ_ONLY, NULL, 0)))
            return r;
        if (v->kind == DC_VOLUME_BIND &&
            (r = fdt_property_string(fdt, BOOT_SPEC_PROP_SUBPATH, v->subpath)))
            return r;
        if ((r = fdt_end_node(fdt)))
            return r;
    }
    return fdt_end_node(fdt);
}

/* The v6 binds node: the inline copies of the BIND volumes. */
static int write_binds(void *fdt, const struct domain_config *dc)
{
    int r;
    if (!dc->binds_inline)
        return 0;
    if ((r = fdt_begin_node(fdt, BOOT_SPEC_NODE_BINDS)) || (r = cells(fdt)))
        return r;
    for (size_t i = 0; i < dc->n_bind_entries; i++) {
        const struct dc_bind_entry *e = &dc->bind_entries[i];
        char node[32];
        if (xo_path_fmt(node, sizeof(node), NULL,
                        BOOT_SPEC_NODE_BIND_ENTRY "@%zu", i) < 0)
            return -FDT_ERR_BADVALUE; /* an index: cannot be */
        if ((r = fdt_begin_node(fdt, node)) ||
            (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_REG, (uint32_t)i)) ||
            (r = fdt_property_string(fdt, BOOT_SPEC_PROP_PATH, e->path)) ||
            (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_MODE, e->mode)) ||
            (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_UID, e->uid)) ||
            (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_GID, e->gid)))
            return r;
        if (S_ISLNK(e->mode) &&
            (r = fdt_property_string(fdt, BOOT_SPEC_PROP_LINK, e->data)))
            return r;
        if (S_ISREG(e->mode) && e->len &&
            (r = fdt_property(fdt, BOOT_SPEC_PROP_DATA, e->data, (int)e->len)))
            return r;
        if ((r = fdt_end_node(fdt)))
            return r;
    }
    return fdt_end_node(fdt);
}

/*
 * Which interface carries the default route of each family: oci_gateway
 * goes through the first interface, as it always did; otherwise the first
 * managed vif whose network has a gateway, for both families
 * (xl-oci.cfg(5): "Both default routes come from that first network").
 * -1: none.  NOHYPER's veths take the same (nohyper_net.c).
 */
void domcfg_default_routes(const struct domain_config *dc, long *v4, long *v6)
{
    long first = -1;
    for (size_t i = 0; i < dc->n_vifs && first < 0; i++)
        if (dc->vifs[i].gateway || dc->vifs[i].gateway6)
            first = (long)i;
    *v4 = dc->gateway && dc->n_vifs               ? 0
          : first >= 0 && dc->vifs[first].gateway ? first
                                                  : -1;
    *v6 = first >= 0 && dc->vifs[first].gateway6 ? first : -1;
}

static int write_interface(void *fdt, const struct domain_config *dc, size_t i,
                           long gw4, long gw6)
{
    const struct dc_vif *v = &dc->vifs[i];
    char node[32];
    int r;
    if (xo_path_fmt(node, sizeof(node), NULL, BOOT_SPEC_NODE_INTERFACE "@%zu",
                    i) < 0)
        return -FDT_ERR_BADVALUE; /* an index: cannot be */
    if ((r = fdt_begin_node(fdt, node)) ||
        (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_REG, (uint32_t)i)) ||
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_MAC, v->mac)))
        return r;
    if (v->ip && (r = fdt_property_string(fdt, BOOT_SPEC_PROP_ADDRESS, v->ip)))
        return r;
    if ((long)i == gw4 &&
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_GATEWAY,
                                 dc->gateway ? dc->gateway : v->gateway)))
        return r;
    if (v->ip6 &&
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_ADDRESS6, v->ip6)))
        return r;
    if ((long)i == gw6 &&
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_GATEWAY6, v->gateway6)))
        return r;
    if ((v->network || dc->late_network) && v->mtu &&
        (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_MTU, (uint32_t)v->mtu)))
        return r;
    return fdt_end_node(fdt);
}

/* Whether the spec carries dns-domains: with the forwarder, when a
 * server is a managed network's. */
static bool dns_domains(const struct domain_config *dc)
{
    if (!domcfg_dns_forward(dc))
        return false;
    for (size_t i = 0; i < dc->n_dns; i++)
        if (dc->dns_domain[i])
            return true;
    return false;
}

/* The network node: absent without vifs, unless `always` (the late
 * network, which always has one) or there are name servers or search
 * domains for /etc/resolv.conf (oci_dns without an interface: the
 * loader writes them, as NOHYPER's create writes them for runc). */
static int write_network(void *fdt, const struct domain_config *dc, bool always)
{
    int r;
    if (dc->n_vifs == 0 && !always && !dc->n_dns && !dc->n_search)
        return 0;
    if ((r = fdt_begin_node(fdt, BOOT_SPEC_NODE_NETWORK)) || (r = cells(fdt)))
        return r;
    if (dc->n_dns &&
        (r = prop_strv(fdt, BOOT_SPEC_PROP_DNS, dc->dns, dc->n_dns)))
        return r;
    if (dc->n_search &&
        (r = prop_strv(fdt, BOOT_SPEC_PROP_SEARCH, dc->search, dc->n_search)))
        return r;
    if (domcfg_dns_forward(dc) &&
        (r = fdt_property(fdt, BOOT_SPEC_PROP_DNS_FORWARD, NULL, 0)))
        return r;
    if (dns_domains(dc)) {
        char *d[DC_MAX_DNS];
        for (size_t i = 0; i < dc->n_dns; i++)
            d[i] = dc->dns_domain[i] ? dc->dns_domain[i] : "";
        if ((r = prop_strv(fdt, BOOT_SPEC_PROP_DNS_DOMAINS, d, dc->n_dns)))
            return r;
    }
    long gw4, gw6;
    domcfg_default_routes(dc, &gw4, &gw6);
    for (size_t i = 0; i < dc->n_vifs; i++)
        if ((r = write_interface(fdt, dc, i, gw4, gw6)))
            return r;
    return fdt_end_node(fdt);
}

/* The oldest version that holds what dc needs (common/abi/boot_spec.h). */
static uint32_t spec_version(const struct domain_config *dc)
{
    if (dc->has_path_policy)
        return 12;
    if (dns_domains(dc))
        return 11;
    if (domcfg_dns_forward(dc))
        return 10;
    if (stdin_null(dc))
        return 9;
    if (dc->n_sysctls)
        return 8;
    for (size_t i = 0; i < dc->n_volumes; i++)
        if (dc->volumes[i].kind == DC_VOLUME_SHARE)
            return 7;
    if (dc->binds_inline || dc->n_groups || dc->has_umask || dc->root_readonly)
        return 6;
    for (size_t i = 0; i < dc->n_volumes; i++)
        if (dc->volumes[i].kind == DC_VOLUME_BIND)
            return 5;
    return dc->late_network || dc->terminal ? 4 : 3;
}

int domcfg_to_boot_spec(void **blob_r, size_t *len_r,
                        const struct domain_config *dc, xo_err *err)
{
    if (net_request_check_attached(dc, err) < 0 ||
        domcfg_volumes_check_attached(dc, err) < 0 ||
        domcfg_binds_check_made(dc, err) < 0)
        return -1;
    /* Each source is bounded; a pod's and the container's together may
     * not be, and the loader refuses more. */
    if (dc->n_sysctls > OCI_SYSCTL_MAX)
        return xo_err_set(
            err, E2BIG,
            "domain %s: %zu sysctls, at most %d (a pod's and the container's own together)",
            dc->name, dc->n_sysctls, OCI_SYSCTL_MAX);
    void *fdt = xo_xmalloc(BOOT_SPEC_MAX_BLOB);
    int r;
    if ((r = fdt_create(fdt, BOOT_SPEC_MAX_BLOB)) ||
        (r = fdt_finish_reservemap(fdt)) || (r = fdt_begin_node(fdt, "")) ||
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_COMPATIBLE,
                                 BOOT_SPEC_COMPATIBLE)) ||
        (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_VERSION, spec_version(dc))) ||
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_HOSTNAME, dc->hostname)) ||
        (dc->n_sysctls && (r = prop_strv(fdt, BOOT_SPEC_PROP_SYSCTL,
                                         dc->sysctls, dc->n_sysctls))) ||
        (dc->late_network &&
         (r = fdt_property(fdt, BOOT_SPEC_PROP_LATE_NETWORK, NULL, 0))) ||
        (r = write_process(fdt, dc)) || (r = write_storage(fdt, dc)) ||
        (r = write_binds(fdt, dc)) ||
        (!dc->late_network && (r = write_network(fdt, dc, false))) ||
        (r = fdt_end_node(fdt)) || (r = fdt_finish(fdt))) {
        free(fdt);
        if (r == -FDT_ERR_NOSPACE)
            return xo_err_set(err, E2BIG,
                              "boot spec of domain %s is larger than %d bytes",
                              dc->name, BOOT_SPEC_MAX_BLOB);
        return xo_err_set(err, EINVAL,
                          "cannot build the boot spec of domain %s: %s",
                          dc->name, fdt_strerror(r));
    }
    size_t len = fdt_totalsize(fdt);
    void *small = realloc(fdt, len);
    *blob_r = small ? small : fdt;
    *len_r = len;
    return 0;
}

int domcfg_late_network(void **blob_r, size_t *len_r, const struct dc_vif *vifs,
                        size_t n, xo_err *err)
{
    if (n > DC_MAX_VIFS)
        return xo_err_set(err, E2BIG, "late network: %zu interfaces, limit %d",
                          n, DC_MAX_VIFS);
    /* A config holding only these vifs (borrowed: never disposed). */
    struct domain_config dc;
    memset(&dc, 0, sizeof(dc));
    dc.late_network = true;
    for (size_t i = 0; i < n; i++)
        dc.vifs[i] = vifs[i];
    dc.n_vifs = n;
    void *fdt = xo_xmalloc(BOOT_SPEC_MAX_LATE_NETWORK);
    int r;
    if ((r = fdt_create(fdt, BOOT_SPEC_MAX_LATE_NETWORK)) ||
        (r = fdt_finish_reservemap(fdt)) || (r = fdt_begin_node(fdt, "")) ||
        (r = fdt_property_string(fdt, BOOT_SPEC_PROP_COMPATIBLE,
                                 BOOT_SPEC_COMPATIBLE)) ||
        (r = fdt_property_u32(fdt, BOOT_SPEC_PROP_VERSION,
                              BOOT_SPEC_LATE_NETWORK_VERSION)) ||
        (r = write_network(fdt, &dc, true)) || (r = fdt_end_node(fdt)) ||
        (r = fdt_finish(fdt))) {
        free(fdt);
        return xo_err_set(err, r == -FDT_ERR_NOSPACE ? E2BIG : EINVAL,
                          "cannot build the late network blob: %s",
                          fdt_strerror(r));
    }
    *blob_r = fdt;
    *len_r = fdt_totalsize(fdt);
    return 0;
}
