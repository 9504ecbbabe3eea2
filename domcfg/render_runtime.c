/*
 * render_runtime.c: struct domain_config -> OCI runtime-spec 1.0
 * config.json, the same container as a bundle `runc` can run (EVE's
 * NOHYPER path).  The bundle's rootfs is the directory "rootfs" beside it,
 * writable, laid out as the loader lays out a domain's root: the root
 * volume's image read-only below, the container's writable layer above
 * (an overlay).  runc, like the loader, then creates a WorkingDir the image
 * lacks in that layer (mkdir -p, mode 0755, owned by root), and the
 * container can write to / as it can under Docker.  Volumes are listed with
 * their block images as sources, for whoever prepares the bundle to attach.
 */
#include "domcfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "domcfg/volumes.h"
#include "common/abi/capabilities.h"
#include "common/abi/masked_paths.h"
#include "common/abi/rlimits.h"
#include "domcfg/from_runtime_spec.h"
#include "fstype.h"
#include "common/json_build.h"
#include "common/pathfmt.h"
#include "common/user.h"

static const char *const masked_paths[] = {OCI_DEFAULT_MASKED_PATHS};
static const char *const readonly_paths[] = {OCI_DEFAULT_READONLY_PATHS};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static json_object *strv_json(char *const *v, size_t n)
{
    json_object *a = xo_jarr();
    for (size_t i = 0; a && i < n; i++)
        xo_jpush(a, xo_jstr(v[i]));
    return a;
}

static json_object *cstrv_json(const char *const *v, size_t n)
{
    return strv_json((char *const *)v, n);
}

static void add_mount(json_object *mounts, const char *dst, const char *type,
                      const char *src, const char *opts_csv)
{
    json_object *m = xo_jobj();
    xo_jset(m, "destination", xo_jstr(dst));
    xo_jset(m, "type", xo_jstr(type));
    xo_jset(m, "source", xo_jstr(src));
    json_object *o = xo_jarr();
    char buf[256];
    /* cannot truncate: every caller gives a literal under 64 bytes */
    snprintf(buf, sizeof(buf), "%s", opts_csv);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        xo_jpush(o, xo_jstr(t));
    xo_jset(m, "options", o);
    xo_jpush(mounts, m);
}

static json_object *process_json(const struct domain_config *dc,
                                 const struct xo_user_ids *ids)
{
    json_object *p = xo_jobj();
    xo_jset(p, "terminal", xo_jbool(dc->terminal));
    json_object *u = xo_jobj();
    xo_jset(u, "uid", xo_jint64(ids->uid));
    xo_jset(u, "gid", xo_jint64(ids->gid));
    if (ids->ngroups) {
        /* containerd and Docker list the primary gid here too. */
        json_object *g = xo_jarr();
        for (size_t i = 0; i < ids->ngroups; i++)
            xo_jpush(g, xo_jint64(ids->groups[i]));
        xo_jset(u, "additionalGids", g);
    }
    xo_jset(p, "user", u);
    xo_jset(p, "args", strv_json(dc->args, dc->n_args));
    xo_jset(p, "env", strv_json(dc->env, dc->n_env));
    xo_jset(p, "cwd", xo_jstr(dc->cwd));
    /* Inheritable and ambient are left out when empty, as Docker has
     * them since CVE-2022-24769. */
    json_object *caps = xo_jobj();
    const char *sets[] = {"bounding", "effective", "permitted", "inheritable",
                          "ambient"};
    const uint64_t masks[] = {dc->caps.bounding, dc->caps.effective,
                              dc->caps.permitted, dc->caps.inheritable,
                              dc->caps.ambient};
    for (size_t i = 0; i < N(sets); i++) {
        if (i >= 3 && !masks[i])
            continue;
        json_object *a = xo_jarr();
        for (int c = 0; c <= OCI_CAP_LAST; c++)
            if (masks[i] & (UINT64_C(1) << c))
                xo_jpush(a, xo_jstr(oci_cap_name(c)));
        xo_jset(caps, sets[i], a);
    }
    xo_jset(p, "capabilities", caps);
    json_object *rls = xo_jarr();
    for (size_t i = 0; i < dc->n_rlimits; i++) {
        const struct dc_rlimit *r = &dc->rlimits[i];
        json_object *rl = xo_jobj();
        xo_jset(rl, "type", xo_jstr(oci_rlimit_name(r->resource)));
        xo_jset(rl, "hard", xo_juint64(r->hard));
        xo_jset(rl, "soft", xo_juint64(r->soft));
        xo_jpush(rls, rl);
    }
    xo_jset(p, "rlimits", rls);
    xo_jset(p, "noNewPrivileges", xo_jbool(dc->no_new_privileges));
    return p;
}

