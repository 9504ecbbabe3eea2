/*
 * guest_report.h: what a guest may tell us, and nothing more.  The loader
 * inside the domain writes the guest report (common/abi/guest_report.h:
 * keys, phases, limits); the guest is untrusted, so every value is checked
 * here (known keys only, bounded length, numbers in range, printable text)
 * before the monitor copies it into DomainStatus.  Pure: no xenstore.
 */
#ifndef XL_OCI_XL_PLUGIN_GUEST_REPORT_H
#define XL_OCI_XL_PLUGIN_GUEST_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/abi/guest_report.h"

/* What the guest reported about its interface N (net/N/). */
struct guest_net {
    char mac[18];                             /* "" until reported */
    char ipv4[GUEST_REPORT_NET_LIST_MAX + 1]; /* "A.B.C.D/N ..." */
    char ipv6[GUEST_REPORT_NET_LIST_MAX + 1];
};

struct guest_report {
    enum guest_phase phase;
    bool has_exit_code;
    int exit_code;                          /* 0..255 */
    bool oom_killed;                        /* oom-killed was "1" */
    char error[GUEST_REPORT_VALUE_MAX + 1]; /* "" when none */
    struct guest_net net[GUEST_REPORT_NET_MAX_IFACES];
};

/*
 * Validates one key/value the guest wrote and folds it into `r`.  `key`
 * is relative to the report directory: "phase", "exit-code", "error",
 * "oom-killed" (only "1") or "net/N/mac|ipv4|ipv6".  Values longer than GUEST_REPORT_VALUE_MAX are
 * refused, not truncated; addresses must be inet_pton-valid with a prefix
 * in range, at most GUEST_REPORT_NET_MAX_ADDRS, one space apart.
 * Returns 0 when accepted, -1 when refused, with the reason in `why`
 * (for the monitor's log; never shown as the domain's status).
 */
int guest_report_accept(struct guest_report *r, const char *key,
                        const char *value, size_t len, char *why,
                        size_t whylen);

/*
 * Where guest_report_read() reads the guest's keys from: the monitor's
 * xenstore (monitor.c), or a unit test's stand-in.  `rel` is relative to
 * the report directory ("" for the directory itself).
 */
struct guest_report_source {
    void *ctx;
    /* The value at rel, malloc'd, its length in *len; NULL when none. */
    char *(*read)(void *ctx, const char *rel, unsigned *len);
    /* The names under rel as one malloc'd block (xs_directory's shape:
     * the array and the strings, freed with one free()), their count in
     * *n; NULL when none. */
    char **(*list)(void *ctx, const char *rel, unsigned *n);
    /* A refused value, for the log (why says what and why). */
    void (*refused)(void *ctx, const char *why);
};

/*
 * Reads the whole report from `src` into `r`, in the order
 * common/abi/guest_report.h gives: the phase first, then a listing of the
 * directory and every other key in it (at most GUEST_REPORT_MAX_KEYS, and
 * GUEST_REPORT_NET_MAX_IFACES interfaces), each through
 * guest_report_accept().  So whatever phase was read, the keys the guest
 * wrote before it are in `r`.
 */
void guest_report_read(struct guest_report *r,
                       const struct guest_report_source *src);

/* One DomainStatus key (DOMAIN_STATUS_KEY_*, or net/N/...) and value. */
struct guest_status_field {
    char key[32];
    const char *value;
};
#define GUEST_STATUS_MAX_FIELDS (5 + 3 * GUEST_REPORT_NET_MAX_IFACES)

/*
 * Whether moving from the phase last published to `phase` starts the run:
 * exec, or an exit seen first (the watch fired for exec, but by the time
 * the value was read the entrypoint had already exited: it did run).
 */
bool guest_report_started(enum guest_phase phase, enum guest_phase published);

/*
 * What DomainStatus must say once the report `r` has moved on from the
 * phase last published: when the run starts (guest_report_started)
 * started, started-ms, the net/N/ keys of every interface reported, and
 * at exec state running (last, so a reader that sees running sees the
 * addresses);
 * at exit exit-code, finished and oom-killed (when reported); at failure error (the guest's, whole)
 * and finished.  `now` is ISO 8601 UTC, `now_ms` dom0 monotonic ms as
 * text; `code` is scratch space for the exit code.  Values point into
 * `r`, `now`, `now_ms`, `code` or static strings.  Returns how many
 * fields were put in `out` (0 when nothing changed).
 */
size_t guest_report_status_fields(
    struct guest_status_field out[GUEST_STATUS_MAX_FIELDS],
    const struct guest_report *r, enum guest_phase published, const char *now,
    const char *now_ms, char code[8]);

#endif
