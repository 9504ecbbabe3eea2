/* xen.c: libxl and xenstore handles (see xen.h). */
#include "xen.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/pathfmt.h"
#include "common/platform.h"
#include "status.h"
#include "xen_stamp_logger.h"

#include "xl_oci.h"
#include "common/xenlight_lib.h"

/* 1 when this kernel runs as Xen's dom0, 0 as another domain, -1 when it
 * cannot be told: the features Xen gave it (in sysfs, as systemd's
 * ConditionVirtualization=xen-dom0 reads them), else xenfs's
 * capabilities, "control_d" in dom0 only. */
static int xen_is_dom0(void)
{
    char buf[128] = "";
    FILE *f = fopen("/sys/hypervisor/properties/features", "re");
    if (f) {
        bool got = fgets(buf, sizeof(buf), f) != NULL;
        fclose(f);
        int dom0 = got ? xo_xen_features_dom0(buf) : -1;
        if (dom0 >= 0)
            return dom0;
    }
    f = fopen("/proc/xen/capabilities", "re");
    if (!f)
        return -1;
    bool got = fgets(buf, sizeof(buf), f) != NULL;
    fclose(f);
    return got && strstr(buf, "control_d") ? 1 : 0;
}

bool xen_host_present(void)
{
    const char *force = getenv("XL_OCI_NO_XEN");
    if (force && strcmp(force, "1") == 0)
        return false;
    if (getenv("XENSTORED_PATH") != NULL) /* a test's xenstored */
        return true;
    /* privcmd is what libxl and libxenstore's fallback need; xenfs or the
     * xen-privcmd driver provides it in every dom0, and in other domains
     * too, where libxl cannot run: a Xen guest (a cloud VM) has no Xen
     * of its own to use, and runs containers as a host without Xen does
     * (helper-63: every container failed "cannot open libxl" there). */
    if (access("/dev/xen/privcmd", F_OK) != 0 &&
        access("/proc/xen/privcmd", F_OK) != 0)
        return false;
    return xen_is_dom0() != 0;
}

int xen_open_xs(struct xen_handles *h, xo_err *err)
{
    if (h->xs)
        return 0;
    if (!xen_host_present()) {
        char dir[4096];
        if (xo_path_fmt(dir, sizeof(dir), err, "%s/status", cmd_state_root()) <
            0)
            return -1;
        h->xs = xo_xs_open_dir(dir);
        if (!h->xs)
            return xo_err_sys(err, "cannot open the status store %s", dir);
        return 0;
    }
    h->xs = xo_xs_open();
    if (!h->xs)
        return xo_err_sys(
            err,
            "cannot open xenstore (is this a Xen dom0 with xenstored running?)");
    return 0;
}

uint64_t xen_domain_maxmem_kb(struct xen_handles *h, uint32_t domid,
                              uint64_t fallback_kb)
{
    char path[64];
    /* cannot truncate: a fixed prefix and a 10-digit domid */
    snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", domid);
    unsigned len = 0;
    char *v = h->xs ? xo_xs_read(h->xs, path, &len) : NULL;
    uint64_t kb = fallback_kb;
    if (v && len > 0 && len <= 20 && strspn(v, "0123456789") == len) {
        errno = 0;
        unsigned long long n = strtoull(v, NULL, 10);
        if (!errno && n > 0)
            kb = n;
    }
    free(v);
    return kb;
}

int xen_open(struct xen_handles *h, xo_err *err)
{
    if (!xen_host_present())
        return xo_err_set(
            err, ENODEV,
            "Xen is not running on this host (no /dev/xen/privcmd)");
    if (xen_open_xs(h, err) < 0)
        return -1;
    if (h->ctx)
        return 0;
    if (xo_xenlight_load(err) < 0)
        return -1;
    /* At -vv libxl's lines are stamped like create's phases. */
    h->logger = cmd_verbose >= 2
                    ? xen_stamp_logger_new(XTL_DEBUG)
                    : (xentoollog_logger *)xtl_createlogger_stdiostream(
                          stderr, XTL_ERROR, 0);
    if (!h->logger)
        xo_oom(); /* only when malloc fails (xentoollog.h) */
    if (xo_xl.ctx_alloc(&h->ctx, LIBXL_VERSION, 0, h->logger)) {
        h->ctx = NULL;
        return xo_err_set(err, ENODEV,
                          "cannot open libxl (is this a Xen dom0?)");
    }
    return 0;
}

void xen_close(struct xen_handles *h)
{
    if (h->ctx)
        xo_xl.ctx_free(h->ctx);
    if (h->logger)
        xtl_logger_destroy(h->logger);
    if (h->xs)
        xo_xs_close(h->xs);
    memset(h, 0, sizeof(*h));
}

/* Domain domid's UUID as text into buf[40], "" when there is no such
 * domain. */
static void domain_uuid_text(struct xen_handles *h, uint32_t domid,
                             char buf[40])
{
    libxl_dominfo info;
    buf[0] = '\0';
    xo_xl.dominfo_init(&info);
    if (xo_xl.domain_info(h->ctx, &info, domid) == 0)
        /* cannot truncate: a UUID's text is 36 bytes */
        snprintf(buf, 40, LIBXL_UUID_FMT, LIBXL_UUID_BYTES(info.uuid));
    xo_xl.dominfo_dispose(&info);
}

bool xen_domain_has_uuid(struct xen_handles *h, uint32_t domid,
                         const char *uuid)
{
    char have[40];
    domain_uuid_text(h, domid, have);
    return have[0] && strcmp(have, uuid) == 0;
}

int xen_container_domid(struct xen_handles *h, const char *name,
                        const struct domain_status *st, uint32_t *domid_r)
{
    uint32_t byname;
    if (!st || !st->uuid[0])
        return xo_xl.name_to_domid(h->ctx, name, domid_r) == 0 ? 0 : -1;
    if (st->domid > 0 && st->domid < 0x7ff0 &&
        xen_domain_has_uuid(h, (uint32_t)st->domid, st->uuid)) {
        *domid_r = (uint32_t)st->domid;
        return 0;
    }
    if (xo_xl.name_to_domid(h->ctx, name, &byname) == 0 &&
        xen_domain_has_uuid(h, byname, st->uuid)) {
        *domid_r = byname;
        return 0;
    }
    return -1;
}

int xen_publish_domain(struct xen_handles *h, const char *name, uint32_t domid,
                       xo_err *err)
{
    char uuid[40];
    domain_uuid_text(h, domid, uuid);
    if (status_setf(h->xs, name, DOMAIN_STATUS_KEY_DOMID, err, "%u", domid) <
            0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_UUID, uuid, err) < 0)
        return -1;
    return 0;
}
