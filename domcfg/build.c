/*
 * build.c: app.cfg + root volume -> struct domain_config.  Identity,
 * resources, devices and storage come from app.cfg; the process comes from
 * merge.c.  Every value is checked here, so the renderers can trust `dc`.
 */
#include "domcfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxl_uuid.h>
#include <libxlutil.h>

#include "app_cfg.h"
#include "common/abi/domain_status.h"
#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/platform.h"
#include "image_config.h"
#include "exec_size.h"
#include "merge.h"
#include "process_limits.h"
#include "sysctls.h"
#include "vdev.h"
#include "vif.h"
#include "volumes.h"
#include "common/xenlight_lib.h"

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > DC_MAX_NAME || s[0] == '-' || s[0] == '.')
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
            return false;
    return true;
}

/* RFC 1123 host name: labels of [a-z0-9-], not starting/ending with '-';
 * at most 64 bytes, the kernel's HOST_NAME_MAX (and the boot spec's). */
static bool valid_hostname(const char *s)
{
    size_t n = strlen(s), label = 0;
    if (n == 0 || n > BOOT_SPEC_MAX_HOSTNAME)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum((unsigned char)c) || (c == '-' && label > 0)) {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return label > 0 && s[n - 1] != '-';
}

/* xl's cpus syntax: "all", or a comma list of N, N-M, ^N. */
static bool valid_cpus(const char *s)
{
    if (strcmp(s, "all") == 0)
        return true;
    const char *p = s;
    while (*p) {
        if (*p == '^')
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        char *end;
        long a = strtol(p, &end, 10), b = a;
        p = end;
        if (*p == '-') {
            p++;
            if (!isdigit((unsigned char)*p))
                return false;
            b = strtol(p, &end, 10);
            p = end;
        }
        if (a < 0 || b < a || b > 4095)
            return false;
        if (*p == ',')
            p++;
        else if (*p)
            return false;
    }
    return *s != '\0';
}

static int get_dup(char **dst, const struct app_cfg *ac, const char *key,
                   const char *def, xo_err *err)
{
    const char *s = NULL;
    int r = app_cfg_string(ac, key, &s, err);
    if (r < 0)
        return -1;
    const char *v = r ? s : def;
    if (!v)
        return 0;
    *dst = xo_xstrdup(v);
    return 0;
}

static int build_identity(struct domain_config *dc, const struct app_cfg *ac,
                          xo_err *err)
{
    const char *s;
    int r = app_cfg_string(ac, "name", &s, err);
    if (r < 0)
        return -1;
    if (r == 0)
        return xo_err_set(err, EINVAL, "%s: \"name\" is missing",
                          app_cfg_path(ac));
    if (!valid_name(s))
        return app_cfg_bad_value(
            ac, "name", err,
            "\"%s\" must be 1-%d of [A-Za-z0-9_.-], not starting with '-' or '.'",
            s, DC_MAX_NAME);
    if (get_dup(&dc->name, ac, "name", NULL, err) < 0)
        return -1;

    if ((r = app_cfg_string(ac, "uuid", &s, err)) < 0)
        return -1;
    if (r) {
        libxl_uuid u;
        if (xo_xl.uuid_from_string(&u, s))
            return app_cfg_bad_value(ac, "uuid", err, "\"%s\" is not a UUID",
                                     s);
        if (get_dup(&dc->uuid, ac, "uuid", NULL, err) < 0)
            return -1;
    }

    if ((r = app_cfg_string(ac, "type", &s, err)) < 0)
        return -1;
    dc->type = DC_TYPE_PV;
    if (r && strcmp(s, "pvh") == 0)
        dc->type = DC_TYPE_PVH;
    else if (r && strcmp(s, "pv") != 0)
        return app_cfg_bad_value(ac, "type", err,
                                 "\"%s\" is not \"pv\" or \"pvh\"", s);
    return 0;
}

