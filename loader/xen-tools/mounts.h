/*
 * mounts.h: building the container's root inside the domain.
 *
 *   STAGING/lower   the read-only rootfs (xvda)
 *   STAGING/rw      the writable layer (tmpfs or a disk): upper/ and work/
 *   STAGING/root    overlayfs of the two, then volumes, /proc, /sys, /dev
 *                   (devfs.c), /dev/pts, /dev/shm, /dev/mqueue and a
 *                   read-only cgroup2 on /sys/fs/cgroup, as runc mounts
 *                   them; it becomes "/" by switch root
 *
 * STAGING is /xl-oci in the initramfs, or a private tmpfs in the host test
 * mode, where boot spec devices may also be mapped to loop devices or
 * directories (a directory is bind-mounted instead of mounted).
 */
#ifndef XL_OCI_LOADER_MOUNTS_H
#define XL_OCI_LOADER_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "bootspec.h"
#include "common/error.h"

#define LOADER_MAX_DEVMAP 24

struct devmap {
    const char *dev; /* as named in the boot spec, e.g. /dev/xvda */
    const char *src; /* block device or directory on the host */
};

struct loader_env {
    bool host;           /* host test mode */
    bool host_net;       /* host test mode in the caller's net namespace */
    const char *staging; /* where lower/, rw/, root/ are made */
    struct devmap devmap[LOADER_MAX_DEVMAP];
    size_t ndevmap;
    unsigned device_wait_ms;  /* how long a boot spec device may take */
    const char *late_network; /* host test mode: the late network's file */
};

/* In a domain: /proc, /sys and /dev (devtmpfs) in the initramfs. */
int mounts_early(xo_err *err);

/* Makes STAGING/root as above; *root_r points to a static buffer. */
int mounts_root(const struct loader_env *env, const struct boot_spec *spec,
                const char **root_r, xo_err *err);

/* The container's root (the overlay at `root`) read-only, its own mount
 * only: what is mounted on it keeps its mode (v6 rootfs/read-only), after
 * the loader wrote its /etc files there. */
int mounts_root_readonly(const char *root, xo_err *err);

/* Makes `root` the root of this mount namespace and chdirs to "/". */
int mounts_switch_root(const char *root, xo_err *err);

/* Before power off: unmounts the volumes (last first), best effort. */
void mounts_teardown(const struct boot_spec *spec);

#endif
