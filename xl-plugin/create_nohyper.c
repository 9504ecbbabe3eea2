/*
 * create_nohyper.c: `xl-oci create` of a NOHYPER container (nohyper.h):
 * DomainStatus and the state dir as for a domain, the bundle's root
 * mounted, then the NOHYPER monitor, which runs it through runc and is
 * ready once the container's process runs.  A failure undoes all of it
 * (or, with -k, keeps DomainStatus as "broken").
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/abi/guest_report.h"
#include "common/abi/rlimits.h"
#include "common/abi/sysctl.h"
#include "common/alloc.h"
#include "common/json.h"
#include "common/fault.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "common/uuid_text.h"
#include "create.h"
#include "domcfg/exec_size.h"
#include "domcfg/fstype.h"
#include "domcfg/process_limits.h"
#include "image/image.h"
#include "journal.h"
#include "monitor_spawn.h"
#include "netattach.h"
#include "netback/netback.h"
#include "nohyper.h"
#include "nohyper_dns.h"
#include "nohyper_net.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "volattach.h"
#include "xl_oci.h"

/*
 * The image's Volumes get anonymous volumes only in a Xen domain; a
 * NOHYPER container keeps them in its writable layer, as before managed
 * volumes, and says so.
 */
static void drop_anonymous(struct domain_config *dc, char ***targets_r,
                           size_t *n_r)
{
    size_t k = 0;
    *targets_r = xo_xcalloc(dc->n_volumes + 1, sizeof(**targets_r));
    *n_r = 0;
    for (size_t i = 0; i < dc->n_volumes; i++) {
        struct dc_volume *v = &dc->volumes[i];
        if (v->kind == DC_VOLUME_NAMED && v->anonymous) {
            fprintf(
                stderr,
                "xl-oci: %s: the image's volume %s stays in the writable layer (NOHYPER has no volumes)\n",
                dc->name, v->target);
            (*targets_r)[(*n_r)++] = v->target; /* made after the mount */
            free(v->vdev);
            free(v->where);
            continue;
        }
        dc->volumes[k++] = *v;
    }
    dc->n_volumes = k;
}

void create_nohyper_drop_anonymous(struct domain_config *dc)
{
    char **kept = NULL;
    size_t n = 0;
    drop_anonymous(dc, &kept, &n);
    xo_strv_free(kept);
}

/* What only a Xen domain has today.  The image's anonymous volumes do not
 * count (drop_anonymous() keeps them in the writable layer), so create
 * and its dry run refuse the same before or after dropping them.  Errors name ac's
 * line of the key at fault (the file alone without ac). */
