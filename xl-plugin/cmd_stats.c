/*
 * cmd_stats.c: `xl-oci stats [--json] [--no-stream] [NAME...]`, the
 * resource figures of containers as `docker stats` shows them: CPU
 * percent over the last interval, memory, network and block I/O
 * (stats_collect.h says where each comes from).  On a terminal it
 * redraws every STATS_INTERVAL_MS until interrupted; with --no-stream,
 * or when stdout is no terminal, it prints one sample (taken over one
 * interval, which CPU percent needs) and ends.  --json prints each sample
 * as one JSON array on one line.  Without names: every container that
 * runs (booting, running, paused).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/json.h"
#include "common/json_build.h"
#include "common/log.h"
#include "monitor_spawn.h"
#include "stats.h"
#include "stats_collect.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

#define STATS_INTERVAL_MS 1000
/* Containers one sample shows at most (DomainStatus has no bound). */
#define STATS_MAX 1024

struct stats_set {
    char **names; /* NULL-terminated */
    size_t n;
    struct stats_sample *prev, *cur;
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static bool shown_by_default(const struct domain_status *st)
{
    return st->state == DOMAIN_STATE_RUNNING ||
           st->state == DOMAIN_STATE_BOOTING ||
           st->state == DOMAIN_STATE_PAUSED;
}

/* The containers to show: those named (each must exist), or all that
 * run. */
static int pick(struct xen_handles *h, char **named, int n_named,
                struct stats_set *set, xo_err *err)
{
    char **all = n_named ? NULL : status_list(h->xs, err);
    if (!n_named && !all)
        return -1;
    size_t cap = n_named ? (size_t)n_named : 0;
    for (char **a = all; a && *a; a++)
        cap++;
    if (cap > STATS_MAX)
        cap = STATS_MAX;
    set->names = xo_xcalloc(cap + 1, sizeof(*set->names));
    set->prev = xo_xcalloc(cap ? cap : 1, sizeof(*set->prev));
    set->cur = xo_xcalloc(cap ? cap : 1, sizeof(*set->cur));
    int rc = 0;
    for (size_t i = 0; rc == 0 && set->n < cap; i++) {
        const char *name =
            n_named ? (i < (size_t)n_named ? named[i] : NULL) : all[i];
        if (!name)
            break;
        struct domain_status st;
        if (status_read(h->xs, name, &st, err) < 0) {
            if (n_named)
                rc = -1; /* "no container domain named NAME" */
            else
                xo_err_clear(err); /* removed meanwhile */
            continue;
        }
        if (!n_named && (!shown_by_default(&st) ||
                         cmd_status_view(h->xs, cmd_state_root(), &st)))
            continue;
        bool again = false; /* a name given twice is one row */
        for (size_t j = 0; j < set->n && !again; j++)
            again = strcmp(set->names[j], name) == 0;
        if (!again)
            set->names[set->n++] = xo_xstrdup(name);
    }
    xo_strv_free(all);
    return rc;
}

/* One sample of every container of the set into set->cur. */
static void sample(struct xen_handles *h, struct stats_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        struct domain_status st;
        xo_err err = XO_ERR_INIT;
        if (status_read(h->xs, set->names[i], &st, &err) < 0) {
            /* Destroyed meanwhile: a row of unknowns, named. */
            memset(&st, 0, sizeof(st));
            /* cannot truncate: names come from DomainStatus */
            snprintf(st.name, sizeof(st.name), "%s", set->names[i]);
            st.domid = st.pid = -1;
        }
        /* Down: its pid is another process's now, so nothing is read. */
        bool down = cmd_status_view(h->xs, cmd_state_root(), &st);
        stats_sample_init(&set->cur[i], &st);
        if (down) {
            set->cur[i].state_name = CMD_STATE_DOWN;
            continue;
        }
        if (stats_collect(h, &st, &set->cur[i], &err) < 0)
            xo_warn("%s: %s", set->names[i], xo_err_msg(&err));
        xo_err_clear(&err);
    }
}

