/*
 * create_ramdisk.h: a Xen domain's ramdisk (the loader's initramfs and its
 * boot spec, loader.h) is needed only while libxl builds the domain, which
 * copies it into the domain's memory.  Kept in the state dir after that it
 * would cost dom0 1 MiB (own kernel) to 4.4 MiB (Debian's, with modules)
 * of disk per container for nothing, on edge boxes whose state root is
 * often a RAM disk: create removes it once the domain exists, and a
 * domain created again from its saved config (a restart, autostart)
 * makes it afresh from the saved boot spec.
 */
#ifndef XL_OCI_XL_PLUGIN_CREATE_RAMDISK_H
#define XL_OCI_XL_PLUGIN_CREATE_RAMDISK_H

#include <libxl.h>

#include "common/error.h"

/*
 * Makes the ramdisk `d` names again when it is the container's own (the
 * state dir's STATE_FILE_RAMDISK of c_info.name) and missing; a ramdisk
 * elsewhere, or one that exists, is left as it is.  Errors name the boot
 * spec or loader file at fault.
 */
int create_ramdisk_restore(const libxl_domain_config *d, xo_err *err);

/* Removes the container's own ramdisk `d` names (as above); anything
 * else is left alone.  Quiet: a ramdisk left behind only costs space. */
void create_ramdisk_drop(const libxl_domain_config *d);

#endif
