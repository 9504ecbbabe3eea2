/*
 * fuzz-image-ref.c: libFuzzer target for image_ref_parse(), the reader of
 * image references (`pull REF`, `oci_image = "REF"`).  Whatever is
 * accepted for a registry has a host and a repository without "..".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/ref.h"
#include "fuzz_util.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct image_ref r;
    xo_err err = XO_ERR_INIT;
    if (image_ref_parse(&r, s, &err) == 0) {
        if (r.kind == IMAGE_REF_REGISTRY && (!r.host || !*r.host || !r.repo ||
                                             !*r.repo || strstr(r.repo, "..")))
            __builtin_trap();
        image_ref_dispose(&r);
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    free(s);
    return 0;
}
