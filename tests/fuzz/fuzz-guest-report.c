/*
 * fuzz-guest-report.c: libFuzzer target for guest_report_accept(), the
 * monitor's check of what a guest writes under data/xl-oci/ (the guest is
 * untrusted).  The input is lines "KEY=VALUE" (VALUE may hold any byte but
 * a newline), fed in order into one report, as the monitor would.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "replay.h"
#include "xl-plugin/guest_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct guest_report r;
    memset(&r, 0, sizeof(r));
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        const char *eq = memchr(p, '=', (size_t)(line_end - p));
        if (eq) {
            char key[64];
            size_t klen = (size_t)(eq - p);
            if (klen < sizeof(key)) {
                memcpy(key, p, klen);
                key[klen] = '\0';
                char why[160];
                (void)guest_report_accept(&r, key, eq + 1,
                                          (size_t)(line_end - eq - 1), why,
                                          sizeof(why));
            }
        }
        p = line_end + (nl ? 1 : 0);
    }
    /* Whatever was accepted must be a valid report. */
    if (r.has_exit_code && (r.exit_code < 0 || r.exit_code > 255))
        __builtin_trap();
    if (strnlen(r.error, sizeof(r.error)) == sizeof(r.error))
        __builtin_trap();
    (void)guest_phase_to_string(r.phase);
    return 0;
}
