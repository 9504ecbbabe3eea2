/*
 * cmd_create.c: `xl-oci create`.  With -N (like `xl -N create`) it prints
 * the libxl domain config as libxl's own JSON and can write the OCI
 * runtime spec and the boot spec to files, touching no Xen at all.
 * Without -N it creates the domain through libxl (paused, devices
 * attached, then unpaused), writes its state dir, publishes DomainStatus
 * and forks the monitor, as `xl create` forks its daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/log.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "domcfg/fstype.h"
#include "image/image.h"
#include "image/volume_record.h"
#include "console_log.h"
#include "journal.h"
#include "loader/loader.h"
#include "create_ramdisk.h"
#include "loopdev.h"
#include "qdisk_share.h"
#include "volattach.h"
#include "metastore.h"
#include "monitor_spawn.h"
#include "netattach.h"
#include "netback/netback.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xen_gate.h"
#include <libxl_utils.h>
#include "xl_oci.h"
#include "common/fault.h"
#include "common/pathfmt.h"
#include "create.h"
#include "common/xenlight_lib.h"

void create_rendered_init(struct rendered *r)
{
    memset(r, 0, sizeof(*r));
    domain_config_init(&r->dc);
    /* Without libxl (it cannot be opened) d stays zero and undisposed;
     * rendering opens it again and reports why it cannot. */
    xo_err ignore = XO_ERR_INIT;
    r->have_d = xo_xenlight_load(&ignore) == 0;
    xo_err_clear(&ignore);
    if (r->have_d)
        xo_xl.domain_config_init(&r->d);
}

void create_rendered_dispose(struct rendered *r)
{
    free(r->libxl_json);
    free(r->spec_text);
    free(r->blob);
    if (r->have_d)
        xo_xl.domain_config_dispose(&r->d);
    domain_config_dispose(&r->dc);
    app_cfg_free(r->ac);
    create_rendered_init(r);
}

/* Set while create resolves oci_image under the state lock: a pull,
 * which takes the store's lock, must not run under it (prune takes the
 * store's lock, then the state lock: image/lock.h), so resolve_image()
 * names the reference to pull here and create pulls after the lock. */
static bool resolve_in_store_only;
static char *resolve_pull_ref;
/* Set while start or autostart parses a container's saved app.cfg: its
 * oci_image is the root volume create recorded, as docker start runs the
 * container's image, not what its tag names now (helper-76: they pulled
 * under the state lock, and deadlocked with prune). */
static const char *resolve_saved_volume;

/* oci_image = "REF": the root volume of a pulled image (pulling it first
 * when it is not in the store). */
static int resolve_image(void *ctx, const char *ref, char **dir_r, xo_err *err)
{
    (void)ctx;
    if (resolve_saved_volume) {
        *dir_r = xo_xstrdup(resolve_saved_volume);
        return 0;
    }
    if (!resolve_in_store_only)
        return image_resolve_root_volume(cmd_state_root(), ref, !cmd_dryrun,
                                         dir_r, err);
    int found =
        image_find_root_volume(cmd_state_root(), ref, false, dir_r, err);
    if (found == 0) {
        free(resolve_pull_ref);
        resolve_pull_ref = xo_xstrdup(ref);
        return xo_err_set(err, EAGAIN, "image %s is not in the store", ref);
    }
    return found < 0 ? -1 : 0;
}

int create_given_lock(struct create_opts *o)
{
    int fd = o->lock_given ? o->lock_fd : -1;
    o->lock_given = false;
    return fd;
}

/*
 * Image files app.cfg names, which domcfg (pure) does not open, are read
 * here, before anything is made, and errors name the file and the key:
 * oci_writable = "/IMAGE" must be an ext4 image or a qcow2 one (whose
 * content the guest mounts; QEMU serves it), else a domain's loader
 * failed to mount it and NOHYPER's mount said "Input/output error"; an
 * oci_volumes image must hold a file system the loader mounts or be a
 * qcow2, else it was taken for ext4 and failed in the guest.  A qcow2 is
 * marked so: it was attached as raw, and the guest saw qcow2's bytes.
 */
static int check_image_files_at(struct domain_config *dc, const char *wvol,
                                const char *wwr, xo_err *err)
{
    for (size_t i = 0; i < dc->n_volumes; i++) {
        struct dc_volume *v = &dc->volumes[i];
        if (v->kind != DC_VOLUME_FILE || !v->source)
            continue;
        const char *t = fstype_probe(v->source);
        const char *w = v->where ? v->where : wvol; /* the item's line */
        if (!t) {
            struct stat st;
            if (stat(v->source, &st) < 0)
                return xo_err_sys(err, "%s: %s", w, v->source);
            return xo_err_set(
                err, EINVAL,
                "%s: %s holds no file system the loader mounts (ext4, erofs, squashfs) and is no qcow2 image",
                w, v->source);
        }
        v->qcow2 = strcmp(t, "qcow2") == 0;
    }
    const char *w = dc->writable_source;
    if (dc->writable != DC_WRITABLE_DISK || !w || dc->writable_volume)
        return 0;
    struct stat st;
    if (stat(w, &st) < 0)
        return xo_err_sys(err, "%s: \"%s\"", wwr, w);
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return xo_err_set(err, EINVAL, "%s: \"%s\": not a file or block device",
                          wwr, w);
    const char *t = fstype_probe(w);
    if (!t || (strcmp(t, "ext4") != 0 && strcmp(t, "qcow2") != 0))
        return xo_err_set(
            err, EINVAL,
            "%s: \"%s\": not an ext4 image (%s), the writable layer's file system (mkfs.ext4 it, or use a volume)",
            wwr, w, t ? t : "no file system known");
    dc->writable_qcow2 = strcmp(t, "qcow2") == 0;
    return 0;
}

