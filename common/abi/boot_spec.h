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

/*
 * Root properties.  Version 2 added network/search and, per interface,
 * address6, gateway6 and mtu.  Version 3 added process/capabilities (then
 * required), process/rlimits and process/no-new-privileges; domcfg always
 * writes them, so it writes version 3.  A reader takes every version from
 * BOOT_SPEC_VERSION_MIN to BOOT_SPEC_VERSION, refuses a property in a spec
 * older than the property, and runs an older spec's entrypoint as before:
 * every capability, no limits set.  Version 4 added late-network (below)
 * and process/terminal; domcfg writes version 4 only for a spec that has
 * one of them, else version 3.  Version 5 added mount/subpath (below);
 * domcfg writes version 5 only for a spec that has one.  Version 6 added
 * mount/inline, the binds node (below), process/groups, process/umask and
 * rootfs/read-only, written only with them.  Version 7 added mount/share
 * (below), written only with it.  Version 8 added the root's sysctl
 * (below), written only with it.  Version 9 added process/stdin-null,
 * which domcfg writes for every entrypoint without a terminal whose
 * app.cfg does not ask for the console as stdin (oci_stdin).  Version 10
 * added network/dns-forward, written only with it.  Version 11 added
 * network/dns-domains, written with dns-forward when a server is a
 * network's.  Version 12 added process/masked-paths, readonly-paths and
 * sys-read-write (below), written only for a runtime spec's container
 * (xl-oci-runc).
 */
#define BOOT_SPEC_COMPATIBLE "xl-oci,boot-spec"
#define BOOT_SPEC_VERSION 12
#define BOOT_SPEC_VERSION_MIN 1

/* Where the blob is in the initramfs (archive member name, no leading /). */
#define BOOT_SPEC_INITRAMFS_DIR "xl-oci"
#define BOOT_SPEC_INITRAMFS_PATH BOOT_SPEC_INITRAMFS_DIR "/boot-spec.dtb"
/* The same file as the guest's init sees it. */
#define BOOT_SPEC_GUEST_PATH "/" BOOT_SPEC_INITRAMFS_PATH

/*
 * Limits.  args and env are bounded as the kernel bounds execve(), by
 * bytes, not by count: each string with its NUL plus one pointer, all of
 * them together at most a quarter of the stack rlimit (2 MiB at the
 * default 8 MiB, fs/exec.c), each string at most MAX_ARG_STRLEN (32 pages)
 * with its NUL.  BOOT_SPEC_EXEC_RESERVE of that is kept for what the
 * loader adds (HOME=, from /etc/passwd, at most 256 bytes), so that what
 * domcfg accepts always execs.  The blob has room for all of it and the
 * rest of the spec.
 */
#define BOOT_SPEC_MAX_BLOB (4 * 1024 * 1024) /* bytes */
#define BOOT_SPEC_MAX_STR 4096 /* bytes of one other string, NUL included */
#define BOOT_SPEC_EXEC_LIMIT (2 * 1024 * 1024) /* bytes, as execve counts */
#define BOOT_SPEC_EXEC_RESERVE 4096            /* bytes kept for the loader */
#define BOOT_SPEC_EXEC_PTR 8 /* bytes execve counts per string (a pointer) */
/* args + env, counted as execve counts them. */
#define BOOT_SPEC_MAX_EXEC_BYTES (BOOT_SPEC_EXEC_LIMIT - BOOT_SPEC_EXEC_RESERVE)
/* One entry of process/args or process/env, NUL included (MAX_ARG_STRLEN). */
#define BOOT_SPEC_MAX_ARG_STRLEN (32 * 4096)
#define BOOT_SPEC_MAX_HOSTNAME 64 /* bytes, letters digits '-' '_' '.' */
#define BOOT_SPEC_MAX_MOUNTS 16   /* mount@N children */
#define BOOT_SPEC_MAX_IFACES 8    /* interface@N children */
#define BOOT_SPEC_MAX_DNS 4       /* entries of network/dns */
#define BOOT_SPEC_MAX_SEARCH 4    /* entries of network/search (v2) */
#define BOOT_SPEC_MAX_SIGNAL 64   /* SIGRTMAX on Linux */
#define BOOT_SPEC_MAX_DOMAIN 253  /* bytes of a search domain */
#define BOOT_SPEC_MIN_MTU 68      /* IPv4's minimum (RFC 791) */
#define BOOT_SPEC_MIN_MTU6 1280   /* IPv6's minimum (RFC 8200) */
#define BOOT_SPEC_MAX_MTU 65535

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
/* v3: empty property; the entrypoint runs with PR_SET_NO_NEW_PRIVS. */
#define BOOT_SPEC_PROP_NO_NEW_PRIVILEGES "no-new-privileges"
/* v4: empty property; the runtime spec's process.terminal.  The console
 * (the entrypoint's stdio) becomes the entrypoint's controlling terminal,
 * with the tty's own output processing ("\n" -> "\r\n"); without it the
 * console is a plain byte stream, as runc's pipes are. */
