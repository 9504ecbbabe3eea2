/*
 * nohyper.h: NOHYPER containers, which run on the host through runc
 * instead of in a Xen domain (app.cfg's oci_mode = "nohyper", or any
 * create on a host without Xen), with the same commands and DomainStatus
 * (kept in the state root's file store where there is no xenstore).
 *
 * The domain's state directory is the OCI bundle: config.json (a link to
 * runtime-spec.json, which domcfg renders for both modes), the /etc files
 * it bind-mounts, and the root laid out as the loader lays out a
 * domain's: the root volume's image read-only at lower/, the writable
 * layer at rw/ (a tmpfs, or the oci_writable disk, with upper/ and work/
 * in it, so one disk serves both modes), and their overlay at rootfs/.
 * runc keeps its own state under <root>/runc.
 */
#ifndef XL_OCI_XL_PLUGIN_NOHYPER_H
#define XL_OCI_XL_PLUGIN_NOHYPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/user.h"
#include "domcfg/domcfg.h"

/* Mounts the bundle's root in state dir `dir` for `dc`; on failure
 * nothing stays mounted.  A tmpfs writable layer an earlier run left
 * mounted (nohyper_unmount's keep_writable) is the new run's: the
 * container starts again on its files, as after `docker start`. */
int nohyper_mount(const char *dir, const struct domain_config *dc, xo_err *err);

/* Directories (absolute) made in the root nohyper_mount mounted in `dir`
 * where the image lacks them, resolved as in the container (a symlink's
 * missing target is made): the image's volume targets, which a NOHYPER
 * container keeps in its writable layer, and the working directory,
 * which the loader makes the same way in a domain (runc cannot make one
 * through a dangling symlink). */
int nohyper_mount_points(const char *dir, char *const *targets, size_t n,
                         xo_err *err);

/* Unmounts what nohyper_mount mounted in `dir` and removes its mount
 * points; no error for what is not there.  keep_writable: a tmpfs
 * writable layer stays mounted, with the container's files, for its next
 * run (a halted container's; destroy drops it); a disk layer persists on
 * its disk and is unmounted.  Fails (and removes nothing below) while
 * something stays mounted, so no later removal can reach into a
 * container's files. */
int nohyper_unmount(const char *dir, bool keep_writable, xo_err *err);

/*
 * Runs `runc --root <root>/runc ARGS...` ($XL_OCI_RUNC, else runc from
 * PATH) with stdin on /dev/null and stdout and stderr on `out_fd` (or
 * /dev/null when -1) and waits for it.  Returns its exit status (0-255),
 * or -1 with err when it could not run or was killed.
 */
int nohyper_runc(const char *root, const char *const args[], int out_fd,
                 xo_err *err);

/*
 * The same, with what runc printed (stdout and stderr, at most `max`
 * bytes, NUL-terminated) in *out_r (malloc'd; NULL when it printed
 * nothing or more than `max`).  Returns runc's exit status, or -1.
 */
int nohyper_runc_capture(const char *root, const char *const args[],
                         char **out_r, size_t max, xo_err *err);

/* True when runc knows container `name` and its process is alive (`runc
 * state`: created, running or paused; runc checks the pid against the
 * process's start time, so a pid reused after a host restart is not
 * it). */
bool nohyper_alive(const char *root, const char *name);

/* runc exec (args[0] "exec") with our own stdin, stdout and stderr (or,
 * `tty_bridge`, a pty of ours, 24x80, whose output goes to our stdout:
 * for --tty without a terminal of our own);
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to us go to the process.  The
 * process's exit status, or when runc could not start it the shell's:
 * 127 not found, 126 not runnable, 1 otherwise (nohyper_exec_code), and
 * *unstarted_r true; -1 with err when runc did not run. */
int nohyper_exec(const char *root, const char *const args[], bool tty_bridge,
                 bool *unstarted_r, xo_err *err);

/*
 * What a runc exec that exited `status` means, given runc's log (JSON
 * lines, `--log-format json`): when runc logged that it could not start
 * the process ("exec failed: ...") the shell's code for it, as Docker maps runc's
 * errors: 127 when the program was not found, 126 when it could not be
 * run (permission, a directory, not an executable), 1 otherwise (a cwd
 * that is missing, a user that is not); else `status` itself.
 */
int nohyper_exec_code(const char *log, int status);

/* The CPUs' worth of quota app.cfg's vcpus gave the container in state
 * dir `dir` (its runtime spec's annotation), 0 when vcpus was not given;
 * -1 with err when the spec cannot be read or holds a bad value. */
int nohyper_cgroup_cpus(const char *dir, long *cpus_r, xo_err *err);

/* What `xl-oci exec` asks of a NOHYPER container's new process. */
struct nohyper_exec_req {
    const char *const *args;        /* NULL-terminated, at least one */
    bool terminal;                  /* -t */
    const struct xo_user_ids *user; /* -u resolved; NULL: the container's */
    const char *cwd;                /* -w; NULL: the container's */
    const char *const *env;         /* -e KEY=VALUE, appended */
    size_t nenv;
};