static int check_image_files(struct domain_config *dc, const char *cfg_path,
                             xo_err *err)
{
    /* "FILE:LINE: KEY" where dc came from app.cfg (it did here). */
    char *wvol = dc->where_volumes ? xo_xstrdup(dc->where_volumes)
                                   : xo_xasprintf("%s: oci_volumes", cfg_path);
    char *wwr = dc->where_writable ? xo_xstrdup(dc->where_writable)
                                   : xo_xasprintf("%s: oci_writable", cfg_path);
    int rc = check_image_files_at(dc, wvol, wwr, err);
    free(wvol);
    free(wwr);
    return rc;
}

/*
 * A name some container has (its state dir exists), refused before the
 * image is pulled: a pull of minutes that ends in "already exists" wastes
 * them.  Only a hint: create_xen() and create_nohyper() check again under
 * the state lock, and a bad or missing name is domcfg's to report.
 */
static int name_taken_early(const struct app_cfg *ac, xo_err *err)
{
    const char *name = NULL;
    xo_err ignore = XO_ERR_INIT;
    int has = app_cfg_string(ac, "name", &name, &ignore);
    xo_err_clear(&ignore);
    /* "." and ".." are domcfg's invalid names, not taken ones. */
    if (has == 1 && name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 &&
        strcmp(name, "..") != 0 && state_domain_exists(cmd_state_root(), name))
        return xo_err_set(
            err, EEXIST,
            "%s: a container named %s already exists; destroy it first",
            app_cfg_path(ac), name);
    return 0;
}

/* app.cfg + image config -> r->dc, managed networks not yet attached;
 * `fresh`: a new container's (create), whose name must be free. */
static int parse_cfg(struct rendered *r, const char *cfg_path, bool fresh,
                     xo_err *err)
{
    struct domcfg_opts opts = {
        .state_root = cmd_state_root(),
        .default_loader = cmd_default_loader(),
        .resolve_image = resolve_image,
    };
    size_t log_max;
    if (app_cfg_read(&r->ac, cfg_path, err) < 0 ||
        (fresh && (name_taken_early(r->ac, err) < 0 ||
                   console_log_max(&log_max, err) < 0)) ||
        domcfg_from_app_cfg(&r->dc, r->ac, &opts, err) < 0 ||
        check_image_files(&r->dc, cfg_path, err) < 0)
        return -1;
    return 0;
}

int create_parse_cfg(struct rendered *r, const char *cfg_path, xo_err *err)
{
    return parse_cfg(r, cfg_path, false, err);
}

int create_parse_saved_cfg(struct rendered *r, const char *root,
                           const char *name, xo_err *err)
{
    char cfg[4096], vpath[4096];
    if (state_domain_file(cfg, sizeof(cfg), root, name, STATE_FILE_APP_CFG,
                          err) < 0 ||
        state_domain_file(vpath, sizeof(vpath), root, name,
                          STATE_FILE_ROOT_VOLUME, err) < 0)
        return -1;
    char *vol = NULL;
    size_t len = 0;
    xo_err e = XO_ERR_INIT;
    if (xo_read_file(&vol, &len, vpath, 4096, &e) == 0)
        while (len > 0 && vol[len - 1] == '\n')
            vol[--len] = '\0';
    if (vol && len > 0)
        resolve_saved_volume = vol;
    else
        /* No record, or an empty one (a state dir older than it, a power
         * loss): the store's volume for the name, never a pull. */
        resolve_in_store_only = true;
    xo_err_clear(&e);
    int rc = parse_cfg(r, cfg, false, err);
    if (rc < 0 && resolve_pull_ref)
        xo_err_wrap(err, "xl-oci pull %s, then start %s again",
                    resolve_pull_ref, name);
    resolve_saved_volume = NULL;
    resolve_in_store_only = false;
    free(resolve_pull_ref);
    resolve_pull_ref = NULL;
    free(vol);
    return rc;
}

/* r->dc (networks attached) -> libxl config, runtime spec, boot spec. */
int create_render_all(struct rendered *r, xo_err *err)
{
    json_object *spec = NULL;
    if (!r->have_d) {
        /* libxl could not be opened at init: say why, or init d now. */
        if (xo_xenlight_load(err) < 0)
            return -1;
        xo_xl.domain_config_init(&r->d);
        r->have_d = true;
    }
    if (domcfg_to_libxl(&r->d, &r->dc, r->ac, err) < 0 ||
        domcfg_libxl_json(&r->libxl_json, &r->d, err) < 0 ||
        domcfg_to_runtime_spec(&spec, &r->dc, err) < 0 ||
        domcfg_to_boot_spec(&r->blob, &r->blob_len, &r->dc, err) < 0 ||
        domcfg_etc_files(r->etc, &r->dc, err) < 0)
        return -1;
    r->spec_text = xo_json_to_string(spec);
    json_object_put(spec);
    return 0;
}

static int write_out(const char *path, const void *data, size_t len,
                     xo_err *err)
{
    if (strcmp(path, "-") == 0)
        return xo_write_all(STDOUT_FILENO, data, len) < 0
                   ? xo_err_sys(err, "cannot write to stdout")
                   : 0;
    return xo_write_file_atomic(path, data, len, 0644, err);
}

