/*
 * process_limits.h: what the container's process may do, from app.cfg:
 * privileged or not (oci_privileged), resource limits (oci_rlimits, in
 * Docker's --ulimit syntax), and the capability sets both renderings
 * carry.  The defaults are Docker's: its 14 capabilities in the bounding,
 * effective and permitted sets, none inheritable or ambient; RLIMIT_NOFILE
 * soft 1024, hard 524288 (systemd's default, which containerd 2.0 and
 * Docker 25 pass on to containers).  Other limits are inherited (from
 * runc's caller, or the kernel's defaults in a domain), as under runc: a
 * runtime may not raise a hard limit above its own.
 */
#ifndef XL_OCI_DOMCFG_PROCESS_LIMITS_H
#define XL_OCI_DOMCFG_PROCESS_LIMITS_H

#include <stdint.h>

#include "common/error.h"
#include "domain_config.h"

struct app_cfg;

/* RLIMIT_NOFILE when oci_rlimits names none: soft and hard, in files. */
#define PROCESS_NOFILE_DEFAULT_SOFT 1024
#define PROCESS_NOFILE_DEFAULT_HARD 524288

/* Fills dc->privileged, dc->caps, dc->no_new_privileges and dc->rlimits
 * from app.cfg and the defaults. */
int process_limits_build(struct domain_config *dc, const struct app_cfg *ac,
                         xo_err *err);

/* The capability mask app.cfg gives the bounding, effective and
 * permitted sets (the inheritable and ambient sets are empty). */
uint64_t process_limits_caps(const struct domain_config *dc);

#endif
