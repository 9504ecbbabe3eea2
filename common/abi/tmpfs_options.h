/*
 * tmpfs_options.h: the tmpfs data a boot spec volume's "options" may
 * carry (boot_spec.h), defined once for the host that writes them
 * (domcfg: oci_volumes' SIZE, a runtime spec's tmpfs options) and the
 * loader that mounts them, which checks them again as it checks all
 * boot spec input.  Mount flags (ro, noexec, nosuid, nodev, their
 * opposites, the atime flags) are not data and are not checked here.
 */
#ifndef XL_OCI_COMMON_ABI_TMPFS_OPTIONS_H
#define XL_OCI_COMMON_ABI_TMPFS_OPTIONS_H

#include <stdbool.h>

/* A size= value: 1-19 digits and one unit letter (kKmMgG) or %, or
 * digits alone. */
bool oci_tmpfs_size_ok(const char *s);

/* One data word: size=SIZE, mode= (octal, at most 07777, 1-5 digits),
 * uid= or gid= (decimal, below 2^32, 1-10 digits). */
bool oci_tmpfs_data_word_ok(const char *w);

#endif
