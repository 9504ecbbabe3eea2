/*
 * privileges.h: what the entrypoint may do, applied in its process between
 * fork and exec in runc's order: resource limits and the bounding set
 * while still root, the user switch (run.c) with the permitted set kept,
 * then the effective, permitted and inheritable sets, the ambient set and
 * no_new_privs.  fds 0-2 are given to the container's user first, so that
 * it can reopen them (/dev/stdout, /proc/self/fd/1), as runc does with the
 * console it hands a container.
 */
#ifndef XL_OCI_LOADER_PRIVILEGES_H
#define XL_OCI_LOADER_PRIVILEGES_H

#include "bootspec.h"
#include "common/user.h"

/* Before the user switch.  -1 with errno set and *what naming the step. */
int privileges_before_user(const struct boot_spec *spec,
                           const struct xo_user_ids *ids, const char **what);

/* After the user switch, just before exec. */
int privileges_after_user(const struct boot_spec *spec, const char **what);

#endif