/* The runtime spec bind-mounts /etc files from its own directory. */
static int write_etc_beside(const struct rendered *r, const char *spec_path,
                            xo_err *err)
{
    char *copy = xo_xstrdup(spec_path);
    const char *dir = dirname(copy);
    int rc = 0;
    for (int i = 0; i < DOMCFG_ETC_FILES && rc == 0; i++) {
        char *p = xo_path_join(dir, r->etc[i].name);
        rc = xo_write_file_atomic(p, r->etc[i].text, r->etc[i].len, 0644, err);
        free(p);
    }
    free(copy);
    return rc;
}

int create_write_requested(const struct rendered *r,
                           const struct create_opts *o, xo_err *err)
{
    if (o->runtime_spec && o->boot_spec && strcmp(o->runtime_spec, "-") == 0 &&
        strcmp(o->boot_spec, "-") == 0)
        return xo_err_set(
            err, EINVAL,
            "--runtime-spec - and --boot-spec -: only one of them can go to standard output");
    if (o->runtime_spec &&
        write_out(o->runtime_spec, r->spec_text, strlen(r->spec_text), err) < 0)
        return -1;
    if (o->runtime_spec && strcmp(o->runtime_spec, "-") != 0 &&
        write_etc_beside(r, o->runtime_spec, err) < 0)
        return -1;
    if (o->boot_spec && write_out(o->boot_spec, r->blob, r->blob_len, err) < 0)
        return -1;
    return 0;
}

/*
 * A PV domain must hold the loader's kernel and ramdisk in its own memory
 * while it boots (the kernel is an uncompressed vmlinux for speed); below
 * that libxenguest fails with a cryptic "segment kernel too large", and a
 * little above it the kernel runs out of memory before the container's
 * first instruction.  The kernel counts with its load size (up to the end
 * of its highest PT_LOAD segment, loader_kernel_load_size), not its file
 * size.  The headroom is the rest: page tables, the p2m and start info,
 * which libxenguest allocates beside kernel and ramdisk, and the kernel's
 * own early allocations.  Measured in the lab (tests/lab/bench/
 * kernel-bench.sh, 2026-12-01, the own kernel loaded at 2 MiB: load size
 * + initramfs 19.1 MiB): the probe runs and exits 0 at 28 MiB and the
 * kernel panics out of memory at 26; Debian's (78.3 MiB) runs at 86-87
 * and not at 84.  So the floor is where the probe just runs: a container
 * needs its own memory on top, as xl-oci.cfg(5) says.
 */
#define LOADER_HEADROOM_MB 8
/*
 * Each vif's netfront needs its rings and receive buffers before the
 * container runs: in the lab (tests/lab/bench/scale-bench.sh, 2026-12-01,
 * one vCPU, one vif on a managed network) the probe stayed booting with
 * no output at the 28 MiB floor and ran at 30.
 */
#define LOADER_VIF_HEADROOM_MB 2
/*
 * Each share's 9pfs frontend allocates its rings when it connects, before
 * the container runs: Linux 6.1's trans_xen opens 2 rings of order 9
 * (XEN_9PFS_NUM_RINGS, XEN_9PFS_RING_ORDER), 2 MiB of physically
 * contiguous pages each, which a small domain must still have in one
 * piece.  Measured in the lab (2026-12-02, the own kernel, one vCPU, the
 * probe reading a read-only share): it runs at 37 MiB and not at 35 (the
 * frontend's allocation fails, "Bad page state" in xenwatch, and the
 * share never connects), against 28 without a share: 9 MiB, and one more
 * for margin.  The 5 MiB computed from the rings alone was too little.
 */
#define LOADER_SHARE_HEADROOM_MB 10
/* What a PV domain's maxmem may be at most, times its memory: what it
 * boots with and 10 times that (EXTRA_MEM_RATIO in Linux). */
#define PV_BALLOON_RATIO 11

/* "FILE:LINE: KEY" of app.cfg's setting of `key` (app_cfg_where), or
 * "FILE: KEY" for a config from elsewhere; never NULL.  Free it. */
static char *where_key(const struct app_cfg *ac, const char *cfg_path,
                       const char *key)
{
    return ac ? app_cfg_where(ac, key) : xo_xasprintf("%s: %s", cfg_path, key);
}

/* A PV domain's maxmem against its memory: needs no loader, so a dry run
 * without one refuses it too (helper-84). */
static int check_maxmem(const struct domain_config *dc,
                        const struct app_cfg *ac, const char *cfg_path,
                        xo_err *err)
{
    /* Linux as a PV guest maps at most EXTRA_MEM_RATIO (10) times the
     * memory it booted with for its balloon to grow into
     * (arch/x86/xen/setup.c): a larger maxmem would take updates it
     * never follows. */
    if (dc->type != DC_TYPE_PV ||
        dc->maxmem_mb <= PV_BALLOON_RATIO * dc->memory_mb)
        return 0;
    char *where = where_key(ac, cfg_path, "maxmem");
    xo_err_set(
        err, EINVAL,
        "%s %ld MiB%s: a PV domain of %ld MiB can grow to %ld MiB at most (Linux's balloon takes up to 10 times the memory it booted with more)",
        where, dc->maxmem_mb,
        dc->container_memory_max_mb > 0 ? " (org.xl-oci.memory-max)" : "",
        dc->memory_mb, PV_BALLOON_RATIO * dc->memory_mb);
    free(where);
    return -1;
}

/* Checks dc's memory against the loader's need; for a container with an
 * orchestrator's limit (container_memory_mb) it sets the memory instead:
 * the need plus the limit, one computation for both.  Errors name ac's
 * line of the key (cfg_path alone without ac). */
