/*
 * runtime_spec.h: reading an OCI runtime spec config.json (runtime-spec
 * 1.0 to 1.2, what containerd 1.6/1.7 and CRI write into a bundle) into
 * what `xl-oci-runc create` needs.  The inverse of render_runtime.c.
 *
 * The file is outside input: its size, every string and every list are
 * bounded, every field is type-checked, and an error names the file and
 * the JSON path at fault ("config.json: process.args[2]: must be a
 * string").  Fields we do not act on (seccomp, hooks,
 * apparmor, ...) are ignored, as runtimes ignore what they do not know;
 * fields we act on are never ignored when malformed.
 *
 * runtime_spec_parse() only reads and checks; domcfg_from_runtime_spec()
 * (from_runtime_spec.h) maps the result onto struct domain_config.
 */
#ifndef XL_OCI_DOMCFG_RUNTIME_SPEC_H
#define XL_OCI_DOMCFG_RUNTIME_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/abi/rlimits.h"
#include "common/error.h"

/* Bounds on what a config.json may make us allocate. */
#define RUNTIME_SPEC_MAX_BYTES (8 * 1024 * 1024)
#define RUNTIME_SPEC_MAX_PATH 4096     /* bytes of a path, NUL excluded */
#define RUNTIME_SPEC_MAX_MOUNTS 256    /* CRI adds one per volume/secret */
#define RUNTIME_SPEC_MAX_MOUNT_OPTS 64 /* options of one mount */
#define RUNTIME_SPEC_MAX_OPT 4096      /* bytes of one mount option */
/* runc counts none; Kubernetes caps a pod's annotations at 256 KiB, about
 * 10,000 of the shortest; the file's 8 MiB bounds what they allocate. */
#define RUNTIME_SPEC_MAX_ANNOTATIONS 16384
#define RUNTIME_SPEC_MAX_ANNOTATION_KEY 256
#define RUNTIME_SPEC_MAX_ANNOTATION_VALUE 65536
#define RUNTIME_SPEC_MAX_NAMESPACES 16
#define RUNTIME_SPEC_MAX_GIDS 65536        /* NGROUPS_MAX */
#define RUNTIME_SPEC_MAX_HOOKS 32          /* of one kind */
#define RUNTIME_SPEC_MAX_HOOK_STRS 1024    /* args, or env, of one hook */
#define RUNTIME_SPEC_MAX_HOOK_STR 32768    /* bytes of one of them */
#define RUNTIME_SPEC_MAX_HOOK_TIMEOUT 3600 /* seconds */

/* The annotation CRI puts on every container of a pod. */
#define RUNTIME_SPEC_CRI_TYPE "io.kubernetes.cri.container-type"
#define RUNTIME_SPEC_CRI_SANDBOX_ID "io.kubernetes.cri.sandbox-id"

enum runtime_container_type {
    RUNTIME_CONTAINER_PLAIN,   /* no CRI annotation (ctr run, nerdctl) */
    RUNTIME_CONTAINER_SANDBOX, /* CRI's pause container: runs no domain */
    RUNTIME_CONTAINER_CRI,     /* CRI's "container": an app of a pod */
};

/* The five capability sets, as bit masks (bit n: capability n). */
enum runtime_cap_set {
    RUNTIME_CAP_BOUNDING,
    RUNTIME_CAP_EFFECTIVE,
    RUNTIME_CAP_INHERITABLE,
    RUNTIME_CAP_PERMITTED,
    RUNTIME_CAP_AMBIENT,
    RUNTIME_CAP_SETS
};

/*
 * What a mount is to us.  PROVIDED: a kernel file system the loader (and
 * runc) mounts by itself (proc, sysfs, devpts, mqueue, cgroup, cgroup2,
 * and tmpfs at /dev or /dev/shm); the caller may skip it.  BIND: a host
 * file or directory (type "bind", or any type with a "bind"/"rbind"
 * option, as runc decides).  TMPFS: a tmpfs elsewhere.  OTHER: any other
 * type (a block device or image), left to the caller to accept or refuse.
 */
enum runtime_mount_kind {
    RUNTIME_MOUNT_PROVIDED,
    RUNTIME_MOUNT_BIND,
    RUNTIME_MOUNT_TMPFS,
    RUNTIME_MOUNT_OTHER,
};

struct runtime_mount {
    enum runtime_mount_kind kind;
    char *destination; /* absolute, no ".." component */
    char *type;        /* as written, "" when absent */
    char *source;      /* as written, "" when absent; a relative bind
                          source is relative to the bundle directory */
    char **options;    /* NULL-terminated, as written */
    size_t n_options;
    bool read_only; /* an "ro" option (a later "rw" cancels it) */
    bool recursive; /* "rbind" */
};

struct runtime_namespace {
    char *type; /* pid network mount ipc uts user cgroup time */
    char *path; /* join this one; NULL: a new namespace */
};

struct runtime_process {
    bool terminal;
    char **args; /* NULL-terminated, at least one */
    size_t n_args;
    char **env; /* NULL-terminated KEY=VALUE, as written (duplicates too) */
    size_t n_env;
    char *cwd; /* absolute */
    uint32_t uid, gid;
    uint32_t *additional_gids; /* as written, may be NULL */
    size_t n_additional_gids;
    bool has_umask;
    uint32_t umask; /* at most 0777 */
    struct runtime_rlimit {
        int resource; /* RLIMIT_* number (common/abi/rlimits.h) */
        uint64_t soft, hard;
    } rlimits[OCI_RLIMIT_COUNT]; /* each resource at most once */
    size_t n_rlimits;
    bool has_capabilities; /* false: the object was absent (no caps) */
    uint64_t caps[RUNTIME_CAP_SETS];
    bool no_new_privileges;
};

