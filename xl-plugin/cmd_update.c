/*
 * cmd_update.c: `xl-oci update NAME [--cpu-weight N] [--cap PCT]
 * [--memory MB]`, the limits of a running container changed in place.
 * A Xen domain's through libxl: the credit schedulers' weight and cap
 * (libxl_domain_sched_params_set, what `xl sched-credit -w -c` and `xl
 * sched-credit2` do) and its memory target (libxl_set_memory_target, as
 * `xl mem-set`: the guest's balloon driver gives memory back or takes
 * it, up to the maxmem the domain was built with, which Xen cannot
 * raise).  A NOHYPER container's through `runc update` (cgroup CPU
 * shares, CFS quota, memory limit; domcfg.h converts).  The change is
 * journaled as "updated".  It lasts for the running domain: a restart
 * re-creates it from its saved config, app.cfg's values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domcfg/domcfg.h"
#include "journal.h"
#include "monitor_spawn.h"
#include "nohyper.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "common/xenlight_lib.h"

/* What to change; -1 leaves it. */
struct update_req {
    long weight;    /* 1..65535 */
    long cap;       /* percent of one CPU, 0: no cap */
    long memory_mb; /* 16..maxmem */
};

static int set_sched(struct xen_handles *h, const char *name, uint32_t domid,
                     const struct update_req *u, xo_err *err)
{
    libxl_domain_sched_params p;
    xo_xl.domain_sched_params_init(&p);
    int rc = -1;
    if (xo_xl.domain_sched_params_get(h->ctx, domid, &p)) {
        xo_err_set(err, EIO, "libxl could not read the scheduling of %s", name);
        goto out;
    }
    if (p.sched != LIBXL_SCHEDULER_CREDIT &&
        p.sched != LIBXL_SCHEDULER_CREDIT2) {
        xo_err_set(
            err, ENOTSUP,
            "%s runs under Xen's %s scheduler, which has no weight or cap (credit and credit2 have)",
            name, xo_xl.scheduler_to_string(p.sched));
        goto out;
    }
    if (u->weight >= 0)
        p.weight = (int)u->weight;
    if (u->cap >= 0) {
        libxl_dominfo info;
        xo_xl.dominfo_init(&info);
        int r = xo_xl.domain_info(h->ctx, &info, domid);
        long vcpus = r == 0 ? (long)info.vcpu_max_id + 1 : 1;
        xo_xl.dominfo_dispose(&info);
        if (u->cap > 100 * vcpus) {
            xo_err_set(
                err, EINVAL,
                "--cap %ld: %s has %ld vCPU(s), so Xen takes at most %ld (0 for no cap)",
                u->cap, name, vcpus, 100 * vcpus);
            goto out;
        }
        p.cap = (int)u->cap;
    }
    if (xo_xl.domain_sched_params_set(h->ctx, domid, &p)) {
        xo_err_set(err, EIO, "libxl could not set the weight or cap of %s",
                   name);
        goto out;
    }
    rc = 0;
out:
    xo_xl.domain_sched_params_dispose(&p);
    return rc;
}

static int set_memory(struct xen_handles *h, const char *name, uint32_t domid,
                      long mb, xo_err *err)
{
    libxl_dominfo info;
    xo_xl.dominfo_init(&info);
    int r = xo_xl.domain_info(h->ctx, &info, domid);
    uint64_t max_kb = info.max_memkb;
    xo_xl.dominfo_dispose(&info);
    if (r)
        return xo_err_set(err, EIO, "libxl could not read domain %u", domid);
    max_kb = xen_domain_maxmem_kb(h, domid, max_kb);
    if ((uint64_t)mb * 1024 > max_kb)
        return xo_err_set(
            err, EINVAL,
            "--memory %ld: above the %llu MiB %s was built with (its maxmem); Xen cannot grow a domain past that: set maxmem in app.cfg and create it again",
            mb, (unsigned long long)(max_kb / 1024), name);
    if (xo_xl.set_memory_target(h->ctx, domid, (int64_t)mb * 1024, 0, 1))
        return xo_err_set(err, EIO, "libxl could not set the memory of %s",
                          name);
    return 0;
}