/*
 * The process for `runc exec --process FILE` (OCI runtime spec
 * `process`, JSON text in *json_r, malloc'd): the container's own
 * process from `dir`/runtime-spec.json (capabilities, rlimits,
 * noNewPrivileges, umask kept) with args and terminal replaced, and
 * user (uid, gid and exactly the user's supplementary groups), cwd and
 * env where `r` gives them.  -1 with err when the spec cannot be read.
 */
int nohyper_exec_process(char **json_r, const char *dir,
                         const struct nohyper_exec_req *r, xo_err *err);

/*
 * What a failed `runc create` means, given its JSON log: when runc could
 * not start the container's process (its program not found: 127; not
 * runnable: 126, as Docker and a domain's loader give them) that code,
 * with runc's reason in msg_r ("exec: ..."); else -1 (a failure of the
 * runtime, not of the program).
 */
int nohyper_create_code(const char *log, char *msg_r, size_t msgsz);

/* The "msg" of the last error runc's JSON log holds, into msg_r (cut to
 * msgsz), with what to do where runc's words alone leave an admin
 * guessing (no cgroup mount: `ip netns exec`); false when it holds none. */
bool nohyper_runc_error(const char *log, char *msg_r, size_t msgsz);

/*
 * A file for runc that is never on disk: a memfd runc inherits and opens
 * as /proc/self/fd/N (written to path, 64 bytes will do), for its --log
 * or exec's --process.  Nothing is left behind however we end.  Not
 * close-on-exec, for runc; runc's init closes what it inherited before
 * the container's process runs.  The fd, or -1 with err (`what` names it).
 */
int nohyper_runc_memfd(const char *what, char *path, size_t len, xo_err *err);

/* runc with `args`, its stdout and stderr on out_fd, its own log (JSON
 * lines, in a memfd: nothing on disk) in *log_r (NUL-terminated, at most
 * 1 MiB; free it; NULL when unreadable).  runc's exit status, or -1 with
 * err when it did not run. */
int nohyper_runc_logged(const char *root, const char *const args[], int out_fd,
                        char **log_r, xo_err *err);

/*
 * Removes what runc keeps of container `name` (ROOT/runc/NAME) before it
 * is created again: runc's delete, then the directory itself when runc
 * cannot read it.  A crash or power loss in `runc create` left a
 * directory without state.json, or one cut short, and every create of
 * the name failed ("container with given ID already exists", or runc's
 * JSON error) with nothing naming the way out (helper-67).  Only for a
 * container whose process is known gone (its monitor is about to run
 * `runc create`).
 */
int nohyper_forget_stale(const char *root, const char *name, xo_err *err);

/* Sends `sig` to the container's process 1 (runc kill), as a Xen
 * domain's loader does with the stop signal. */
int nohyper_kill(const char *root, const char *name, int sig, xo_err *err);

/* The stop signal and grace period (seconds) create recorded in the
 * bundle's runtime spec (annotations org.xl-oci.stop-signal and
 * org.xl-oci.stop-timeout, domcfg/render_runtime.c) in state dir `dir`. */
int nohyper_stop_params(const char *dir, int *sig_r, long *grace_r,
                        xo_err *err);

/* Deletes the exited container in runc (runc delete --force), leaving
 * its root mounted for the restart policy to start it again; no error
 * when runc has no such container. */
int nohyper_delete(const char *root, const char *name, xo_err *err);

/* The end of a NOHYPER container's run, whatever state it is in: kills
 * and deletes it in runc (runc delete --force), takes down its network
 * namespace and veth pairs (nohyper_net.h; the leases stay for destroy
 * to release) and unmounts its root; keep_writable as nohyper_unmount
 * (false for destroy and a failed create). */
int nohyper_teardown(const char *root, const char *name, bool keep_writable,
                     xo_err *err);

/*
 * The cgroup of container `name` of state root `root`, the runtime spec's
 * linux.cgroupsPath: /xl-oci/NAME for the default root, and
 * /xl-oci-<the first 8 hex digits of the root's SHA-256>/NAME for any
 * other, so that a second root's container of the same name is not put
 * in (and frozen or limited with) the first one's, and no name reaches a
 * cgroup of the host's own (runc's default is /NAME).  nohyper_teardown()
 * removes the parent once no container of the root is left in it.
 */
int nohyper_cgroups_path(char *buf, size_t len, const char *root,
                         const char *name, xo_err *err);
/* Where the host's cgroup hierarchies are mounted. */
#define NOHYPER_CGROUP_FS "/sys/fs/cgroup"

/*
 * Whether the kernel's OOM killer ended a process in container `name`'s
 * cgroup (nohyper_cgroups_path) since the cgroup was made: the oom_kill
 * count of cgroup v2's memory.events, or of v1's memory.oom_control in
 * the memory hierarchy (Linux >= 4.13), is above 0, as containerd reads
 * it for Docker's State.OOMKilled.  False when the cgroup or the count
 * cannot be read (runc deleted it, no memory controller).
 */
bool nohyper_oom_killed(const char *root, const char *name);

#endif
