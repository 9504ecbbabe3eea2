/*
 * fuzz-bootspec.c: libFuzzer target for boot_spec_parse(), the loader's
 * reader of the boot spec FDT.  dom0 writes the spec, but the loader runs
 * as PID 1 of the domain and must never crash on a damaged blob: every
 * failure is reported, never a fault.  The same bytes are also tried as
 * the late network (bs_merge_late_network(), boot spec v4), which the
 * loader reads from xenstore into a spec with late-network.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "loader/xen-tools/bootspec.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct boot_spec spec;
    memset(&spec, 0, sizeof(spec));
    xo_err err = XO_ERR_INIT;
    if (boot_spec_parse(&spec, data, size, &err) == 0)
        boot_spec_free(&spec);
    else if (!err.msg)
        __builtin_trap();
    xo_err_clear(&err);

    struct boot_spec late;
    memset(&late, 0, sizeof(late));
    late.version = 4;
    late.late_network = true;
    if (bs_merge_late_network(&late, data, size, &err) == 0)
        boot_spec_free(&late);
    else if (!err.msg)
        __builtin_trap();
    xo_err_clear(&err);
    return 0;
}
