/*
 * common/abi/boot_spec.h: the boot spec, the one contract between domcfg
 * (domcfg/render_boot_spec.c writes it in dom0) and the loader's init
 * (loader/xen-tools/bootspec.c reads it inside the domain).  Both sides
 * compile against these names and limits, as xenstored, libxenstore and
 * guest kernels all compile against Xen's public/io/xs_wire.h; the format
 * itself is described in docs/boot-spec.md.
 *
 * The blob is a flattened device tree (libfdt) carried in the domain's
 * initramfs at BOOT_SPEC_INITRAMFS_PATH.  Every string is NUL-terminated
 * and at most BOOT_SPEC_MAX_STR bytes with its NUL; lists are FDT
 * stringlists; numbers are one u32 cell.  Children of `mounts` and
 * `network` are "PREFIX@N" with a one-cell `reg` equal to N, numbered
 * from 0 without gaps.
 *
 * Plain C, no includes: host and guest code include it alike.
 */
#ifndef XL_OCI_COMMON_ABI_BOOT_SPEC_H
#define XL_OCI_COMMON_ABI_BOOT_SPEC_H

/* Root properties. */
#define BOOT_SPEC_COMPATIBLE "xl-oci,boot-spec"
#define BOOT_SPEC_VERSION 1 /* a reader refuses any version it does not know */

/* Where the blob is in the initramfs (archive member name, no leading /). */
#define BOOT_SPEC_INITRAMFS_DIR "xl-oci"
#define BOOT_SPEC_INITRAMFS_PATH BOOT_SPEC_INITRAMFS_DIR "/boot-spec.dtb"
/* The same file as the guest's init sees it. */
#define BOOT_SPEC_GUEST_PATH "/" BOOT_SPEC_INITRAMFS_PATH

/* Limits.  The whole blob bounds the total bytes of args and env. */
#define BOOT_SPEC_MAX_BLOB (64 * 1024) /* bytes */
#define BOOT_SPEC_MAX_STR 4096         /* bytes of one string, NUL included */
#define BOOT_SPEC_MAX_ARGS 256         /* entries of process/args */
#define BOOT_SPEC_MAX_ENV 1024         /* entries of process/env */
#define BOOT_SPEC_MAX_HOSTNAME 64      /* bytes, letters digits '-' '.' */
#define BOOT_SPEC_MAX_MOUNTS 16        /* mount@N children */
#define BOOT_SPEC_MAX_IFACES 8         /* interface@N children */
#define BOOT_SPEC_MAX_DNS 4            /* entries of network/dns */
#define BOOT_SPEC_MAX_SIGNAL 64        /* SIGRTMAX on Linux */

/* Property names used in several nodes. */
#define BOOT_SPEC_PROP_COMPATIBLE "compatible"
#define BOOT_SPEC_PROP_VERSION "version"
#define BOOT_SPEC_PROP_HOSTNAME "hostname"
#define BOOT_SPEC_PROP_ADDRESS_CELLS "#address-cells"
#define BOOT_SPEC_PROP_SIZE_CELLS "#size-cells"
#define BOOT_SPEC_PROP_REG "reg"
#define BOOT_SPEC_PROP_DEVICE "device"
#define BOOT_SPEC_PROP_FSTYPE "fstype"

/* /process: what to run. */
#define BOOT_SPEC_NODE_PROCESS "process"
#define BOOT_SPEC_PROP_ARGS "args"                 /* stringlist, >= 1 */
#define BOOT_SPEC_PROP_ENV "env"                   /* stringlist KEY=VALUE */
#define BOOT_SPEC_PROP_CWD "cwd"                   /* absolute path */
#define BOOT_SPEC_PROP_USER "user"                 /* OCI User, "" = root */
#define BOOT_SPEC_PROP_STOP_SIGNAL "stop-signal"   /* u32, 1..MAX_SIGNAL */
#define BOOT_SPEC_PROP_STOP_TIMEOUT "stop-timeout" /* u32, seconds */

/* /rootfs: the read-only image (device, fstype). */
#define BOOT_SPEC_NODE_ROOTFS "rootfs"

/* /writable: the container's upper layer. */
#define BOOT_SPEC_NODE_WRITABLE "writable"
#define BOOT_SPEC_PROP_TYPE "type"
#define BOOT_SPEC_WRITABLE_TMPFS "tmpfs" /* optional size */
#define BOOT_SPEC_WRITABLE_DISK "disk"   /* device and fstype */
#define BOOT_SPEC_PROP_SIZE "size"

/* /mounts/mount@N: volumes, mounted in N order. */
#define BOOT_SPEC_NODE_MOUNTS "mounts"
#define BOOT_SPEC_NODE_MOUNT "mount"
#define BOOT_SPEC_PROP_TARGET "target"
#define BOOT_SPEC_PROP_OPTIONS "options"
#define BOOT_SPEC_PROP_READ_ONLY "read-only" /* empty property */

/* /network: DNS and interface@N, each found by its MAC in the guest. */
#define BOOT_SPEC_NODE_NETWORK "network"
#define BOOT_SPEC_PROP_DNS "dns" /* stringlist of IP addresses */
#define BOOT_SPEC_NODE_INTERFACE "interface"
#define BOOT_SPEC_PROP_MAC "mac"         /* "xx:xx:xx:xx:xx:xx" */
#define BOOT_SPEC_PROP_ADDRESS "address" /* "A.B.C.D/N" */
#define BOOT_SPEC_PROP_GATEWAY "gateway" /* "A.B.C.D" */

#endif
