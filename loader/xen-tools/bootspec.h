/*
 * bootspec.h: the boot spec as the loader's init sees it (docs/boot-spec.md).
 *
 * The blob comes from the host and is treated as hostile: it is checked
 * with fdt_check_full(), every limit of the format is enforced, every
 * string must end inside its property, every number must be exactly one
 * cell.  The parsed struct points into the blob it owns, so one free
 * releases everything.
 */
#ifndef XL_OCI_LOADER_BOOTSPEC_H
#define XL_OCI_LOADER_BOOTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/abi/boot_spec.h"
#include "common/abi/rlimits.h"
#include "common/abi/sysctl.h"
#include "common/error.h"

/* The format's limits (common/abi/boot_spec.h) under the reader's names. */
#define BS_MAX_BLOB BOOT_SPEC_MAX_BLOB
#define BS_MAX_STR BOOT_SPEC_MAX_STR
#define BS_MAX_MOUNTS BOOT_SPEC_MAX_MOUNTS
#define BS_MAX_IFACES BOOT_SPEC_MAX_IFACES
#define BS_MAX_DNS BOOT_SPEC_MAX_DNS

struct bs_mount {
    const char *device;
    const char *target;
    const char *fstype;
    const char *options;
    const char *subpath; /* v5: a bind of this entry of the device; NULL */
    bool read_only;
    bool in_spec; /* v6 inline: subpath is an entry of `binds`, no device */
    /* v7: the 9p tag of a directory shared from dom0, or NULL; the spec
     * gives no device or fstype for it, and fstype reads "9p". */
    const char *share;
};

/* v6 binds/entry@N: a file, directory or symlink of the inline copies. */
struct bs_bind_entry {
    const char *path; /* checked: relative, no "", "." or ".." component */
    uint32_t mode;    /* S_IFREG, S_IFDIR or S_IFLNK | 07777 */
    uint32_t uid, gid;
    const void *data; /* S_IFREG: len bytes (NULL when empty) */
    size_t len;
    const char *link; /* S_IFLNK: the target */
};

/* One interface; every address was checked with inet_pton(). */
struct bs_iface {
    const char *mac;      /* "xx:xx:xx:xx:xx:xx" */
    const char *address;  /* "A.B.C.D/N", NULL: no IPv4 address */
    const char *gateway;  /* NULL: no IPv4 default route through it */
    const char *address6; /* "X::Y/N", NULL: none (v2) */
    const char *gateway6; /* NULL: no IPv6 default route through it (v2) */
    uint32_t mtu;         /* 0: the kernel's default (v2) */
};

struct boot_spec {
    void *blob; /* owned; every pointer below points into it */
    /* NULL-terminated, owned (the strings are in the blob); bounded by
     * bytes as execve() bounds them, not by count. */
    const char **args;
    size_t nargs;
    const char **env;
    size_t nenv;
    const char *cwd;
    const char *user;
    uint32_t stop_signal;
    uint32_t stop_timeout;
    const char *hostname;
    const char *root_device;
    const char *root_fstype;
    const char *wr_type; /* "tmpfs" or "disk" */
    const char *wr_size; /* NULL when absent */
    const char *wr_device;
    const char *wr_fstype;
    struct bs_mount mounts[BS_MAX_MOUNTS];
    size_t nmounts;
    struct bs_bind_entry *binds; /* owned array (v6), NULL: none */
    size_t nbinds;
    bool has_network;
    /* v4 late-network: the network node comes from xenstore (latenet.h)
     * and is merged by bs_merge_late_network(), which keeps its blob. */
    bool late_network;
    void *net_blob;
    uint32_t version;
    /* Version 3 (bootspec_privileges.c); an older spec has has_caps false
     * and the entrypoint keeps every capability, as it used to. */
    bool has_caps;
    bool no_new_privs;
    /* v4 process/terminal: the console is the entrypoint's terminal. */
    bool terminal;
    /* v9 process/stdin-null: the entrypoint's stdin is /dev/null. */
    bool stdin_null;
    /* v6 process/groups: the groups exactly, primary first; 0: none. */
    uint32_t groups[BOOT_SPEC_MAX_GROUPS];
    size_t ngroups;
    /* v6 process/umask and rootfs/read-only. */
    bool has_umask;
    uint32_t umask;
    bool root_readonly;
    uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable,
        cap_ambient;
    /* v12 process/masked-paths, readonly-paths, sys-read-write
     * (maskpaths.h): a runtime spec's lists, exactly, when
     * has_path_policy; absolute paths without empty, "." or ".."
     * components, NULL-terminated. */
    bool has_path_policy;
    const char *masked_paths[BOOT_SPEC_MAX_PATH_LIST + 1];
    size_t nmasked_paths;
    const char *readonly_paths[BOOT_SPEC_MAX_PATH_LIST + 1];
    size_t nreadonly_paths;
    bool sys_read_write;
    struct bs_rlimit {
        int resource;
        uint64_t soft, hard;
    } rlimits[OCI_RLIMIT_COUNT];
    size_t nrlimits;
    const char *dns[BS_MAX_DNS + 1]; /* NULL-terminated, IP addresses */
    size_t ndns;
    bool dns_forward; /* v10 network/dns-forward (dnsfwd.h) */
    /* v11 network/dns-domains: dns[i]'s domain, "" for none; all "" when
     * the spec has none (ndns entries, NULL-terminated). */
    const char *dns_domains[BS_MAX_DNS + 1];
    const char *search[BOOT_SPEC_MAX_SEARCH + 1]; /* NULL-terminated (v2) */
    size_t nsearch;
    struct bs_iface ifaces[BS_MAX_IFACES];
    size_t nifaces;
    /* v8 sysctl: "NAME=VALUE" entries, each checked (common/abi/sysctl.h),
     * no name twice; NULL-terminated. */
    const char *sysctl[OCI_SYSCTL_MAX + 1];
    size_t nsysctl;
};

/* Reads and parses the blob at `path`; on success fills *spec (owned). */
int boot_spec_load(struct boot_spec *spec, const char *path, xo_err *err);

/* Parses `len` bytes (copied); for tests and boot_spec_load(). */
int boot_spec_parse(struct boot_spec *spec, const void *buf, size_t len,
                    xo_err *err);

/*
 * Reads process/no-new-privileges, process/capabilities and
 * process/rlimits (version 3) and process/masked-paths, readonly-paths
 * and sys-read-write (version 12) of the process node at `node`; for
 * bootspec.c.
 */
int boot_spec_parse_privileges(struct boot_spec *spec, const void *fdt,
                               int node, xo_err *err);

/*
 * Merges the late network blob (common/abi/boot_spec.h, v4) of a spec
 * with late-network: `len` bytes (copied), at most
 * BOOT_SPEC_MAX_LATE_NETWORK, a valid FDT with the spec's compatible and
 * version and nothing but a network node, checked as the spec's own
 * network node is.  Errors name the blob; *spec's network is unchanged on
 * error.
 */
int bs_merge_late_network(struct boot_spec *spec, const void *buf, size_t len,
                          xo_err *err);

/* Frees what *spec owns; safe on a zeroed or already freed spec. */
void boot_spec_free(struct boot_spec *spec);

/* The subpath mount whose target is `path` or one of its directories,
 * or NULL (the files the loader writes itself give way to one). */
const struct bs_mount *bs_subpath_mount_at(const struct boot_spec *s,
                                           const char *path);

#endif