static int build_resources(struct domain_config *dc, const struct app_cfg *ac,
                           xo_err *err)
{
    dc->memory_mb = 128;
    int r = app_cfg_long(ac, "memory", 16, 1L << 20, &dc->memory_mb, err);
    if (r < 0)
        return -1;
    dc->cgroup_memory_mb = r ? dc->memory_mb : 0;
    dc->maxmem_mb = dc->memory_mb;
    r = app_cfg_long(ac, "maxmem", 16, 1L << 20, &dc->maxmem_mb, err);
    if (r < 0)
        return -1;
    if (r && dc->maxmem_mb < dc->memory_mb)
        return app_cfg_bad_value(ac, "maxmem", err, "%ld is below memory (%ld)",
                                 dc->maxmem_mb, dc->memory_mb);
    dc->vcpus = 1;
    if ((r = app_cfg_long(ac, "vcpus", 1, 128, &dc->vcpus, err)) < 0)
        return -1;
    dc->cgroup_cpus = r ? dc->vcpus : 0;
    dc->maxvcpus = dc->vcpus;
    if ((r = app_cfg_long(ac, "maxvcpus", 1, 128, &dc->maxvcpus, err)) < 0)
        return -1;
    if (r && dc->maxvcpus < dc->vcpus)
        return app_cfg_bad_value(ac, "maxvcpus", err,
                                 "%ld is below vcpus (%ld)", dc->maxvcpus,
                                 dc->vcpus);
    const char *s;
    if ((r = app_cfg_string(ac, "cpus", &s, err)) < 0)
        return -1;
    if (r && !valid_cpus(s))
        return app_cfg_bad_value(
            ac, "cpus", err, "\"%s\" is not \"all\" or a list of N, N-M, ^N",
            s);
    if (r && get_dup(&dc->cpus, ac, "cpus", NULL, err) < 0)
        return -1;

    /* xl's keys for the credit schedulers (credit2 takes them too).
     * Xen refuses a cap above 100 per vCPU; say so here, not at create. */
    if (app_cfg_long(ac, "cpu_weight", 1, 65535, &dc->cpu_weight, err) < 0 ||
        (r = app_cfg_long(ac, "cap", 0, 100 * 128, &dc->cap, err)) < 0)
        return -1;
    if (r && dc->cap > 100 * dc->maxvcpus)
        return app_cfg_bad_value(
            ac, "cap", err,
            "%ld%% is more than %ld vCPU(s) can use (at most %ld, 0 for no cap)",
            dc->cap, dc->maxvcpus, 100 * dc->maxvcpus);
    dc->deadline_s = 0;
    if (app_cfg_long(ac, "oci_deadline", 1, DOMAIN_STATUS_DEADLINE_MAX,
                     &dc->deadline_s, err) < 0)
        return -1;
    long stdin_open = 0;
    if (app_cfg_long(ac, "oci_stdin", 0, 1, &stdin_open, err) < 0)
        return -1;
    dc->stdin_open = stdin_open == 1;

    static const char *const actions[] = {"on_poweroff", "on_reboot",
                                          "on_crash"};
    static const char *const defaults[] = {"destroy", "restart", "destroy"};
    char **slots[] = {&dc->on_poweroff, &dc->on_reboot, &dc->on_crash};
    for (int i = 0; i < 3; i++) {
        if (get_dup(slots[i], ac, actions[i], defaults[i], err) < 0)
            return -1;
        libxl_action_on_shutdown a;
        if (domcfg_parse_action(*slots[i], &a) < 0)
            return app_cfg_bad_value(
                ac, actions[i], err,
                "\"%s\" is not a shutdown action (destroy, restart, preserve, rename-restart, ...)",
                *slots[i]);
    }
    return 0;
}

/* oci_restart (common/abi/restart_policy.h).  The monitor restarts the
 * container after it exits; a shutdown action that restarts the domain
 * too would restart it twice, at once and without the backoff. */
