/*
 * devfs.h: the container's /dev, built as runc builds it rather than the
 * guest's whole devtmpfs (which holds mem, port, kmsg, the domain's disks
 * and 64 ttys): a tmpfs with null, zero, full, random, urandom and tty
 * (and console in a domain whose console is the entrypoint's terminal,
 * as runc makes /dev/console only for process.terminal), ptmx
 * pointing into /dev/pts, and the fd, stdin, stdout, stderr and core
 * links into /proc.  The same in a domain and in the host test mode.
 */
#ifndef XL_OCI_LOADER_DEVFS_H
#define XL_OCI_LOADER_DEVFS_H

#include "common/error.h"
#include "mounts.h"

/* Mounts the tmpfs on `dev` (an absolute path on this side of the switch
 * root) and fills it; /dev/pts, /dev/shm and /dev/mqueue are mount points
 * made here and mounted by the caller. */
int devfs_build(const struct loader_env *env, const char *dev, bool console,
                xo_err *err);

#endif