static int check_memory(struct domain_config *dc, const struct loader_files *lf,
                        const struct app_cfg *ac, const char *cfg_path,
                        xo_err *err)
{
    struct stat i;
    uint64_t k;
    if (loader_kernel_load_size(lf->kernel, &k, err) < 0)
        return xo_err_wrap(err, "loader %s", dc->loader_dir);
    if (stat(lf->initramfs, &i) < 0)
        return xo_err_sys(err, "loader %s", dc->loader_dir);
    /* Inline bind copies (boot spec v6) ride in the ramdisk and are made
     * again in the loader's tmpfs: twice their bytes, a page an entry. */
    uint64_t copies = 0;
    for (size_t e = 0; e < dc->n_bind_entries; e++)
        copies += 2 * (uint64_t)dc->bind_entries[e].len + 4096;
    long loader =
        (long)((k + (uint64_t)i.st_size + copies + (1 << 20) - 1) >> 20);
    long vifs = (long)dc->n_vifs * LOADER_VIF_HEADROOM_MB;
    long shares = 0;
    for (size_t v = 0; v < dc->n_volumes; v++)
        shares += dc->volumes[v].kind == DC_VOLUME_SHARE
                      ? LOADER_SHARE_HEADROOM_MB
                      : 0;
    long need = loader + LOADER_HEADROOM_MB + vifs + shares;
    dc->loader_need_mb = need + (dc->late_network ? LOADER_VIF_HEADROOM_MB : 0);
    if (dc->container_memory_mb > 0) {
        /* An orchestrator's limit is the container's own: the loader's
         * need comes on top (xl-oci-runc(1)), with a late network's vif,
         * which start adds. */
        dc->memory_mb = dc->maxmem_mb =
            dc->loader_need_mb + dc->container_memory_mb;
    }
    if (dc->container_memory_max_mb > 0) {
        /* Room to grow into (org.xl-oci.memory-max): Xen never lets a
         * domain past its maxmem, so it is set now, above the memory. */
        long max = dc->loader_need_mb + dc->container_memory_max_mb;
        if (max > dc->maxmem_mb)
            dc->maxmem_mb = max;
    }
    if (check_maxmem(dc, ac, cfg_path, err) < 0)
        return -1;
    if (dc->container_memory_mb > 0)
        return 0;
    if (dc->memory_mb >= need)
        return 0;
    char *where = where_key(ac, cfg_path, "memory");
    if (shares)
        xo_err_set(
            err, EINVAL,
            "%s = %ld is too small for the loader in %s (kernel as loaded and initramfs %ld MiB), %zu vif(s) (%ld MiB) and the rings of its shares (%ld MiB): set memory to at least %ld",
            where, dc->memory_mb, dc->loader_dir, loader, dc->n_vifs, vifs,
            shares, need);
    else if (vifs)
        xo_err_set(
            err, EINVAL,
            "%s = %ld is too small for the loader in %s (kernel as loaded and initramfs %ld MiB) and %zu vif(s) (%ld MiB): set memory to at least %ld",
            where, dc->memory_mb, dc->loader_dir, loader, dc->n_vifs, vifs,
            need);
    else
        xo_err_set(
            err, EINVAL,
            "%s = %ld is too small for the loader in %s (kernel as loaded and initramfs %ld MiB): set memory to at least %ld",
            where, dc->memory_mb, dc->loader_dir, loader, need);
    free(where);
    return -1;
}

/*
 * What create refuses before it touches Xen, in one place so that the dry
 * run refuses the same: a missing loader, a memory too small for it.  A
 * dry run on a host without the loader (a NOHYPER host that only wants the
 * runtime spec, a test) cannot know the loader's size; it says so and goes
 * on, silently when `quiet` (create would run it through runc here, and
 * the dry run's note says so: helper-106 found the warning noise on every
 * -N of a NOHYPER-only host).  Fills *lf (the caller disposes it).
 */
static int preflight(struct rendered *r, const char *cfg_path, bool dry,
                     bool quiet, struct loader_files *lf, xo_err *err)
{
    if (loader_locate(lf, r->dc.loader_dir, err) < 0) {
        if (!dry || err->errnum != ENOENT)
            return -1;
        if (!quiet)
            fprintf(
                stderr,
                "xl-oci: warning: %s; memory is not checked against the loader\n",
                xo_err_msg(err));
        xo_err_clear(err);
        return r->dc.container_memory_mb > 0
                   ? 0
                   : check_maxmem(&r->dc, r->ac, cfg_path, err);
    }
    return check_memory(&r->dc, lf, r->ac, cfg_path, err);
}