static int build_restart(struct domain_config *dc, const struct app_cfg *ac,
                         xo_err *err)
{
    const char *text = NULL;
    int r = app_cfg_string(ac, "oci_restart", &text, err);
    if (r <= 0)
        return r;
    int pr = restart_policy_parse(text, &dc->restart);
    if (pr == -2 && strncmp(text, "on-failure:", 11) == 0)
        return app_cfg_bad_value(
            ac, "oci_restart", err,
            "\"%s\": on-failure's maximum is a number of restarts from 1 to %ld (on-failure alone: no maximum)",
            text, RESTART_MAX_LIMIT);
    if (pr == -2)
        return app_cfg_bad_value(ac, "oci_restart", err,
                                 "\"%s\": only on-failure takes a maximum",
                                 text);
    if (pr < 0)
        return app_cfg_bad_value(
            ac, "oci_restart", err,
            "\"%s\" is not \"no\", \"on-failure[:MAX]\", \"always\" or \"unless-stopped\"",
            text);
    const char *slots[] = {dc->on_poweroff, dc->on_crash};
    const char *keys[] = {"on_poweroff", "on_crash"};
    for (int i = 0; i < 2 && dc->restart.mode != RESTART_NO; i++)
        if (slots[i] && strstr(slots[i], "restart"))
            return app_cfg_bad_value(
                ac, "oci_restart", err,
                "\"%s\" and %s = \"%s\" would both restart the container: keep one",
                text, keys[i], slots[i]);
    return 0;
}

static int build_vifs(struct domain_config *dc, const struct app_cfg *ac,
                      xo_err *err)
{
    char **vifs = NULL;
    size_t n = 0;
    int r = app_cfg_list(ac, "vif", DC_MAX_VIFS, &vifs, &n, err);
    if (r <= 0)
        return r;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (vif_parse(&dc->vifs[i], vifs[i], err) < 0) {
            rc = app_cfg_bad_item(ac, "vif", i, err, "%s", xo_err_msg(err));
            break;
        }
        dc->n_vifs++;
        if (!dc->vifs[i].mac[0] &&
            vif_default_mac(dc->vifs[i].mac, dc->name, (unsigned)i, err) < 0) {
            rc = -1;
            break;
        }
    }
    xo_strv_free(vifs);
    return rc;
}

/*
 * app.cfg's disk= lines after the container's own disks (xvda.. up to
 * first_free).  vdevs are compared as libxl numbers them (vdev.h), not as
 * text: 51712, d0p0 and 0xca00 are xvda to libxl, and two disks of one
 * number fail its create late, with no line (helper-97).  A name libxl
 * cannot number, a vdev of one of our disks or a partition of one, and a
 * device another disk= item names already are refused here.
 */