static int check_supported(const struct create_opts *o,
                           const struct app_cfg *ac,
                           const struct domain_config *dc, xo_err *err)
{
    const char *what = NULL, *key = NULL;
    bool at_block = false; /* key is oci_volumes, at fault in block */
    const char *wfs = dc->writable == DC_WRITABLE_DISK && dc->writable_source
                          ? fstype_probe(dc->writable_source)
                          : NULL;
    /* tmpfs volumes are runc's own mounts and shares its binds; block
     * images would need a loop device and a mount on the host per volume. */
    const struct dc_volume *block = NULL;
    for (size_t i = 0; i < dc->n_volumes && !block; i++)
        if (dc->volumes[i].kind != DC_VOLUME_TMPFS &&
            dc->volumes[i].kind != DC_VOLUME_SHARE &&
            !(dc->volumes[i].kind == DC_VOLUME_NAMED &&
              dc->volumes[i].anonymous))
            block = &dc->volumes[i];
    /* The entry at fault, by what it mounts and where. */
    char which[512] = "";
    if (block)
        /* may truncate: a message's detail */
        snprintf(which, sizeof(which), " (oci_volumes: %s at %s)",
                 block->name     ? block->name
                 : block->source ? block->source
                                 : "an anonymous volume",
                 block->target);
    else if (dc->writable_volume)
        /* may truncate: a message's detail */
        snprintf(which, sizeof(which), " (oci_writable: %s)",
                 dc->writable_volume);
    /* Managed networks join through a veth pair (nohyper_net.h); an
     * xl vif line names a Xen backend there is no equivalent of. */
    if (dc->n_vifs > domcfg_network_count(dc))
        what = "vif interfaces (use oci_network)", key = "vif";
    else if (dc->n_disks > 0)
        /* Silently left out, the container would miss its data
         * (helper-65). */
        what = "disk (xl disk specs: use oci_volumes)", key = "disk";
    else if (block || dc->writable_volume)
        what = "volumes other than tmpfs and shares",
        key = block ? "oci_volumes" : "oci_writable", at_block = block != NULL;
    else if (wfs && strcmp(wfs, "qcow2") == 0)
        what =
            "a qcow2 oci_writable image (the host mounts it through a loop device: use a raw ext4 image)",
        key = "oci_writable";
    else if (o->paused)
        what = "create -p";
    else if (o->foreground)
        what = "create -F";
    else if (o->console)
        what = "create -c (use xl-oci logs -f)";
    if (what) {
        /* "FILE:LINE: KEY: " where a key is at fault, else "FILE: " */
        char *where =
            !key || !ac ? xo_xstrdup(o->cfg_path)
            /* oci_volumes' item i is dc->volumes[i]: the item's line */
            : at_block && block->where
                ? app_cfg_where_item_file(ac, key,
                                          (size_t)(block - dc->volumes))
                : app_cfg_where_file(ac, key);
        xo_err_set(
            err, ENOTSUP,
            "%s: %s%s: not available for a NOHYPER container (oci_mode = \"nohyper\", or a host without Xen)",
            where, what, which);
        free(where);
        return -1;
    }
    /* runc sets only the sysctls the kernel keeps per namespace: the
     * others are the host's (a domain's kernel is the container's). */
    for (size_t i = 0; i < dc->n_sysctls; i++) {
        char name[OCI_SYSCTL_MAX_NAME + 1];
        const char *value = NULL;
        if (oci_sysctl_split(dc->sysctls[i], name, &value) == 0 &&
            !oci_sysctl_namespaced(name)) {
            /* The line of the item that set it (the last of its name). */
            ptrdiff_t item =
                ac ? app_cfg_item_index(ac, "oci_sysctl", dc->sysctls[i]) : -1;
            char *where = !ac        ? xo_xstrdup(o->cfg_path)
                          : item < 0 ? app_cfg_where_file(ac, "oci_sysctl")
                                     : app_cfg_where_item_file(ac, "oci_sysctl",
                                                               (size_t)item);
            xo_err_set(
                err, ENOTSUP,
                "%s: oci_sysctl: %s is the whole host's, not the container's: a NOHYPER container (oci_mode = \"nohyper\", or a host without Xen) may set only those the kernel keeps per namespace (net.*, fs.mqueue.*, the System V IPC ones, kernel.domainname)",
                where, name);
            free(where);
            return -1;
        }
    }
    return 0;
}

/*
 * args and env against the stack limit the program will start under.
 * domcfg bounded them by oci_rlimits' stack limit, else by the default
 * 8 MiB a domain's loader starts it under; without oci_rlimits' runc sets
 * none, so the program inherits runc's, which is ours (the monitor and
 * runc inherit it).  Past what the kernel takes under it, runc's execve()
 * would fail inside the container with E2BIG.
 */
static int check_exec_size(const struct create_opts *o,
                           const struct domain_config *dc, xo_err *err)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) < 0)
        return xo_err_sys(err, "getrlimit(RLIMIT_STACK)");
    uint64_t soft = rl.rlim_cur == RLIM_INFINITY ? OCI_RLIM_INFINITY
                                                 : (uint64_t)rl.rlim_cur;
    if (exec_size_check_inherited(
            dc, soft,
            "the stack limit create runs under (ulimit -s), which runc inherits as oci_rlimits sets none",
            "runc's", err) < 0)
        return xo_err_wrap(err, "%s", o->cfg_path);
    return 0;
}

int create_nohyper_check(const struct create_opts *o, const struct rendered *r,
                         xo_err *err)
{
    return check_supported(o, r->ac, &r->dc, err) < 0 ||
                   check_exec_size(o, &r->dc, err) < 0
               ? -1
               : 0;
}

/* The runtime spec names the namespace nohyper_net_up() will make. */
static int set_netns_path(struct domain_config *dc, const char *dir,
                          xo_err *err)
{
    char path[4096];
    if (nohyper_netns_path(path, sizeof(path), dir, err) < 0)
        return -1;
    free(dc->netns_path);
    dc->netns_path = xo_xstrdup(path);
    return 0;
}

