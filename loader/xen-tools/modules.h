/*
 * modules.h: loading the kernel modules the initramfs carries.
 *
 * The builder (mkloader.sh) resolves the dependencies of the exact kernel's
 * modules at build time and writes MODULES_LIST: lines "GROUP PATH", each
 * group listing its whole closure, every module after its dependencies.
 * So the init needs neither modprobe nor a dependency parser: it loads the
 * groups its boot spec needs with finit_module, in file order, once each.
 */
#ifndef XL_OCI_LOADER_MODULES_H
#define XL_OCI_LOADER_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define MODULES_LIST "/xl-oci/modules"
#define MODULES_MAX 64

/*
 * Loads the modules of the `ngroups` groups named in `groups` from `list`;
 * an already loaded one is fine.  With `unlink_after` every listed file is
 * removed afterwards, loaded or not (the initramfs is RAM).
 */
int modules_load(const char *list, const char *const *groups, size_t ngroups,
                 bool unlink_after, xo_err *err);

#endif
