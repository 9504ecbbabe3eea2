/* from_runtime_spec.c: runtime spec -> domain_config (see the header). */
#include "domcfg/from_runtime_spec.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/abi/boot_spec.h"
#include "common/abi/capabilities.h"
#include "common/abi/sysctl.h"
#include "common/alloc.h"
#include "common/json.h"
#include "common/user.h"
#include "domcfg/env_merge.h"
#include "domcfg/exec_size.h"
#include "domcfg/merge.h"
#include "domcfg/signals.h"
#include "domcfg/sysctls.h"

static char **strv_copy(char *const *v, size_t n)
{
    char **out = xo_xcalloc(n + 1, sizeof(*out));
    for (size_t i = 0; i < n; i++)
        out[i] = xo_xstrdup(v[i]);
    return out;
}

static int cmp_gid(const void *a, const void *b)
{
    gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts and deduplicates `v` in place; returns the new length. */
static size_t gid_set(gid_t *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_gid);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[k - 1] != v[i])
            v[k++] = v[i];
    return k;
}

/* Does `user` resolve to the uid, gid and group set `want` (a set of n)? */
static int resolves_to(bool *match_r, const char *user, const char *etc,
                       const struct runtime_process *pr, const gid_t *want,
                       size_t n, xo_err *err)
{
    struct xo_user_ids ids;
    memset(&ids, 0, sizeof(ids));
    if (etc && xo_user_resolve(&ids, user, etc, err) < 0)
        return -1;
    if (!etc) { /* no files: "UID:GID" resolves to its own numbers alone */
        ids.uid = pr->uid;
        ids.gid = pr->gid;
    }
    gid_t own = ids.gid;
    gid_t *got = ids.ngroups ? ids.groups : &own;
    size_t ng = gid_set(got, ids.ngroups ? ids.ngroups : 1);
    *match_r = ids.uid == pr->uid && ids.gid == pr->gid && ng == n &&
               memcmp(got, want, n * sizeof(*want)) == 0;
    xo_user_ids_dispose(&ids);
    return 0;
}

static int map_user(struct domain_config *dc, const struct runtime_process *pr,
                    const char *where, xo_err *err)
{
    size_t n = pr->n_additional_gids + 1;
    gid_t *want = xo_xcalloc(n, sizeof(*want));
    want[0] = pr->gid; /* the primary group always heads the list */
    for (size_t i = 0; i < pr->n_additional_gids; i++)
        want[i + 1] = pr->additional_gids[i];
    n = gid_set(want, n);
    char forms[2][32];
    /* cannot truncate: two 10-digit numbers and a colon */
    snprintf(forms[0], sizeof(forms[0]), "%u:%u", pr->uid, pr->gid);
    /* cannot truncate: one 10-digit number */
    snprintf(forms[1], sizeof(forms[1]), "%u", pr->uid);
    const char *etc = dc->root_volume;
    int rc = 0;
    bool match = false;
    for (size_t f = 0; f < (etc ? 2 : 1) && !match && rc == 0; f++) {
        rc = resolves_to(&match, forms[f], etc, pr, want, n, err);
        if (rc == 0 && match) {
            free(dc->user);
            dc->user = xo_xstrdup(forms[f]);
        }
    }
    if (rc < 0) {
        free(want);
        return xo_err_wrap(err, "%s: process.user", where);
    }
    free(dc->groups);
    dc->groups = NULL;
    dc->n_groups = 0;
    if (match) {
        free(want);
        return 0;
    }
    /* Groups the image does not give that user (CRI's fsGroup and
     * supplementalGroups): the boot spec carries them, as runc sets
     * additionalGids whatever /etc/group says. */
    if (n > BOOT_SPEC_MAX_GROUPS) {
        free(want);
        return xo_err_set(err, E2BIG,
                          "%s: process.user: %zu groups, at most %d", where, n,
                          BOOT_SPEC_MAX_GROUPS);
    }
    free(dc->user);
    dc->user = xo_xstrdup(forms[0]);
    /* The primary group first (want is sorted), then the others. */
    dc->groups = xo_xcalloc(n, sizeof(*dc->groups));
    dc->groups[dc->n_groups++] = pr->gid;
    for (size_t i = 0; i < n; i++)
        if (want[i] != pr->gid)
            dc->groups[dc->n_groups++] = (uint32_t)want[i];
    free(want);
    return 0;
}

/* A host name the boot spec carries: 1-64 bytes of letters, digits, '-',
 * '_' and '.' (boot_spec.h; runc sets "my_host", and so do we). */
static bool hostname_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.' &&
            s[i] != '_')
            return false;
    return n > 0 && n <= BOOT_SPEC_MAX_HOSTNAME;
}

/*
 * DOMCFG_MEMORY_MAX_ANNOTATION's value: bytes, or a whole number with a
 * binary suffix (Ki, Mi, Gi: Kubernetes' quantities), 1 MiB to 1 TiB,
 * into dc->container_memory_max_mb rounded up to whole MiB.  -1 if not.
 */
