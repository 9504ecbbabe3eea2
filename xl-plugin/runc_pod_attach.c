/* runc_pod_attach.c: a pod member's root disk in its pod's domain
 * (runc_pod_member.h); in xl-oci-runc, beside the other libxl callers. */
#include "runc_pod_member.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/abi/exec_channel.h"
#include "common/alloc.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "common/xenlight_lib.h"
#include "domcfg/domcfg.h"
#include "loopdev.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

/* The first of xvdb..xvdz the domain has no disk at; ENOSPC when none. */
static int free_vdev(struct xen_handles *h, uint32_t domid, char out[8],
                     const char *pod, xo_err *err)
{
    int n = 0;
    libxl_device_disk *disks = xo_xl.device_disk_list(h->ctx, domid, &n);
    int rc = xo_err_set(
        err, ENOSPC, "pod domain %s has no free disk name (xvdb..xvdz)", pod);
    for (char c = 'b'; c <= 'z' && rc < 0; c++) {
        char v[8] = {'x', 'v', 'd', c, '\0'};
        bool used = false;
        for (int i = 0; i < n && !used; i++)
            used = disks[i].vdev && strcmp(disks[i].vdev, v) == 0;
        if (!used) {
            memcpy(out, v, sizeof(v));
            xo_err_clear(err);
            err->errnum = 0;
            rc = 0;
        }
    }
    if (disks)
        xo_xl.device_disk_list_free(disks, n);
    return rc;
}

/* The pod domain's domid, as the other verbs find a container's. */
static int pod_domid(struct xen_handles *h, const char *pod, uint32_t *domid,
                     xo_err *err)
{
    struct domain_status st;
    if (status_read_target(h->xs, pod, &st, err) < 0)
        return xo_err_wrap(err, "pod domain %s", pod);
    /* Paused too: its disk waits for the guest as the member's start
     * waits for the pod to run (placeholder_pod_member.c). */
    if (st.state != DOMAIN_STATE_RUNNING && st.state != DOMAIN_STATE_BOOTING &&
        st.state != DOMAIN_STATE_PAUSED)
        return xo_err_set(err, EINVAL,
                          "pod domain %s is %s: its sandbox must run first",
                          pod, domain_state_to_string(st.state));
    if (xen_container_domid(h, pod, &st, domid) < 0)
        return xo_err_set(err, ENOENT, "pod domain %s: no domain", pod);
    return 0;
}

/* Writes the member's boot spec (its root on s->pod_vdev). */
static int write_spec(struct domain_config *dc, const char *vdev,
                      const char *dir, xo_err *err)
{
    char path[4200];
    void *blob = NULL;
    size_t len = 0;
    free(dc->rootfs_vdev);
    dc->rootfs_vdev = xo_xstrdup(vdev);
    /* The pod's network is the domain's: no interface of its own. */
    dc->late_network = false;
    if (domcfg_to_boot_spec(&blob, &len, dc, err) < 0)
        return -1;
    int rc = 0;
    if (len > EXEC_CONTAINER_SPEC_MAX)
        rc = xo_err_set(
            err, E2BIG,
            "the container's boot spec is %zu bytes, a pod's member may have %d",
            len, EXEC_CONTAINER_SPEC_MAX);
    else if (xo_path_fmt(path, sizeof(path), err, "%s/" RUNC_POD_MEMBER_SPEC,
                         dir) < 0 ||
             xo_write_file_atomic(path, blob, len, 0600, err) < 0)
        rc = -1;
    free(blob);
    return rc;
}

/* Attaches `image` read-only as `vdev` of domid (loopdev.h's loop device,
 * the phy backend, block-loop as its hotplug script). */
static int add_disk(struct xen_handles *h, uint32_t domid, const char *image,
                    const char *vdev, const char *pod, xo_err *err)
{
    const char *script = NULL;
    char dev[32];
    if (cmd_block_script(&script, err) < 0)
        return -1;
    int fd = loopdev_attach(image, true, dev, sizeof(dev),
                            LOOPDEV_WAIT_CREATE_MS, err);
    if (fd < 0)
        return -1;
    libxl_device_disk d;
    xo_xl.device_disk_init(&d);
    d.pdev_path = xo_xstrdup(dev);
    d.vdev = xo_xstrdup(vdev);
    d.backend = LIBXL_DISK_BACKEND_PHY;
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.readwrite = 0;
    d.script = script ? xo_xstrdup(script) : NULL;
    int rc = 0;
    if (xo_xl.device_disk_add(h->ctx, domid, &d, NULL) != 0)
        rc = xo_err_set(err, EIO,
                        "libxl could not add %s (%s) to pod domain %s as %s",
                        image, dev, pod, vdev);
    xo_xl.device_disk_dispose(&d);
    /* Autoclear: blkback holds the device now, or nobody does. */
    close(fd);
    return rc;
}

/*
 * Grows the pod domain's memory target by the member's limit (`mb`), as
 * Kata adds a container's limit to its VM: within the maxmem the domain
 * was created with (its sandbox's org.xl-oci.memory-max gives room), else
 * refused naming both.  Relative, so that a member's delete can take back
 * exactly its share.
 */
