/* qdisk_share.c: the sharing rule for qdisk-served files (qdisk_share.h). */
#include "qdisk_share.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define QDISK_BACKENDS "/local/domain/0/backend/qdisk"

static bool served_by_qemu(const libxl_device_disk *disk)
{
    return disk->pdev_path && (disk->format == LIBXL_DISK_FORMAT_QCOW2 ||
                               disk->backend == LIBXL_DISK_BACKEND_QDISK);
}

/* A value of backend node `dir`/`key`, NUL-terminated, or NULL. */
static char *read_key(struct xo_xs *xs, const char *dir, const char *key)
{
    char path[256];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, key);
    if (n < 0 || (size_t)n >= sizeof(path))
        return NULL;
    return xo_xs_read(xs, path, NULL);
}

/*
 * One backend: its file (libxl writes params as "FORMAT:PATH") when it is
 * `want`'s, and whether it writes.  1 when it conflicts with a use of
 * `want` (`writes`: the new disk's mode), 0 when not.
 */
static int conflicts(struct xo_xs *xs, const char *dir, const struct stat *want,
                     bool writes)
{
    char *params = read_key(xs, dir, "params");
    char *mode = read_key(xs, dir, "mode");
    int rc = 0;
    const char *colon = params ? strchr(params, ':') : NULL;
    const char *file = colon ? colon + 1 : params;
    struct stat st;
    if (file && *file == '/' && stat(file, &st) == 0 &&
        st.st_dev == want->st_dev && st.st_ino == want->st_ino) {
        bool other_writes = !mode || strcmp(mode, "r") != 0;
        rc = writes || other_writes;
    }
    free(params);
    free(mode);
    return rc;
}

/* The domain's name, for the message; false when the domain is gone (a
 * backend left behind serves no one). */
static bool domain_name(struct xo_xs *xs, const char *domid, char *out,
                        size_t len)
{
    char path[64];
    int n = snprintf(path, sizeof(path), "/local/domain/%s/name", domid);
    if (n < 0 || (size_t)n >= sizeof(path))
        return false;
    char *v = xo_xs_read(xs, path, NULL);
    if (!v)
        return false;
    /* cannot truncate: a shorter name only shortens the message */
    snprintf(out, len, "%s", v);
    free(v);
    return true;
}

static int check_disk(struct xo_xs *xs, const libxl_device_disk *disk,
                      xo_err *err)
{
    struct stat want;
    if (stat(disk->pdev_path, &want) < 0)
        return 0; /* libxl says why it cannot open it */
    unsigned nd = 0;
    char **domids = xo_xs_directory(xs, QDISK_BACKENDS, &nd);
    int rc = 0;
    for (unsigned i = 0; i < nd && rc == 0; i++) {
        char dom[128];
        int n = snprintf(dom, sizeof(dom), QDISK_BACKENDS "/%s", domids[i]);
        if (n < 0 || (size_t)n >= sizeof(dom))
            continue;
        unsigned nv = 0;
        char **devs = xo_xs_directory(xs, dom, &nv);
        for (unsigned j = 0; j < nv && rc == 0; j++) {
            char dir[256];
            n = snprintf(dir, sizeof(dir), "%s/%s", dom, devs[j]);
            if (n < 0 || (size_t)n >= sizeof(dir) ||
                !conflicts(xs, dir, &want, disk->readwrite))
                continue;
            char name[72];
            if (!domain_name(xs, domids[i], name, sizeof(name)))
                continue;
            rc = xo_err_set(
                err, EBUSY,
                "disk image %s is in use by domain %s (domid %s), served by QEMU%s: two domains writing to one image corrupt it",
                disk->pdev_path, name, domids[i],
                disk->readwrite ? "" : " read-write");
        }
        free(devs);
    }
    free(domids);
    return rc;
}

int xen_qdisk_check_sharing(struct xo_xs *xs, const libxl_domain_config *d,
                            xo_err *err)
{
    for (int i = 0; i < d->num_disks; i++)
        if (served_by_qemu(&d->disks[i]) &&
            check_disk(xs, &d->disks[i], err) < 0)
            return -1;
    return 0;
}