int create_nohyper_net_again(const char *dir, struct domain_config *dc,
                             xo_err *err)
{
    if (domcfg_network_count(dc) == 0)
        return 0;
    /* dc is the saved app.cfg's: its vifs name their networks but hold no
     * gateway or DNS until the leases are read again (helper-102: a
     * started container had no default route, one on two networks no
     * DNS forwarder). */
    return netattach_again(dc, NULL, cmd_state_root(), err) < 0 ||
                   set_netns_path(dc, dir, err) < 0 ||
                   nohyper_net_up(cmd_state_root(), dir, dc, err) < 0 ||
                   nohyper_dns_record(dir, dc, err) < 0
               ? -1
               : 0;
}

/*
 * A cgroup namespace of its own where Docker gives one: moby's default
 * cgroupns mode is "private" on a cgroup v2 host (/sys/fs/cgroup is
 * cgroup2, containerd's cgroups.Mode() "unified") and "host" on a v1 or
 * hybrid one.  Decided here, where the host is known: the runtime spec
 * domcfg renders is the same for every host and for a domain.
 */
#define CGROUP_ROOT "/sys/fs/cgroup"
static int set_cgroupns(struct domain_config *dc, xo_err *err)
{
    struct statfs fs;
    if (statfs(CGROUP_ROOT, &fs) < 0)
        return xo_err_sys(err, "cannot read %s's file system", CGROUP_ROOT);
    dc->cgroupns = fs.f_type == CGROUP2_SUPER_MAGIC;
    return 0;
}

/*
 * oci_privileged under runc: every capability this host can give, which
 * is our own bounding set (/proc/self/status CapBnd), as containerd's
 * WithPrivileged reads it: a host (or a container we run in) without,
 * say, CAP_SYS_RESOURCE made runc fail with "unable to apply caps".
 * Capabilities app.cfg adds by name are left to runc's error.
 */
static int limit_privileged_caps(struct domain_config *dc, xo_err *err)
{
    if (!dc->privileged)
        return 0;
    char *status = NULL;
    if (xo_read_file(&status, NULL, "/proc/self/status", 1 << 16, err) < 0)
        return -1;
    const char *line = strstr(status, "\nCapBnd:");
    unsigned long long bnd = 0;
    int ok = line && sscanf(line, "\nCapBnd: %llx", &bnd) == 1;
    free(status);
    if (!ok)
        return xo_err_set(err, EINVAL,
                          "/proc/self/status: no CapBnd line to read");
    dc->caps.bounding &= bnd;
    dc->caps.effective &= bnd;
    dc->caps.permitted &= bnd;
    dc->caps.inheritable &= bnd;
    dc->caps.ambient &= bnd;
    return 0;
}

/* Whether this process may raise its RLIMIT_NOFILE hard limit to
 * `hard`: tried in a child, so our own limits (which the monitor and
 * runc inherit) stay as they are. */