static int grow_memory(struct xen_handles *h, uint32_t domid, long mb,
                       const char *pod, xo_err *err)
{
    uint64_t target_kb = 0;
    if (xo_xl.get_memory_target(h->ctx, domid, &target_kb) != 0)
        return xo_err_set(err, EIO,
                          "libxl could not read pod domain %s's memory target",
                          pod);
    uint64_t max_kb = xen_domain_maxmem_kb(h, domid, target_kb);
    if (target_kb + (uint64_t)mb * 1024 > max_kb)
        return xo_err_set(
            err, ENOMEM,
            "pod domain %s cannot grow by the container's memory.limit of %ld MiB: it has %llu MiB of a maxmem of %llu MiB (give its sandbox room with org.xl-oci.memory-max)",
            pod, mb, (unsigned long long)(target_kb / 1024),
            (unsigned long long)(max_kb / 1024));
    if (xo_xl.set_memory_target(h->ctx, domid, (int64_t)mb * 1024, 1, 1) != 0)
        return xo_err_set(
            err, EIO, "libxl could not grow pod domain %s by %ld MiB", pod, mb);
    return 0;
}

int runc_pod_member_attach(struct runc_state *s, struct domain_config *dc,
                           const struct runc_global *g,
                           const struct runc_state *sb, const char *dir,
                           const char *spec_path, xo_err *err)
{
    if (runc_pod_member_check(dc, spec_path, err) < 0)
        return -1;
    char sbdir[4096], lock[4200], spec[4200];
    if (runc_state_dir(sbdir, sizeof(sbdir), g, sb->id, err) < 0 ||
        xo_path_fmt(lock, sizeof(lock), err, "%s/" RUNC_POD_LOCK, sbdir) < 0 ||
        xo_path_fmt(spec, sizeof(spec), err, "%s/" RUNC_POD_MEMBER_SPEC, dir) <
            0)
        return -1;
    struct xen_handles h;
    memset(&h, 0, sizeof(h));
    if (xen_open(&h, err) < 0)
        return -1;
    /* Two members' creates must not pick the same xvd. */
    int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    int rc = -1;
    uint32_t domid = 0;
    char vdev[8];
    if (lfd < 0 || flock(lfd, LOCK_EX) < 0) {
        xo_err_sys(err, "%s", lock);
        goto out;
    }
    if (pod_domid(&h, sb->name, &domid, err) < 0 ||
        free_vdev(&h, domid, vdev, sb->name, err) < 0 ||
        write_spec(dc, vdev, dir, err) < 0)
        goto out;
    long mb = dc->container_memory_mb;
    if (mb > 0 && grow_memory(&h, domid, mb, sb->name, err) < 0) {
        unlink(spec);
        goto out;
    }
    if (add_disk(&h, domid, dc->rootfs_image, vdev, sb->name, err) < 0) {
        if (mb > 0)
            xo_xl.set_memory_target(h.ctx, domid, -(int64_t)mb * 1024, 1, 1);
        unlink(spec);
        goto out;
    }
    memcpy(s->pod, sb->name, sizeof(s->pod));
    memcpy(s->pod_vdev, vdev, sizeof(s->pod_vdev));
    s->pod_memory_mb = mb > 0 ? mb : 0;
    rc = 0;
out:
    if (lfd >= 0)
        close(lfd);
    xen_close(&h);
    return rc;
}

int runc_pod_member_detach(struct runc_state *s, xo_err *err)
{
    if (!s->pod[0])
        return 0;
    struct xen_handles h;
    memset(&h, 0, sizeof(h));
    if (xen_open(&h, err) < 0)
        return -1;
    struct domain_status st;
    uint32_t domid;
    xo_err e = XO_ERR_INIT;
    int rc = 0;
    if (status_read_target(h.xs, s->pod, &st, &e) < 0 ||
        xen_container_domid(&h, s->pod, &st, &domid) < 0) {
        xo_err_clear(&e); /* the pod's domain is gone, its disks with it */
        xen_close(&h);
        return 0;
    }
    libxl_device_disk d;
    xo_xl.device_disk_init(&d);
    if (xo_xl.vdev_to_device_disk(h.ctx, domid, s->pod_vdev, &d) == 0 &&
        xo_xl.device_disk_remove(h.ctx, domid, &d, NULL) != 0 &&
        xo_xl.device_disk_destroy(h.ctx, domid, &d, NULL) != 0)
        rc =
            xo_err_set(err, EIO, "libxl could not remove %s from pod domain %s",
                       s->pod_vdev, s->pod);
    xo_xl.device_disk_dispose(&d);
    /* The container is gone with its disk: its memory goes back, once
     * (the caller saves the state with pod_memory_mb cleared). */
    if (rc == 0 && s->pod_memory_mb > 0) {
        if (xo_xl.set_memory_target(
                h.ctx, domid, -(int64_t)s->pod_memory_mb * 1024, 1, 1) != 0)
            rc = xo_err_set(err, EIO,
                            "libxl could not give pod domain %s back %ld MiB",
                            s->pod, s->pod_memory_mb);
        else
            s->pod_memory_mb = 0;
    }
    xen_close(&h);
    return rc;
}
