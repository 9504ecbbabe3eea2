/*
 * modules.h: loading the kernel modules the initramfs carries.
 *
 * The builder (mkloader.sh) resolves modules.dep of the exact kernel at
 * build time and writes MODULES_LIST: one absolute .ko path a line, every
 * module after its dependencies.  So the init needs neither modprobe nor a
 * dependency parser, only finit_module in file order.
 */
#ifndef XL_OCI_LOADER_MODULES_H
#define XL_OCI_LOADER_MODULES_H

#include <stdbool.h>

#include "error.h"

#define MODULES_LIST "/xl-oci/modules"
#define MODULES_MAX 64

/*
 * Loads every module listed in `list`; an already loaded one is fine.
 * With `unlink_after` each file is removed once loaded.
 */
int modules_load(const char *list, bool unlink_after, xo_err *err);

#endif
