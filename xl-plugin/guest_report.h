/*
 * guest_report.h: what a guest may tell us, and nothing more.  The loader
 * inside the domain writes /local/domain/<domid>/data/xl-oci/{phase,
 * exit-code,error}; the guest is untrusted, so every value is checked here
 * (known keys only, bounded length, numbers in range, printable text)
 * before the monitor copies it into DomainStatus.  Pure: no xenstore.
 */
#ifndef XL_OCI_XL_PLUGIN_GUEST_REPORT_H
#define XL_OCI_XL_PLUGIN_GUEST_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#define GUEST_VALUE_MAX 256 /* longer values are refused, not truncated */

enum guest_phase {
    GUEST_PHASE_NONE = 0,
    GUEST_PHASE_MOUNTING,
    GUEST_PHASE_EXEC,
    GUEST_PHASE_EXITED,
    GUEST_PHASE_FAILED,
};

struct guest_report {
    enum guest_phase phase;
    bool has_exit_code;
    int exit_code;                   /* 0..255 */
    char error[GUEST_VALUE_MAX + 1]; /* "" when none */
};

/*
 * Validates one key/value the guest wrote and folds it into `r`.
 * Returns 0 when accepted, -1 when refused, with the reason in `why`
 * (for the monitor's log; never shown as the domain's status).
 */
int guest_report_accept(struct guest_report *r, const char *key,
                        const char *value, size_t len, char *why,
                        size_t whylen);

const char *guest_phase_name(enum guest_phase p);

#endif