static int dry_run(const struct create_opts *o, xo_err *err)
{
    struct rendered r;
    struct loader_files lf = {0};
    create_rendered_init(&r);
    int rc = -1;
    /* The vifs show the MAC and address a create would lease now,
     * without reserving anything. */
    bool parsed = create_parse_cfg(&r, o->cfg_path, err) == 0;
    for (size_t i = 0; parsed && i < r.dc.n_warnings; i++)
        fprintf(stderr, "xl-oci: warning: %s\n", r.dc.warnings[i]);
    /* A container that asks for NOHYPER is refused what create refuses
     * it, and the loader has no part in it (helper-84: -N took what
     * create refused).  One that leaves the choice to the host is shown
     * as a domain, checked as one: -N on a machine without Xen is how a
     * domain's config is rendered. */
    bool nohyper = parsed && r.dc.mode == DC_MODE_NOHYPER;
    bool auto_nohyper =
        parsed && r.dc.mode == DC_MODE_AUTO && !xen_host_present();
    if (nohyper) {
        create_nohyper_warn_xen_only(r.ac);
        create_nohyper_drop_anonymous(&r.dc);
    }
    if (!parsed ||
        netattach_resolve(&r.dc, r.ac, cmd_state_root(), NETBACK_ATTACH_DRY_RUN,
                          err) < 0 ||
        volattach_resolve(&r.dc, cmd_state_root(), true, err) < 0 ||
        create_render_all(&r, err) < 0 ||
        (nohyper
             ? create_nohyper_check(o, &r, err)
             : preflight(&r, o->cfg_path, true, auto_nohyper, &lf, err)) < 0 ||
        create_write_requested(&r, o, err) < 0)
        goto out;
    /* One document on stdout: a spec asked for there takes it. */
    bool stdout_taken =
        (o->runtime_spec && strcmp(o->runtime_spec, "-") == 0) ||
        (o->boot_spec && strcmp(o->boot_spec, "-") == 0);
    if (!stdout_taken &&
        (fputs(r.libxl_json, stdout) == EOF || fflush(stdout) == EOF)) {
        xo_err_sys(err, "cannot write to stdout");
        goto out;
    }
    /* What was shown is a domain's; say when create would not make one,
     * and what create would refuse then (helper-106: -N took a host-wide
     * oci_sysctl that create, here, refused). */
    if (auto_nohyper) {
        xo_err nerr = XO_ERR_INIT;
        if (create_nohyper_check(o, &r, &nerr) < 0)
            fprintf(stderr,
                    "xl-oci: warning: create would refuse it here: %s\n",
                    xo_err_msg(&nerr));
        xo_err_clear(&nerr);
    }
    if (nohyper || auto_nohyper)
        fprintf(
            stderr,
            "xl-oci: note: %s would run through runc here (NOHYPER): --runtime-spec FILE shows what runc would get\n",
            r.dc.name);
    rc = 0;
out:
    loader_files_dispose(&lf);
    create_rendered_dispose(&r);
    return rc;
}

/* The image digest the root volume records (volume_record.h), or "" for
 * a volume that names no image (made by hand). */
int create_image_digest(char *buf, size_t len, const char *root_volume,
                        xo_err *err)
{
    struct digest d;
    int rc = volume_image_digest(&d, root_volume, err);
    if (rc < 0)
        return xo_err_wrap(err, "root volume %s", root_volume);
    return xo_path_fmt(buf, len, err, "%s", rc == 1 ? d.str : "") < 0 ? -1 : 0;
}

/* Writes the domain's state dir: a temporary dir, then one rename. */
int create_write_state_dir(const struct rendered *r, const char *cfg_path,
                           const struct loader_files *lf, xo_err *err)
{
    const char *root = cmd_state_root();
    char tmp[4096], path[4200];
    char *cfg = NULL;
    size_t cfg_len = 0;
    if (state_domain_tmpdir(tmp, sizeof(tmp), root, r->dc.name, err) < 0)
        return -1;
    int rc = -1;
    if (xo_read_file(&cfg, &cfg_len, cfg_path, APP_CFG_MAX_BYTES, err) < 0)
        goto out;
    struct {
        const char *file;
        const void *data;
        size_t len;
        mode_t mode;
    } files[] = {
        {STATE_FILE_APP_CFG, cfg, cfg_len, 0600},
        {"domain-config.json", r->libxl_json, strlen(r->libxl_json), 0600},
        {STATE_FILE_RUNTIME_SPEC, r->spec_text, strlen(r->spec_text), 0600},
        {STATE_FILE_BOOT_SPEC, r->blob, r->blob_len, 0600},
        /* What runtime-spec.json bind-mounts on /etc: the container's
         * users read them (a resolver as any user), as Docker's 0644. */
        {r->etc[0].name, r->etc[0].text, r->etc[0].len, 0644},
        {r->etc[1].name, r->etc[1].text, r->etc[1].len, 0644},
        {r->etc[2].name, r->etc[2].text, r->etc[2].len, 0644},
        /* What `xl-oci prune` must keep while this domain exists. */
        {STATE_FILE_ROOT_VOLUME, r->dc.root_volume, strlen(r->dc.root_volume),
         0600},
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if (xo_path_fmt(path, sizeof(path), err, "%s/%s", tmp, files[i].file) <
                0 ||
            xo_write_file_atomic(path, files[i].data, files[i].len,
                                 files[i].mode, err) < 0)
            goto out;
    }
    /* The labels, read-only from here on (metastore.h). */
    if (metastore_write_labels(tmp, r->dc.labels, r->dc.n_labels, err) < 0)
        goto out;
    if (lf && (xo_path_fmt(path, sizeof(path), err, "%s/" STATE_FILE_RAMDISK,
                           tmp) < 0 ||
               loader_ramdisk_build(lf->initramfs, r->blob, r->blob_len, path,
                                    err) < 0))
        goto out;
    /* runc reads a bundle's spec as config.json. */
    if (!lf &&
        (xo_path_fmt(path, sizeof(path), err, "%s/config.json", tmp) < 0 ||
         symlink("runtime-spec.json", path) < 0)) {
        if (!err->msg)
            xo_err_sys(err, "cannot link %s", path);
        goto out;
    }
    if (state_domain_commit(tmp, root, r->dc.name, err) < 0)
        goto out;
    /* The name is ours now (the commit refuses a second): an earlier
     * container's log by this name is set aside, never appended to. */
    xo_err le = XO_ERR_INIT;
    if (state_log_set_aside(r->dc.name, &le) < 0)
        xo_warn("%s", xo_err_msg(&le));
    xo_err_clear(&le);
    rc = 0;
out:
    free(cfg);
    if (rc < 0) {
        xo_err cleanup = XO_ERR_INIT;
        state_remove_dir(tmp, &cleanup);
        xo_err_clear(&cleanup);
    }
    return rc;
}

