/* stats.c: the pure parts of `xl-oci stats` (see stats.h). */
#include "stats.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/json.h"
#include "common/json_build.h"

/* runc's memory limit when there is none: the page-aligned maximum of an
 * int64 (9223372036854771712); anything this large is no limit. */
#define NO_LIMIT (1LL << 62)

void stats_sample_init(struct stats_sample *s, const struct domain_status *st)
{
    memset(s, 0, sizeof(*s));
    /* cannot truncate: DomainStatus names have the same bound */
    snprintf(s->name, sizeof(s->name), "%s", st->name);
    s->nohyper = st->nohyper;
    s->id = st->nohyper ? st->pid : st->domid;
    s->state = st->state;
    s->state_name = domain_state_to_string(st->state);
    s->when_ns = -1;
    s->cpu_ns = s->mem_bytes = s->mem_limit_bytes = s->mem_used_bytes = -1;
    s->blk_read_bytes = s->blk_write_bytes = -1;
    s->net_rx_bytes = s->net_tx_bytes = -1;
}

double stats_cpu_percent(const struct stats_sample *prev,
                         const struct stats_sample *cur)
{
    if (prev->cpu_ns < 0 || cur->cpu_ns < prev->cpu_ns || prev->when_ns < 0 ||
        cur->when_ns <= prev->when_ns)
        return -1;
    return 100.0 * (double)(cur->cpu_ns - prev->cpu_ns) /
           (double)(cur->when_ns - prev->when_ns);
}

void stats_format_bytes(char *buf, size_t len, long long bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 0) {
        snprintf(buf, len, "-"); /* cannot truncate: len >= 16 */
        return;
    }
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1024;
        u++;
    }
    if (u == 0) /* cannot truncate: at most 1023 */
        snprintf(buf, len, "%lldB", bytes);
    else /* cannot truncate: at most "8192PiB" for len >= 16 */
        snprintf(buf, len, v < 100 ? "%.1f%s" : "%.0f%s", v, units[u]);
}

/* sum + v, at most LLONG_MAX (sum is 0 to LLONG_MAX). */
static long long sat_add(long long sum, unsigned long long v)
{
    return v > (unsigned long long)(LLONG_MAX - sum) ? LLONG_MAX
                                                     : sum + (long long)v;
}

int stats_parse_net_dev(const char *text, long long *rx_r, long long *tx_r)
{
    long long rx = 0, tx = 0;
    int lines = 0;
    const char *p = text;
    /* Two header lines, then "  NAME: rx_bytes packets ... tx_bytes ...". */
    for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (++lines <= 2)
            continue;
        const char *colon = strchr(p, ':');
        const char *eol = strchr(p, '\n');
        if (!colon || (eol && colon > eol))
            return -1;
        const char *name = p;
        while (*name == ' ')
            name++;
        unsigned long long f[9];
        if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu",
                   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7],
                   &f[8]) != 9)
            return -1;
        if (colon - name == 2 && strncmp(name, "lo", 2) == 0)
            continue;
        /* The kernel's counters are unsigned 64-bit: the sum saturates
         * at LLONG_MAX rather than overflow (and go negative, "unknown"). */
        rx = sat_add(rx, f[0]);
        tx = sat_add(tx, f[8]);
    }
    if (lines < 2)
        return -1;
    *rx_r = rx;
    *tx_r = tx;
    return 0;
}

/* obj.k1.k2... as an integer, or -1 when absent or not one. */
static long long get_path(json_object *obj, const char *const *keys)
{
    for (; *keys; keys++)
        if (!json_object_is_type(obj, json_type_object) ||
            !json_object_object_get_ex(obj, *keys, &obj))
            return -1;
    if (!json_object_is_type(obj, json_type_int))
        return -1;
    int64_t v = json_object_get_int64(obj);
    return v < 0 ? -1 : (long long)v;
}

