/* create_ramdisk.c: the ramdisk only while libxl builds the domain. */
#include "create_ramdisk.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "loader/loader.h"
#include "state.h"
#include "xl_oci.h"

/* The container's own ramdisk path into buf when `d` names it; 0 if not. */
static int own_ramdisk(const libxl_domain_config *d, char *buf, size_t len)
{
    xo_err ignore = XO_ERR_INIT;
    const char *rd = d->b_info.ramdisk;
    int ok = rd && d->c_info.name &&
             state_domain_file(buf, len, cmd_state_root(), d->c_info.name,
                               STATE_FILE_RAMDISK, &ignore) == 0 &&
             strcmp(buf, rd) == 0;
    xo_err_clear(&ignore);
    return ok;
}

int create_ramdisk_restore(const libxl_domain_config *d, xo_err *err)
{
    char path[4096], spec[4096];
    if (!own_ramdisk(d, path, sizeof(path)) || access(path, F_OK) == 0)
        return 0;
    if (state_domain_file(spec, sizeof(spec), cmd_state_root(), d->c_info.name,
                          STATE_FILE_BOOT_SPEC, err) < 0)
        return -1;
    return loader_ramdisk_rebuild(d->b_info.kernel ? d->b_info.kernel : "",
                                  spec, path, err);
}

void create_ramdisk_drop(const libxl_domain_config *d)
{
    char path[4096];
    if (own_ramdisk(d, path, sizeof(path)))
        unlink(path);
}
