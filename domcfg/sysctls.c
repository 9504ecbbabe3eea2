/* sysctls.c: dc->sysctls from app.cfg (see sysctls.h). */
#include "sysctls.h"

#include <stdbool.h>
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

/* Text quoted in a message: whole up to SHOWN_MAX bytes, else its first
 * bytes (not cutting a UTF-8 character) and "...".  An item may be 4096
 * bytes (DC_MAX_STRING): quoted whole, it pushed the reason off the end
 * of the message (helper-97). */
#define SHOWN_MAX 64

static const char *shown(char buf[SHOWN_MAX + 4], const char *s, size_t len)
{
    if (len <= SHOWN_MAX) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        return buf;
    }
    size_t n = SHOWN_MAX - 4;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "...", 4);
    return buf;
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
        char name[OCI_SYSCTL_MAX_NAME + 1], buf[SHOWN_MAX + 4];
        const char *value = NULL, *why = NULL;
        size_t nlen = strcspn(items[i], "=");
        if (items[i][nlen] == '=' && nlen > OCI_SYSCTL_MAX_NAME)
            rc = app_cfg_bad_item(
                ac, "oci_sysctl", i, err,
                "name \"%s\" is %zu bytes: a sysctl name is at most %d",
                shown(buf, items[i], nlen), nlen, OCI_SYSCTL_MAX_NAME);
        else if (oci_sysctl_split(items[i], name, &value) < 0)
            rc = app_cfg_bad_item(ac, "oci_sysctl", i, err,
                                  "\"%s\" is not NAME=VALUE",
                                  shown(buf, items[i], strlen(items[i])));
        else if ((why = oci_sysctl_problem(name, value)))
            rc = app_cfg_bad_item(ac, "oci_sysctl", i, err, "\"%s\" %s",
                                  shown(buf, items[i], strlen(items[i])), why);
        else
            domcfg_sysctl_set(dc, name, value);
    }
    xo_strv_free(items);
    return rc;
}

/*
 * moby's WithSysctls (and containerd's CRI, with enable_unprivileged_ports
 * and enable_unprivileged_icmp) give every container with a network
 * namespace of its own these two, so that a non-root program binds ports
 * below 1024 (nginx as www-data on 80) and pings without CAP_NET_RAW.
 */
static const char *const docker_defaults[][2] = {
    {"net.ipv4.ip_unprivileged_port_start", "0"},
    {"net.ipv4.ping_group_range", "0 2147483647"},
};

void domcfg_sysctls_docker_defaults(struct domain_config *dc)
{
    for (size_t d = 0; d < sizeof(docker_defaults) / sizeof(docker_defaults[0]);
         d++) {
        const char *name = docker_defaults[d][0];
        size_t nl = strlen(name);
        bool set = false;
        for (size_t i = 0; i < dc->n_sysctls && !set; i++)
            set = strncmp(dc->sysctls[i], name, nl) == 0 &&
                  dc->sysctls[i][nl] == '=';
        /* oci_sysctl's value wins; with oci_sysctl full, the defaults give
         * way rather than fail the container. */
        if (!set && dc->n_sysctls < OCI_SYSCTL_MAX)
            domcfg_sysctl_set(dc, name, docker_defaults[d][1]);
    }
}