#define BOOT_SPEC_PROP_TERMINAL "terminal"
/* v9: empty property; the entrypoint's stdin is /dev/null, as runc's is
 * without a terminal (and Docker's without -i), so a program that reads
 * it (a bare `sh`) ends rather than wait for console input.  Absent: the
 * console, as in specs before version 9. */
#define BOOT_SPEC_PROP_STDIN_NULL "stdin-null"
/* v6: the entrypoint's groups, exactly: u32 cells, the primary group
 * first, at most BOOT_SPEC_MAX_GROUPS (the runtime spec's user.gid and
 * additionalGids: CRI adds a pod's fsGroup and supplementalGroups, which
 * the image's /etc/group does not list).  Absent: the groups `user` has
 * in the image's /etc/group. */
#define BOOT_SPEC_PROP_GROUPS "groups"
#define BOOT_SPEC_MAX_GROUPS 256
/* v6: u32, 0 to 0777: the entrypoint's umask (the runtime spec's
 * process.user.umask); absent: 022, the kernel's. */
#define BOOT_SPEC_PROP_UMASK "umask"

/*
 * v12: the runtime spec's linux.maskedPaths and linux.readonlyPaths,
 * exactly: stringlists (either may be empty; both or neither) of at most
 * BOOT_SPEC_MAX_PATH_LIST absolute paths in the container, each without
 * an empty, "." or ".." component and at most BOOT_SPEC_MAX_STR bytes
 * with its NUL.  With them the entrypoint's mount namespace gets these
 * masks and read-only remounts and no others, and /sys is read-only
 * unless the empty property sys-read-write is there too (the bundle's
 * sysfs mount without "ro": Docker's and containerd's privileged).
 * Without them (app.cfg's containers), the lists of
 * common/abi/masked_paths.h and a read-only /sys, none of it when the
 * bounding set is every capability (oci_privileged).
 */
#define BOOT_SPEC_PROP_MASKED_PATHS "masked-paths"
#define BOOT_SPEC_PROP_READONLY_PATHS "readonly-paths"
#define BOOT_SPEC_PROP_SYS_READ_WRITE "sys-read-write"
#define BOOT_SPEC_MAX_PATH_LIST 64

/* v3 /process/capabilities: the runtime spec's five sets, each a
 * stringlist of names of common/abi/capabilities.h (may be empty). */
#define BOOT_SPEC_NODE_CAPABILITIES "capabilities"
#define BOOT_SPEC_PROP_CAP_BOUNDING "bounding"
#define BOOT_SPEC_PROP_CAP_EFFECTIVE "effective"
#define BOOT_SPEC_PROP_CAP_PERMITTED "permitted"
#define BOOT_SPEC_PROP_CAP_INHERITABLE "inheritable"
#define BOOT_SPEC_PROP_CAP_AMBIENT "ambient"

/* v3 /process/rlimits: one property per limit set, named as
 * common/abi/rlimits.h names it ("RLIMIT_NOFILE"), holding two 64-bit
 * cells <soft hard> (dtc: /bits/ 64 <1024 1024>); UINT64_MAX = unlimited. */
#define BOOT_SPEC_NODE_RLIMITS "rlimits"

