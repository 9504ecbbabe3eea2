/*
 * maskpaths.h: what runc does with the runtime spec's maskedPaths and
 * readonlyPaths (and a read-only /sys), for the entrypoint's own mount
 * namespace.  Without it container root could write /proc/sys (a
 * core_pattern helper runs with every capability outside the
 * container's PID namespace; a poweroff_cmd of its choosing ends the
 * loader's orderly stop) and rebind the domain's devices through /sys.
 */
#ifndef XL_OCI_LOADER_MASKPATHS_H
#define XL_OCI_LOADER_MASKPATHS_H

#include "bootspec.h"

/*
 * In the caller's mount namespace (the entrypoint's, after its /proc is
 * mounted): /sys and the readonlyPaths remounted read-only, the
 * maskedPaths covered (/dev/null over a file, an empty read-only tmpfs
 * over a directory).  The lists are the boot spec's (v12: a runtime
 * spec's, exactly, /sys read-only unless sys-read-write) or else the
 * defaults of common/abi/masked_paths.h (which domcfg writes for runc
 * too), none of them for a privileged container (every capability in its
 * bounding set), which runc leaves unmasked too.  A path that does not
 * exist is passed over.  0, or -1 with errno and *what_r naming the path.
 */
int mounts_mask_paths(const struct boot_spec *spec, const char **what_r);

#endif
