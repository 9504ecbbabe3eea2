/*
 * domain_config.h: struct domain_config, the one truth about a container
 * domain.  domcfg builds it from app.cfg (libxlutil) and the OCI image
 * config found in the root volume, then renders it three ways: a
 * libxl_domain_config, an OCI runtime spec, and the loader's boot spec.
 *
 * Ownership follows libxl's contract: always call domain_config_init()
 * first (even for an out-param) and domain_config_dispose() exactly once;
 * dispose is idempotent.
 */
#ifndef XL_OCI_DOMCFG_DOMAIN_CONFIG_H
#define XL_OCI_DOMCFG_DOMAIN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/abi/boot_spec.h"
#include "common/abi/domain_status.h"
#include "common/abi/restart_policy.h"
#include "common/abi/rlimits.h"
#include "common/port_spec.h"

/*
 * Hard limits: every list a config can make us allocate is bounded.  What
 * reaches the guest is bounded by the boot spec's own limits, so a config
 * domcfg accepts is one the loader accepts.
 */
/* args and env: bounded by bytes as execve() bounds them (boot_spec.h). */
#define DC_MAX_EXEC_BYTES BOOT_SPEC_MAX_EXEC_BYTES
#define DC_MAX_ARG_STRLEN (BOOT_SPEC_MAX_ARG_STRLEN - 1) /* NUL excluded */
/* The most strings DC_MAX_EXEC_BYTES can hold (each "" costs NUL + ptr). */
#define DC_MAX_EXEC_STRINGS (DC_MAX_EXEC_BYTES / (1 + BOOT_SPEC_EXEC_PTR))
#define DC_MAX_STRING (BOOT_SPEC_MAX_STR - 1) /* bytes, NUL excluded */
#define DC_MAX_VOLUMES BOOT_SPEC_MAX_MOUNTS
#define DC_MAX_VIFS BOOT_SPEC_MAX_IFACES
#define DC_MAX_DISKS 16
#define DC_MAX_DNS BOOT_SPEC_MAX_DNS
#define DC_MAX_NAME DOMAIN_STATUS_NAME_MAX
#define DC_MAX_SEARCH BOOT_SPEC_MAX_SEARCH
#define DC_MAX_PORTS XO_PORT_SPEC_MAX_PORTS
/* Managed network names: a DNS label, as netback/ takes them. */
#define DC_MAX_NETWORK_NAME 31

enum dc_domain_type { DC_TYPE_PV, DC_TYPE_PVH };
enum dc_writable_kind { DC_WRITABLE_TMPFS, DC_WRITABLE_DISK };

/*
 * A volume (oci_volumes, domcfg/volumes.h): a block image file, a managed
 * volume by name (or an anonymous one for the image's Volumes), or a
 * tmpfs.  Files and volumes are attached as xvd disks, mounted at
 * `target`; a named volume's disk image, format and file system come from
 * its record, given by the command layer (domcfg_attach_volume).
 */
/* BIND: a runtime spec's bind mount (xl-oci-runc), a copy of its source
 * in the binds image (domcfg_spec_mounts(), spec_mounts.h).  SHARE: a
 * directory of dom0 shared live (oci_volumes "share:/DIR:/TARGET", or a
 * runtime spec's bind xl-oci-runc is asked to share): a Xen 9pfs device
 * served by QEMU in dom0, boot spec v7 mount/share. */
enum dc_volume_kind {
    DC_VOLUME_FILE,
    DC_VOLUME_NAMED,
    DC_VOLUME_TMPFS,
    DC_VOLUME_BIND,
    DC_VOLUME_SHARE
};
/*
 * One file, directory or symlink of the BIND volumes' copies when they
 * travel in the boot spec (common/abi/boot_spec.h, v6 binds/entry@N):
 * `path` is the volume's subpath, then the path below it; parents come
 * before their entries.
 */
struct dc_bind_entry {
    char *path;
    uint32_t mode; /* st_mode: S_IFREG, S_IFDIR or S_IFLNK | 07777 */
    uint32_t uid, gid;
    char *data; /* S_IFREG: the contents (may be NULL when len is 0);
                    S_IFLNK: the target, NUL-terminated */
    size_t len; /* bytes of data (S_IFREG) */
};

