/*
 * fuzz-guest-report.c: libFuzzer target for guest_report_accept(), the
 * monitor's check of what a guest writes under data/xl-oci/ (the guest is
 * untrusted).  The input is lines "KEY=VALUE" (VALUE may hold any byte but
 * a newline), fed in order into one report, as the monitor would.  The
 * memory figures' checks (common/abi/guest_meminfo.h) get the whole input
 * too: as /proc/meminfo text, and split at its first newline as the two
 * keys' values.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/abi/guest_meminfo.h"
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

    unsigned long long t, a, used;
    (void)guest_meminfo_parse((const char *)data, size, &t, &a);
    const char *nl = memchr(data, '\n', size);
    size_t first = nl ? (size_t)(nl - (const char *)data) : size;
    if (guest_meminfo_used((const char *)data, first,
                           nl ? nl + 1 : (const char *)data + size,
                           nl ? size - first - 1 : 0, &used) == 0 &&
        used > 999999999999ull)
        __builtin_trap();
    return 0;
}