static void print_json(const struct stats_set *set)
{
    json_object *arr = xo_jarr();
    for (size_t i = 0; i < set->n; i++)
        xo_jpush(arr,
                 stats_to_json(&set->cur[i],
                               stats_cpu_percent(&set->prev[i], &set->cur[i])));
    /* One line per sample: a stream a reader splits by lines. */
    const char *s = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN);
    if (!s)
        xo_oom(); /* json-c's print buffer could not grow */
    puts(s);
    json_object_put(arr);
}

static void print_table(const struct stats_set *set, bool redraw)
{
    if (redraw)
        fputs("\033[2J\033[H", stdout); /* clear, home: as docker stats */
    printf("%-20s %7s %-9s %7s %-21s %9s %-21s %s\n", "NAME", "ID", "STATE",
           "CPU %", "MEM / MAX", "USED", "NET I/O (RX / TX)",
           "BLOCK I/O (R / W)");
    for (size_t i = 0; i < set->n; i++) {
        const struct stats_sample *s = &set->cur[i];
        char id[24] = "-", cpu[16] = "-", m[16], ml[16], mu[16], rx[16], tx[16],
             rd[16], wr[16], mem[40], net[40], blk[40];
        if (s->id >= 0)
            snprintf(id, sizeof(id), "%ld", s->id); /* cannot truncate */
        double pct = stats_cpu_percent(&set->prev[i], s);
        if (pct >= 0)
            snprintf(cpu, sizeof(cpu), "%.2f%%", pct); /* may truncate */
        stats_format_bytes(m, sizeof(m), s->mem_bytes);
        stats_format_bytes(ml, sizeof(ml), s->mem_limit_bytes);
        stats_format_bytes(mu, sizeof(mu), s->mem_used_bytes);
        stats_format_bytes(rx, sizeof(rx), s->net_rx_bytes);
        stats_format_bytes(tx, sizeof(tx), s->net_tx_bytes);
        stats_format_bytes(rd, sizeof(rd), s->blk_read_bytes);
        stats_format_bytes(wr, sizeof(wr), s->blk_write_bytes);
        /* cannot truncate: two 16-byte figures and " / " */
        snprintf(mem, sizeof(mem), "%s / %s", m, ml);
        /* cannot truncate: the same */
        snprintf(net, sizeof(net), "%s / %s", rx, tx);
        /* cannot truncate: the same */
        snprintf(blk, sizeof(blk), "%s / %s", rd, wr);
        printf("%-20s %7s %-9s %7s %-21s %9s %-21s %s\n", s->name, id,
               s->state_name, cpu, mem, mu, net, blk);
    }
    fflush(stdout);
}

static void set_free(struct stats_set *set)
{
    xo_strv_free(set->names);
    free(set->prev);
    free(set->cur);
}

int main_stats(int argc, char **argv)
{
    static const struct option longopts[] = {{"json", 0, NULL, 'j'},
                                             {"no-stream", 0, NULL, 'n'},
                                             {NULL, 0, NULL, 0}};
    bool json = false, once = false;
    int opt;
    while ((opt = cmd_getopt(argc, argv, "j", longopts, "stats", 0)) != -1) {
        if (opt == 'j')
            json = true;
        else if (opt == 'n')
            once = true;
    }
    if (!isatty(STDOUT_FILENO))
        once = true;
    struct xen_handles h = {0};
    struct stats_set set = {0};
    xo_err err = XO_ERR_INIT;
    /* libxl only where there is Xen: NOHYPER figures need none. */
    if (xen_open_xs(&h, &err) < 0 ||
        (xen_host_present() && xen_open(&h, &err) < 0))
        goto fail;
    monitor_recover(h.xs, cmd_state_root());
    if (pick(&h, argv + optind, argc - optind, &set, &err) < 0)
        goto fail;
    sample(&h, &set);
    for (;;) {
        struct stats_sample *t = set.prev;
        set.prev = set.cur;
        set.cur = t;
        sleep_ms(STATS_INTERVAL_MS);
        sample(&h, &set);
        if (json)
            print_json(&set);
        else
            print_table(&set, !once);
        if (once)
            break;
    }
    set_free(&set);
    xen_close(&h);
    return XO_EXIT_OK;
fail:
    set_free(&set);
    xen_close(&h);
    return cmd_fail(&err);
}
