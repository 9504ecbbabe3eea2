/*
 * entrypoint-check.c: xl-oci-runc create's check of a bundle's entrypoint
 * and cwd (xl-plugin/runc_entrypoint.h) on its own, for the differential
 * test against runc (tests/runc/entrypoint-diff.py, tier 30):
 *
 *   entrypoint-check BUNDLE
 *
 * reads BUNDLE/config.json as create reads it and checks process.args[0]
 * and process.cwd in the spec's root.path (relative to BUNDLE unless
 * absolute).  Prints "OK" and exits 0 when the check passes (found, or not
 * sure), "REFUSED <errno name>: <message>" and exits 1 when it refuses,
 * and exits 2 when the spec cannot be read or parsed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "domcfg/runtime_spec.h"
#include "xl-plugin/runc_entrypoint.h"

static const char *errno_name(int e)
{
    switch (e) {
    case ENOENT:
        return "ENOENT";
    case EACCES:
        return "EACCES";
    case ENOTDIR:
        return "ENOTDIR";
    default:
        return "OTHER";
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: entrypoint-check BUNDLE\n");
        return 2;
    }
    char spec[4200], rootfs[8400];
    if ((size_t)snprintf(spec, sizeof(spec), "%s/config.json", argv[1]) >=
        sizeof(spec)) {
        fprintf(stderr, "entrypoint-check: bundle path too long\n");
        return 2;
    }
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    xo_err err = XO_ERR_INIT;
    int status = 2;
    if (runtime_spec_load(&rs, spec, &err) < 0) {
        fprintf(stderr, "entrypoint-check: %s\n", xo_err_msg(&err));
        goto out;
    }
    if (rs.root_path[0] == '/')
        snprintf(rootfs, sizeof(rootfs), "%s", rs.root_path);
    else
        snprintf(rootfs, sizeof(rootfs), "%s/%s", argv[1], rs.root_path);
    if (runc_entrypoint_check(&rs, rootfs, spec, &err) < 0) {
        printf("REFUSED %s: %s\n", errno_name(err.errnum), xo_err_msg(&err));
        status = 1;
    } else {
        printf("OK\n");
        status = 0;
    }
out:
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
    return status;
}