/*
 * The mounts `m` (consumed) in order of their destination's depth, stably:
 * runc mounts in the spec's order, and an entry after one inside it hid
 * it (helper-72: "share:A:/m/sub:ro" then "share:B:/m" showed B's sub,
 * writable, in place of A).  Docker and containerd sort so too; equal
 * depths keep the defaults' and app.cfg's order, so a volume at /dev/shm
 * still replaces the default one.
 */
static json_object *by_depth(json_object *m)
{
    size_t n = json_object_array_length(m);
    json_object **v = xo_xcalloc(n ? n : 1, sizeof(*v));
    size_t *depth = xo_xcalloc(n ? n : 1, sizeof(*depth));
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(m, i), *d = NULL;
        json_object_object_get_ex(e, "destination", &d);
        size_t k = i;
        size_t dk = xo_path_depth(d ? json_object_get_string(d) : "");
        for (; k > 0 && depth[k - 1] > dk; k--) {
            v[k] = v[k - 1];
            depth[k] = depth[k - 1];
        }
        v[k] = json_object_get(e);
        depth[k] = dk;
    }
    json_object_put(m);
    json_object *out = xo_jarr();
    for (size_t i = 0; i < n; i++)
        xo_jpush(out, v[i]);
    free(v);
    free(depth);
    return out;
}

static json_object *mounts_json(const struct domain_config *dc)
{
    json_object *m = xo_jarr();
    add_mount(m, "/proc", "proc", "proc", "nosuid,noexec,nodev");
    add_mount(m, "/dev", "tmpfs", "tmpfs",
              "nosuid,strictatime,mode=755,size=65536k");
    add_mount(m, "/dev/pts", "devpts", "devpts",
              "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5");
    add_mount(m, "/dev/shm", "tmpfs", "shm",
              "nosuid,noexec,nodev,mode=1777,size=65536k");
    add_mount(m, "/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev");
    /* Read-write for a privileged container, as Docker mounts them. */
    add_mount(m, "/sys", "sysfs", "sysfs",
              dc->privileged ? "nosuid,noexec,nodev"
                             : "nosuid,noexec,nodev,ro");
    add_mount(m, "/sys/fs/cgroup", "cgroup", "cgroup",
              dc->privileged ? "nosuid,noexec,nodev,relatime"
                             : "nosuid,noexec,nodev,relatime,ro");
    /* The runtime's /etc files, from the bundle directory (domcfg.h). */
    static const char *const etc[] = {XO_ETC_HOSTNAME, XO_ETC_HOSTS,
                                      XO_ETC_RESOLV_CONF};
    for (size_t i = 0; i < N(etc); i++) {
        char dst[64];
        /* cannot truncate: the names are short literals (etc_files.h) */
        snprintf(dst, sizeof(dst), "/etc/%s", etc[i]);
        add_mount(m, dst, "bind", etc[i], "rbind,rprivate");
    }
    for (size_t i = 0; i < dc->n_volumes; i++) {
        const struct dc_volume *v = &dc->volumes[i];
        if (v->kind == DC_VOLUME_TMPFS) {
            char opts[96], size[48] = "";
            /* Sizes as a domain's: of the container's memory. */
            domcfg_nohyper_tmpfs_size(size, sizeof(size), v->size,
                                      dc->cgroup_memory_mb);
            /* mode=1777 as Docker's --tmpfs and a domain's tmpfs (the
             * kernel's default): without it runc copies the mount
             * point's mode, 0755 root's, and a non-root user cannot write.
             * cannot truncate: domcfg holds sizes to 20 bytes, and a
             * computed one is at most 20 digits and 'k' */
            snprintf(opts, sizeof(opts), "nosuid,nodev,mode=1777%s%s",
                     size[0] ? ",size=" : "", size);
            add_mount(m, v->target, "tmpfs", "tmpfs", opts);
            continue;
        }
        if (v->kind == DC_VOLUME_BIND ||
            v->kind == DC_VOLUME_SHARE) { /* runc binds the source itself */
            /* Recursive: read-only, nosuid and nodev down to every mount
             * below the directory, as a domain's share view is (helper-72:
             * "ro" made only the top read-only, a submount stayed
             * writable, with setuid and devices). */
            add_mount(m, v->target, "bind",
                      v->share_dir ? v->share_dir : v->source,
                      v->read_only ? "rbind,ro,rro,nosuid,rnosuid,nodev,rnodev"
                                   : "rbind,rw,nosuid,rnosuid,nodev,rnodev");
            continue;
        }
        add_mount(
            m, v->target,
            v->kind == DC_VOLUME_NAMED ? v->fstype : fstype_detect(v->source),
            v->source, v->read_only ? "ro,nosuid,nodev" : "rw,nosuid,nodev");
    }
    return by_depth(m);
}

