/*
 * platform.h: image platforms (the OCI image-spec's os, architecture
 * and variant) as this host reads them.
 *
 * Names are compared as containerd's platforms.Normalize makes them
 * (docker's and containerd's pull and import both take them so): the os
 * without regard to case, the architecture by its aliases (x86_64 and
 * x86-64 are amd64, aarch64 is arm64, i386 is 386, armhf and armel are
 * arm), also without regard to case.
 */
#ifndef XL_OCI_COMMON_PLATFORM_H
#define XL_OCI_COMMON_PLATFORM_H

#include <stdbool.h>

/* Whether os/arch (either NULL: no) names the platform want_os/want_arch. */
bool xo_platform_matches(const char *os, const char *arch, const char *want_os,
                         const char *want_arch);

/*
 * The microarchitecture level of amd64 this CPU runs (the psABI's
 * x86-64-v1 to v4; an image index's "variant" of amd64 names one): 1 to
 * 4, from CPUID.  A Xen PV domain sees the CPUID dom0 sees, less what the
 * toolstack masks; 1 when it cannot be told.
 */
int xo_cpu_amd64_level(void);

/*
 * The level an amd64 variant asks for: none (NULL or "") and "v1" are 1,
 * "v2" to "v4" are 2 to 4, anything else 0 (unknown).
 */
int xo_amd64_variant_level(const char *variant);

/*
 * Whether the features word Xen gives a kernel (a line of
 * /sys/hypervisor/properties/features: one 8-digit hex word per submap,
 * submap 0 last) has XENFEAT_dom0 (bit 11, xen/include/public/
 * features.h): 1 (a control domain), 0 (another domain), -1 when the
 * line holds no hex digits.
 */
int xo_xen_features_dom0(const char *line);

#endif