struct dc_volume {
    enum dc_volume_kind kind;
    char *source;     /* FILE: the image; NAMED: its disk image once attached;
                      SHARE: the directory, absolute */
    char *name;       /* NAMED: the volume's name; NULL for an anonymous one
                     until the command layer names it */
    char *target;     /* absolute path inside the container */
    char *vdev;       /* xvdN it is attached as; NULL for a tmpfs, a share */
    char *size;       /* TMPFS: its size= value, NULL = the kernel's default */
    char *tmpfs_opts; /* TMPFS from a runtime spec: its other options, as
                         "mode=700,uid=5,noexec" (spec_mounts.c); or NULL */
    char *fstype;     /* NAMED: its file system once attached */
    char *subpath;    /* BIND: its entry in binds_image ("0", "1", ...);
                      source is then the host's file or directory */
    char *share_dir;  /* SHARE: the directory, once source names the view
                        QEMU serves (xl-plugin/share_views.h); NULL before */
    /* "FILE:LINE: oci_volumes" of the app.cfg item it came from, the
     * item's own line (app_cfg_where_item), for errors found once the
     * app_cfg is gone; NULL for the image's Volumes and a runtime spec's
     * mounts.  oci_volumes' item i is dc->volumes[i]. */
    char *where;
    bool read_only;
    bool mkfs;      /* NAMED ":mkfs": a blank volume may be formatted */
    bool anonymous; /* NAMED: made for the image's Volumes by create */
    bool qcow2;     /* NAMED: a qcow2, served by QEMU (qdisk) */
    bool overlay;   /* NAMED: source is a read-only use's overlay, attached
                       read-write (dc_volume_attachment) */
    bool attached;  /* NAMED: source, fstype and qcow2 are set */
};

/*
 * One vif, kept both as parsed fields and as what the guest needs.  A
 * vif= line fills the xl fields; an oci_network entry fills `network`
 * and, once the command layer has attached it (domcfg_attach_network),
 * the addresses, gateways and MTU the guest configures.
 */
struct dc_vif {
    char mac[18]; /* "00:16:3e:xx:xx:xx", always set */
    char *bridge; /* NULL = libxl default (xenbr0) */
    char *ip;     /* "ADDR[/PREFIX]" or NULL */
    char *script;
    char *vifname;
    char *backend;
    char *model;
    char *rate;
    long mtu; /* 0 = default */
    /* Managed networks (oci_network) only; NULL / 0 otherwise. */
    char *network;   /* the network's name */
    char *static_ip; /* the "NAME:ip=ADDR" asked for, or NULL */
    bool attached;   /* domcfg_attach_network() has filled what follows */
    char *gateway;   /* IPv4 default route via it, or NULL */
    char *ip6;       /* "ADDR/PREFIX" or NULL */
    char *gateway6;  /* IPv6 default route via it, or NULL */
};

/* Where the container runs (oci_mode): a Xen domain booting the loader,
 * or NOHYPER, the runtime spec run by runc on the host; AUTO (no key)
 * leaves the choice to create, which takes NOHYPER where Xen is not. */
enum dc_mode { DC_MODE_AUTO, DC_MODE_XEN, DC_MODE_NOHYPER };

struct domain_config {
    enum dc_mode mode;
    /* oci_restart; applied by the monitor, not by any rendering. */
    struct restart_policy restart;
    /* Identity and resources (xl keys). */
    char *name;
    char *uuid; /* canonical text, or NULL for libxl to choose */
    enum dc_domain_type type;
    long memory_mb;
    long maxmem_mb;
    /* A runtime spec's memory limit (xl-oci-runc), MiB, 0 = none: create
     * makes memory_mb and maxmem_mb the loader's need plus this, so the
     * container gets what its orchestrator gave it. */
    long container_memory_mb;
    /* The most a later update may give the container (MiB, 0 = its limit
     * or memory as created): maxmem is the loader's need plus this, so
     * the domain can grow (org.xl-oci.memory-max, xl-oci-runc(1)). */
    long container_memory_max_mb;
    /* What create found the loader needs under the container (MiB: the
     * kernel as loaded, the initramfs, vifs, shares, headroom), set by
     * its memory check; 0 before. */
    long loader_need_mb;
    long vcpus;
    long maxvcpus;
    /* What a NOHYPER container takes of memory and vcpus where app.cfg
     * gives them (0 where it does not: no limit, runc's default): a
     * cgroup memory limit in MiB, and a CFS quota of that many CPUs
     * (cap, when set, is the quota instead). */
    long cgroup_memory_mb;
    long cgroup_cpus;
    char *cpus; /* xl "cpus" text, NULL = any */
    /* xl's cpu_weight and cap for the credit schedulers: a relative
     * weight 1..65535 (Xen's default 256) and a cap in percent of one
     * physical CPU (0: none); -1 when app.cfg leaves them to Xen. */
    long cpu_weight;
    long cap;
    /* oci_deadline: seconds a run may last before the monitor stops it
     * (its stop signal, then the kill after stop_timeout); 0 = none. */
    long deadline_s;
    char *on_poweroff, *on_reboot, *on_crash;