static int memory_max(struct domain_config *dc, const char *v)
{
    static const struct {
        const char *suffix;
        unsigned shift;
    } units[] = {{"", 0}, {"Ki", 10}, {"Mi", 20}, {"Gi", 30}};
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*v))
        return -1;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno)
        return -1;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].suffix) != 0)
            continue;
        /* 1 TiB in the unit, checked before the shift can overflow */
        if (n > (1ULL << 40) >> units[i].shift)
            return -1;
        unsigned long long bytes = n << units[i].shift;
        if (bytes < (1ULL << 20))
            return -1;
        dc->container_memory_max_mb = (long)((bytes + (1ULL << 20) - 1) >> 20);
        return 0;
    }
    return -1;
}

static int map_annotations(struct domain_config *dc,
                           const struct runtime_spec *rs, const char *where,
                           xo_err *err)
{
    dc->stop_signal = 15;
    xo_strv_free(dc->labels);
    dc->n_labels = 0;
    dc->labels = xo_xcalloc(rs->n_annotations + 1, sizeof(char *));
    for (size_t i = 0; i < rs->n_annotations; i++) {
        const struct runtime_annotation *a = &rs->annotations[i];
        if (strcmp(a->key, DOMCFG_STOP_SIGNAL_ANNOTATION) == 0) {
            int sig = signal_from_string(a->value);
            if (sig < 0)
                return xo_err_set(
                    err, EINVAL,
                    "%s: annotations[\"%s\"]: \"%.32s\" is not a signal", where,
                    a->key, a->value);
            dc->stop_signal = sig;
            continue;
        }
        if (strcmp(a->key, DOMCFG_STOP_TIMEOUT_ANNOTATION) == 0) {
            char *end;
            errno = 0;
            long t = strtol(a->value, &end, 10);
            if (errno || end == a->value || *end || t < 0 || t > 3600)
                return xo_err_set(
                    err, EINVAL,
                    "%s: annotations[\"%s\"]: \"%.32s\" is not 0-3600 seconds",
                    where, a->key, a->value);
            dc->stop_timeout = t;
            continue;
        }
        if (strcmp(a->key, DOMCFG_MEMORY_MAX_ANNOTATION) == 0) {
            if (memory_max(dc, a->value) < 0)
                return xo_err_set(
                    err, EINVAL,
                    "%s: annotations[\"%s\"]: \"%.32s\" is not a size of 1 MiB to 1 TiB (bytes, or a number with Ki, Mi or Gi)",
                    where, a->key, a->value);
            continue;
        }
        dc->labels[dc->n_labels++] = xo_xasprintf("%s=%s", a->key, a->value);
    }
    return 0;
}

static void map_process(struct domain_config *dc, const struct runtime_spec *rs)
{
    const struct runtime_process *pr = &rs->process;
    xo_strv_free(dc->args);
    xo_strv_free(dc->env);
    dc->env = NULL;
    free(dc->cwd);
    dc->n_args = pr->n_args;
    dc->args = strv_copy(pr->args, pr->n_args);
    dc->cwd = xo_xstrdup(pr->cwd);
    /* containerd passes the image's WorkingDir on as it is: cleaned as
     * app.cfg's is (a ".." would stop the loader's walk). */
    merge_clean_abs_path(dc->cwd);
    /* A later KEY=VALUE replaces an earlier one, as containerd's WithEnv
     * does; the loader takes unique keys. */
    env_merge(&dc->env, &dc->n_env, (const char *const *)pr->env, pr->n_env);
    dc->n_rlimits = 0;
    for (size_t i = 0; i < pr->n_rlimits; i++)
        dc->rlimits[dc->n_rlimits++] = (struct dc_rlimit){
            pr->rlimits[i].resource, pr->rlimits[i].soft, pr->rlimits[i].hard};
    /* No capabilities object: no capabilities, as runc reads it. */
    dc->caps = (struct dc_caps){
        pr->caps[RUNTIME_CAP_BOUNDING], pr->caps[RUNTIME_CAP_EFFECTIVE],
        pr->caps[RUNTIME_CAP_PERMITTED], pr->caps[RUNTIME_CAP_INHERITABLE],
        pr->caps[RUNTIME_CAP_AMBIENT]};
    dc->privileged = dc->caps.bounding == OCI_CAP_ALL;
    dc->no_new_privileges = pr->no_new_privileges;
}

/*
 * Kubernetes' limits (linux.resources): the memory limit becomes what the
 * container gets on top of the loader (create adds the loader's need,
 * which the kernel in use decides: xl-oci.cfg(5)); a CPU quota becomes
 * vCPUs, rounded up (a quota of 1.5 CPUs gets 2), as Kata does.  CPU
 * shares (Kubernetes' requests: 1024 a CPU, at least 2) become the credit
 * schedulers' weight, the inverse of domcfg_cpu_shares() (a weight is 4
 * shares, Xen's default 256 is runc's 1024), within Xen's 1..65535.
 */