static bool may_raise_nofile(rlim_t hard)
{
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
            _exit(1);
        rl.rlim_max = hard;
        _exit(setrlimit(RLIMIT_NOFILE, &rl) == 0 ? 0 : 1);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * The default RLIMIT_NOFILE under runc, on a host that cannot give it.
 * runc sets the container's limits with prlimit(2), and a hard limit
 * above its own needs CAP_SYS_RESOURCE in the host's user namespace: a
 * create run inside a container without it (a CI sandbox, a rootless
 * setup) made runc fail with "error setting rlimit type 7: operation not
 * permitted".  The default (domcfg/process_limits.h) is then lowered to
 * our own hard limit, silently as Podman lowers its default for a
 * container in a user namespace and limit_privileged_caps() the
 * capabilities (xl-oci.cfg(5) says so); a larger limit oci_rlimits asks
 * for is left to runc's error, as Docker leaves --ulimit's.
 */
static int limit_default_nofile(struct domain_config *dc)
{
    struct rlimit own;
    if (getrlimit(RLIMIT_NOFILE, &own) < 0 || own.rlim_max == RLIM_INFINITY)
        return 0;
    for (size_t i = 0; i < dc->n_rlimits; i++) {
        struct dc_rlimit *l = &dc->rlimits[i];
        if (l->resource != RLIMIT_NOFILE)
            continue;
        if (l->soft == PROCESS_NOFILE_DEFAULT_SOFT &&
            l->hard == PROCESS_NOFILE_DEFAULT_HARD && own.rlim_max < l->hard &&
            !may_raise_nofile((rlim_t)l->hard)) {
            l->hard = own.rlim_max;
            if (l->soft > l->hard)
                l->soft = l->hard;
        }
        break;
    }
    return 0;
}

/* linux.cgroupsPath (nohyper_cgroups_path). */
static int set_cgroups_path(struct domain_config *dc, xo_err *err)
{
    char path[512];
    if (nohyper_cgroups_path(path, sizeof(path), cmd_state_root(), dc->name,
                             err) < 0)
        return -1;
    free(dc->cgroups_path);
    dc->cgroups_path = xo_xstrdup(path);
    return 0;
}

static int check_name_free(struct xo_xs *xs, const char *name, xo_err *err)
{
    struct domain_status st;
    xo_err ignore = XO_ERR_INIT;
    if (status_read(xs, name, &st, &ignore) == 0)
        return xo_err_set(
            err, EEXIST,
            "a container named %s already exists (state %s); destroy it first",
            name, domain_state_to_string(st.state));
    xo_err_clear(&ignore);
    if (state_domain_exists(cmd_state_root(), name))
        return xo_err_set(
            err, EEXIST,
            "state for a container named %s exists in %s/domains; run 'xl-oci destroy %s'",
            name, cmd_state_root(), name);
    return 0;
}

static void undo(struct xo_xs *xs, const char *name, bool keep_broken,
                 const char *why)
{
    xo_err e = XO_ERR_INIT;
    char dir[4096];
    /* A monitor spawned before the failure goes first, as destroy stops
     * it: left running, it recorded the end of the container the teardown
     * kills, or restarted it, and wrote DomainStatus again after it was
     * removed (helper-92: a "halted" status with no state dir). */
    if (cmd_stop_monitor(cmd_state_root(), name, &e) < 0)
        xo_err_clear(&e);
    nohyper_teardown(cmd_state_root(), name, false, &e);
    xo_err_clear(&e);
    if (keep_broken) {
        status_set_state(xs, name, DOMAIN_STATE_BROKEN, &e);
        status_set(xs, name, DOMAIN_STATUS_KEY_ERROR, why, &e);
    } else {
        if (state_domain_dir(dir, sizeof(dir), cmd_state_root(), name, &e) == 0)
            state_remove_dir(dir, &e);
        status_remove(xs, name, &e);
    }
    xo_err_clear(&e);
}

/* The container's interfaces in DomainStatus, as a domain's loader
 * reports them at start (net/N/{mac,ipv4,ipv6}, guest_report.h's
 * formats): the leases of its managed networks, eth N for vif N, which
 * nohyper_net_up() configured, so `list` and `status` show them. */
static int write_net_status(struct xo_xs *xs, const char *name,
                            const struct domain_config *dc, xo_err *err)
{
    for (size_t i = 0; i < dc->n_vifs && i < GUEST_REPORT_NET_MAX_IFACES; i++) {
        const struct dc_vif *v = &dc->vifs[i];
        if (!v->attached)
            continue;
        const char *leaf[3] = {GUEST_REPORT_NET_KEY_MAC,
                               GUEST_REPORT_NET_KEY_IPV4,
                               GUEST_REPORT_NET_KEY_IPV6};
        const char *val[3] = {v->mac, v->ip ? v->ip : "", v->ip6 ? v->ip6 : ""};
        for (int k = 0; k < 3; k++) {
            char key[64];
            if (xo_path_fmt(key, sizeof(key), err,
                            DOMAIN_STATUS_KEY_NET "/%zu/%s", i, leaf[k]) < 0 ||
                status_set(xs, name, key, val[k], err) < 0)
                return -1;
        }
    }
    return 0;
}

static void say_xen_only(const struct app_cfg *ac, const char *key)
{
    char *where = app_cfg_where(ac, key);
    fprintf(
        stderr,
        "xl-oci: warning: %s: a Xen domain's setting, without effect under NOHYPER\n",
        where);
    free(where);
}

/* Keys that shape only a Xen domain: said once each when set, so that a
 * config written for a domain does not seem to have been honoured. */
void create_nohyper_warn_xen_only(const struct app_cfg *ac)
{
    static const char *const strings[] = {
        "type", "cpus", "on_poweroff", "on_reboot", "on_crash", "oci_loader"};
    xo_err e = XO_ERR_INIT;
    const char *v;
    long n;
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        if (app_cfg_string(ac, strings[i], &v, &e) == 1)
            say_xen_only(ac, strings[i]);
        xo_err_clear(&e);
    }
    static const char *const numbers[] = {"maxmem", "maxvcpus"};
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        if (app_cfg_long(ac, numbers[i], 0, LONG_MAX, &n, &e) == 1)
            say_xen_only(ac, numbers[i]);
        xo_err_clear(&e);
    }
    /* NOHYPER has no console: stdin is /dev/null (xl-oci.cfg(5)). */
    if (app_cfg_long(ac, "oci_stdin", 0, 1, &n, &e) == 1 && n == 1)
        say_xen_only(ac, "oci_stdin");
    xo_err_clear(&e);
}

