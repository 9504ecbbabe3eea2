/*
 * runc.h: xl-oci-runc, a runc-compatible command line for containerd's
 * runc shim (io.containerd.runc.v2 with BinaryName = xl-oci-runc): every
 * container of that runtime becomes a Xen domain, built by the same
 * library path as `xl-oci create` (a bundle's rootfs directory made into a
 * cached root volume, its config.json read into the domain config).  On a
 * host without Xen it passes everything through to runc.
 *
 * The contract it follows (docs/lab facts of containerd 1.6/1.7 and
 * go-runc): global flags --root, --log, --log-format json,
 * --systemd-cgroup; verbs create, start, state, kill, delete, ps, pause,
 * resume, features; errors appended to --log as JSON lines with "level",
 * "msg" and an RFC 3339 "time", which the shim reports.
 *
 * Per container, under --root/<id>/: state.json (runc_state below) and
 * app.cfg, the xl config create generated (name, root volume), which the
 * domain's state keeps too.
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_H
#define XL_OCI_XL_PLUGIN_RUNC_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"

/* Bytes of a container ID (runc: [A-Za-z0-9_+.-]+; containerd's are at
 * most 76). */
#define RUNC_ID_MAX 128
/* In a container's state directory: the copies of its bind mounts
 * (runc_binds.h), attached to its domain. */
#define RUNC_BINDS_IMAGE "binds.ext4"

struct runc_global {
    const char *root; /* --root: runc's state directory */
    const char *log;  /* --log FILE, or NULL */
    bool log_json;    /* --log-format json */
};

/* What --root/<id>/state.json holds. */
#define RUNC_MAX_PENDING 32 /* signals held for a paused container */

struct runc_state {
    char id[RUNC_ID_MAX + 1];
    char name[65];     /* the domain's name (runc_domain_name) */
    char bundle[4096]; /* absolute */
    char volume[4096]; /* the root volume (bundle_rootfs.h) */
    char created[32];  /* ISO 8601 UTC */
    long pid;          /* the placeholder's */
    /* Its start time (/proc/PID/stat's starttime, clock ticks since boot;
     * 0: unknown, a state from before it was kept): a pid reused by
     * another process is not the placeholder (runc keeps its init's the
     * same way, init_process_start). */
    unsigned long long pid_start;
    /* The spec has a network namespace: start splices what CNI put there
     * into the domain (boot spec late-network).  netns: the spec's path,
     * or "" for a new one, which the placeholder holds. */
    bool late_network;
    char netns[4096];
    /* A Kubernetes pod's sandbox (CRI's "pause" container): no domain,
     * only the placeholder, which holds the pod's network namespace for
     * the pod's containers; started once `start` ran. */
    bool sandbox;
    /* A sandbox that runs the pod's domain (org.xl-oci.pod-domain,
     * runc_pod_member.h): its process is the sandbox's own (pause), and
     * the pod's app containers run in that domain. */
    bool pod_domain;
    /* A member container of such a pod: the pod domain's name (its
     * sandbox's `name`), and the xvd its root is hot-added as there; ""
     * for any other container.  Its process is a session of the pod
     * domain's loader, whose dom0 end is the placeholder. */
    char pod[65];
    char pod_vdev[8];
    /* MiB the member's memory.limit added to its pod domain's memory
     * target (runc_pod_member_attach), which its delete takes back. */
    long pod_memory_mb;
    bool started;
    /* The domain boots at create behind a closed start gate
     * (xen_gate.h), which start opens, setting `started`: the OCI state
     * comes from `started`, never from what the guest reports.  Without
     * it (a container of a release before the gate) the domain waits
     * paused and start unpauses it. */
    bool gated;
    /* Signals `kill` was given while the container was paused, delivered
     * in this order by `resume`, as a frozen process gets its pending
     * signals when thawed under runc: a standard signal at most once (the
     * kernel does not queue it twice), a real-time one each time, at most
     * RUNC_MAX_PENDING (numbers 1..64). */
    int pending[RUNC_MAX_PENDING];
    size_t n_pending;
    /* For `update` (runc_update.c): what the loader needs under the
     * container (MiB; 0 for a container of an older release), the memory
     * the domain was created with and its maxmem, which it cannot grow
     * past (org.xl-oci.memory-max; the memory for an older release). */
    long loader_mb;
    long memory_mb;
    long maxmem_mb;
};

