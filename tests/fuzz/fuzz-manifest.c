/*
 * fuzz-manifest.c: libFuzzer target for the OCI index and manifest
 * parsers (image/manifest.c), which read documents from registries and
 * layout directories: untrusted.  The first byte picks the hint the
 * document was fetched as; the rest is the document.  Built without
 * libFuzzer, main() replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>

#include "image/manifest.h"
#include "replay.h"

static const char *const hints[] = {
    NULL,
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *hint = hints[data[0] % (sizeof(hints) / sizeof(*hints))];
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    xo_err err = XO_ERR_INIT;
    enum oci_kind kind;
    if (manifest_doc_kind(&kind, buf, len, hint, "fuzz", &err) < 0) {
        if (!err.msg)
            __builtin_trap(); /* every failure must say why */
        xo_err_clear(&err);
        return 0;
    }
    if (kind == OCI_KIND_INDEX) {
        struct oci_index ix;
        if (manifest_index_parse(&ix, buf, len, "fuzz", &err) == 0) {
            const struct oci_descriptor *d;
            if (manifest_index_pick(&d, &ix, "linux", "amd64", "fuzz", &err) <
                0)
                xo_err_clear(&err);
            if (manifest_index_find_tag(&d, &ix, NULL, "linux", "amd64", "fuzz",
                                        &err) < 0)
                xo_err_clear(&err);
            manifest_index_dispose(&ix);
        } else if (!err.msg) {
            __builtin_trap();
        }
    } else {
        struct oci_manifest m;
        if (manifest_parse(&m, buf, len, "fuzz", &err) == 0)
            manifest_dispose(&m);
        else if (!err.msg)
            __builtin_trap();
    }
    xo_err_clear(&err);
    return 0;
}