/* vcpus is a CFS quota here: more than the host has limits nothing.  Said,
 * not refused as `docker run --cpus` does: the same app.cfg is a valid
 * domain on this host (Xen lets vCPUs outnumber CPUs). */
static void warn_vcpus_past_host(const struct app_cfg *ac,
                                 const struct domain_config *dc)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (dc->cgroup_cpus <= 0 || online <= 0 || dc->cgroup_cpus <= online)
        return;
    char *where = app_cfg_where(ac, "vcpus");
    fprintf(
        stderr,
        "xl-oci: warning: %s: %ld CPUs, this host has %ld: under NOHYPER the container's CPU time is then not limited\n",
        where, dc->cgroup_cpus, online);
    free(where);
}

/* The container's uuid: app.cfg's `uuid` (build.c checked it is one),
 * in lowercase as libxl prints a domain's, else a new random one, as
 * libxl makes one for a domain without it. */
static int nohyper_uuid(char out[XO_UUID_TEXT_LEN + 1],
                        const struct domain_config *dc, xo_err *err)
{
    if (!dc->uuid)
        return xo_uuid_random_text(out, err);
    if (strlen(dc->uuid) != XO_UUID_TEXT_LEN)
        return xo_err_set(err, EINVAL, "uuid \"%s\" is not 36 characters",
                          dc->uuid);
    for (size_t i = 0; i <= XO_UUID_TEXT_LEN; i++)
        out[i] = (char)tolower((unsigned char)dc->uuid[i]);
    return 0;
}

