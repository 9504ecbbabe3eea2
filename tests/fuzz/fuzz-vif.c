/*
 * fuzz-vif.c: libFuzzer target for vif_parse(), xl's vif syntax as
 * app.cfg gives it ("mac=..,bridge=..,ip=..").  Whatever is accepted has a
 * well-formed MAC.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domcfg/vif.h"
#include "fuzz_util.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *spec = fuzz_cstr(data, size);
    struct dc_vif vif;
    memset(&vif, 0, sizeof(vif));
    xo_err err = XO_ERR_INIT;
    if (vif_parse(&vif, spec, &err) == 0) {
        if (vif.mac[0]) {
            for (int i = 0; i < 17; i++)
                if ((i % 3 == 2) ? vif.mac[i] != ':'
                                 : !isxdigit((unsigned char)vif.mac[i]))
                    __builtin_trap();
        }
        if (vif.ip && !vif_valid_ipv4(vif.ip, true))
            __builtin_trap();
    } else if (!err.msg) {
        __builtin_trap();
    }
    vif_dispose(&vif);
    xo_err_clear(&err);
    free(spec);
    return 0;
}