/* A name taken by a container (DomainStatus, or a state dir left
 * behind).  A Xen domain of that name that is no container is left to
 * libxl, which refuses the name while it builds the domain: asking here
 * too (libxl_name_to_domid reads every domain's name from xenstore) cost
 * 0.39 s of create with 50 domains running (scale-bench, 2026-12-01). */
static int check_name_free(struct xen_handles *h, const char *name, xo_err *err)
{
    struct domain_status st;
    xo_err ignore = XO_ERR_INIT;
    if (status_read(h->xs, name, &st, &ignore) == 0)
        return xo_err_set(
            err, EEXIST,
            "a container domain named %s already exists (state %s); destroy it first",
            name, domain_state_to_string(st.state));
    xo_err_clear(&ignore);
    if (state_domain_exists(cmd_state_root(), name))
        return xo_err_set(
            err, EEXIST,
            "state for a domain named %s exists in %s/domains; run 'xl-oci destroy %s'",
            name, cmd_state_root(), name);
    return 0;
}

/* Undoes a failed create: domain, state dir and (unless kept) status. */
static void undo_create(struct xen_handles *h, const char *name, uint32_t domid,
                        bool have_domid, bool keep_broken, const char *why)
{
    xo_err e = XO_ERR_INIT;
    char dir[4096];
    /* A monitor spawned already (an unpause that failed) would see the
     * domain vanish and write to a status removed under it (helper-88).
     * One that does not end (asleep in the kernel) is let be: the create
     * fails all the same. */
    if (cmd_stop_monitor(cmd_state_root(), name, &e) < 0)
        xo_err_clear(&e);
    if (have_domid)
        xo_xl.domain_destroy(h->ctx, domid, NULL);
    if (keep_broken) {
        status_set_state(h->xs, name, DOMAIN_STATE_BROKEN, &e);
        status_set(h->xs, name, DOMAIN_STATUS_KEY_ERROR, why, &e);
    } else {
        /* A path that does not fit was never made: nothing to remove. */
        if (state_domain_dir(dir, sizeof(dir), cmd_state_root(), name, &e) == 0)
            state_remove_dir(dir, &e);
        status_remove(h->xs, name, &e);
    }
    xo_err_clear(&e);
}

/* One attempt; *pull_ref_r (the caller's) when the image must be pulled
 * before another. */
static int create_domain_once(struct create_opts *o, char **pull_ref_r,
                              xo_err *err)
{
    struct rendered r;
    create_rendered_init(&r);
    int rc = -1;
    /* The lock from before oci_image is resolved until the state dir
     * names the root volume: prune, which takes it, cannot remove the
     * volume in between (it did, between a resolve and the state dir). */
    if ((o->lock_fd = state_lock(cmd_state_root(), err)) < 0)
        return -1;
    o->lock_given = true;
    /* From here a Ctrl-C undoes the create (cmd_interrupt.c). */
    cmd_interrupt_defer();
    resolve_in_store_only = true;
    int parsed = parse_cfg(&r, o->cfg_path, true, err);
    resolve_in_store_only = false;
    if (parsed < 0) {
        *pull_ref_r = resolve_pull_ref;
        resolve_pull_ref = NULL;
        goto out;
    }
    for (size_t i = 0; i < r.dc.n_warnings; i++)
        fprintf(stderr, "xl-oci: warning: %s\n", r.dc.warnings[i]);
    if (r.dc.mode == DC_MODE_NOHYPER ||
        (r.dc.mode == DC_MODE_AUTO && !xen_host_present())) {
        if (r.dc.mode == DC_MODE_AUTO)
            fprintf(
                stderr,
                "xl-oci: no Xen on this host: %s runs through runc (oci_mode = \"nohyper\")\n",
                r.dc.name);
        rc = create_nohyper(o, &r, err);
        goto out;
    }
    if (!xen_host_present()) {
        char *where = app_cfg_where_file(r.ac, "oci_mode");
        xo_err_set(
            err, ENODEV,
            "%s: oci_mode = \"xen\": Xen is not running on this host (no /dev/xen/privcmd), or this is one of its guests, not its dom0",
            where);
        free(where);
        goto out;
    }
    rc = create_xen(o, &r, err);
out:
    /* A create that went through keeps its signals noted until the
     * command exits: it said "Created", and its exit 0 must say the same
     * (a Ctrl-C in the instant before the exit made it 130, the
     * container running; tier 36).  A failed attempt gives them back: the
     * pull before a retry, or the error, is interrupted as usual. */
    if (rc < 0)
        cmd_interrupt_restore();
    if (o->lock_given)
        close(create_given_lock(o));
    create_rendered_dispose(&r);
    return rc;
}

static int create_domain(struct create_opts *o, xo_err *err)
{
    /* Pulled without the lock, as `xl-oci pull` would; then resolved
     * again under it.  Bounded: a prune may remove what was just pulled,
     * and after three pulls it is an admin removing it on purpose. */
    for (int attempt = 1;; attempt++) {
        char *pull_ref = NULL;
        int rc = create_domain_once(o, &pull_ref, err);
        if (rc == 0 || !pull_ref)
            return rc;
        if (attempt == 4) {
            xo_err_wrap(err, "removed again after each of 3 pulls");
            free(pull_ref);
            return -1;
        }
        xo_err_clear(err);
        /* A signal noted while the attempt held the lock ends it here,
         * before a pull and a create it would not have wanted. */
        if (cmd_interrupted(err) < 0) {
            free(pull_ref);
            return -1;
        }
        struct image_info info;
        rc = image_pull(cmd_state_root(), pull_ref, NULL, &info, err);
        if (rc == 0)
            image_info_dispose(&info);
        else
            xo_err_wrap(err, "oci_image \"%s\"", pull_ref);
        free(pull_ref);
        if (rc < 0)
            return -1;
    }
}

