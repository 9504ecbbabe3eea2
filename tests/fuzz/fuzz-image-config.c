/*
 * fuzz-image-config.c: libFuzzer target for domcfg_image_config_parse(), the
 * reader of a root volume's image-config.json (untrusted: it comes from an
 * image), and config_rootfs_diff_ids(), pull's reader of the same config's
 * rootfs.diff_ids (the layer count asked for is the input's size modulo
 * 4).  Built without libFuzzer, main() replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "domcfg/image_config.h"
#include "image/config_rootfs.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct image_config ic;
    xo_err err = XO_ERR_INIT;
    domcfg_image_config_init(&ic);
    if (domcfg_image_config_parse(&ic, (const char *)data, size, "fuzz",
                                  &err) == 0)
        domcfg_image_config_dispose(&ic);
    else if (!err.msg)
        __builtin_trap(); /* every failure must say why */
    xo_err_clear(&err);

    struct digest *ids = NULL;
    if (config_rootfs_diff_ids(&ids, (const char *)data, size, size % 4, "fuzz",
                               &err) < 0 &&
        !err.msg)
        __builtin_trap();
    free(ids);
    xo_err_clear(&err);
    return 0;
}
