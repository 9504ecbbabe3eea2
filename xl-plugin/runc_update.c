/*
 * runc_update.c: `xl-oci-runc update [--resources FILE|-] [--memory N]
 * [--cpu-share N] [--cpu-quota N] [--cpu-period N] ID`, what containerd's
 * shim calls for `ctr task update` and Kubernetes' in-place resize (the
 * shim writes the LinuxResources object to stdin, `--resources -`).  A
 * domain's limits change in place through xl-oci update (cmd_update):
 * cpu.shares become the credit weight (a quarter, as at create), a CPU
 * quota a cap (percent of one CPU; the vCPUs stay those of create), the
 * memory limit the memory target above what the loader needs, which the
 * guest's balloon driver follows.  A domain cannot grow past the memory
 * it was created with.  Other resources (pids, block I/O, devices,
 * cpusets) are left, as at create, with a warning in --log.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "domcfg/from_runtime_spec.h"
#include "domcfg/runtime_spec.h"
#include "runc.h"
#include "xl_oci.h"

#define RESOURCES_MAX (1024 * 1024) /* bytes of --resources */

/* A decimal number of runc's flags, 0..max. */
static int flag_number(const char *flag, const char *text, uint64_t max,
                       uint64_t *out, xo_err *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (!*text || *text == '-' || *end || errno || v > max)
        return xo_err_set(err, EINVAL,
                          "update: %s \"%.32s\" is not a number of 0 to %llu",
                          flag, text, (unsigned long long)max);
    *out = v;
    return 0;
}

static int read_resources(struct runtime_spec *rs, const char *path,
                          xo_err *err)
{
    char *text = NULL;
    size_t len = 0;
    /* "-": the shim's pipe, read as a file until its end. */
    int rc = xo_read_file(&text, &len, strcmp(path, "-") ? path : "/dev/stdin",
                          RESOURCES_MAX, err);
    if (rc == 0)
        rc = runtime_spec_resources_parse(
            rs, text, len, strcmp(path, "-") ? path : "update --resources",
            err);
    free(text);
    return rc;
}

int runc_update(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    /* runc's flags that take a value and mean nothing to a domain. */
    static const char *const ignored[] = {
        "--pids-limit",         "--blkio-weight",
        "--cpuset-cpus",        "--cpuset-mems",
        "--kernel-memory",      "--kernel-memory-tcp",
        "--memory-reservation", "--memory-swap",
        "--cpu-rt-period",      "--cpu-rt-runtime",
        "--l3-cache-schema",    "--mem-bw-schema",
        "--cpu-idle",           NULL};
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    rs.cpu_period = 100000;
    const char *id = NULL, *resources = NULL;
    bool uncap = false;
    int rc = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL, *eq = strchr(a, '=');
        char name[48];
        if (a[0] != '-') {
            if (id) {
                xo_err_set(err, EINVAL, "update: one container ID");
                goto out;
            }
            id = a;
            continue;
        }
        if (eq && a[1] == '-') { /* "--flag=value", as runc takes it */
            /* may truncate: a long name is unknown either way */
            snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
            a = name;
            v = eq + 1;
        } else if (i + 1 < argc) {
            v = argv[++i];
        } else {
            xo_err_set(err, EINVAL, "update: %s needs a value", a);
            goto out;
        }
        if (!strcmp(a, "--resources") || !strcmp(a, "-r")) {
            resources = v;
        } else if (!strcmp(a, "--memory") || !strcmp(a, "-m")) {
            if (flag_number(a, v, 1ULL << 50, &rs.memory_limit, err) < 0)
                goto out;
        } else if (!strcmp(a, "--cpu-share") || !strcmp(a, "--cpu-shares")) {
            if (flag_number(a, v, 1ULL << 20, &rs.cpu_shares, err) < 0)
                goto out;
        } else if (!strcmp(a, "--cpu-quota")) {
            /* -1: no quota, as the cgroup's "max" (no cap) */
            uncap = strcmp(v, "-1") == 0;
            if (!uncap && flag_number(a, v, 1ULL << 40, &rs.cpu_quota, err) < 0)
                goto out;
        } else if (!strcmp(a, "--cpu-period")) {
            if (flag_number(a, v, 1ULL << 40, &rs.cpu_period, err) < 0)
                goto out;
        } else {
            size_t k = 0;
            while (ignored[k] && strcmp(ignored[k], a) != 0)
                k++;
            if (!ignored[k]) {
                xo_err_set(err, EINVAL, "update: unknown option %s", a);
                goto out;
            }
            xo_log(XO_LOG_WARN, "update %s: not applied to a Xen domain", a);
        }
    }
    if (!id) {
        xo_err_set(err, EINVAL, "update: expected a container ID");
        goto out;
    }
    if (resources && read_resources(&rs, resources, err) < 0)
        goto out;
    struct runc_state s;
    if (runc_state_read(g, id, &s, err) < 0)
        goto out;
    if (s.pod[0]) {
        xo_err_set(
            err, ENOTSUP,
            "update: %s runs in pod domain %s, whose resources are the pod's: update its sandbox",
            s.id, s.pod);
        goto out;
    }
    if (!runc_has_domain(&s)) { /* its placeholder is all it is */
        rc = 0;
        goto out;
    }
    long weight = -1, cap = -1, memory_mb = -1;
    if (rs.cpu_shares) {
        uint64_t w = (rs.cpu_shares + 2) / 4; /* from_runtime_spec.c's */
        weight = w < 1 ? 1 : w > 65535 ? 65535 : (long)w;
    }
    if (rs.cpu_quota && rs.cpu_period) {
        uint64_t c = (rs.cpu_quota * 100 + rs.cpu_period - 1) / rs.cpu_period;
        cap = c > 100 * 128 ? 100 * 128 : (long)c;
    } else if (uncap) {
        cap = 0;
    }
    if (rs.memory_limit) {
        if (s.loader_mb <= 0) {
            xo_err_set(
                err, ENOTSUP,
                "update: %s was created by an older xl-oci-runc, which kept no record of what its loader needs: its memory cannot be set",
                id);
            goto out;
        }
        long limit = (long)((rs.memory_limit + (1u << 20) - 1) >> 20);
        memory_mb = s.loader_mb + limit;
        if (memory_mb > s.maxmem_mb) {
            xo_err_set(
                err, ENOTSUP,
                "update: memory limit %ld MiB: %s can grow to %ld MiB (%ld for the container), and a Xen domain cannot grow past what it was created with; create it again with the larger limit or the annotation %s",
                limit, id, s.maxmem_mb, s.maxmem_mb - s.loader_mb,
                DOMCFG_MEMORY_MAX_ANNOTATION);
            goto out;
        }
    }
    if (weight < 0 && cap < 0 && memory_mb < 0) {
        rc = 0; /* nothing a domain has */
        goto out;
    }
    rc = cmd_update(s.name, weight, cap, memory_mb, err);
out:
    runtime_spec_dispose(&rs);
    return rc;
}