long domcfg_cpu_shares(long weight)
{
    return weight * 4;
}

long domcfg_cpu_quota_us(long cap)
{
    return cap * (DOMCFG_CPU_PERIOD_US / 100);
}

/* linux.resources.cpu from cpu_weight, and cap or else vcpus given in
 * app.cfg (a domain's vCPUs are the most CPU time it gets: that many
 * CPUs' worth of quota, as Docker's --cpus), or NULL when none is set
 * (runc then leaves the cgroup's defaults). */
static json_object *cpu_json(const struct domain_config *dc)
{
    long pct = dc->cap > 0 ? dc->cap : 100 * dc->cgroup_cpus;
    if (dc->cpu_weight < 0 && pct <= 0)
        return NULL;
    json_object *cpu = xo_jobj();
    if (dc->cpu_weight > 0)
        xo_jset(cpu, "shares",
                xo_jint((int32_t)domcfg_cpu_shares(dc->cpu_weight)));
    if (pct > 0) {
        xo_jset(cpu, "quota", xo_jint((int32_t)domcfg_cpu_quota_us(pct)));
        xo_jset(cpu, "period", xo_jint((int32_t)DOMCFG_CPU_PERIOD_US));
    }
    return cpu;
}

/* linux.resources.memory from memory given in app.cfg (its limit, in
 * bytes), or NULL. */
static json_object *memory_json(const struct domain_config *dc)
{
    if (dc->cgroup_memory_mb <= 0)
        return NULL;
    json_object *mem = xo_jobj();
    xo_jset(mem, "limit", xo_jint64((int64_t)dc->cgroup_memory_mb << 20));
    /* memory+swap the same: no swap, as a domain has none (helper-70:
     * without it a host with swap swapped the container without bound). */
    xo_jset(mem, "swap", xo_jint64((int64_t)dc->cgroup_memory_mb << 20));
    return mem;
}