    struct dc_vif vifs[DC_MAX_VIFS];
    size_t n_vifs;
    char *disks[DC_MAX_DISKS]; /* extra xl disk specs, parsed by libxlutil */
    size_t n_disks;

    /* Root volume and loader. */
    char *root_volume;   /* directory */
    char *rootfs_image;  /* file in it */
    char *rootfs_fstype; /* erofs | ext4 | squashfs */
    /* The xvd the guest finds the root on: NULL = xvda (a domain's own
     * root); a pod's member container's is a disk hot-added to the pod's
     * domain (xl-plugin/runc_pod_member.h). */
    char *rootfs_vdev;
    char *image_config_path;
    char *os, *architecture; /* from the image config */
    char *loader_dir;
    char *kernel;  /* loader_dir/kernel */
    char *ramdisk; /* per-domain ramdisk under the state dir */
    char *cmdline;

    /* The process (image config seeded, app.cfg overridden). */
    char **args; /* NULL-terminated */
    size_t n_args;
    char **env; /* NULL-terminated, KEY=VALUE, unique keys */
    size_t n_env;
    char *cwd;
    char *user; /* OCI User text, "" = root */
    /* Where it came from, for errors found later (resolving it in the root
     * volume's passwd): "FILE:LINE: oci_user" or "CONFIG: User"; NULL:
     * neither set it. */
    char *user_from;
    /* "FILE:LINE: oci_volumes" and "FILE:LINE: oci_writable" (app_cfg_where),
     * for errors found once the app.cfg is gone (volume attach, image
     * files); NULL for a config from elsewhere (a runtime spec). */
    char *where_volumes, *where_writable;
    /* The process's groups exactly (primary first), when the runtime
     * spec's additionalGids are not what `user` has in the image's
     * /etc/group (xl-oci-runc); NULL: the loader takes those. */
    uint32_t *groups;
    size_t n_groups;
    char *hostname;
    int stop_signal;
    long stop_timeout;
    /* What the process may do: oci_privileged gives every capability,
     * else Docker's default 14 (in `caps`); limits by RLIMIT number. */
    bool privileged;
    /* The capability sets (bit n: capability n, common/abi/capabilities.h)
     * and PR_SET_NO_NEW_PRIVS, as both renderings carry them.  app.cfg
     * gets Docker's defaults (process_limits.h); an OCI runtime spec, its
     * own (from_runtime_spec.h). */
    struct dc_caps {
        uint64_t bounding, effective, permitted, inheritable, ambient;
    } caps;
    bool no_new_privileges;
    /* A runtime spec's linux.maskedPaths and linux.readonlyPaths, exactly,
     * and whether its sysfs mount is read-write (xl-oci-runc; boot spec
     * v12).  has_path_policy false (app.cfg): the loader's defaults,
     * none of them for a privileged container.  NULL-terminated absolute
     * paths, or NULL. */
    bool has_path_policy;
    char **masked_paths;
    size_t n_masked_paths;
    char **readonly_paths;
    size_t n_readonly_paths;
    bool sys_read_write;
    /* The console is the process's controlling terminal (an OCI runtime
     * spec's process.terminal; boot spec v4 process/terminal). */
    bool terminal;
    /* The console is the process's stdin (app.cfg oci_stdin = 1, Docker's
     * -i); else /dev/null, unless `terminal` (boot spec v9 stdin-null). */
    bool stdin_open;
    /* A runtime spec's root.readonly and process.user.umask (boot spec
     * v6 rootfs/read-only, process/umask). */
    bool root_readonly;
    bool has_umask;
    uint32_t umask;
    struct dc_rlimit {
        int resource; /* RLIMIT_* number (common/abi/rlimits.h) */
        uint64_t soft, hard;
    } rlimits[OCI_RLIMIT_COUNT];
    size_t n_rlimits;
    char **labels; /* NULL-terminated KEY=VALUE pairs */
    /* What the build passed over with a warning the command layer prints
     * once, at create (an image label our rules cannot store);
     * NULL-terminated, or NULL. */
    char **warnings;
    size_t n_warnings;
    size_t n_labels;
    /* Kernel parameters "NAME=VALUE", each name once (sysctls.h); NULL-
     * terminated, NULL when none. */
    char **sysctls;
    size_t n_sysctls;

