/* sysctls.c: dc->sysctls from app.cfg (see sysctls.h). */
#include "sysctls.h"

#include <stdlib.h>
#include <string.h>

#include "app_cfg.h"
#include "common/abi/sysctl.h"
#include "common/alloc.h"
#include "common/json.h"

void domcfg_sysctl_set(struct domain_config *dc, const char *name,
                       const char *value)
{
    size_t nl = strlen(name);
    char *entry = xo_xasprintf("%s=%s", name, value);
    for (size_t i = 0; i < dc->n_sysctls; i++)
        if (strncmp(dc->sysctls[i], name, nl) == 0 &&
            dc->sysctls[i][nl] == '=') {
            free(dc->sysctls[i]);
            dc->sysctls[i] = entry;
            return;
        }
    dc->sysctls =
        xo_xreallocarray(dc->sysctls, dc->n_sysctls + 2, sizeof(char *));
    dc->sysctls[dc->n_sysctls++] = entry;
    dc->sysctls[dc->n_sysctls] = NULL;
}

int domcfg_sysctls_build(struct domain_config *dc, const struct app_cfg *ac,
                         xo_err *err)
{
    char **items = NULL;
    size_t n = 0;
    if (app_cfg_list(ac, "oci_sysctl", OCI_SYSCTL_MAX, &items, &n, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char name[OCI_SYSCTL_MAX_NAME + 1];
        const char *value = NULL, *why = NULL;
        if (oci_sysctl_split(items[i], name, &value) < 0)
            rc = app_cfg_bad_value(ac, "oci_sysctl", err,
                                   "\"%s\" is not NAME=VALUE", items[i]);
        else if ((why = oci_sysctl_problem(name, value)))
            rc = app_cfg_bad_value(ac, "oci_sysctl", err, "\"%s\" %s", items[i],
                                   why);
        else
            domcfg_sysctl_set(dc, name, value);
    }
    xo_strv_free(items);
    return rc;
}