static json_object *linux_json(const struct domain_config *dc)
{
    json_object *l = xo_jobj();
    json_object *cpu = cpu_json(dc), *mem = memory_json(dc);
    if (cpu || mem) {
        json_object *res = xo_jobj();
        if (mem)
            xo_jset(res, "memory", mem);
        if (cpu)
            xo_jset(res, "cpu", cpu);
        xo_jset(l, "resources", res);
    }
    json_object *ns = xo_jarr();
    const char *types[] = {"pid", "network", "ipc", "uts", "mount"};
    for (size_t i = 0; i < N(types); i++) {
        json_object *n = xo_jobj();
        xo_jset(n, "type", xo_jstr(types[i]));
        if (strcmp(types[i], "network") == 0 && dc->netns_path)
            xo_jset(n, "path", xo_jstr(dc->netns_path));
        xo_jpush(ns, n);
    }
    if (dc->cgroupns) {
        json_object *n = xo_jobj();
        xo_jset(n, "type", xo_jstr("cgroup"));
        xo_jpush(ns, n);
    }
    xo_jset(l, "namespaces", ns);
    if (dc->cgroups_path)
        xo_jset(l, "cgroupsPath", xo_jstr(dc->cgroups_path));
    if (dc->n_sysctls) {
        json_object *sc = xo_jobj();
        for (size_t i = 0; i < dc->n_sysctls; i++) {
            const char *eq = strchr(dc->sysctls[i], '=');
            char *name =
                xo_xstrndup(dc->sysctls[i], (size_t)(eq - dc->sysctls[i]));
            xo_jset(sc, name, xo_jstr(eq + 1));
            free(name);
        }
        xo_jset(l, "sysctl", sc);
    }
    /* A privileged container has none, as Docker's and the loader's. */
    if (!dc->privileged) {
        xo_jset(l, "maskedPaths", cstrv_json(masked_paths, N(masked_paths)));
        xo_jset(l, "readonlyPaths",
                cstrv_json(readonly_paths, N(readonly_paths)));
    }
    return l;
}

int domcfg_to_runtime_spec(json_object **out_r, const struct domain_config *dc,
                           xo_err *err)
{
    /* The root volume keeps copies of the image's /etc/passwd and
     * /etc/group at its top, so names resolve without mounting it. */
    struct xo_user_ids ids;
    if (domcfg_volumes_check_attached(dc, err) < 0)
        return -1;
    /* Named by the key that chose the user, then the files it looked in. */
    if (xo_user_resolve(&ids, dc->user, dc->root_volume, err) < 0)
        return dc->user_from
                   ? xo_err_wrap(err, "%s", dc->user_from)
                   : xo_err_wrap(err, "root volume %s", dc->root_volume);

    json_object *s = xo_jobj();
    xo_jset(s, "ociVersion", xo_jstr("1.0.2"));
    xo_jset(s, "process", process_json(dc, &ids));
    xo_user_ids_dispose(&ids);
    json_object *root = xo_jobj();
    xo_jset(root, "path", xo_jstr("rootfs"));
    xo_jset(root, "readonly", xo_jbool(0));
    xo_jset(s, "root", root);
    xo_jset(s, "hostname", xo_jstr(dc->hostname));
    xo_jset(s, "mounts", mounts_json(dc));
    json_object *ann = xo_jobj();
    for (size_t i = 0; i < dc->n_labels; i++) {
        const char *eq = strchr(dc->labels[i], '=');
        if (!eq)
            continue;
        /* The whole key, however long: a cut one would be another label. */
        char *key = xo_xstrndup(dc->labels[i], (size_t)(eq - dc->labels[i]));
        xo_jset(ann, key, xo_jstr(eq + 1));
        free(key);
    }
    char sig[16];
    /* cannot truncate: an int is at most 11 bytes */
    snprintf(sig, sizeof(sig), "%d", dc->stop_signal);
    xo_jset(ann, DOMCFG_STOP_SIGNAL_ANNOTATION, xo_jstr(sig));
    /* cannot truncate: domcfg bounds the timeout to 0-3600 */
    snprintf(sig, sizeof(sig), "%ld", dc->stop_timeout);
    xo_jset(ann, DOMCFG_STOP_TIMEOUT_ANNOTATION, xo_jstr(sig));
    if (dc->cgroup_cpus > 0) {
        /* cannot truncate: build.c bounds vcpus to 1-128 */
        snprintf(sig, sizeof(sig), "%d", (int)dc->cgroup_cpus);
        xo_jset(ann, DOMCFG_CGROUP_CPUS_ANNOTATION, xo_jstr(sig));
    }
    xo_jset(s, "annotations", ann);
    xo_jset(s, "linux", linux_json(dc));
    *out_r = s;
    return 0;
}
