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
#include <string.h>

#include "common/abi/capabilities.h"
#include "common/abi/rlimits.h"
#include "fstype.h"
#include "process_limits.h"
#include "common/user.h"

static const char *const masked_paths[] = {
    "/proc/acpi",          "/proc/kcore",      "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
    "/proc/sched_debug",   "/proc/scsi",       "/sys/firmware",
};

static const char *const readonly_paths[] = {
    "/proc/asound", "/proc/bus", "/proc/fs",
    "/proc/irq",    "/proc/sys", "/proc/sysrq-trigger",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static json_object *strv_json(char *const *v, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; a && i < n; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static json_object *cstrv_json(const char *const *v, size_t n)
{
    return strv_json((char *const *)v, n);
}

static void add_mount(json_object *mounts, const char *dst, const char *type,
                      const char *src, const char *opts_csv)
{
    json_object *m = json_object_new_object();
    json_object_object_add(m, "destination", json_object_new_string(dst));
    json_object_object_add(m, "type", json_object_new_string(type));
    json_object_object_add(m, "source", json_object_new_string(src));
    json_object *o = json_object_new_array();
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", opts_csv);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        json_object_array_add(o, json_object_new_string(t));
    json_object_object_add(m, "options", o);
    json_object_array_add(mounts, m);
}

static json_object *process_json(const struct domain_config *dc,
                                 const struct xo_user_ids *ids)
{
    json_object *p = json_object_new_object();
    json_object_object_add(p, "terminal", json_object_new_boolean(0));
    json_object *u = json_object_new_object();
    json_object_object_add(u, "uid", json_object_new_int64(ids->uid));
    json_object_object_add(u, "gid", json_object_new_int64(ids->gid));
    if (ids->ngroups) {
        /* containerd and Docker list the primary gid here too. */
        json_object *g = json_object_new_array();
        for (size_t i = 0; i < ids->ngroups; i++)
            json_object_array_add(g, json_object_new_int64(ids->groups[i]));
        json_object_object_add(u, "additionalGids", g);
    }
    json_object_object_add(p, "user", u);
    json_object_object_add(p, "args", strv_json(dc->args, dc->n_args));
    json_object_object_add(p, "env", strv_json(dc->env, dc->n_env));
    json_object_object_add(p, "cwd", json_object_new_string(dc->cwd));
    /* Inheritable and ambient stay empty, as Docker has them since
     * CVE-2022-24769. */
    json_object *caps = json_object_new_object();
    const char *sets[] = {"bounding", "effective", "permitted"};
    uint64_t mask = process_limits_caps(dc);
    for (size_t i = 0; i < N(sets); i++) {
        json_object *a = json_object_new_array();
        for (int c = 0; c <= OCI_CAP_LAST; c++)
            if (mask & (UINT64_C(1) << c))
                json_object_array_add(a,
                                      json_object_new_string(oci_cap_name(c)));
        json_object_object_add(caps, sets[i], a);
    }
    json_object_object_add(p, "capabilities", caps);
    json_object *rls = json_object_new_array();
    for (size_t i = 0; i < dc->n_rlimits; i++) {
        const struct dc_rlimit *r = &dc->rlimits[i];
        json_object *rl = json_object_new_object();
        json_object_object_add(
            rl, "type", json_object_new_string(oci_rlimit_name(r->resource)));
        json_object_object_add(rl, "hard", json_object_new_uint64(r->hard));
        json_object_object_add(rl, "soft", json_object_new_uint64(r->soft));
        json_object_array_add(rls, rl);
    }
    json_object_object_add(p, "rlimits", rls);
    json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(1));
    return p;
}

static json_object *mounts_json(const struct domain_config *dc)
{
    json_object *m = json_object_new_array();
    add_mount(m, "/proc", "proc", "proc", "nosuid,noexec,nodev");
    add_mount(m, "/dev", "tmpfs", "tmpfs",
              "nosuid,strictatime,mode=755,size=65536k");
    add_mount(m, "/dev/pts", "devpts", "devpts",
              "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620");
    add_mount(m, "/dev/shm", "tmpfs", "shm",
              "nosuid,noexec,nodev,mode=1777,size=65536k");
    add_mount(m, "/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev");
    add_mount(m, "/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro");
    add_mount(m, "/sys/fs/cgroup", "cgroup", "cgroup",
              "nosuid,noexec,nodev,relatime,ro");
    /* The runtime's /etc files, from the bundle directory (domcfg.h). */
    static const char *const etc[] = {XO_ETC_HOSTNAME, XO_ETC_HOSTS,
                                      XO_ETC_RESOLV_CONF};
    for (size_t i = 0; i < N(etc); i++) {
        char dst[64];
        snprintf(dst, sizeof(dst), "/etc/%s", etc[i]);
        add_mount(m, dst, "bind", etc[i], "rbind,rprivate");
    }
    for (size_t i = 0; i < dc->n_volumes; i++) {
        const struct dc_volume *v = &dc->volumes[i];
        add_mount(m, v->target, fstype_detect(v->source), v->source,
                  v->read_only ? "ro,nosuid,nodev" : "rw,nosuid,nodev");
    }
    return m;
}

static json_object *linux_json(void)
{
    json_object *l = json_object_new_object();
    json_object *ns = json_object_new_array();
    const char *types[] = {"pid", "network", "ipc", "uts", "mount"};
    for (size_t i = 0; i < N(types); i++) {
        json_object *n = json_object_new_object();
        json_object_object_add(n, "type", json_object_new_string(types[i]));
        json_object_array_add(ns, n);
    }
    json_object_object_add(l, "namespaces", ns);
    json_object_object_add(l, "maskedPaths",
                           cstrv_json(masked_paths, N(masked_paths)));
    json_object_object_add(l, "readonlyPaths",
                           cstrv_json(readonly_paths, N(readonly_paths)));
    return l;
}

int domcfg_to_runtime_spec(json_object **out_r, const struct domain_config *dc,
                           xo_err *err)
{
    /* The root volume keeps copies of the image's /etc/passwd and
     * /etc/group at its top, so names resolve without mounting it. */
    struct xo_user_ids ids;
    if (xo_user_resolve(&ids, dc->user, dc->root_volume, err) < 0)
        return xo_err_wrap(err, "root volume %s", dc->root_volume);

    json_object *s = json_object_new_object();
    if (!s)
        return xo_err_set(err, ENOMEM, "out of memory");
    json_object_object_add(s, "ociVersion", json_object_new_string("1.0.2"));
    json_object_object_add(s, "process", process_json(dc, &ids));
    xo_user_ids_dispose(&ids);
    json_object *root = json_object_new_object();
    json_object_object_add(root, "path", json_object_new_string("rootfs"));
    json_object_object_add(root, "readonly", json_object_new_boolean(0));
    json_object_object_add(s, "root", root);
    json_object_object_add(s, "hostname", json_object_new_string(dc->hostname));
    json_object_object_add(s, "mounts", mounts_json(dc));
    json_object *ann = json_object_new_object();
    for (size_t i = 0; i < dc->n_labels; i++) {
        const char *eq = strchr(dc->labels[i], '=');
        if (!eq)
            continue;
        char key[256];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - dc->labels[i]),
                 dc->labels[i]);
        json_object_object_add(ann, key, json_object_new_string(eq + 1));
    }
    char sig[16];
    snprintf(sig, sizeof(sig), "%d", dc->stop_signal);
    json_object_object_add(ann, "org.xl-oci.stop-signal",
                           json_object_new_string(sig));
    json_object_object_add(s, "annotations", ann);
    json_object_object_add(s, "linux", linux_json());
    *out_r = s;
    return 0;
}