int create_nohyper(struct create_opts *o, struct rendered *r, xo_err *err)
{
    struct xen_handles h = {0};
    const char *name = r->dc.name;
    char image[DIGEST_STR_LEN + 1], now[32], dir[4096];
    char uuid[XO_UUID_TEXT_LEN + 1];
    int lock = create_given_lock(o), rc = -1;
    bool have_status = false, have_leases = false, announced = false,
         monitor_broke = false;
    char **kept = NULL;
    size_t n_kept = 0;
    drop_anonymous(&r->dc, &kept, &n_kept);
    create_nohyper_warn_xen_only(r->ac);
    warn_vcpus_past_host(r->ac, &r->dc);
    if (create_nohyper_check(o, r, err) < 0 ||
        volattach_check_shares(&r->dc, err) < 0 ||
        create_image_digest(image, sizeof(image), r->dc.root_volume, err) < 0 ||
        nohyper_uuid(uuid, &r->dc, err) < 0 || xen_open_xs(&h, err) < 0 ||
        (lock < 0 && (lock = state_lock(cmd_state_root(), err)) < 0) ||
        check_name_free(h.xs, name, err) < 0 ||
        state_domain_dir(dir, sizeof(dir), cmd_state_root(), name, err) < 0)
        goto out;
    volattach_warn_overcommit(&r->dc);
    /* Leases once the name is ours, as create_xen takes them: a failed
     * create releases them (undo). */
    have_leases = domcfg_network_count(&r->dc) > 0;
    if (have_leases &&
        (netattach_resolve(&r->dc, r->ac, cmd_state_root(), 0, err) < 0 ||
         set_netns_path(&r->dc, dir, err) < 0))
        goto out;
    if (set_cgroupns(&r->dc, err) < 0 || set_cgroups_path(&r->dc, err) < 0 ||
        limit_privileged_caps(&r->dc, err) < 0 ||
        limit_default_nofile(&r->dc) < 0 || create_render_all(r, err) < 0 ||
        create_write_requested(r, o, err) < 0)
        goto out;
    status_now(now, sizeof(now));
    if (cmd_interrupted(err) < 0) /* deferred by create (cmd_interrupt.c) */
        goto out;
    have_status = true;
    if (status_create(h.xs, name, err) < 0 ||
        status_set(h.xs, name, DOMAIN_STATUS_KEY_MODE, DOMAIN_MODE_NOHYPER,
                   err) < 0 ||
        status_set(h.xs, name, DOMAIN_STATUS_KEY_CREATED, now, err) < 0 ||
        status_set(h.xs, name, DOMAIN_STATUS_KEY_UUID, uuid, err) < 0 ||
        status_set(h.xs, name, DOMAIN_STATUS_KEY_IMAGE, image, err) < 0 ||
        status_write_policies(h.xs, name, &r->dc.restart, r->dc.deadline_s,
                              r->dc.stop_timeout, err) < 0 ||
        create_write_state_dir(r, o->cfg_path, NULL, err) < 0 ||
        state_run_set(cmd_state_root(), name, STATE_RUN_RUNNING, err) < 0)
        goto out;
    XO_FAULT_POINT("create-nohyper.state-dir-written");
    if (cmd_interrupted(err) < 0 || nohyper_mount(dir, &r->dc, err) < 0 ||
        nohyper_mount_points(dir, kept, n_kept, err) < 0 ||
        (nohyper_mount_points(dir, &r->dc.cwd, 1, err) < 0 &&
         xo_err_wrap(
             err,
             "working directory (oci_workdir, or the image's WorkingDir)") <
             0) ||
        nohyper_net_up(cmd_state_root(), dir, &r->dc, err) < 0 ||
        nohyper_dns_record(dir, &r->dc, err) < 0 ||
        write_net_status(h.xs, name, &r->dc, err) < 0 ||
        status_set_state(h.xs, name, DOMAIN_STATE_BOOTING, err) < 0)
        goto out;
    XO_FAULT_POINT("create-nohyper.mounted");
    /* The last moment a Ctrl-C undoes the create; after it the monitor
     * has the container, and the create goes through: a signal is still
     * only noted until "Created" is printed, so the exit status says what
     * happened (helper-74: exit 130, no word, the container running). */
    if (cmd_interrupted(err) < 0)
        goto out;
    /* Before the monitor, whose "started" must come after it. */
    journal_note(cmd_state_root(), EVENT_CREATED, name, NULL);
    announced = true;
    if (monitor_spawn_nohyper(cmd_state_root(), name, err) < 0)
        goto out;
    XO_FAULT_POINT("create-nohyper.monitor-ready");
    struct domain_status st;
    if (status_read(h.xs, name, &st, err) < 0)
        goto out;
    /* It ran: it may have exited already (halting while its monitor
     * tears it down), and be waiting to restart. */
    if (st.state != DOMAIN_STATE_RUNNING && st.state != DOMAIN_STATE_HALTED &&
        st.state != DOMAIN_STATE_HALTING &&
        st.state != DOMAIN_STATE_RESTARTING) {
        monitor_broke = st.state == DOMAIN_STATE_BROKEN;
        xo_err_set(err, EIO, "%s did not start: %s", name,
                   st.error[0] ? st.error : domain_state_to_string(st.state));
        goto out;
    }
    /* cannot truncate: domcfg refused a name over DOMAIN_STATUS_NAME_MAX */
    snprintf(o->name, sizeof(o->name), "%s", name);
    if (st.pid > 0)
        printf("Created %s (nohyper, pid %ld)\n", name, st.pid);
    else /* ended already: a quick program, or one that could not run */
        printf("Created %s (nohyper, exited %d%s%s)\n", name, st.exit_code,
               st.error[0] ? ": " : "", st.error);
    fflush(stdout);
    rc = 0;
out:
    if (rc < 0 && have_status)
        undo(h.xs, name, o->keep_broken, xo_err_msg(err));
    if (rc < 0 && have_leases) {
        /* After undo's teardown, which took the veths off the leases. */
        xo_err e = XO_ERR_INIT;
        netattach_release(cmd_state_root(), name, NULL, &e);
        xo_err_clear(&e);
    }
    /* The monitor journaled what went wrong; the create ends it, unless
     * the monitor's "broken" is the end (helper-65: two for one). */
    if (rc < 0 && !(monitor_broke && o->keep_broken) &&
        (announced || (have_status && o->keep_broken)))
        journal_note(cmd_state_root(),
                     o->keep_broken ? EVENT_BROKEN : EVENT_DESTROYED, name,
                     o->keep_broken ? xo_err_msg(err) : NULL);
    if (lock >= 0)
        close(lock);
    xen_close(&h);
    xo_strv_free(kept);
    return rc;
}