/* The runtime spec's hooks (config.md "POSIX-platform Hooks"), by the
 * point of the lifecycle they run at. */
enum runtime_spec_hook_kind {
    RUNTIME_HOOK_PRESTART, /* deprecated; run with createRuntime */
    RUNTIME_HOOK_CREATE_RUNTIME,
    RUNTIME_HOOK_CREATE_CONTAINER, /* in the container's namespaces */
    RUNTIME_HOOK_START_CONTAINER,  /* in the container's namespaces */
    RUNTIME_HOOK_POSTSTART,
    RUNTIME_HOOK_POSTSTOP,
    RUNTIME_HOOK_KINDS
};

struct runtime_hook {
    char *path;  /* absolute, resolved in the runtime's namespace */
    char **args; /* argv, args[0] first; NULL: { path } */
    size_t n_args;
    char **env; /* the whole environment; NULL: empty */
    size_t n_env;
    unsigned timeout; /* seconds, 1..RUNTIME_SPEC_MAX_HOOK_TIMEOUT; 0: none */
};

/* The spec's key of a kind ("createRuntime"). */
const char *runtime_spec_hook_kind(enum runtime_spec_hook_kind k);

struct runtime_annotation {
    char *key, *value;
};

struct runtime_spec {
    char *oci_version; /* "1.x.y" */
    char *root_path;   /* root.path as written: relative to the bundle */
    bool root_readonly;
    char *hostname; /* NULL when absent */
    struct runtime_process process;
    struct runtime_mount *mounts;
    size_t n_mounts;
    struct runtime_annotation *annotations;
    size_t n_annotations;
    enum runtime_container_type container_type;
    const char *sandbox_id; /* the CRI annotation's value, or NULL */
    struct runtime_namespace *namespaces;
    size_t n_namespaces;
    /* linux.resources (runtime_spec_resources.c): what Kubernetes sets
     * from a container's limits; 0 = none (absent, 0 or -1). */
    uint64_t memory_limit; /* memory.limit, bytes */
    uint64_t cpu_quota;    /* cpu.quota, microseconds per period */
    uint64_t cpu_period;   /* cpu.period, microseconds (100000 if absent) */
    uint64_t cpu_shares;   /* cpu.shares, relative (runc's 1024 a CPU) */
    /* linux.sysctl (runtime_spec_sysctl.c): "NAME=VALUE", each checked by
     * common/abi/sysctl.h's rules; NULL-terminated, NULL when absent. */
    char **sysctl;
    size_t n_sysctl;
    /* linux.maskedPaths and linux.readonlyPaths (runtime_spec_paths.c):
     * absolute paths, cleaned ("//", "/./" and a trailing '/'), never "/"
     * nor with "..", at most BOOT_SPEC_MAX_PATH_LIST of each;
     * NULL-terminated, NULL when absent (runc then masks nothing). */
    char **masked_paths;
    size_t n_masked_paths;
    char **readonly_paths;
    size_t n_readonly_paths;
    /* hooks.<kind> (runtime_spec_hooks.c), in order; NULL: none. */
    struct runtime_hook *hooks[RUNTIME_HOOK_KINDS];
    size_t n_hooks[RUNTIME_HOOK_KINDS];
};

/*
 * Reads a lone process object, as `runc exec --process FILE` takes it,
 * with the same rules as a spec's "process" (messages name
 * "process.<field>").  On failure *pr holds nothing.
 */
int runtime_spec_process_load(struct runtime_process *pr, const char *path,
                              xo_err *err);
void runtime_spec_process_dispose(struct runtime_process *pr);

/* libxl's contract: init always, dispose once (idempotent). */
void runtime_spec_init(struct runtime_spec *rs);
void runtime_spec_dispose(struct runtime_spec *rs);

/*
 * Parses `len` bytes of config.json text into `rs` (initialised by the
 * caller; on failure it holds nothing to use but must still be
 * disposed).  `where` (the file name) opens every error message.
 */
int runtime_spec_parse(struct runtime_spec *rs, const char *buf, size_t len,
                       const char *where, xo_err *err);

/*
 * Parses a LinuxResources object on its own (`runc update --resources`:
 * what the shim writes from containerd's update), `len` bytes, into the
 * linux.resources fields of `rs` (initialised by the caller), with the
 * same rules as a spec's; messages name "WHERE: linux.resources.FIELD".
 */
int runtime_spec_resources_parse(struct runtime_spec *rs, const char *buf,
                                 size_t len, const char *where, xo_err *err);

/* Reads `path` (at most RUNTIME_SPEC_MAX_BYTES) and parses it. */
int runtime_spec_load(struct runtime_spec *rs, const char *path, xo_err *err);

/* The value of annotation `key`, or NULL. */
const char *runtime_spec_annotation(const struct runtime_spec *rs,
                                    const char *key);

/*
 * The namespace entry of `type` ("network", ...), or NULL when the spec
 * lists none: the container then shares the runtime's own namespace of
 * that type.  An entry whose `path` is NULL asks for a new namespace.
 */
const struct runtime_namespace *
runtime_spec_namespace(const struct runtime_spec *rs, const char *type);

#endif