/* An ID runc would take: 1 to RUNC_ID_MAX of [A-Za-z0-9_+.-], not "."
 * or "..". */
int runc_check_id(const char *id, xo_err *err);

/* True when the container has a domain of its own: not a sandbox that
 * runs none, nor a pod's member container (which runs in its pod's). */
bool runc_has_domain(const struct runc_state *s);

/* A disk name a pod's member container may have in its pod's domain:
 * xvdb..xvdz (xvda is the domain's own root). */
bool runc_vdev_valid(const char *v);

/* The domain name for container `id`: the ID itself when it is a valid
 * name of at most 64 bytes, else "oci-" and 60 hex digits of its
 * sha256. */
int runc_domain_name(char out[65], const char *id, xo_err *err);

/*
 * The domain name create gives container `id` of this --root: as
 * runc_domain_name(), unless a container of that name has state under
 * `state_root` (xl-oci's, state.h), which is another --root's (the same
 * ID in another containerd namespace: containerd gives each its own
 * --root) or xl-oci's own; then "oci-" and 60 hex digits of the sha256 of
 * "ROOT\nID", which no other --root gives.  The name is kept in the
 * container's state, so the other verbs never compute it.  EEXIST when
 * both are taken.
 */
int runc_domain_name_free(char out[65], const struct runc_global *g,
                          const char *id, const char *state_root, xo_err *err);

/* <root>/<id> into buf. */
int runc_state_dir(char *buf, size_t len, const struct runc_global *g,
                   const char *id, xo_err *err);
int runc_state_write(const struct runc_global *g, const struct runc_state *s,
                     xo_err *err);
/* ENOENT "container ID does not exist" when there is none. */
int runc_state_read(const struct runc_global *g, const char *id,
                    struct runc_state *s, xo_err *err);

/* Process `pid`'s start time from /proc/PID/stat (field 22, clock ticks
 * since boot), or 0 when it cannot be read (no such process). */
unsigned long long runc_proc_start(long pid);

/* The verbs (argc/argv from the verb on); 0 or -1 with err. */
int runc_create(const struct runc_global *g, int argc, char **argv,
                xo_err *err);
int runc_start(const struct runc_global *g, int argc, char **argv, xo_err *err);
int runc_update(const struct runc_global *g, int argc, char **argv,
                xo_err *err);
int runc_state_cmd(const struct runc_global *g, int argc, char **argv,
                   xo_err *err);
int runc_kill(const struct runc_global *g, int argc, char **argv, xo_err *err);
int runc_delete(const struct runc_global *g, int argc, char **argv,
                xo_err *err);
int runc_ps(const struct runc_global *g, int argc, char **argv, xo_err *err);
/* `list [-q] [--format table|json]`: runc's list over the containers in
 * --root (the Xen path; without Xen runc lists its own). */
int runc_list(const struct runc_global *g, int argc, char **argv, xo_err *err);
int runc_pause(const struct runc_global *g, int argc, char **argv, xo_err *err);
int runc_features(const struct runc_global *g, int argc, char **argv,
                  xo_err *err);
/* runc_exec.c; without --detach it exits with the process's exit code. */
int runc_exec(const struct runc_global *g, int argc, char **argv, xo_err *err);

/* Signal names and numbers as runc takes them ("KILL", "SIGKILL", "9",
 * in any case: "term", "sigkill"); -1 when none. */
int runc_signal(const char *s);

#endif