/* /rootfs: the read-only image (device, fstype).  v6: with the empty
 * property read-only (the runtime spec's root.readonly, Kubernetes'
 * readOnlyRootFilesystem) the container's root, the overlay, is made
 * read-only once the loader wrote its /etc files; volumes and the
 * kernel file systems mounted on it keep their own modes. */
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
/*
 * v5: a bind mount of one entry of the device's file system: the device
 * (ext4) is mounted once, outside the container's root, and SUBPATH (a
 * relative path without "." or ".." components, at most
 * BOOT_SPEC_MAX_SUBPATH bytes) is bind-mounted on target, a file on a
 * file and a directory on a directory (created as runc creates a bind's
 * mount point), read-only with read-only, always nosuid and nodev.
 * xl-oci-runc's copies of a runtime spec's bind mounts (docs/decisions.md,
 * "Bind mounts of a runtime spec are copied into the domain").  Options
 * are empty.  A file the loader writes itself (/etc/hosts, /etc/hostname,
 * /etc/resolv.conf) is left alone when a subpath mount targets it or a
 * directory above it.
 */
#define BOOT_SPEC_PROP_SUBPATH "subpath"
#define BOOT_SPEC_MAX_SUBPATH 64

/*
 * v6: bind copies carried in the spec itself, sparing the domain a disk
 * (xl-oci-runc's choice when a runtime spec's bind sources are small,
 * as CRI's /etc files are).  A subpath mount with the empty property
 * `inline` has no device and no fstype: its subpath names an entry of
 * /binds.  /binds/entry@N (a one-cell reg equal to N, from 0 without
 * gaps, at most BOOT_SPEC_MAX_INLINE_ENTRIES) are created in N order, a
 * directory before what it holds, in a tmpfs of the loader's own outside
 * the container's root (nosuid, nodev); then each inline mount binds its
 * entry as a v5 subpath mount binds a device's.
 *   path  string: relative, no empty, "." or ".." component; its parent
 *         is an earlier directory entry (or none: a mount's top entry)
 *   mode  u32: st_mode, S_IFREG, S_IFDIR or S_IFLNK with permission bits
 *         (07777)
 *   uid, gid  u32: the owner
 *   data  bytes of a regular file (absent: an empty file); all of them
 *         together at most BOOT_SPEC_MAX_INLINE_BYTES
 *   link  string: a symlink's target (only and always for S_IFLNK)
 */
#define BOOT_SPEC_PROP_INLINE "inline" /* v6: empty property of a mount */
#define BOOT_SPEC_NODE_BINDS "binds"
#define BOOT_SPEC_NODE_BIND_ENTRY "entry"
#define BOOT_SPEC_PROP_PATH "path"
#define BOOT_SPEC_PROP_MODE "mode"
#define BOOT_SPEC_PROP_UID "uid"
#define BOOT_SPEC_PROP_GID "gid"
#define BOOT_SPEC_PROP_DATA "data"
#define BOOT_SPEC_PROP_LINK "link"
#define BOOT_SPEC_MAX_INLINE_BYTES (1024 * 1024) /* file data, all entries */
#define BOOT_SPEC_MAX_INLINE_ENTRIES 1024

/*
 * v7: a directory of dom0 shared live (oci_volumes "share:/DIR:/TARGET",
 * xl-oci-runc's shared binds): a mount with `share` names the 9p mount tag
 * of one of the domain's Xen 9pfs devices (libxl p9, served by the QEMU
 * libxl starts in dom0) and has no device, fstype, subpath or inline, and
 * empty options.  The loader mounts it on target (resolved inside the
 * container's root, as a volume's target) as 9p over the Xen transport,
 * 9P2000.L, permission checks in the guest's kernel (access=client),
 * nosuid and nodev, read-only with read-only.  A tag is BOOT_SPEC_SHARE_TAG
 * followed by the mount's index, at most BOOT_SPEC_MAX_SHARE_TAG bytes.
 */
#define BOOT_SPEC_PROP_SHARE "share"
#define BOOT_SPEC_SHARE_TAG "xl-oci-share"
#define BOOT_SPEC_MAX_SHARE_TAG 31 /* bytes, NUL excluded */