static int build_disks(struct domain_config *dc, const struct app_cfg *ac,
                       size_t first_free, xo_err *err)
{
    char **disks = NULL;
    size_t n = 0;
    int r = app_cfg_list(ac, "disk", DC_MAX_DISKS, &disks, &n, err);
    if (r <= 0)
        return r;
    int rc = 0;
    long numbers[DC_MAX_DISKS];
    char *vdevs[DC_MAX_DISKS] = {NULL};
    for (size_t i = 0; i < n && rc == 0; i++) {
        libxl_device_disk disk;
        xo_xl.device_disk_init(&disk);
        const char *spec = disks[i];
        long num = -1, part = 0, own = -1;
        char name[32], shown[48] = "";
        if (xo_xlu.disk_parse(app_cfg_xlu(ac), 1, &spec, &disk)) {
            rc = app_cfg_bad_item(ac, "disk", i, err,
                                  "\"%s\" is not a valid xl disk spec", spec);
        } else if (!disk.vdev || (num = domcfg_vdev_number(disk.vdev)) < 0) {
            rc = app_cfg_bad_item(
                ac, "disk", i, err,
                "vdev %.64s is not a disk name libxl takes (xvdX[N], dDpP, hdX[N], sdX[N] or a device number; xl-disk-configuration(5))",
                disk.vdev ? disk.vdev : "(none)");
        } else {
            domcfg_vdev_format(name, sizeof(name), num);
            if (strcmp(disk.vdev, name) != 0)
                /* cannot truncate: name is under 32 bytes */
                snprintf(shown, sizeof(shown), " (%s)", name);
            own = domcfg_vdev_pv_disk(num, &part);
        }
        /* Our own disks take xvda.. in order; refuse a clash, in any
         * spelling, and a partition of one of them. */
        if (rc == 0 && own >= 0 && (size_t)own < first_free) {
            char *ours = domcfg_vdev_name((size_t)own);
            if (part)
                rc = app_cfg_bad_item(
                    ac, "disk", i, err,
                    "vdev %.64s%s is a partition of %s, one of the container's own disks (use xvd%c or later)",
                    disk.vdev, shown, ours, (char)('a' + first_free));
            else
                rc = app_cfg_bad_item(
                    ac, "disk", i, err,
                    "vdev %.64s%s is used by the container's own disks (use xvd%c or later)",
                    disk.vdev, shown, (char)('a' + first_free));
            free(ours);
        }
        for (size_t k = 0; k < i && rc == 0; k++)
            if (numbers[k] == num)
                rc = app_cfg_bad_item(
                    ac, "disk", i, err,
                    "vdev %.64s names the device of item %zu's vdev %.64s (line %d): both are %s to libxl; give each disk a vdev of its own",
                    disk.vdev, k, vdevs[k], app_cfg_item_line(ac, "disk", k),
                    name);
        if (rc == 0) {
            numbers[i] = num;
            vdevs[i] = xo_xstrdup(disk.vdev);
            dc->disks[dc->n_disks++] = xo_xstrdup(spec);
        }
        xo_xl.device_disk_dispose(&disk);
    }
    for (size_t i = 0; i < n; i++)
        free(vdevs[i]);
    xo_strv_free(disks);
    return rc;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Finds the rootfs image and image config in the root volume directory. */
static int build_root_volume(struct domain_config *dc, const struct app_cfg *ac,
                             const struct domcfg_opts *opts, xo_err *err)
{
    const char *root = NULL, *ref = NULL;
    int has_root = app_cfg_string(ac, "oci_root", &root, err);
    int has_image =
        has_root < 0 ? -1 : app_cfg_string(ac, "oci_image", &ref, err);
    if (has_root < 0 || has_image < 0)
        return -1;
    if (has_root && has_image)
        return app_cfg_bad_value(ac, "oci_image", err,
                                 "set either oci_root or oci_image, not both");
    if (!has_root && !has_image)
        return xo_err_set(
            err, EINVAL,
            "%s: no root volume: set oci_root (a root volume directory) or oci_image (an image reference)",
            app_cfg_path(ac));
    if (has_image) {
        if (!opts->resolve_image)
            return app_cfg_bad_value(
                ac, "oci_image", err,
                "image references cannot be resolved here");
        if (opts->resolve_image(opts->resolve_ctx, ref, &dc->root_volume, err) <
            0) {
            char *where = app_cfg_where(ac, "oci_image");
            xo_err_wrap(err, "%s", where);
            free(where);
            return -1;
        }
    } else {
        dc->root_volume = xo_xstrdup(root);
    }

    struct stat st;
    if (stat(dc->root_volume, &st) < 0 || !S_ISDIR(st.st_mode))
        return app_cfg_bad_value(ac, has_root ? "oci_root" : "oci_image", err,
                                 "root volume %s is not a directory",
                                 dc->root_volume);
    static const char *const images[][2] = {{"rootfs.erofs", "erofs"},
                                            {"rootfs.ext4", "ext4"},
                                            {"rootfs.squashfs", "squashfs"}};
    for (size_t i = 0; i < 3 && !dc->rootfs_image; i++) {
        char *p = xo_path_join(dc->root_volume, images[i][0]);
        if (is_file(p)) {
            dc->rootfs_image = p;
            dc->rootfs_fstype = xo_xstrdup(images[i][1]);
        } else {
            free(p);
        }
    }
    if (!dc->rootfs_image)
        return app_cfg_bad_value(
            ac, has_root ? "oci_root" : "oci_image", err,
            "root volume %s has no rootfs image (rootfs.erofs, rootfs.ext4 or rootfs.squashfs)",
            dc->root_volume);
    dc->image_config_path = xo_path_join(dc->root_volume, "image-config.json");
    return 0;
}

static int load_image_config(struct domain_config *dc, struct image_config *ic,
                             xo_err *err)
{
    if (domcfg_image_config_load(ic, dc->image_config_path, err) < 0)
        return -1;
    if (!xo_platform_matches(ic->os, ic->architecture, "linux", "amd64"))
        return xo_err_set(
            err, EINVAL,
            "%s: image is for %s/%s; only linux/amd64 images run here",
            dc->image_config_path, ic->os, ic->architecture);
    dc->os = xo_xstrdup(ic->os);
    dc->architecture = xo_xstrdup(ic->architecture);
    return 0;
}

static int build_network(struct domain_config *dc, const struct app_cfg *ac,
                         xo_err *err)
{
    const char *s;
    int r = app_cfg_string(ac, "oci_gateway", &s, err);
    if (r < 0)
        return -1;
    if (r && !vif_valid_ipv4(s, false))
        return app_cfg_bad_value(ac, "oci_gateway", err,
                                 "\"%s\" is not an IPv4 address", s);
    /* Its route goes through the first vif: with none it would route
     * nothing, and was dropped without a word (helper-97).  Refused, as
     * oci_ports without oci_network is. */
    if (r && dc->n_vifs == 0)
        return app_cfg_bad_value(
            ac, "oci_gateway", err,
            "\"%s\": the container has no interface to reach it through: add a vif or an oci_network, or leave oci_gateway out",
            s);
    if (r)
        dc->gateway = xo_xstrdup(s);
    char **dns = NULL;
    size_t n = 0;
    if ((r = app_cfg_list(ac, "oci_dns", DC_MAX_DNS, &dns, &n, err)) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!vif_valid_ipv4(dns[i], false))
            rc = app_cfg_bad_item(ac, "oci_dns", i, err,
                                  "\"%s\" is not an IPv4 address", dns[i]);
        else
            dc->dns[dc->n_dns++] = xo_xstrdup(dns[i]);
    }
    dc->n_dns_cfg = dc->n_dns;
    xo_strv_free(dns);
    return rc;
}