int create_xen(struct create_opts *o, struct rendered *rp, xo_err *err)
{
    struct rendered r = *rp; /* given back below */
    struct loader_files lf = {0};
    struct xen_handles h = {0};
    int lock = create_given_lock(o), rc = -1;
    uint32_t domid = 0;
    bool have_domid = false, have_status = false, have_leases = false;
    bool announced = false; /* "created" is in the event journal */
    bool have_volumes = false;
    char image[DIGEST_STR_LEN + 1];

    xo_stamp("create", "begins");
    if (preflight(&r, o->cfg_path, false, false, &lf, err) < 0 ||
        create_image_digest(image, sizeof(image), r.dc.root_volume, err) < 0 ||
        xen_open(&h, err) < 0)
        goto out;
    xo_stamp("create", "loader checked, image digest read, Xen opened");
    const char *name = r.dc.name;
    if ((lock < 0 && (lock = state_lock(cmd_state_root(), err)) < 0) ||
        check_name_free(&h, name, err) < 0)
        goto out;
    xo_stamp("create", "locked, name free");
    /* Leases only once the name is known to be ours: a failed create
     * releases them, which must never touch another container's. */
    have_leases = domcfg_network_count(&r.dc) > 0;
    if (netattach_resolve(&r.dc, r.ac, cmd_state_root(), 0, err) < 0)
        goto fail;
    xo_stamp("create", "network leases taken");
    /* Volumes, like leases, once the name is ours: undoing them releases
     * this container's uses and its anonymous volumes. */
    /* Its errors name app.cfg's key and line (dc->where_volumes). */
    if (volattach_resolve(&r.dc, cmd_state_root(), false, err) < 0)
        goto fail;
    have_volumes = true;
    volattach_warn_overcommit(&r.dc);
    xo_stamp("create", "volumes resolved");
    if (create_render_all(&r, err) < 0 ||
        create_write_requested(&r, o, err) < 0)
        goto fail;
    xo_stamp("create", "rendered");
    XO_FAULT_POINT("create.network-attached");
    if (cmd_interrupted(err) < 0)
        goto fail;

    char now[32];
    status_now(now, sizeof(now));
    have_status = true; /* undo removes whatever part was made */
    if (status_create(h.xs, name, err) < 0)
        goto fail;
    XO_FAULT_POINT("create.status-created");
    /* libxl leaves a nil UUID alone; xl generates one, and so do we,
     * before the config is saved: a restart re-creates the domain from
     * the saved config, and the monitor knows its domain by this UUID. */
    if (xo_xl.uuid_is_nil(&r.d.c_info.uuid)) {
        xo_xl.uuid_generate(&r.d.c_info.uuid);
        free(r.libxl_json);
        r.libxl_json = NULL;
        if (domcfg_libxl_json(&r.libxl_json, &r.d, err) < 0)
            goto fail;
    }
    if (status_set_state(h.xs, name, DOMAIN_STATE_CREATING, err) < 0 ||
        status_set(h.xs, name, DOMAIN_STATUS_KEY_CREATED, now, err) < 0 ||
        status_set(h.xs, name, DOMAIN_STATUS_KEY_IMAGE, image, err) < 0 ||
        status_write_policies(h.xs, name, &r.dc.restart, r.dc.deadline_s,
                              r.dc.stop_timeout, err) < 0 ||
        create_write_state_dir(&r, o->cfg_path, &lf, err) < 0 ||
        state_run_set(cmd_state_root(), name, STATE_RUN_RUNNING, err) < 0)
        goto fail;
    XO_FAULT_POINT("create.state-dir-written");
    xo_stamp("create", "DomainStatus and state dir written");
    if (cmd_interrupted(err) < 0)
        goto fail;

    struct loop_holds loops;
    if (xen_qdisk_check_sharing(h.xs, &r.d, err) < 0 ||
        loopdev_attach_disks(&r.d, &loops, LOOPDEV_WAIT_CREATE_MS, err) < 0)
        goto fail;
    XO_FAULT_POINT("create.loops-attached");
    xo_stamp("create", "loop devices attached");
    int create_rc = xo_xl.domain_create_new(h.ctx, &r.d, &domid, NULL, NULL);
    /* blkback holds the devices now; autoclear frees them with the domain
     * (or right here, if the create failed). */
    loopdev_holds_release(&loops);
    /* In the domain's memory now, or of no use (create_ramdisk.h). */
    create_ramdisk_drop(&r.d);
    if (create_rc) {
        uint32_t other;
        /* The one cause worth naming: the name check left to libxl. */
        if (xo_xl.name_to_domid(h.ctx, name, &other) == 0)
            xo_err_set(err, EEXIST,
                       "a Xen domain named %s already exists (domid %u)", name,
                       other);
        else
            xo_err_set(
                err, EIO,
                "libxl could not create domain %s (see the messages above)",
                name);
        goto fail;
    }
    have_domid = true;
    xo_stamp("create", "domain %u built by libxl (devices and hotplug)", domid);
    XO_FAULT_POINT("create.domain-created");
    libxl_dominfo info;
    xo_xl.dominfo_init(&info);
    char uuid[40] = "";
    if (xo_xl.domain_info(h.ctx, &info, domid) == 0)
        /* cannot truncate: a UUID's text is 36 bytes */
        snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT,
                 LIBXL_UUID_BYTES(info.uuid));
    xo_xl.dominfo_dispose(&info);
    if (status_setf(h.xs, name, DOMAIN_STATUS_KEY_DOMID, err, "%u", domid) <
            0 ||
        status_set(h.xs, name, DOMAIN_STATUS_KEY_UUID, uuid, err) < 0 ||
        status_set_state(h.xs, name,
                         o->paused ? DOMAIN_STATE_PAUSED : DOMAIN_STATE_BOOTING,
                         err) < 0)
        goto fail;
    /* Before the guest runs, which reads it once its root is mounted. */
    if (o->start_gate && !o->paused &&
        xen_gate_write(h.xs, domid, START_GATE_CLOSED, err) < 0)
        goto fail;
    /* The last moment a Ctrl-C undoes the create; after it the monitor
     * has the domain, and the create goes through. */
    if (cmd_interrupted(err) < 0)
        goto fail;
    /* From here the create goes through; a signal stays noted, and the
     * exit status says the create was made (create_domain_once). */
    /* Before the guest can run, so "started" cannot come first. */
    journal_note(cmd_state_root(), EVENT_CREATED, name, NULL);
    announced = true;
    if (!o->foreground && monitor_spawn(cmd_state_root(), name, err) < 0)
        goto fail;
    XO_FAULT_POINT("create.monitor-spawned");
    xo_stamp("create", "monitor started");
    /* In the foreground the monitor unpauses it once it is ready. */
    if (!o->paused && !o->foreground &&
        xo_xl.domain_unpause(h.ctx, domid, NULL)) {
        xo_err_set(err, EIO, "libxl could not unpause domain %s (%u)", name,
                   domid);
        goto fail;
    }
    XO_FAULT_POINT("create.unpaused");
    xo_stamp("create", "unpaused");
    close(lock);
    lock = -1;
    _Static_assert(sizeof(o->name) > DOMAIN_STATUS_NAME_MAX,
                   "create_opts.name holds any domain name");
    /* cannot truncate: domcfg refused a name over DOMAIN_STATUS_NAME_MAX */
    snprintf(o->name, sizeof(o->name), "%s", name);
    if (!o->quiet) {
        printf("Created %s (domid %u)\n", name, domid);
        fflush(stdout);
    }
    /* The monitor in this process handles its own signals; a create
     * that ends here keeps them noted (create_domain_once). */
    if (o->foreground) {
        cmd_interrupt_restore();
        rc = monitor_exec(cmd_state_root(), name, !o->paused, err);
    } else
        rc = 0;
    goto out;