    /* Storage seen by the guest. */
    enum dc_writable_kind writable;
    char *writable_size;   /* tmpfs size, NULL = kernel default */
    char *writable_source; /* block image for DC_WRITABLE_DISK */
    char *writable_vdev;
    char *writable_volume; /* a managed volume's name, else NULL; its
                              writable_source is set by
                              domcfg_attach_writable() */
    bool writable_qcow2;
    struct dc_volume volumes[DC_MAX_VOLUMES];
    size_t n_volumes;
    /* BIND volumes' one disk: an ext4 image holding their copies, made by
     * the command layer (runc_binds.h), and the xvd it is attached as. */
    char *binds_image;
    char *binds_vdev;
    /* Or, when binds_inline, the copies themselves, carried in the boot
     * spec (its v6 binds node): no image and no disk. */
    bool binds_inline;
    struct dc_bind_entry *bind_entries;
    size_t n_bind_entries;

    /* Network data for the guest (from vifs and the oci_ keys). */
    char *gateway;
    char *dns[DC_MAX_DNS];
    size_t n_dns;
    /* dns[i]'s DNS domain: the managed network whose server it is (its
     * name), NULL for an oci_dns server (boot spec dns-domains). */
    char *dns_domain[DC_MAX_DNS];
    char *search[DC_MAX_SEARCH]; /* resolv.conf search domains */
    size_t n_search;
    /* oci_network vifs whose network gave DNS servers: from two on, or
     * from one with oci_dns servers too (n_dns_cfg, the first of dns[]),
     * the loader forwards DNS to all of them (boot spec dns-forward), so
     * the names of every network resolve, as in Docker. */
    size_t n_dns_networks;
    size_t n_dns_cfg;
    /* The network comes at start, not in the boot spec (its v4
     * late-network): an OCI runtime spec with a network namespace, which
     * containerd's CNI fills only after create (from_runtime_spec.h). */
    bool late_network;
    /* NOHYPER on managed networks: the network namespace runc joins (the
     * runtime spec's linux.namespaces network path), made by the command
     * layer and joined to the networks with veth pairs; NULL for a new,
     * empty one. */
    char *netns_path;
    /* NOHYPER on a cgroup v2 host: a cgroup namespace of its own (the
     * runtime spec's linux.namespaces cgroup), as Docker gives one there
     * and not on a cgroup v1 or hybrid host.  Set by the command layer,
     * which knows the host; false in a rendering for no host (a domain's,
     * create -N). */
    bool cgroupns;
    /* NOHYPER: the runtime spec's linux.cgroupsPath, the container's cgroup
     * under the host's; set by the command layer so that containers of
     * two state roots by one name do not share one (runc's default is
     * /NAME, any name's cgroup, "system.slice" the host's).  NULL in a
     * rendering for no host. */
    char *cgroups_path;
    /* oci_ports: published on the first managed network's vif. */
    struct xo_port_spec ports[DC_MAX_PORTS]; /* oci_ports, in order */
    size_t n_ports;
    /* "app.cfg:LINE: oci_ports" for what is found wrong with them once
     * their network is attached; NULL without ports. */
    char *ports_where;
};

void domain_config_init(struct domain_config *dc);
void domain_config_dispose(struct domain_config *dc);

#endif