static void map_resources(struct domain_config *dc,
                          const struct runtime_spec *rs)
{
    if (rs->memory_limit)
        dc->container_memory_mb =
            (long)((rs->memory_limit >> 20) +
                   ((rs->memory_limit & ((1u << 20) - 1)) != 0));
    if (dc->container_memory_mb > (1L << 20))
        dc->container_memory_mb = 1L << 20; /* 1 TiB: xl's own bound */
    if (rs->cpu_quota && rs->cpu_period) {
        uint64_t n = (rs->cpu_quota + rs->cpu_period - 1) / rs->cpu_period;
        long v = n > 128 ? 128 : (long)n; /* app.cfg's vcpus bound */
        if (v > dc->vcpus)
            dc->vcpus = v;
        if (dc->maxvcpus < dc->vcpus)
            dc->maxvcpus = dc->vcpus;
    }
    if (rs->cpu_shares) {
        uint64_t w = (rs->cpu_shares + 2) / 4; /* to the nearest */
        dc->cpu_weight = w < 1 ? 1 : w > 65535 ? 65535 : (long)w;
    }
}

/*
 * What runc keeps from the container in /proc and /sys, as the bundle
 * says (boot spec v12), in place of the loader's inference from the
 * bounding set: `docker run --cap-add ALL` keeps Docker's masks, and a
 * privileged bundle from a containerd whose own bounding set lacks a
 * capability has none.  /sys is read-write when the bundle's sysfs
 * mount at /sys is (its last "ro" or "rw"), read-only when it has none:
 * runc would give it no /sys at all, a domain has one.
 */
static void map_path_policy(struct domain_config *dc,
                            const struct runtime_spec *rs)
{
    xo_strv_free(dc->masked_paths);
    xo_strv_free(dc->readonly_paths);
    dc->has_path_policy = true;
    dc->n_masked_paths = rs->n_masked_paths;
    dc->masked_paths = strv_copy(rs->masked_paths, rs->n_masked_paths);
    dc->n_readonly_paths = rs->n_readonly_paths;
    dc->readonly_paths = strv_copy(rs->readonly_paths, rs->n_readonly_paths);
    dc->sys_read_write = false;
    for (size_t i = 0; i < rs->n_mounts; i++) {
        const struct runtime_mount *m = &rs->mounts[i];
        if (m->kind == RUNTIME_MOUNT_PROVIDED &&
            strcmp(m->type, "sysfs") == 0 &&
            strcmp(m->destination, "/sys") == 0)
            dc->sys_read_write = !m->read_only;
    }
}

/*
 * A Kubernetes pod's app container has no hostname of its own: under
 * runc it joins the sandbox's UTS namespace, which has the pod's.  CRI
 * puts that name in the process's HOSTNAME (containerd's
 * container_create_linux.go) and in the /etc/hostname it binds; without
 * it the domain would be named by its 64-hex container ID, which
 * /etc/hosts does not resolve (Java's getLocalHost fails).  So a spec
 * without a hostname takes a valid HOSTNAME from its env.
 */
static void pod_hostname(struct domain_config *dc,
                         const struct runtime_spec *rs)
{
    for (size_t i = 0; i < rs->process.n_env; i++) {
        const char *e = rs->process.env[i];
        if (strncmp(e, "HOSTNAME=", 9) == 0 && hostname_ok(e + 9)) {
            free(dc->hostname);
            dc->hostname = xo_xstrdup(e + 9);
        }
    }
}

int domcfg_from_runtime_spec(struct domain_config *dc,
                             const struct runtime_spec *rs, const char *where,
                             xo_err *err)
{
    map_process(dc, rs);
    if (exec_size_check(dc, err) < 0)
        return xo_err_wrap(err, "%s: process", where);
    if (map_user(dc, &rs->process, where, err) < 0)
        return -1;
    if (rs->hostname && rs->hostname[0]) {
        if (!hostname_ok(rs->hostname))
            return xo_err_set(
                err, EINVAL,
                "%s: hostname: \"%.64s\" is not 1 to %d letters, digits, '-' or '.'",
                where, rs->hostname, BOOT_SPEC_MAX_HOSTNAME);
        free(dc->hostname);
        dc->hostname = xo_xstrdup(rs->hostname);
    } else {
        pod_hostname(dc, rs);
    }
    map_resources(dc, rs);
    map_path_policy(dc, rs);
    for (size_t i = 0; i < rs->n_sysctl; i++) {
        char name[OCI_SYSCTL_MAX_NAME + 1];
        const char *value = NULL;
        if (oci_sysctl_split(rs->sysctl[i], name, &value) == 0) /* checked */
            domcfg_sysctl_set(dc, name, value);
    }
    dc->terminal = rs->process.terminal;
    dc->root_readonly = rs->root_readonly;
    /* 022 is the loader's as the kernel's: no need of a v6 spec for it. */
    dc->has_umask = rs->process.has_umask && rs->process.umask != 022;
    dc->umask = rs->process.umask;
    /* A network namespace (a path, or a new one the placeholder holds):
     * whatever CNI puts there is spliced in at start (runc_start). */
    dc->late_network = runtime_spec_namespace(rs, "network") != NULL;
    if (dc->late_network && dc->n_vifs)
        return xo_err_set(
            err, EINVAL,
            "%s: linux.namespaces: a network namespace and vifs of the domain's own",
            where);
    return map_annotations(dc, rs, where, err);
}