static int update_xen(const char *name, const struct domain_status *st,
                      const struct update_req *u, xo_err *err)
{
    struct xen_handles h = {0};
    int rc = -1;
    if (xen_open(&h, err) < 0)
        goto out;
    uint32_t domid = (uint32_t)st->domid;
    if ((u->weight >= 0 || u->cap >= 0) &&
        set_sched(&h, name, domid, u, err) < 0)
        goto out;
    if (u->memory_mb >= 0 && set_memory(&h, name, domid, u->memory_mb, err) < 0)
        goto out;
    rc = 0;
out:
    xen_close(&h);
    return rc;
}

/* The vCPUs a NOHYPER container was created with (b_info.max_vcpus of
 * its libxl config, which create saves for either mode): cap's bound, as
 * create checks it. */
static int nohyper_max_vcpus(const char *name, long *out_r, xo_err *err)
{
    char dir[4096], path[4200];
    json_object *cfg = NULL, *b_info = NULL, *v;
    if (state_domain_dir(dir, sizeof(dir), cmd_state_root(), name, err) < 0 ||
        xo_path_fmt(path, sizeof(path), err, "%s/domain-config.json", dir) <
            0 ||
        xo_json_parse_file(&cfg, path, 1024 * 1024, err) < 0)
        return -1;
    int rc = xo_json_get_object(&b_info, cfg, "b_info", true, path, err);
    if (rc > 0 &&
        (!json_object_object_get_ex(b_info, "max_vcpus", &v) ||
         !json_object_is_type(v, json_type_int) ||
         json_object_get_int64(v) < 1 || json_object_get_int64(v) > 128))
        rc =
            xo_err_set(err, EINVAL, "%s: b_info.max_vcpus: not 1 to 128", path);
    if (rc > 0)
        *out_r = (long)json_object_get_int64(v);
    json_object_put(cfg);
    return rc > 0 ? 0 : -1;
}

/* `runc update` with the cgroup values domcfg.h gives for the xl keys. */
static int update_nohyper(const char *name, const struct update_req *u,
                          xo_err *err)
{
    long vcpus = 1;
    if (u->cap > 0 && nohyper_max_vcpus(name, &vcpus, err) < 0)
        return -1;
    if (u->cap > 100 * vcpus)
        return xo_err_set(
            err, EINVAL,
            "--cap %ld: %s was created with %ld vCPU(s) (maxvcpus), so at most %ld (0 for no cap), as create allows",
            u->cap, name, vcpus, 100 * vcpus);
    char shares[24], quota[24], period[24], mem[32];
    const char *args[16];
    size_t n = 0;
    args[n++] = "update";
    if (u->weight >= 0) {
        /* cannot truncate: at most 262140 */
        snprintf(shares, sizeof(shares), "%ld", domcfg_cpu_shares(u->weight));
        args[n++] = "--cpu-share";
        args[n++] = shares;
    }
    long cpus = 0;
    char dir[4096];
    /* No cap: back to the quota vcpus gave at create, if any. */
    if (u->cap == 0 &&
        (state_domain_dir(dir, sizeof(dir), cmd_state_root(), name, err) < 0 ||
         nohyper_cgroup_cpus(dir, &cpus, err) < 0))
        return -1;
    if (u->cap >= 0) {
        long pct = u->cap > 0 ? u->cap : 100 * cpus;
        /* cannot truncate: numbers below 2^31; -1 is no quota */
        snprintf(quota, sizeof(quota), "%ld",
                 pct > 0 ? domcfg_cpu_quota_us(pct) : -1L);
        /* cannot truncate: a constant of 6 digits */
        snprintf(period, sizeof(period), "%ld", DOMCFG_CPU_PERIOD_US);
        args[n++] = "--cpu-quota";
        args[n++] = quota;
        args[n++] = "--cpu-period";
        args[n++] = period;
    }
    if (u->memory_mb >= 0) {
        /* cannot truncate: at most 2^20 MiB in bytes, 41 bits */
        snprintf(mem, sizeof(mem), "%lld", (long long)u->memory_mb << 20);
        args[n++] = "--memory";
        args[n++] = mem;
        /* memory+swap with it: still no swap (render_runtime.c). */
        args[n++] = "--memory-swap";
        args[n++] = mem;
    }
    args[n++] = name;
    args[n] = NULL;
    int r = nohyper_runc(cmd_state_root(), args, -1, err);
    if (r > 0)
        return xo_err_set(
            err, EIO,
            "runc update %s failed (exit %d; a memory limit below what the container uses is refused)",
            name, r);
    return r;
}

