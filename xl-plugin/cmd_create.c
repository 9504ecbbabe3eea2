/*
 * cmd_create.c: `xl-oci create`.  With -N (like `xl -N create`) it prints
 * the libxl domain config as libxl's own JSON and can write the OCI
 * runtime spec and the boot spec to files, touching no Xen at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/json.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "xl_oci.h"

struct create_outputs {
    const char *runtime_spec; /* file, or NULL */
    const char *boot_spec;
};

static int write_out(const char *path, const void *data, size_t len,
                     xo_err *err)
{
    if (strcmp(path, "-") == 0)
        return xo_write_all(STDOUT_FILENO, data, len) < 0
                   ? xo_err_sys(err, "cannot write to stdout")
                   : 0;
    return xo_write_file_atomic(path, data, len, 0644, err);
}

/* Renders everything for app.cfg; prints libxl JSON when `print_json`. */
static int dry_run(const char *cfg_path, const struct create_outputs *o,
                   xo_err *err)
{
    struct domcfg_opts opts = {
        .state_root = xo_state_root(),
        .default_loader = xo_default_loader(),
    };
    struct app_cfg *ac = NULL;
    struct domain_config dc;
    libxl_domain_config d;
    json_object *spec = NULL;
    char *json = NULL, *spec_text = NULL;
    void *blob = NULL;
    size_t blob_len = 0;
    int rc = -1;

    domain_config_init(&dc);
    libxl_domain_config_init(&d);
    if (app_cfg_read(&ac, cfg_path, err) < 0 ||
        domcfg_from_app_cfg(&dc, ac, &opts, err) < 0 ||
        domcfg_to_libxl(&d, &dc, ac, err) < 0 ||
        domcfg_libxl_json(&json, &d, err) < 0 ||
        domcfg_to_runtime_spec(&spec, &dc, err) < 0 ||
        domcfg_to_boot_spec(&blob, &blob_len, &dc, err) < 0)
        goto out;
    if (!(spec_text = xo_json_to_string(spec))) {
        xo_err_set(err, ENOMEM, "out of memory");
        goto out;
    }
    if (o->runtime_spec &&
        write_out(o->runtime_spec, spec_text, strlen(spec_text), err) < 0)
        goto out;
    if (o->boot_spec && write_out(o->boot_spec, blob, blob_len, err) < 0)
        goto out;
    if (fputs(json, stdout) == EOF || fflush(stdout) == EOF) {
        xo_err_sys(err, "cannot write to stdout");
        goto out;
    }
    rc = 0;
out:
    free(json);
    free(spec_text);
    free(blob);
    json_object_put(spec);
    libxl_domain_config_dispose(&d);
    domain_config_dispose(&dc);
    app_cfg_free(ac);
    return rc;
}

int main_create(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dryrun", 0, NULL, 'N'},
        {"runtime-spec", 1, NULL, 'R'},
        {"boot-spec", 1, NULL, 'B'},
        {NULL, 0, NULL, 0},
    };
    struct create_outputs o = {0};
    bool dryrun = xo_dryrun;
    int opt;
    while ((opt = xo_getopt(argc, argv, "N", longopts, "create", 1)) != -1) {
        switch (opt) {
        case 'N':
            dryrun = true;
            break;
        case 'R':
            o.runtime_spec = optarg;
            break;
        case 'B':
            o.boot_spec = optarg;
            break;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "xl-oci create: exactly one config file expected\n");
        return XO_EXIT_USAGE;
    }
    xo_err err = XO_ERR_INIT;
    if (!dryrun) {
        xo_err_set(&err, ENOSYS, "create: this build can only do a dry run "
                   "(-N); creating the domain is not available yet");
        return xo_fail(&err);
    }
    if (dry_run(argv[optind], &o, &err) < 0)
        return xo_fail(&err);
    return XO_EXIT_OK;
}