/*
 * v8, optional: the root's `sysctl`, a stringlist of "NAME=VALUE" (the
 * runtime spec's linux.sysctl, app.cfg's oci_sysctl), at most
 * OCI_SYSCTL_MAX entries, each checked by common/abi/sysctl.h's rules, no
 * name twice.  The loader writes VALUE to /proc/sys/NAME (dots become
 * slashes) in order, after the network is up and before the entrypoint
 * runs; one that fails (a name this kernel has not, a value it refuses)
 * fails the container, naming it, as runc does.
 */
#define BOOT_SPEC_PROP_SYSCTL "sysctl"

/*
 * /network: DNS and interface@N, each found by its MAC in the guest.  At
 * most one interface has a gateway, and at most one a gateway6: the
 * default route of each family.
 */
#define BOOT_SPEC_NODE_NETWORK "network"
#define BOOT_SPEC_PROP_DNS "dns"       /* stringlist of IPv4/IPv6 addresses */
#define BOOT_SPEC_PROP_SEARCH "search" /* v2: stringlist of domains */
/* v10: empty property, only with dns: the container is on several
 * managed networks, each with its own name server in dns, and each knows
 * only its own containers' names.  The loader answers DNS itself on
 * BOOT_SPEC_DNS_FORWARD_ADDR port 53 (UDP), the address of Docker's
 * embedded DNS, asking every server of dns at once
 * (loader/xen-tools/dnsfwd.h), and /etc/resolv.conf names only that
 * address. */
#define BOOT_SPEC_PROP_DNS_FORWARD "dns-forward"
/* v11: stringlist, only with dns-forward, one entry per entry of dns: the
 * DNS domain that server holds (a managed network's name, which is its
 * containers' domain), or "" (an oci_dns server: none).  The forwarder
 * asks a name under a server's domain of that server alone, whose answer
 * is final: another network's server would send it upstream, which may
 * never answer (helper-82: 4 to 8 s a lookup behind a firewall that
 * drops DNS) and learns the container's names. */
#define BOOT_SPEC_PROP_DNS_DOMAINS "dns-domains"
#define BOOT_SPEC_DNS_FORWARD_ADDR "127.0.0.11"
#define BOOT_SPEC_NODE_INTERFACE "interface"
#define BOOT_SPEC_PROP_MAC "mac"           /* "xx:xx:xx:xx:xx:xx" */
#define BOOT_SPEC_PROP_ADDRESS "address"   /* "A.B.C.D/N" */
#define BOOT_SPEC_PROP_GATEWAY "gateway"   /* "A.B.C.D" */
#define BOOT_SPEC_PROP_ADDRESS6 "address6" /* v2: "X:..:Y/N", 1 <= N <= 128 */
#define BOOT_SPEC_PROP_GATEWAY6 "gateway6" /* v2: "X:..:Y" */
#define BOOT_SPEC_PROP_MTU "mtu"           /* v2: u32, MIN_MTU(6)..MAX_MTU */

/*
 * v4: the network, late.  A spec with the empty root property
 * `late-network` has no network node: the toolstack writes that node,
 * before it opens the start gate (start_gate.h), into the xenstore key
 * BOOT_SPEC_LATE_NETWORK_KEY, relative to the domain's home
 * /local/domain/<domid> (created by dom0, so the guest can read it and not
 * write it).  Its value is a blob of this same format holding only the
 * root's compatible and version (BOOT_SPEC_LATE_NETWORK_VERSION; a
 * reader takes 4 up to the spec's own, since the network node has not
 * changed after 4) and one `network` node, at most
 * BOOT_SPEC_MAX_LATE_NETWORK bytes.  xl-oci-runc uses it because
 * the network namespace containerd's CNI fills is known only after create
 * built the domain.  The key is always written (with no interface when
 * the namespace has none); a guest that finds none fails.
 */
#define BOOT_SPEC_PROP_LATE_NETWORK "late-network" /* v4: empty property */
#define BOOT_SPEC_LATE_NETWORK_KEY "xl-oci/network"
#define BOOT_SPEC_LATE_NETWORK_VERSION 4
/* One xenstore value: XENSTORE_PAYLOAD_MAX (4096) less room for the path. */
#define BOOT_SPEC_MAX_LATE_NETWORK 3840

#endif
