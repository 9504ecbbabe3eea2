/*
 * pod_container.h: a container of the domain's pod, run by an exec
 * session (common/abi/exec_channel.h, CONTAINER): its root built from its
 * own boot spec in a mount namespace of its own, its process PID 1 of a
 * PID namespace of its own, the domain's network, UTS and IPC namespaces
 * shared, as a Kubernetes pod's containers share the sandbox's.
 *
 * The exec server runs inside the domain's container, whose root hides the
 * initramfs (the switch root moved it over "/"); PID 1 keeps an O_PATH fd
 * of the initramfs root and of its mount namespace for it, and a pod
 * container starts there: the block devices it mounts are in the
 * initramfs' devtmpfs, its staging directory in the initramfs' tmpfs.
 */
#ifndef XL_OCI_LOADER_POD_CONTAINER_H
#define XL_OCI_LOADER_POD_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bootspec.h"
#include "mounts.h"

/* What PID 1 leaves the exec server for pod containers; root_fd -1: the
 * domain runs none (the host test mode without --pod). */
struct exec_pod_base {
    int root_fd; /* O_PATH, O_DIRECTORY: the initramfs root */
    /* O_PATH, O_DIRECTORY: the registry (pod_container_registry_open) */
    int registry_fd;
    int mntns_fd; /* PID 1's mount namespace (/proc/self/ns/mnt) */
    const struct loader_env *env; /* staging, device wait, host test mode */
};

/* How a child that never reached exec tells its session why: one write of
 * this struct on an O_CLOEXEC pipe, whose EOF says the exec happened. */
struct exec_child_error {
    int errnum;
    bool at_exec; /* the program's exec failed, not a step before it */
    char what[256];
};

/* A step before the program's exec failed (its user, cwd, namespaces,
 * terminal): writes the error to `fd` and exits 1. */
_Noreturn void exec_child_fail(int fd, int errnum, const char *what);
/* The exec of `prog` failed: writes the error to `fd` and exits 126
 * (EACCES...) or 127 (ENOENT), as a shell. */
_Noreturn void exec_child_exec_failed(int fd, int errnum, const char *prog);

/*
 * The pod container's checks before anything runs: 0, or -1 with *why_r
 * (a static string).  Its network is the pod's, so the spec configures no
 * interface; its root device is not the domain's own.
 */
int pod_container_check(const struct boot_spec *pod,
                        const struct boot_spec *spec, const char **why_r);

/*
 * In a child forked by the session after it entered a new PID namespace
 * (so the child is its PID 1): into PID 1's mount namespace and the
 * initramfs root, a mount namespace of its own, the container's root
 * under STAGING/pods/`name` (mounts.h's layout, pseudo file systems of
 * its own), its /etc files, working directory, sysctls and read-only
 * root, a pivot into it, then the process as the entrypoint runs (user,
 * groups, env, limits, capabilities, cwd).  stdio: `fds` (0, 1, 2), or
 * with `tty` a pty of the container's own devpts of rows x cols, whose
 * master is sent on `ptysock` (SCM_RIGHTS) before the exec.  Never
 * returns: execs, or exec_child_fail(errfd, ...).
 */
_Noreturn void pod_container_child(const struct exec_pod_base *base,
                                   const struct boot_spec *spec,
                                   const char *name, int errfd,
                                   const int fds[3], int ptysock, uint16_t rows,
                                   uint16_t cols);

/* After the container's end (its namespace, and so its staging mount, is
 * gone): removes STAGING/pods/`name`, best effort. */
void pod_container_cleanup(const struct exec_pod_base *base, const char *name);

/*
 * The registry of running pod containers (pod_registry.c), which exec
 * into one of them reads.  A container's name there is its root device's
 * ("xvdb"; NULL from pod_container_target when that is not a name a
 * REQUEST may give, and then it is not registered).
 */
const char *pod_container_target(const struct boot_spec *spec);
/*
 * The registry's directory: a small tmpfs mounted at `dir` (made, then
 * removed), opened and detached at once, so that only this descriptor
 * (O_CLOEXEC; the exec server's sessions inherit it, no container's
 * process does) reaches it, never a path of any mount namespace: a
 * container that walks out of its root (chroot and "..", with
 * CAP_SYS_CHROOT, which Docker's default set has) finds no record to
 * point an exec into a sibling elsewhere.  The descriptor, or -1 with
 * err.
 */
int pod_container_registry_open(const char *dir, xo_err *err);
/* Records container `spec` (its blob, `len` bytes) whose process is
 * `pid`, as the exec server numbers it; 0, or -1 with err. */
int pod_container_register(const struct exec_pod_base *base,
                           const struct boot_spec *spec, const void *blob,
                           size_t len, pid_t pid, xo_err *err);
/* Removes its record, best effort. */
void pod_container_unregister(const struct exec_pod_base *base,
                              const struct boot_spec *spec);
/* The spec (parsed into *spec, to boot_spec_free) and pid of the pod
 * container named `target`; ESRCH when none runs, ENOTSUP in a domain
 * without pod containers. */
int pod_container_find(const struct exec_pod_base *base, const char *target,
                       struct boot_spec *spec, pid_t *pid_r, xo_err *err);

#endif