fail:
    if (have_status)
        undo_create(&h, name, domid, have_domid, o->keep_broken,
                    xo_err_msg(err));
    if (announced || (have_status && o->keep_broken))
        journal_note(cmd_state_root(),
                     o->keep_broken ? EVENT_BROKEN : EVENT_DESTROYED, name,
                     o->keep_broken ? xo_err_msg(err) : NULL);
    if (have_volumes && !o->keep_broken) {
        xo_err e = XO_ERR_INIT;
        if (volattach_release(cmd_state_root(), name, false, &e) < 0)
            fprintf(stderr, "xl-oci: warning: %s\n", xo_err_msg(&e));
        xo_err_clear(&e);
    }
    if (have_leases && !o->keep_broken) {
        xo_err e = XO_ERR_INIT;
        if (netattach_release(cmd_state_root(), name, NULL, &e) < 0)
            fprintf(stderr, "xl-oci: warning: %s\n", xo_err_msg(&e));
        xo_err_clear(&e);
    }
out:
    if (lock >= 0)
        close(lock);
    loader_files_dispose(&lf);
    xen_close(&h);
    *rp = r;
    return rc;
}

int main_create(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dryrun", 0, NULL, 'N'},    {"runtime-spec", 1, NULL, 'R'},
        {"boot-spec", 1, NULL, 'B'}, {"keep-broken", 0, NULL, 'k'},
        {NULL, 0, NULL, 0},
    };
    struct create_opts o = {.dryrun = cmd_dryrun};
    int opt;
    while ((opt = cmd_getopt(argc, argv, "NFpck", longopts, "create", 1)) !=
           -1) {
        switch (opt) {
        case 'N':
            o.dryrun = cmd_dryrun = true; /* resolve_image() reads it */
            break;
        case 'F':
            o.foreground = true;
            break;
        case 'p':
            o.paused = true;
            break;
        case 'c':
            o.console = true;
            break;
        case 'k':
            o.keep_broken = true;
            break;
        case 'R':
            o.runtime_spec = optarg;
            break;
        case 'B':
            o.boot_spec = optarg;
            break;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "xl-oci create: exactly one config file expected\n");
        return XO_EXIT_USAGE;
    }
    o.cfg_path = argv[optind];
    cmd_container_umask();
    xo_err err = XO_ERR_INIT;
    if (o.dryrun)
        return dry_run(&o, &err) < 0 ? cmd_fail(&err) : XO_EXIT_OK;
    if (create_domain(&o, &err) < 0)
        return cmd_fail(&err);
    if (o.console && !o.foreground) {
        /* The console takes Ctrl-C as the admin means it. */
        cmd_interrupt_restore();
        char *args[] = {"console", o.name, NULL};
        optind = 0;
        return main_console(2, args);
    }
    return XO_EXIT_OK;
}
