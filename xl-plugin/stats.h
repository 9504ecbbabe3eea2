/*
 * stats.h: the figures of `xl-oci stats`, one sample of one container,
 * and the pure parts around them (the unit tests link them): CPU percent
 * between two samples, byte counts for people, the sample as JSON, and
 * the readers of the texts the figures come from (/proc/PID/net/dev,
 * `runc events --stats`).  stats_collect.c gathers the samples.
 */
#ifndef XL_OCI_XL_PLUGIN_STATS_H
#define XL_OCI_XL_PLUGIN_STATS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "status.h"

/* Every count is -1 when unknown (not reported by its source). */
struct stats_sample {
    char name[DOMAIN_STATUS_NAME_MAX + 1];
    bool nohyper;
    long id; /* the domid, or a NOHYPER container's pid; -1 when none */
    enum domain_state state;
    const char *state_name; /* what to show: the state's, or "down" */
    long long when_ns;      /* CLOCK_MONOTONIC, when it was taken */
    long long cpu_ns;       /* CPU time used since the domain (cgroup) began */
    /* Xen: the domain's current memory and its maxmem; NOHYPER: the
     * cgroup's usage and limit. */
    long long mem_bytes, mem_limit_bytes;
    /* What the guest uses: NOHYPER, usage less inactive page cache (as
     * Docker counts it); Xen: not reported (-1). */
    long long mem_used_bytes;
    long long blk_read_bytes, blk_write_bytes;
    /* As the container sees it: rx is what it received. */
    long long net_rx_bytes, net_tx_bytes;
};

/* A sample of `name` with every count unknown. */
void stats_sample_init(struct stats_sample *s, const struct domain_status *st);

/*
 * CPU use between two samples of one container in percent of one CPU
 * (200 is two CPUs busy), as `docker stats` counts it: CPU time used over
 * time passed.  -1 when either lacks the CPU time, no time passed, or
 * the counter went back (a restarted domain).
 */
double stats_cpu_percent(const struct stats_sample *prev,
                         const struct stats_sample *cur);

/* "512B", "1.5KiB", "12.3MiB", "2GiB"; "-" for -1.  len >= 16. */
void stats_format_bytes(char *buf, size_t len, long long bytes);

/*
 * /proc/PID/net/dev's text: the bytes received and sent by every
 * interface but lo, summed.  0, or -1 when the text has not its format.
 */
int stats_parse_net_dev(const char *text, long long *rx_r, long long *tx_r);

/*
 * The JSON object `runc events --stats` prints (runc's types.Event with
 * its Stats, for cgroup v1 and v2 alike): CPU time, memory usage, limit
 * and used (less inactive file pages), block bytes read and written.
 * Fills what it finds into *s; -1 with err when the text is not JSON.
 */
int stats_parse_runc_events(const char *text, size_t len,
                            struct stats_sample *s, xo_err *err);

/*
 * One sample as a JSON object: name, mode, id, state, cpu_percent
 * (`cpu_pct` < 0: null), cpu_time_ns, memory_bytes, memory_limit_bytes,
 * memory_used_bytes, block_read_bytes, block_write_bytes, net_rx_bytes,
 * net_tx_bytes, each null when unknown.
 */
json_object *stats_to_json(const struct stats_sample *s, double cpu_pct);

#endif
