/*
 * exec_size.h: args and env bounded as the kernel bounds execve()
 * (fs/exec.c): every string at most MAX_ARG_STRLEN with its NUL, all of
 * them, each with its NUL and one pointer, within a quarter of the stack
 * rlimit (oci_rlimits' stack, else the default 8 MiB; at least ARG_MAX,
 * never above what a boot spec carries).  The numbers are the boot spec's (common/abi/boot_spec.h), so a
 * process domcfg accepts is one the loader and the kernel accept.
 */
#ifndef XL_OCI_DOMCFG_EXEC_SIZE_H
#define XL_OCI_DOMCFG_EXEC_SIZE_H

#include "common/error.h"
#include "domain_config.h"

/* Fails with E2BIG naming the string or the total and the limit hit. */
int exec_size_check(const struct domain_config *dc, xo_err *err);

#endif
