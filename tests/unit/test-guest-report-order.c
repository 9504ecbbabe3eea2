/*
 * test-guest-report-order.c: guest_report_read() against a guest that
 * writes while dom0 reads.  The loader writes a phase's keys (exit-code,
 * error, net/N/) and then the phase; whenever its writes land between
 * dom0's reads, the report dom0 ends up with must never have the phase
 * without the keys written before it.  Found in the lab (2026-12-01): a
 * probe that exits at once was published halted without its exit code,
 * because the listing was taken before the guest added exit-code and the
 * phase read after it wrote "exited".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xl-plugin/guest_report.h"

#define MAX_KEYS 8

struct kv {
    const char *key, *value;
};

/* The guest's store, and the writes it still has to make: after dom0's
 * call number `at`, the next `burst` of them land at once. */
struct guest {
    struct kv store[MAX_KEYS];
    size_t nstore;
    const struct kv *pending;
    size_t npending, done;
    unsigned calls, at, burst;
};

static void put(struct guest *g, const struct kv *w)
{
    for (size_t i = 0; i < g->nstore; i++)
        if (strcmp(g->store[i].key, w->key) == 0) {
            g->store[i].value = w->value;
            return;
        }
    assert_true(g->nstore < MAX_KEYS);
    g->store[g->nstore++] = *w;
}

/* The guest runs after each of dom0's calls. */
static void guest_runs(struct guest *g)
{
    if (++g->calls != g->at)
        return;
    for (unsigned i = 0; i < g->burst && g->done < g->npending; i++)
        put(g, &g->pending[g->done++]);
    g->at++; /* and keeps going one call later with the next burst */
}

static char *fake_read(void *ctx, const char *rel, unsigned *len)
{
    struct guest *g = ctx;
    char *v = NULL;
    for (size_t i = 0; i < g->nstore; i++)
        if (strcmp(g->store[i].key, rel) == 0) {
            v = strdup(g->store[i].value);
            *len = (unsigned)strlen(v);
        }
    guest_runs(g);
    return v;
}

/* The names one level under rel, as one block (xs_directory's shape). */
static char **fake_list(void *ctx, const char *rel, unsigned *n)
{
    struct guest *g = ctx;
    char names[MAX_KEYS][32];
    unsigned count = 0;
    size_t plen = strlen(rel);
    for (size_t i = 0; i < g->nstore; i++) {
        const char *k = g->store[i].key;
        if (plen && (strncmp(k, rel, plen) != 0 || k[plen] != '/'))
            continue;
        const char *rest = plen ? k + plen + 1 : k;
        size_t len = strcspn(rest, "/");
        bool seen = false;
        for (unsigned j = 0; j < count; j++)
            seen |= strlen(names[j]) == len && !strncmp(names[j], rest, len);
        if (!seen) {
            memcpy(names[count], rest, len);
            names[count++][len] = '\0';
        }
    }
    char **out = NULL;
    if (count) {
        out = malloc(count * sizeof(char *) + count * 32);
        assert_non_null(out);
        char *s = (char *)(out + count);
        for (unsigned j = 0; j < count; j++, s += 32)
            out[j] = strcpy(s, names[j]);
    }
    *n = count;
    guest_runs(g);
    return out;
}

static void fake_refused(void *ctx, const char *why)
{
    (void)ctx;
    fail_msg("refused: %s", why);
}

/* Every interleaving of the guest's writes with dom0's reads (a burst
 * after any call, of any size): `check` holds for the report read. */
static void each_interleaving(const struct kv *start, size_t nstart,
                              const struct kv *writes, size_t nwrites,
                              void (*check)(const struct guest_report *r))
{
    for (unsigned at = 1; at <= 8; at++)
        for (unsigned burst = 1; burst <= nwrites; burst++) {
            struct guest g = {.pending = writes,
                              .npending = nwrites,
                              .at = at,
                              .burst = burst};
            for (size_t i = 0; i < nstart; i++)
                put(&g, &start[i]);
            struct guest_report r = {0};
            const struct guest_report_source src = {&g, fake_read, fake_list,
                                                    fake_refused};
            guest_report_read(&r, &src);
            check(&r);
            /* The next watch event reads it all again: the end state. */
            guest_report_read(&r, &src);
            check(&r);
        }
}

static void exited_has_code(const struct guest_report *r)
{
    if (r->phase == GUEST_PHASE_EXITED) {
        assert_true(r->has_exit_code);
        assert_int_equal(r->exit_code, 3);
    }
}

static void test_exit_code_before_exited(void **state)
{
    (void)state;
    static const struct kv start[] = {{"phase", "exec"}};
    static const struct kv writes[] = {{"exit-code", "3"}, {"phase", "exited"}};
    each_interleaving(start, 1, writes, 2, exited_has_code);
}

static void failed_has_error(const struct guest_report *r)
{
    if (r->phase == GUEST_PHASE_FAILED)
        assert_string_equal(r->error, "mount /dev/xvda: no such device");
}

static void test_error_before_failed(void **state)
{
    (void)state;
    static const struct kv start[] = {{"phase", "mounting"}};
    static const struct kv writes[] = {
        {"error", "mount /dev/xvda: no such device"}, {"phase", "failed"}};
    each_interleaving(start, 1, writes, 2, failed_has_error);
}

static void exec_has_addresses(const struct guest_report *r)
{
    if (r->phase == GUEST_PHASE_EXEC) {
        assert_string_equal(r->net[0].mac, "00:16:3e:00:00:01");
        assert_string_equal(r->net[0].ipv4, "10.0.0.2/24");
    }
}

static void test_addresses_before_exec(void **state)
{
    (void)state;
    static const struct kv start[] = {{"phase", "mounting"}};
    static const struct kv writes[] = {{"net/0/mac", "00:16:3e:00:00:01"},
                                       {"net/0/ipv4", "10.0.0.2/24"},
                                       {"net/0/ipv6", ""},
                                       {"phase", "exec"}};
    each_interleaving(start, 1, writes, 4, exec_has_addresses);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_code_before_exited),
        cmocka_unit_test(test_error_before_failed),
        cmocka_unit_test(test_addresses_before_exec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