static int build_loader(struct domain_config *dc, const struct app_cfg *ac,
                        const struct domcfg_opts *opts, xo_err *err)
{
    if (get_dup(&dc->loader_dir, ac, "oci_loader", opts->default_loader, err) <
        0)
        return -1;
    if (!dc->loader_dir || dc->loader_dir[0] != '/')
        return app_cfg_bad_value(ac, "oci_loader", err,
                                 "loader directory must be an absolute path");
    dc->kernel = xo_path_join(dc->loader_dir, "kernel");
    char *ddir = xo_path_join(opts->state_root, "domains");
    char *dom = xo_path_join(ddir, dc->name);
    dc->ramdisk = xo_path_join(dom, "ramdisk");
    free(ddir);
    free(dom);
    /* The loader's init finds its boot spec in the ramdisk; the kernel
     * needs only the console and quiet logging.  printk.time=1: every
     * kernel line on the console starts "[ seconds.micros] ", which is
     * how the placeholder tells the kernel's lines from the container's
     * output (xl-plugin/monitor_filter.h), whatever the kernel's
     * CONFIG_PRINTK_TIME (Debian's is on, the loader's own kernel's off). */
    dc->cmdline = xo_xstrdup("console=hvc0 quiet printk.time=1");
    return 0;
}

int domcfg_from_app_cfg(struct domain_config *dc, const struct app_cfg *ac,
                        const struct domcfg_opts *opts, xo_err *err)
{
    struct image_config ic;
    domcfg_image_config_init(&ic);
    size_t next_vdev = 0;
    int rc = -1;
    if (build_identity(dc, ac, err) < 0 || build_resources(dc, ac, err) < 0 ||
        build_vifs(dc, ac, err) < 0 ||
        net_request_parse_networks(dc, ac, err) < 0 ||
        net_request_parse_ports(dc, ac, err) < 0 ||
        build_network(dc, ac, err) < 0 ||
        build_root_volume(dc, ac, opts, err) < 0 ||
        load_image_config(dc, &ic, err) < 0 ||
        merge_process(dc, ac, &ic, opts->override_process != NULL, err) < 0 ||
        domcfg_build_storage(dc, ac, &ic, &next_vdev, err) < 0 ||
        build_disks(dc, ac, next_vdev, err) < 0 ||
        build_loader(dc, ac, opts, err) < 0 ||
        process_limits_build(dc, ac, err) < 0 ||
        domcfg_sysctls_build(dc, ac, err) < 0)
        goto out;
    /* Docker's default sysctls, for a container with a network namespace
     * of its own: every app.cfg container has one (a domain's kernel is
     * its own, a NOHYPER container's runtime spec makes one; app.cfg has
     * no host networking).  Not under a runtime spec's process
     * (xl-oci-runc): runc sets exactly the spec's sysctls, and CRI writes
     * these into the spec itself when it wants them. */
    if (!opts->override_process)
        domcfg_sysctls_docker_defaults(dc);

    const char *mode = NULL;
    int r = app_cfg_string(ac, "oci_mode", &mode, err);
    if (r < 0)
        goto out;
    if (r && strcmp(mode, "xen") == 0) {
        dc->mode = DC_MODE_XEN;
    } else if (r && strcmp(mode, "nohyper") == 0) {
        dc->mode = DC_MODE_NOHYPER;
    } else if (r) {
        app_cfg_bad_value(ac, "oci_mode", err,
                          "\"%s\" is not \"xen\" or \"nohyper\"", mode);
        goto out;
    }

    if (build_restart(dc, ac, err) < 0)
        goto out;

    const char *h = NULL;
    r = app_cfg_string(ac, "oci_hostname", &h, err);
    if (r < 0)
        goto out;
    if (r && !valid_hostname(h)) {
        app_cfg_bad_value(ac, "oci_hostname", err,
                          "\"%s\" is not a valid host name", h);
        goto out;
    }
    /* A domain name may hold '_' or '.', which a host name may not. */
    dc->hostname = xo_xstrdup(r ? h : dc->name);
    for (char *p = dc->hostname; *p; p++)
        if (*p == '_')
            *p = '-';
    /* A name of 64 characters (a Kubernetes container ID, the hashed
     * names of xl-oci-runc) is one label too long for a host name: its
     * first 63, as Docker takes a prefix of the ID. */
    size_t hl = strlen(dc->hostname);
    if (!r && hl == 64 && !strchr(dc->hostname, '.'))
        dc->hostname[63] = '\0';
    if (!valid_hostname(dc->hostname)) {
        xo_err_set(
            err, EINVAL,
            "%s: cannot derive a host name from name \"%s\"; set oci_hostname",
            app_cfg_path(ac), dc->name);
        goto out;
    }
    /* Last, so that it wins over everything above (process, limits, host
     * name); then what every process gets. */
    if (opts->override_process &&
        opts->override_process(dc, opts->override_ctx, err) < 0)
        goto out;
    if (dc->n_args == 0) {
        xo_err_set(err, EINVAL, "nothing to run: %s sets no process",
                   app_cfg_path(ac));
        goto out;
    }
    /* Docker sets HOSTNAME in the environment; then what execve() takes. */
    merge_env_default(dc, "HOSTNAME", dc->hostname);
    if (exec_size_check(dc, err) < 0)
        goto out;
    rc = 0;
out:
    domcfg_image_config_dispose(&ic);
    return rc;
}

int domcfg_from_file(struct domain_config *dc, const char *path,
                     const struct domcfg_opts *opts, xo_err *err)
{
    struct app_cfg *ac = NULL;
    if (app_cfg_read(&ac, path, err) < 0)
        return -1;
    int rc = domcfg_from_app_cfg(dc, ac, opts, err);
    app_cfg_free(ac);
    return rc;
}
