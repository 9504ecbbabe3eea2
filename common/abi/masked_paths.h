/*
 * common/abi/masked_paths.h: the paths a container's /proc and /sys keep
 * from it unless it is privileged, as Docker and containerd default them
 * (moby oci/defaults.go, containerd oci/spec.go): masked (an empty
 * read-only tmpfs over a directory, /dev/null over a file) and read-only.
 * One list for both renderings: domcfg writes them into a NOHYPER
 * container's runtime spec (maskedPaths, readonlyPaths) for runc, and the
 * loader's init applies them to the entrypoint's mount namespace.
 *
 * Plain C, no includes of ours.
 */
#ifndef XL_OCI_COMMON_ABI_MASKED_PATHS_H
#define XL_OCI_COMMON_ABI_MASKED_PATHS_H

/* Initialisers of `const char *const x[]`. */
#define OCI_DEFAULT_MASKED_PATHS                                               \
    "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",                 \
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",        \
        "/proc/sched_debug", "/proc/scsi", "/sys/firmware",                    \
        "/sys/devices/virtual/powercap"
#define OCI_DEFAULT_READONLY_PATHS                                             \
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"

#endif
