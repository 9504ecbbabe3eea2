/*
 * render_libxl.c: struct domain_config -> libxl_domain_config, and libxl's
 * own JSON of it.  Nothing here needs a libxl ctx (none exists where no Xen
 * runs), so bitmaps are allocated directly; libxl's _dispose frees them
 * with free(), which matches.
 */
#include "domcfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_json.h>
#include <libxl_utils.h>
#include <libxlutil.h>
#include <yajl/yajl_gen.h>

#include "app_cfg.h"
#include "domcfg/spec_mounts.h"
#include "domcfg/volumes.h"
#include "common/alloc.h"
#include "common/xenlight_lib.h"

static void bitmap_alloc(libxl_bitmap *bm, int nbits)
{
    bm->size = (uint32_t)((nbits + 7) / 8);
    bm->map = xo_xcalloc(bm->size, 1);
}

static void bitmap_set(libxl_bitmap *bm, int bit)
{
    if ((uint32_t)bit / 8 < bm->size)
        bm->map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/*
 * Applies "cpus" (already validated) to a hard-affinity bitmap.  As in xl,
 * a list made only of "^N" exclusions starts from every CPU.
 */
static void cpus_to_bitmap(libxl_bitmap *bm, const char *cpus)
{
    bitmap_alloc(bm, 4096);
    if (!strpbrk(cpus, "0123456789") || cpus[0] == '^') {
        bool only_neg = true;
        for (const char *p = cpus; *p; p++)
            if ((p == cpus || p[-1] == ',') && *p != '^')
                only_neg = false;
        if (only_neg)
            memset(bm->map, 0xff, bm->size);
    }
    for (const char *p = cpus; *p;) {
        bool neg = *p == '^';
        if (neg)
            p++;
        char *end;
        long a = strtol(p, &end, 10), b = a;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        p = *end == ',' ? end + 1 : end;
        for (long c = a; c <= b; c++) {
            if (neg)
                bm->map[c / 8] &= (uint8_t) ~(1u << (c % 8));
            else
                bitmap_set(bm, (int)c);
        }
    }
}

static libxl_device_disk *new_disk(libxl_domain_config *d)
{
    d->disks =
        xo_xreallocarray(d->disks, (size_t)d->num_disks + 1, sizeof(*d->disks));
    libxl_device_disk *disk = &d->disks[d->num_disks++];
    xo_xl.device_disk_init(disk);
    return disk;
}

static void add_raw_disk(libxl_domain_config *d, const char *path,
                         const char *vdev, bool rw)
{
    libxl_device_disk *disk = new_disk(d);
    disk->pdev_path = xo_xstrdup(path);
    disk->vdev = xo_xstrdup(vdev);
    disk->format = LIBXL_DISK_FORMAT_RAW;
    disk->readwrite = rw ? 1 : 0;
}

/* A qcow2 disk image, served by QEMU in dom0 (libxl's qdisk backend):
 * blkback takes only block devices and raw files (through a loop). */
static void add_qcow2_disk(libxl_domain_config *d, const char *path,
                           const char *vdev, bool rw)
{
    add_raw_disk(d, path, vdev, rw);
    libxl_device_disk *disk = &d->disks[d->num_disks - 1];
    disk->format = LIBXL_DISK_FORMAT_QCOW2;
    disk->backend = LIBXL_DISK_BACKEND_QDISK;
}

static void add_volume_disk(libxl_domain_config *d, const struct dc_volume *v)
{
    if (v->kind == DC_VOLUME_TMPFS || v->kind == DC_VOLUME_BIND ||
        v->kind == DC_VOLUME_SHARE)
        return; /* a bind's copy is in binds_image, one disk for all */
    /* A read-only qcow2 comes as its overlay, which QEMU writes. */
    (v->qcow2 ? add_qcow2_disk : add_raw_disk)(d, v->source, v->vdev,
                                               !v->read_only || v->overlay);
}

/*
 * A share (oci_volumes "share:/DIR:/TARGET"): a Xen 9pfs device, which
 * makes libxl start QEMU in dom0 as its backend.  "passthrough": files
 * the container makes belong on dom0 to the uid and gid that made them,
 * as under runc (QEMU runs as root); the guest checks permissions
 * (boot spec v7 mount/share).  devid is the share's order among shares.
 */
static void add_share(libxl_domain_config *d, const struct dc_volume *v,
                      size_t index)
{
    char tag[BOOT_SPEC_MAX_SHARE_TAG + 1];
    if (domcfg_share_tag(tag, sizeof(tag), index) < 0)
        abort(); /* an index under BOOT_SPEC_MAX_MOUNTS always fits */
    d->p9s = xo_xreallocarray(d->p9s, (size_t)d->num_p9s + 1, sizeof(*d->p9s));
    libxl_device_p9 *p9 = &d->p9s[d->num_p9s];
    xo_xl.device_p9_init(p9);
    p9->devid = d->num_p9s++;
    p9->tag = xo_xstrdup(tag);
    p9->path = xo_xstrdup(v->source);
    p9->security_model = xo_xstrdup("passthrough");
}

static int add_nic(libxl_domain_config *d, const struct dc_vif *v, int devid,
                   const struct app_cfg *ac, xo_err *err)
{
    d->nics =
        xo_xreallocarray(d->nics, (size_t)d->num_nics + 1, sizeof(*d->nics));
    libxl_device_nic *nic = &d->nics[d->num_nics++];
    xo_xl.device_nic_init(nic);
    nic->devid = devid;
    nic->nictype = LIBXL_NIC_TYPE_VIF;
    unsigned m[6];
    sscanf(v->mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
           &m[5]);
    for (int i = 0; i < 6; i++)
        nic->mac[i] = (uint8_t)m[i];
    struct {
        char **dst;
        const char *src;
    } f[] = {{&nic->bridge, v->bridge}, {&nic->ip, v->ip},
             {&nic->script, v->script}, {&nic->ifname, v->vifname},
             {&nic->model, v->model},   {&nic->backend_domname, v->backend}};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (f[i].src)
            *f[i].dst = xo_xstrdup(f[i].src);
    if (v->mtu)
        nic->mtu = (int)v->mtu;
    if (v->rate && xo_xlu.vif_parse_rate(app_cfg_xlu(ac), v->rate, nic))
        return app_cfg_bad_item(ac, "vif", (size_t)devid, err,
                                "rate=%s is not a valid rate (e.g. 10Mb/s)",
                                v->rate);
    return 0;
}

int domcfg_parse_action(const char *s, libxl_action_on_shutdown *a_r)
{
    /*
     * xl.cfg's names, exactly as xl spells them (xl_parse.c): libxl's own
     * differ ("restart_rename" for "rename-restart"), so they are not used.
     */
    static const struct {
        const char *name;
        libxl_action_on_shutdown action;
    } names[] = {
        {"destroy", LIBXL_ACTION_ON_SHUTDOWN_DESTROY},
        {"restart", LIBXL_ACTION_ON_SHUTDOWN_RESTART},
        {"rename-restart", LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME},
        {"preserve", LIBXL_ACTION_ON_SHUTDOWN_PRESERVE},
        {"coredump-destroy", LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY},
        {"coredump-restart", LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART},
        {"soft-reset", LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            *a_r = names[i].action;
            return 0;
        }
    }
    return -1;
}

static int action(libxl_action_on_shutdown *a, const char *s)
{
    return domcfg_parse_action(s, a);
}

int domcfg_to_libxl(libxl_domain_config *d, const struct domain_config *dc,
                    const struct app_cfg *ac, xo_err *err)
{
    libxl_domain_create_info *c = &d->c_info;
    libxl_domain_build_info *b = &d->b_info;
    libxl_domain_type type =
        dc->type == DC_TYPE_PVH ? LIBXL_DOMAIN_TYPE_PVH : LIBXL_DOMAIN_TYPE_PV;

    if (xo_xenlight_load(err) < 0 || net_request_check_attached(dc, err) < 0 ||
        domcfg_volumes_check_attached(dc, err) < 0 ||
        domcfg_binds_check_made(dc, err) < 0)
        return -1;
    c->type = type;
    c->name = xo_xstrdup(dc->name);
    if (dc->uuid && xo_xl.uuid_from_string(&c->uuid, dc->uuid))
        return xo_err_set(err, EINVAL, "bad uuid %s", dc->uuid);

    xo_xl.domain_build_info_init_type(b, type);
    b->max_vcpus = (int)dc->maxvcpus;
    bitmap_alloc(&b->avail_vcpus, (int)dc->maxvcpus);
    for (long i = 0; i < dc->vcpus; i++)
        bitmap_set(&b->avail_vcpus, (int)i);
    if (dc->cpus && strcmp(dc->cpus, "all") != 0) {
        b->vcpu_hard_affinity =
            xo_xcalloc((size_t)dc->maxvcpus, sizeof(*b->vcpu_hard_affinity));
        b->num_vcpu_hard_affinity = (int)dc->maxvcpus;
        for (long i = 0; i < dc->maxvcpus; i++) {
            xo_xl.bitmap_init(&b->vcpu_hard_affinity[i]);
            cpus_to_bitmap(&b->vcpu_hard_affinity[i], dc->cpus);
        }
    }
    /* Unset, libxl's defaults (-1) leave Xen's own. */
    if (dc->cpu_weight > 0)
        b->sched_params.weight = (int)dc->cpu_weight;
    if (dc->cap >= 0)
        b->sched_params.cap = (int)dc->cap;
    b->max_memkb = (uint64_t)dc->maxmem_mb * 1024;
    b->target_memkb = (uint64_t)dc->memory_mb * 1024;
    b->kernel = xo_xstrdup(dc->kernel);
    b->ramdisk = xo_xstrdup(dc->ramdisk);
    b->cmdline = xo_xstrdup(dc->cmdline);

    if (action(&d->on_poweroff, dc->on_poweroff) ||
        action(&d->on_reboot, dc->on_reboot) ||
        action(&d->on_crash, dc->on_crash))
        return xo_err_set(err, EINVAL, "bad shutdown action");

    /* xvda: the shared read-only rootfs; then writable layer and volumes. */
    add_raw_disk(d, dc->rootfs_image, "xvda", false);
    if (dc->writable == DC_WRITABLE_DISK)
        (dc->writable_qcow2 ? add_qcow2_disk : add_raw_disk)(
            d, dc->writable_source, dc->writable_vdev, true);
    for (size_t i = 0; i < dc->n_volumes; i++) {
        add_volume_disk(d, &dc->volumes[i]);
        if (dc->volumes[i].kind == DC_VOLUME_SHARE)
            add_share(d, &dc->volumes[i], i);
    }
    if (dc->binds_image)
        add_raw_disk(d, dc->binds_image, dc->binds_vdev, true);
    for (size_t i = 0; i < dc->n_disks; i++) {
        libxl_device_disk *disk = new_disk(d);
        const char *spec = dc->disks[i];
        if (xo_xlu.disk_parse(app_cfg_xlu(ac), 1, &spec, disk))
            return app_cfg_bad_item(ac, "disk", i, err,
                                    "\"%s\" is not a valid xl disk spec", spec);
    }
    for (size_t i = 0; i < dc->n_vifs; i++)
        if (add_nic(d, &dc->vifs[i], (int)i, ac, err) < 0)
            return -1;
    return 0;
}

int domcfg_libxl_json(char **out_r, libxl_domain_config *d, xo_err *err)
{
    if (xo_xenlight_load(err) < 0)
        return -1;
    yajl_gen g = xo_yajl.gen_alloc(NULL);
    if (!g)
        xo_oom();
    xo_yajl.gen_config(g, yajl_gen_beautify, 1);
    int rc = 0;
    if (xo_xl.domain_config_gen_json(g, d) != yajl_gen_status_ok) {
        rc = xo_err_set(err, EINVAL,
                        "libxl could not render the domain config as JSON");
    } else {
        const unsigned char *buf;
        size_t len;
        xo_yajl.gen_get_buf(g, &buf, &len);
        char *s = xo_xmalloc(len + 2);
        memcpy(s, buf, len);
        /* libxl's beautified output has no final newline. */
        if (len == 0 || s[len - 1] != '\n')
            s[len++] = '\n';
        s[len] = '\0';
        *out_r = s;
    }
    xo_yajl.gen_free(g);
    return rc;
}
