/* stats_collect.c: a container's figures from Xen, sysfs, runc and /proc
 * (see stats_collect.h). */
#include "stats_collect.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/guest_meminfo.h"
#include "common/fileio.h"
#include "common/xs_client.h"
#include "common/pathfmt.h"
#include "nohyper.h"
#include "xl_oci.h"
#include "common/xenlight_lib.h"

/* Output of `runc events --stats` we read at most (it is some 3 KiB). */
#define RUNC_EVENTS_MAX (256 * 1024)

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A sysfs counter file: a decimal number; -1 when absent or not one. */
static long long read_counter(const char *path)
{
    char *text = NULL;
    xo_err err = XO_ERR_INIT;
    if (xo_read_file(&text, NULL, path, 64, &err) < 0) {
        xo_err_clear(&err);
        return -1;
    }
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    bool ok = !errno && end != text && (*end == '\n' || !*end) && v >= 0;
    free(text);
    return ok ? v : -1;
}

/* Sums `leaf` under every match of `pattern` (a glob); -1 when nothing
 * matched or a counter could not be read. */
static long long sum_counters(const char *pattern, const char *leaf)
{
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return -1;
    long long sum = 0;
    for (size_t i = 0; i < g.gl_pathc && sum >= 0; i++) {
        char path[4096];
        long long v = xo_path_fmt(path, sizeof(path), NULL, "%s/%s",
                                  g.gl_pathv[i], leaf) < 0
                          ? -1
                          : read_counter(path);
        sum = v < 0 ? -1 : sum + v;
    }
    globfree(&g);
    return sum;
}

static bool matches(const char *pattern)
{
    glob_t g;
    int r = glob(pattern, 0, NULL, &g);
    if (r == 0)
        globfree(&g);
    return r != GLOB_NOMATCH;
}

/*
 * The memory the guest says it uses (common/abi/guest_meminfo.h), bytes,
 * or -1 when it said nothing usable.  A guest may claim anything: the
 * figure is shown as its claim and capped at what Xen gave it.
 */
static long long guest_used_bytes(struct xo_xs *xs, uint32_t domid,
                                  long long mem_bytes)
{
    char pt[64], pf[64];
    if (!xs ||
        xo_path_fmt(pt, sizeof(pt), NULL, "/local/domain/%u/%s", domid,
                    GUEST_MEMINFO_KEY_TOTAL) < 0 ||
        xo_path_fmt(pf, sizeof(pf), NULL, "/local/domain/%u/%s", domid,
                    GUEST_MEMINFO_KEY_FREE) < 0)
        return -1;
    unsigned lt = 0, lf = 0;
    char *t = xo_xs_read(xs, pt, &lt), *f = xo_xs_read(xs, pf, &lf);
    unsigned long long kb;
    long long r = -1;
    if (t && f && guest_meminfo_used(t, lt, f, lf, &kb) == 0)
        r = kb > (unsigned long long)mem_bytes / 1024 ? mem_bytes
                                                      : (long long)kb * 1024;
    free(t);
    free(f);
    return r;
}

static int collect_xen(struct xen_handles *h, const struct domain_status *st,
                       struct stats_sample *s, xo_err *err)
{
    uint32_t domid = (uint32_t)st->domid;
    libxl_dominfo info;
    xo_xl.dominfo_init(&info);
    if (xo_xl.domain_info(h->ctx, &info, domid)) {
        xo_xl.dominfo_dispose(&info);
        return 0; /* gone meanwhile: nothing to show */
    }
    s->when_ns = now_ns();
    s->cpu_ns = (long long)info.cpu_time;
    s->mem_bytes = (long long)info.current_memkb * 1024;
    s->mem_limit_bytes =
        (long long)xen_domain_maxmem_kb(h, domid, info.max_memkb) * 1024;
    xo_xl.dominfo_dispose(&info);
    s->mem_used_bytes = guest_used_bytes(h->xs, domid, s->mem_bytes);

    char pat[128];
    if (xo_path_fmt(pat, sizeof(pat), err,
                    "/sys/bus/xen-backend/devices/vbd-%u-*", domid) < 0)
        return -1;
    long long rd = sum_counters(pat, "statistics/rd_sect");
    long long wr = sum_counters(pat, "statistics/wr_sect");
    s->blk_read_bytes = rd < 0 ? -1 : rd * 512;
    s->blk_write_bytes = wr < 0 ? -1 : wr * 512;
    if (xo_path_fmt(pat, sizeof(pat), err, "/sys/class/net/vif%u.*", domid) < 0)
        return -1;
    /* The vif is dom0's end: what it receives, the container sent. */
    s->net_rx_bytes = sum_counters(pat, "statistics/tx_bytes");
    s->net_tx_bytes = sum_counters(pat, "statistics/rx_bytes");
    /* No vif: no network I/O, not an unknown amount. */
    if (s->net_rx_bytes < 0 && !matches(pat))
        s->net_rx_bytes = s->net_tx_bytes = 0;
    return 0;
}

static int collect_nohyper(const struct domain_status *st,
                           struct stats_sample *s, xo_err *err)
{
    const char *args[] = {"events", "--stats", st->name, NULL};
    char *text = NULL;
    int r = nohyper_runc_capture(cmd_state_root(), args, &text, RUNC_EVENTS_MAX,
                                 err);
    s->when_ns = now_ns();
    /* runc may warn (the output holds stderr too) before its JSON; a
     * failure is a container that exited meanwhile: nothing to show. */
    const char *json = r == 0 && text ? strstr(text, "{\"type\"") : NULL;
    int rc = json && stats_parse_runc_events(json, strlen(json), s, err) < 0
                 ? -1
                 : 0;
    free(text);
    if (r < 0 || rc < 0)
        return -1;
    char path[64];
    if (st->pid > 1 && xo_path_fmt(path, sizeof(path), NULL,
                                   "/proc/%ld/net/dev", st->pid) >= 0) {
        xo_err e = XO_ERR_INIT;
        char *dev = NULL;
        if (xo_read_file(&dev, NULL, path, 1024 * 1024, &e) == 0 &&
            stats_parse_net_dev(dev, &s->net_rx_bytes, &s->net_tx_bytes) < 0)
            s->net_rx_bytes = s->net_tx_bytes = -1;
        xo_err_clear(&e);
        free(dev);
    }
    return 0;
}

int stats_collect(struct xen_handles *h, const struct domain_status *st,
                  struct stats_sample *s, xo_err *err)
{
    if (domain_state_is_final(st->state) ||
        st->state == DOMAIN_STATE_RESTARTING ||
        st->state == DOMAIN_STATE_CREATING)
        return 0;
    if (st->nohyper)
        return collect_nohyper(st, s, err);
    if (st->domid < 0)
        return 0;
    return collect_xen(h, st, s, err);
}
