/*
 * fuzz-layer-path.c: libFuzzer target for layerpath_normalize() and
 * layerpath_split(), which turn a tar entry's name from a layer (untrusted)
 * into a path inside the rootfs.  Whatever is accepted must be relative,
 * free of "." and ".." components and of empty components.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/layerpath.h"
#include "fuzz_util.h"
#include "replay.h"

static void check_normal(const char *p)
{
    if (p[0] == '/')
        __builtin_trap();
    const char *c = p;
    while (*c) {
        const char *slash = strchr(c, '/');
        size_t n = slash ? (size_t)(slash - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') ||
            (n == 2 && c[0] == '.' && c[1] == '.'))
            __builtin_trap();
        c += n + (slash ? 1 : 0);
        if (slash && !*c)
            __builtin_trap(); /* trailing slash */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *name = fuzz_cstr(data, size);
    char out[LAYERPATH_MAX_LEN + 1];
    xo_err err = XO_ERR_INIT;
    if (layerpath_normalize(out, name, &err) == 0) {
        check_normal(out);
        if (out[0]) {
            const char *parent, *base;
            layerpath_split(out, &parent, &base);
            if (!*base || strchr(base, '/'))
                __builtin_trap();
        }
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    free(name);
    return 0;
}