static int update(const char *name, const struct update_req *u, xo_err *err);

int cmd_update(const char *name, long weight, long cap, long memory_mb,
               xo_err *err)
{
    struct update_req u = {weight, cap, memory_mb};
    return update(name, &u, err);
}

static int update(const char *name, const struct update_req *u, xo_err *err)
{
    struct xen_handles h = {0};
    struct domain_status st;
    int lock = -1, rc = -1;
    if (xen_open_xs(&h, err) < 0)
        return -1;
    monitor_recover(h.xs, cmd_state_root());
    /* Under the global lock: a restart or destroy is wholly before or
     * after, so the domain we change is the one we checked. */
    if ((lock = state_lock(cmd_state_root(), err)) < 0 ||
        status_read(h.xs, name, &st, err) < 0 ||
        cmd_refuse_down(cmd_state_root(), &st, err) < 0)
        goto out;
    if (st.state != DOMAIN_STATE_RUNNING && st.state != DOMAIN_STATE_BOOTING &&
        st.state != DOMAIN_STATE_PAUSED) {
        xo_err_set(err, EINVAL, "%s is not running (state %s)", name,
                   domain_state_to_string(st.state));
        goto out;
    }
    if ((st.nohyper ? update_nohyper(name, u, err)
                    : update_xen(name, &st, u, err)) < 0)
        goto out;
    struct event_record ev;
    journal_record_init(&ev, EVENT_UPDATED, name);
    char w[32] = "", c[32] = "", m[32] = "";
    if (u->weight >= 0) /* cannot truncate: a short key and a long */
        snprintf(w, sizeof(w), " cpu-weight=%ld", u->weight);
    if (u->cap >= 0) /* cannot truncate: a short key and a long */
        snprintf(c, sizeof(c), " cap=%ld", u->cap);
    if (u->memory_mb >= 0) /* cannot truncate: a short key and a long */
        snprintf(m, sizeof(m), " memory=%ld", u->memory_mb);
    /* may truncate: the journal keeps at most EVENT_TEXT_MAX */
    snprintf(ev.detail, sizeof(ev.detail), "%s%s%s", w, c, m);
    memmove(ev.detail, ev.detail + 1, strlen(ev.detail)); /* the blank */
    journal_emit(cmd_state_root(), &ev);
    rc = 0;
out:
    if (lock >= 0)
        close(lock);
    xen_close(&h);
    return rc;
}

/* A number option in [lo, hi], or a usage error naming it. */
static int number(const char *opt, const char *text, long lo, long hi,
                  long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi) {
        fprintf(stderr,
                "xl-oci update: %s '%s': needs a number from %ld to %ld\n", opt,
                text, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int main_update(int argc, char **argv)
{
    static const struct option longopts[] = {{"cpu-weight", 1, NULL, 'w'},
                                             {"cap", 1, NULL, 'c'},
                                             {"memory", 1, NULL, 'm'},
                                             {NULL, 0, NULL, 0}};
    struct update_req u = {-1, -1, -1};
    int opt;
    while ((opt = cmd_getopt(argc, argv, "w:c:m:", longopts, "update", 1)) !=
           -1) {
        int r = 0;
        if (opt == 'w')
            r = number("--cpu-weight", optarg, 1, 65535, &u.weight);
        else if (opt == 'c')
            r = number("--cap", optarg, 0, 100 * 128, &u.cap);
        else if (opt == 'm')
            r = number("--memory", optarg, 16, 1L << 20, &u.memory_mb);
        if (r < 0)
            return XO_EXIT_USAGE;
    }
    if (u.weight < 0 && u.cap < 0 && u.memory_mb < 0) {
        fprintf(stderr,
                "xl-oci update: give --cpu-weight, --cap or --memory\n");
        return XO_EXIT_USAGE;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "xl-oci update: one container name\n");
        return XO_EXIT_USAGE;
    }
    xo_err err = XO_ERR_INIT;
    return update(argv[optind], &u, &err) < 0 ? cmd_fail(&err) : XO_EXIT_OK;
}
