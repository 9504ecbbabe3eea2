/*
 * runtime_spec_resources.c: the parts of a runtime spec's linux.resources
 * a domain can honour (runtime-spec config-linux.md): memory.limit, the
 * container's memory, cpu.quota / cpu.period, its share of CPUs, and
 * cpu.shares, its weight against others.  Kubernetes writes them from a
 * container's limits and requests; runc turns them into cgroup settings,
 * a domain into its memory, vCPUs and scheduler weight
 * (from_runtime_spec.c).  The rest (pids, blkio, devices...) is ignored,
 * as for anything a domain's own kernel already bounds.
 */
#include "domcfg/runtime_spec_int.h"

#include <errno.h>

#include "common/json.h"
#include "common/json_build.h"

/* A signed JSON integer: 1 with *out_r set when positive, 0 when absent,
 * null, 0 or negative (runc's "no limit"), -1 when not an integer. */
static int limit(uint64_t *out_r, json_object *parent, const char *key,
                 const char *parent_path, const struct rs_parse *p)
{
    json_object *v = NULL;
    int r =
        runtime_spec_get(&v, parent, key, json_type_int, false, parent_path, p);
    if (r <= 0)
        return r;
    int64_t x = json_object_get_int64(v);
    if (x <= 0)
        return 0;
    *out_r = (uint64_t)x;
    return 1;
}

int runtime_spec_resources_parse(struct runtime_spec *rs, const char *buf,
                                 size_t len, const char *where, xo_err *err)
{
    json_object *res = NULL;
    if (xo_json_parse(&res, buf, len, RUNTIME_SPEC_MAX_BYTES, where, err) < 0)
        return -1;
    if (!json_object_is_type(res, json_type_object)) {
        json_object_put(res);
        return xo_err_set(err, EINVAL, "%s: not a JSON object", where);
    }
    /* As a spec holds it, so that one parser reads both. */
    json_object *top = xo_jobj(), *lx = xo_jobj();
    xo_jset(lx, "resources", res);
    xo_jset(top, "linux", lx);
    struct rs_parse p = {where, err};
    int rc = runtime_spec_parse_resources(rs, top, &p);
    json_object_put(top);
    return rc;
}

int runtime_spec_parse_resources(struct runtime_spec *rs, json_object *o,
                                 const struct rs_parse *p)
{
    json_object *lx = NULL, *res = NULL, *mem = NULL, *cpu = NULL;
    int r = runtime_spec_get(&lx, o, "linux", json_type_object, false, "", p);
    if (r > 0)
        r = runtime_spec_get(&res, lx, "resources", json_type_object, false,
                             "linux", p);
    if (r <= 0)
        return r;
    if ((r = runtime_spec_get(&mem, res, "memory", json_type_object, false,
                              "linux.resources", p)) < 0 ||
        (r > 0 && limit(&rs->memory_limit, mem, "limit",
                        "linux.resources.memory", p) < 0))
        return -1;
    if ((r = runtime_spec_get(&cpu, res, "cpu", json_type_object, false,
                              "linux.resources", p)) < 0)
        return -1;
    rs->cpu_period = 100000; /* the kernel's default CFS period */
    if (r > 0 &&
        (limit(&rs->cpu_quota, cpu, "quota", "linux.resources.cpu", p) < 0 ||
         limit(&rs->cpu_period, cpu, "period", "linux.resources.cpu", p) < 0 ||
         limit(&rs->cpu_shares, cpu, "shares", "linux.resources.cpu", p) < 0))
        return -1;
    return 0;
}
