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

struct guest_report {
    enum guest_phase phase;
    bool has_exit_code;
    int exit_code;                          /* 0..255 */
    char error[GUEST_REPORT_VALUE_MAX + 1]; /* "" when none */
};

/*
 * Validates one key/value the guest wrote and folds it into `r`.  Values
 * longer than GUEST_REPORT_VALUE_MAX are refused, not truncated.
 * Returns 0 when accepted, -1 when refused, with the reason in `why`
 * (for the monitor's log; never shown as the domain's status).
 */
int guest_report_accept(struct guest_report *r, const char *key,
                        const char *value, size_t len, char *why,
                        size_t whylen);

/* One DomainStatus key (DOMAIN_STATUS_KEY_*) and the value to write. */
struct guest_status_field {
    const char *key;
    const char *value;
};
#define GUEST_STATUS_MAX_FIELDS 4

/*
 * What DomainStatus must say once the report `r` has moved on from the
 * phase last published: at exec started, started-ms and state running;
 * at exit exit-code and finished; at failure error (the guest's, whole)
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
