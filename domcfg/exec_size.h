/*
 * exec_size.h: args and env bounded as the kernel bounds execve()
 * (fs/exec.c): every string at most MAX_ARG_STRLEN with its NUL, all of
 * them, each with its NUL and one pointer, within a quarter of the stack
 * rlimit (oci_rlimits' stack, else the default 8 MiB; at least ARG_MAX,
 * never above what a boot spec carries).  The numbers are the boot spec's
 * (common/abi/boot_spec.h), so a process domcfg accepts is one the loader
 * and the kernel accept.
 */
#ifndef XL_OCI_DOMCFG_EXEC_SIZE_H
#define XL_OCI_DOMCFG_EXEC_SIZE_H

#include <stdint.h>

#include "common/error.h"
#include "domain_config.h"

/* Fails with E2BIG naming the string or the total and the limit hit. */
int exec_size_check(const struct domain_config *dc, xo_err *err);

/*
 * The same where a program without oci_rlimits' stack limit inherits its
 * runtime's instead of the default: under NOHYPER runc, and so the
 * container's process, starts under the limit of create's caller.
 * `inherited_soft` is that soft limit (OCI_RLIM_INFINITY for none); the
 * error names it as `limit_name` and says who adds HOME, `home_by` ("runc's":
 * "less 4096 kept for runc's HOME").  With oci_rlimits' stack limit, as
 * exec_size_check().
 */
int exec_size_check_inherited(const struct domain_config *dc,
                              uint64_t inherited_soft, const char *limit_name,
                              const char *home_by, xo_err *err);

#endif
