/* process_limits.c: privileged, capabilities, rlimits (see the header). */
#include "process_limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_cfg.h"
#include "common/abi/capabilities.h"
#include "common/json.h"

/* Docker's default capability set (moby oci/caps/defaults.go). */
static const char *const docker_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE",
};

uint64_t process_limits_caps(const struct domain_config *dc)
{
    if (dc->privileged)
        return OCI_CAP_ALL;
    uint64_t m = 0;
    for (size_t i = 0; i < sizeof(docker_caps) / sizeof(docker_caps[0]); i++)
        m |= UINT64_C(1) << oci_cap_from_name(docker_caps[i]);
    return m;
}

static void set_limit(struct domain_config *dc, int res, uint64_t soft,
                      uint64_t hard)
{
    for (size_t i = 0; i < dc->n_rlimits; i++)
        if (dc->rlimits[i].resource == res) {
            dc->rlimits[i].soft = soft;
            dc->rlimits[i].hard = hard;
            return;
        }
    dc->rlimits[dc->n_rlimits++] = (struct dc_rlimit){res, soft, hard};
}

/* A limit value: decimal, or "unlimited" / "-1" for RLIM_INFINITY. */
static int parse_value(const char *s, size_t len, uint64_t *v)
{
    if ((len == 9 && !strncmp(s, "unlimited", 9)) ||
        (len == 2 && !strncmp(s, "-1", 2))) {
        *v = OCI_RLIM_INFINITY;
        return 0;
    }
    if (len == 0 || len > 20)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]) ||
            x > (OCI_RLIM_INFINITY - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    *v = x;
    return 0;
}

/* "name=SOFT[:HARD]", Docker's --ulimit syntax (name: nofile, nproc, ...). */
static int parse_rlimit(struct domain_config *dc, const struct app_cfg *ac,
                        const char *item, size_t index, xo_err *err)
{
    const char *eq = strchr(item, '=');
    char name[32] = "RLIMIT_";
    size_t nl = eq ? (size_t)(eq - item) : 0;
    if (!eq || nl == 0 || nl > 16)
        return app_cfg_bad_item(ac, "oci_rlimits", index, err,
                                "\"%s\" is not NAME=SOFT[:HARD]", item);
    for (size_t i = 0; i < nl; i++)
        name[7 + i] = (char)toupper((unsigned char)item[i]);
    name[7 + nl] = '\0';
    int res = oci_rlimit_from_name(name);
    if (res < 0)
        return app_cfg_bad_item(
            ac, "oci_rlimits", index, err,
            "\"%.*s\" is not a resource limit (nofile, nproc, core, stack, memlock, ...)",
            (int)nl, item);
    const char *v = eq + 1, *colon = strchr(v, ':');
    uint64_t soft, hard;
    if (parse_value(v, colon ? (size_t)(colon - v) : strlen(v), &soft) < 0 ||
        parse_value(colon ? colon + 1 : v, strlen(colon ? colon + 1 : v),
                    &hard) < 0)
        return app_cfg_bad_item(ac, "oci_rlimits", index, err,
                                "\"%s\": limits are numbers or \"unlimited\"",
                                item);
    if (soft > hard)
        return app_cfg_bad_item(ac, "oci_rlimits", index, err,
                                "\"%s\": the soft limit is above the hard one",
                                item);
    set_limit(dc, res, soft, hard);
    return 0;
}

int process_limits_build(struct domain_config *dc, const struct app_cfg *ac,
                         xo_err *err)
{
    long priv = 0;
    if (app_cfg_long(ac, "oci_privileged", 0, 1, &priv, err) < 0)
        return -1;
    dc->privileged = priv == 1;
    uint64_t caps = process_limits_caps(dc);
    dc->caps = (struct dc_caps){caps, caps, caps, 0, 0};
    /* Off unless asked for, as Docker, containerd and Kubernetes
     * (allowPrivilegeEscalation) leave it: with it, a setuid program
     * (sudo, su) or a file capability (a non-root server's
     * cap_net_bind_service) gains nothing at exec. */
    long nnp = 0;
    if (app_cfg_long(ac, "oci_no_new_privileges", 0, 1, &nnp, err) < 0)
        return -1;
    dc->no_new_privileges = nnp == 1;
    dc->n_rlimits = 0;
    /* Soft 1024 keeps select() safe for programs that never ask for
     * more; hard 524288 lets those that do (redis, nginx's
     * worker_rlimit_nofile, every Go program) raise it themselves.
     * systemd's default, which containerd 2.0 and Docker 25 stopped
     * overriding; runc's default spec (1024:1024) held redis to 992
     * clients (docs/decisions.md). */
    set_limit(dc, oci_rlimit_from_name("RLIMIT_NOFILE"),
              PROCESS_NOFILE_DEFAULT_SOFT, PROCESS_NOFILE_DEFAULT_HARD);
    char **items = NULL;
    size_t n = 0;
    int r = app_cfg_list(ac, "oci_rlimits", OCI_RLIMIT_COUNT, &items, &n, err);
    if (r < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = parse_rlimit(dc, ac, items[i], i, err);
    xo_strv_free(items);
    return rc;
}
