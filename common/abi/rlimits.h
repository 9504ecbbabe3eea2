/*
 * common/abi/rlimits.h: resource limit names as the OCI runtime spec
 * writes them ("RLIMIT_NOFILE"), the way both the runtime spec and the boot
 * spec carry them, and their numbers (asm-generic/resource.h, x86).  One
 * table for domcfg and the loader's init.
 *
 * Plain C, no includes of ours.
 */
#ifndef XL_OCI_COMMON_ABI_RLIMITS_H
#define XL_OCI_COMMON_ABI_RLIMITS_H

#include <stdint.h>

#define OCI_RLIMIT_COUNT 16 /* RLIMIT_CPU (0) .. RLIMIT_RTTIME (15) */
/* RLIM_INFINITY: "unlimited". */
#define OCI_RLIM_INFINITY UINT64_MAX

/* "RLIMIT_..." for 0..OCI_RLIMIT_COUNT-1, NULL otherwise. */
const char *oci_rlimit_name(int resource);

/* The number of a "RLIMIT_..." name, or -1. */
int oci_rlimit_from_name(const char *name);

#endif