/* blkio.ioServiceBytesRecursive: the bytes of every device by op. */
static void parse_blkio(json_object *data, struct stats_sample *s)
{
    json_object *blk, *list;
    if (!json_object_object_get_ex(data, "blkio", &blk) ||
        !json_object_is_type(blk, json_type_object))
        return; /* no block I/O controller: unknown */
    long long rd = 0, wr = 0;
    /* runc leaves the list out when there was no I/O. */
    if (!json_object_object_get_ex(blk, "ioServiceBytesRecursive", &list) ||
        !json_object_is_type(list, json_type_array)) {
        s->blk_read_bytes = s->blk_write_bytes = 0;
        return;
    }
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(list, i), *op, *v;
        if (!json_object_object_get_ex(e, "op", &op) ||
            !json_object_object_get_ex(e, "value", &v) ||
            !json_object_is_type(op, json_type_string))
            continue;
        long long x = json_object_get_int64(v);
        if (x < 0)
            continue;
        if (strcasecmp(json_object_get_string(op), "read") == 0)
            rd += x;
        else if (strcasecmp(json_object_get_string(op), "write") == 0)
            wr += x;
    }
    s->blk_read_bytes = rd;
    s->blk_write_bytes = wr;
}

int stats_parse_runc_events(const char *text, size_t len,
                            struct stats_sample *s, xo_err *err)
{
    json_object *ev = NULL, *data;
    if (xo_json_parse(&ev, text, len, len + 1, "runc events --stats", err) < 0)
        return -1;
    if (!json_object_object_get_ex(ev, "data", &data)) {
        json_object_put(ev);
        return xo_err_set(err, EINVAL, "runc events --stats: no data");
    }
    static const char *const cpu[] = {"cpu", "usage", "total", NULL};
    static const char *const use[] = {"memory", "usage", "usage", NULL};
    static const char *const lim[] = {"memory", "usage", "limit", NULL};
    /* The inactive file pages: v1 "total_inactive_file", v2 "inactive_file". */
    static const char *const inact1[] = {"memory", "raw", "total_inactive_file",
                                         NULL};
    static const char *const inact2[] = {"memory", "raw", "inactive_file",
                                         NULL};
    s->cpu_ns = get_path(data, cpu);
    s->mem_bytes = get_path(data, use);
    long long limit = get_path(data, lim);
    s->mem_limit_bytes = limit >= 0 && limit < NO_LIMIT ? limit : -1;
    long long inactive = get_path(data, inact1);
    if (inactive < 0)
        inactive = get_path(data, inact2);
    if (s->mem_bytes >= 0)
        s->mem_used_bytes = inactive >= 0 && inactive <= s->mem_bytes
                                ? s->mem_bytes - inactive
                                : s->mem_bytes;
    parse_blkio(data, s);
    json_object_put(ev);
    return 0;
}

static json_object *count(long long v)
{
    return v >= 0 ? xo_jint64(v) : NULL;
}

json_object *stats_to_json(const struct stats_sample *s, double cpu_pct)
{
    json_object *o = xo_jobj();
    xo_jset(o, "name", xo_jstr(s->name));
    xo_jset(o, "mode",
            xo_jstr(s->nohyper ? DOMAIN_MODE_NOHYPER : DOMAIN_MODE_XEN));
    xo_jset(o, "id", s->id >= 0 ? xo_jint64(s->id) : NULL);
    xo_jset(o, "state", xo_jstr(s->state_name));
    /* Two decimals: a percentage, not a measurement to the ppm. */
    xo_jset(o, "cpu_percent", cpu_pct >= 0 ? xo_jfixed(cpu_pct, 2) : NULL);
    xo_jset(o, "cpu_time_ns", count(s->cpu_ns));
    xo_jset(o, "memory_bytes", count(s->mem_bytes));
    xo_jset(o, "memory_limit_bytes", count(s->mem_limit_bytes));
    xo_jset(o, "memory_used_bytes", count(s->mem_used_bytes));
    xo_jset(o, "block_read_bytes", count(s->blk_read_bytes));
    xo_jset(o, "block_write_bytes", count(s->blk_write_bytes));
    xo_jset(o, "net_rx_bytes", count(s->net_rx_bytes));
    xo_jset(o, "net_tx_bytes", count(s->net_tx_bytes));
    return o;
}
