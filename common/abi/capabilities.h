/*
 * common/abi/capabilities.h: Linux capability names as the OCI runtime
 * spec writes them ("CAP_CHOWN"), the way both the runtime spec and the
 * boot spec carry them, and their numbers (linux/capability.h).  domcfg
 * checks names against this table; the loader's init turns them into the
 * masks it applies.  One table, so the two can never disagree on a number.
 *
 * Plain C, no includes of ours.
 */
#ifndef XL_OCI_COMMON_ABI_CAPABILITIES_H
#define XL_OCI_COMMON_ABI_CAPABILITIES_H

#include <stdint.h>

/* CAP_CHECKPOINT_RESTORE, the last one Linux 6.1 (Debian 12) knows. */
#define OCI_CAP_LAST 40

/* "CAP_..." for 0..OCI_CAP_LAST, NULL otherwise. */
const char *oci_cap_name(int cap);

/* The number of a "CAP_..." name, or -1. */
int oci_cap_from_name(const char *name);

/* Every capability up to OCI_CAP_LAST, as a mask (what privileged gets). */
#define OCI_CAP_ALL ((UINT64_C(1) << (OCI_CAP_LAST + 1)) - 1)

#endif
