/*
 * fuzz-runtime-spec.c: libFuzzer target for runtime_spec_parse() and
 * domcfg_from_runtime_spec(), the readers of a bundle's config.json
 * (outside input: whoever calls xl-oci-runc writes it), and
 * runtime_spec_resources_parse(), the reader of `update --resources`.
 * Built without libFuzzer, main() replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>

#include "domcfg/from_runtime_spec.h"
#include "domcfg/runtime_spec.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct runtime_spec rs;
    xo_err err = XO_ERR_INIT;
    runtime_spec_init(&rs);
    if (runtime_spec_parse(&rs, (const char *)data, size, "fuzz", &err) == 0) {
        struct domain_config dc;
        domain_config_init(&dc);
        if (domcfg_from_runtime_spec(&dc, &rs, "fuzz", &err) < 0 && !err.msg)
            __builtin_trap();
        domain_config_dispose(&dc);
    } else if (!err.msg) {
        __builtin_trap(); /* every failure must say why */
    }
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);

    /* The same bytes as `update --resources` JSON (containerd's update,
     * written by the shim): its own entry point, its own checks. */
    runtime_spec_init(&rs);
    if (runtime_spec_resources_parse(&rs, (const char *)data, size, "fuzz",
                                     &err) < 0 &&
        !err.msg)
        __builtin_trap();
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
    return 0;
}
