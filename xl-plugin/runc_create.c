/*
 * runc_create.c: `xl-oci-runc create --bundle B --pid-file F ID`.
 *
 * The bundle's rootfs directory becomes a root volume (cached per image,
 * image/bundle_rootfs.h), an app.cfg naming only what create chose (the
 * domain name and that volume; no value from the bundle is written into
 * it) gives the domain its defaults, and the bundle's config.json
 * overrides the process (runc_domcfg.h), as a domain's own
 * keys override an image's.  The domain is created by the same path as
 * `xl-oci create` and boots at once behind a closed start gate
 * (xen_gate.h): the loader mounts the root and waits, and `start` opens
 * the gate, as runc's start releases the init its create left waiting.
 *
 * Then the placeholder: a process forked here, left behind as a child of
 * the shim (its subreaper), whose pid goes into the pid file.  It copies
 * the domain's console log to its stdout (the container's stdio the shim
 * gave create) until DomainStatus is final, then exits with the
 * container's exit code.  Create itself exits with nothing of the
 * placeholder's left on its own stdio.  With a terminal (process.terminal,
 * --console-socket) the placeholder's stdio is instead the slave of a pty
 * whose master goes to the socket (runc_console.h), and it carries input
 * back to the domain's console (monitor_placeholder.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/json.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "create.h"
#include "domcfg/runtime_spec.h"
#include "runc_binds.h"
#include "image/bundle_rootfs.h"
#include "monitor_spawn.h"
#include "runc.h"
#include "runc_console.h"
#include "runc_domcfg.h"
#include "runc_entrypoint.h"
#include "runc_hooks.h"
#include "runc_pod.h"
#include "runc_pod_member.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "xl_oci.h"

struct create_args {
    const char *bundle, *pid_file, *console_socket, *id;
};

static int parse(int argc, char **argv, struct create_args *a, xo_err *err)
{
    static const struct option longopts[] = {
        {"bundle", 1, NULL, 'b'},
        {"pid-file", 1, NULL, 'p'},
        {"console-socket", 1, NULL, 'c'},
        {"no-pivot", 0, NULL, 'n'},
        {"no-new-keyring", 0, NULL, 'k'},
        {"preserve-fds", 1, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    optind = 1;
    opterr = 0;
    memset(a, 0, sizeof(*a));
    a->bundle = ".";
    /* ':' first: an option without its value is told apart. */
    while ((opt = getopt_long(argc, argv, "+:b:", longopts, NULL)) != -1) {
        switch (opt) {
        case 'b':
            a->bundle = optarg;
            break;
        case 'p':
            a->pid_file = optarg;
            break;
        case 'c':
            a->console_socket = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "0") != 0)
                return xo_err_set(
                    err, ENOTSUP,
                    "create: --preserve-fds: a domain cannot inherit file descriptors");
            break;
        case 'n':
        case 'k':
            break; /* a domain has no pivot_root nor session keyring */
        case ':':
            return xo_err_set(err, EINVAL, "create: option %s needs a value",
                              argv[optind - 1]);
        default:
            return xo_err_set(err, EINVAL, "create: unknown option %s",
                              argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return xo_err_set(err, EINVAL, "create: exactly one container ID");
    a->id = argv[optind];
    return runc_check_id(a->id, err);
}

/* Writes the bare pid, no newline (containerd's ReadPidFile). */
static int write_pid_file(const char *path, long pid, xo_err *err)
{
    char text[24];
    /* cannot truncate: a long is at most 20 digits and a sign */
    int n = snprintf(text, sizeof(text), "%ld", pid);
    return xo_write_file_atomic(path, text, (size_t)n, 0644, err);
}

/* Forks the placeholder, `xl-oci-placeholder NAME` (monitor_placeholder.h:
 * a small static program costs less than a fork of this one); its pid,
 * or -1.  With `new_netns` it runs in a network
 * namespace of its own, the container's, which `ctr run --cni` fills
 * through /proc/PID/ns/net before start, as it would runc's container
 * process.  With a `tty` (>= 0, a pty's slave) that is its stdio and it
 * runs with --terminal. */
/*
 * The placeholder's network namespace: a new one (`new_netns`), the one
 * at `join_netns` (a pod's sandbox given CRI's namespace: the pod's app
 * containers name /proc/<its pid>/ns/net, so it must be in it, as runc's
 * pause process is), or the caller's.
 */
/* With `member_dir` it is a pod member's (runc_pod_member.h), `name` its
 * pod's domain and `member_vdev` its root's disk there. */
static long spawn_placeholder(const char *name, bool new_netns,
                              const char *join_netns, bool sandbox, int tty,
                              const char *member_dir, const char *member_vdev,
                              xo_err *err)
{
    char prog[4096];
    if (monitor_placeholder_program(prog, sizeof(prog), err) < 0)
        return -1;
    /* The rest NULL: the mode's arguments go in below. */
    char *argv[9] = {prog, "--root", (char *)cmd_state_root()};
    if (member_dir) {
        argv[3] = "--pod-member";
        argv[4] = (char *)member_dir;
        argv[5] = "--pod-disk";
        argv[6] = (char *)member_vdev;
        argv[7] = (char *)name;
    } else if (sandbox || tty >= 0) {
        argv[3] = sandbox ? "--sandbox" : "--terminal";
        argv[4] = (char *)name;
    } else {
        argv[3] = (char *)name;
    }
    /* The child's errno from unshare() or exec, or EOF once it exec'd. */
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return xo_err_sys(err, "cannot make a pipe for the placeholder");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return xo_err_sys(err, "cannot fork the placeholder");
    }
    if (pid == 0) {
        close(pfd[0]);
        int nsfd = join_netns ? open(join_netns, O_RDONLY | O_CLOEXEC) : -1;
        if ((new_netns && unshare(CLONE_NEWNET) < 0) ||
            (join_netns && (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0))) {
            int e = errno;
            (void)!write(pfd[1], &e, sizeof(e));
            _exit(255);
        }
        if (nsfd >= 0)
            close(nsfd);
        /* First, as the slave may be fd 3: dup2() clears O_CLOEXEC on the
         * copies. */
        if (tty >= 0) {
            dup2(tty, 0);
            dup2(tty, 1);
            dup2(tty, 2);
        }
        if (pfd[1] != 3) {
            dup2(pfd[1], 3); /* kept past close_range; CLOEXEC below */
            close(pfd[1]);
        }
        fcntl(3, F_SETFD, FD_CLOEXEC);
        if (tty < 0) {
            /* stdin is not the container's input: without a terminal a
             * domain has none. */
            int null = open("/dev/null", O_RDONLY);
            if (null >= 0 && null != 0) {
                dup2(null, 0);
                close(null);
            }
        }
        close_range(4, ~0U, 0);
        execv(prog, argv);
        int e = errno;
        (void)!write(3, &e, sizeof(e));
        _exit(255);
    }
    close(pfd[1]);
    int child_errno = 0;
    ssize_t n;
    while ((n = read(pfd[0], &child_errno, sizeof(child_errno))) < 0 &&
           errno == EINTR)
        ;
    close(pfd[0]);
    if (n > 0) {
        waitpid(pid, NULL, 0);
        errno = child_errno;
        if (join_netns)
            return xo_err_sys(
                err, "placeholder %s: joining network namespace %s, or exec",
                prog, join_netns);
        return xo_err_sys(err, "placeholder %s: %s", prog,
                          new_netns ? "a network namespace of its own, or exec"
                                    : "exec");
    }
    return pid;
}

/* runc's rule: a terminal needs --console-socket (create detaches), and
 * --console-socket is for a terminal only; a pod's sandbox has none. */
static int check_terminal(const struct create_args *a,
                          const struct runtime_spec *rs, const char *spec_path,
                          xo_err *err)
{
    if (rs->process.terminal && !a->console_socket)
        return xo_err_set(
            err, EINVAL,
            "%s: process.terminal is true: create needs --console-socket",
            spec_path);
    if (a->console_socket && !rs->process.terminal)
        return xo_err_set(
            err, EINVAL,
            "create: --console-socket given but %s has no process.terminal",
            spec_path);
    if (a->console_socket && rs->container_type == RUNTIME_CONTAINER_SANDBOX)
        return xo_err_set(err, EINVAL, "%s: a pod's sandbox has no terminal",
                          spec_path);
    return 0;
}

/* The spec's copy poststart and poststop hooks are read from later
 * (runc_hooks.h), when it has them. */
static int keep_spec(const struct runtime_spec *rs, const char *text,
                     size_t len, const char *dir, xo_err *err)
{
    if (!runc_hooks_later(rs))
        return 0;
    char path[4200];
    return xo_path_fmt(path, sizeof(path), err, "%s/" RUNC_HOOKS_SPEC, dir) <
                       0 ||
                   xo_write_file_atomic(path, text, len, 0600, err) < 0
               ? -1
               : 0;
}

/* prestart and createRuntime, once the container's pid (the
 * placeholder) exists, as runc runs them before its init pivots. */
static int create_hooks(const struct runtime_spec *rs,
                        const struct runc_state *s, xo_err *err)
{
    return runc_hooks_run(rs, RUNTIME_HOOK_PRESTART, s, "creating", err) < 0 ||
                   runc_hooks_run(rs, RUNTIME_HOOK_CREATE_RUNTIME, s,
                                  "creating", err) < 0
               ? -1
               : 0;
}

/*
 * A pod's sandbox (CRI's "pause" container): no domain and no root
 * volume, only a placeholder (`xl-oci-placeholder --sandbox`) that holds the
 * pod's network namespace (a new one, when the spec names none) until it
 * is killed; the pod's containers name that namespace and are spliced
 * into it at their start.
 */
static int create_sandbox(const struct runc_global *g,
                          const struct create_args *a, struct runc_state *s,
                          const struct runtime_spec *rs, const char *spec_path,
                          xo_err *err)
{
    const struct runtime_namespace *ns = runtime_spec_namespace(rs, "network");
    s->sandbox = true;
    status_now(s->created, sizeof(s->created));
    if (ns && ns->path &&
        (ns->path[0] != '/' ||
         xo_path_fmt(s->netns, sizeof(s->netns), err, "%s", ns->path) < 0))
        return xo_err_set(
            err, EINVAL,
            "%s: linux.namespaces: network path \"%.200s\" is not absolute",
            spec_path, ns->path);
    if (xo_path_fmt(s->id, sizeof(s->id), err, "%s", a->id) < 0 ||
        runc_domain_name_free(s->name, g, a->id, cmd_state_root(), err) < 0)
        return -1;
    s->pid = spawn_placeholder(s->name, ns && !ns->path, ns ? ns->path : NULL,
                               true, -1, NULL, NULL, err);
    if (s->pid < 0)
        return -1;
    s->pid_start = runc_proc_start(s->pid); /* our child: not reaped yet */
    char dir[4096];
    int hooks = 0;
    if (runc_state_write(g, s, err) < 0 ||
        runc_state_dir(dir, sizeof(dir), g, s->id, err) < 0 ||
        runc_pod_keep_sysctls(dir, rs, err) < 0 ||
        (a->pid_file && write_pid_file(a->pid_file, s->pid, err) < 0) ||
        (hooks = create_hooks(rs, s, err)) < 0) {
        kill((pid_t)s->pid, SIGKILL);
        /* As runc's destroy after a failed create hook: poststop. */
        if (hooks < 0)
            runc_hooks_warn(rs, RUNTIME_HOOK_POSTSTOP, s, "stopped");
        return -1;
    }
    return 0;
}

int runc_create(const struct runc_global *g, int argc, char **argv, xo_err *err)
{
    struct create_args a;
    struct runc_state s;
    struct runtime_spec rs;
    struct bundle_volume vol = {.lock_fd = -1};
    struct runc_pty pty = {.master = -1, .slave = -1};
    struct rendered r;
    struct runc_state sb;
    char dir[4096], spec_path[4096], rootfs[4096], cfg_path[4200];
    char binds[4200];
    char **pod_sysctls = NULL, *spec_text = NULL;
    size_t spec_len = 0;
    int hooks = 0, member = 0;
    bool have_dir = false;
    int rc = -1;
    runtime_spec_init(&rs);
    create_rendered_init(&r);
    memset(&s, 0, sizeof(s));
    xo_stamp("create", "runc create begins");
    if (parse(argc, argv, &a, err) < 0 ||
        runc_state_dir(dir, sizeof(dir), g, a.id, err) < 0)
        goto out;
    /* As runc: the shim names --root /run/containerd/runc/<namespace>,
     * which nobody made yet on a host's first container. */
    if (xo_mkdir_p(g->root, 0711, err) < 0)
        goto out;
    if (mkdir(dir, 0700) < 0) {
        if (errno == EEXIST)
            xo_err_set(err, EEXIST, "container \"%s\" already exists", a.id);
        else
            xo_err_sys(err, "cannot create %s", dir);
        goto out;
    }
    have_dir = true;
    if (!realpath(a.bundle, s.bundle)) {
        xo_err_sys(err, "bundle %s", a.bundle);
        goto out;
    }
    if (xo_path_fmt(spec_path, sizeof(spec_path), err, "%s/config.json",
                    s.bundle) < 0 ||
        xo_read_file(&spec_text, &spec_len, spec_path, RUNTIME_SPEC_MAX_BYTES,
                     err) < 0 ||
        runtime_spec_parse(&rs, spec_text, spec_len, spec_path, err) < 0 ||
        check_terminal(&a, &rs, spec_path, err) < 0 ||
        runc_hooks_check(&rs, spec_path, err) < 0 ||
        keep_spec(&rs, spec_text, spec_len, dir, err) < 0)
        goto out;
    xo_stamp("create", "bundle's config.json read");
    /* A sandbox runs no domain unless it asks to run the pod's; an app
     * container of a pod that has one is a member of it. */
    if (rs.container_type == RUNTIME_CONTAINER_SANDBOX &&
        !runc_pod_domain_wanted(&rs)) {
        rc = create_sandbox(g, &a, &s, &rs, spec_path, err);
        goto out;
    }
    /* runc maps the container's ids onto the host's (--uidmap, Docker's
     * userns-remap); a domain's kernel has no user namespaces, and the
     * remapped rootfs would show its owners as 100000 and up to an
     * entrypoint running as 0: refused, not run with the wrong owners. */
    if (runtime_spec_namespace(&rs, "user")) {
        xo_err_set(
            err, ENOTSUP,
            "%s: linux.namespaces: a user namespace (uidMappings, gidMappings) is not available in a Xen domain, whose kernel has none; the domain is the container's boundary: run it without one (no --uidmap, no userns-remap)",
            spec_path);
        goto out;
    }
    s.sandbox = s.pod_domain = rs.container_type == RUNTIME_CONTAINER_SANDBOX;
    if ((member = runc_pod_member_sandbox(g, &rs, &sb, err)) < 0)
        goto out;
    if (rs.root_path[0] == '/'
            ? xo_path_fmt(rootfs, sizeof(rootfs), err, "%s", rs.root_path) < 0
            : xo_path_fmt(rootfs, sizeof(rootfs), err, "%s/%s", s.bundle,
                          rs.root_path) < 0)
        goto out;
    const struct runtime_namespace *netns =
        runtime_spec_namespace(&rs, "network");
    if (netns) {
        s.late_network = true;
        if (netns->path && netns->path[0] != '/') {
            xo_err_set(
                err, EINVAL,
                "%s: linux.namespaces: network path \"%.200s\" is not absolute",
                spec_path, netns->path);
            goto out;
        }
        if (netns->path &&
            xo_path_fmt(s.netns, sizeof(s.netns), err, "%s", netns->path) < 0)
            goto out;
    }
    /* What runc's create refuses (its init's lookup), before any work. */
    if (runc_entrypoint_check(&rs, rootfs, spec_path, err) < 0 ||
        bundle_rootfs_volume(&vol, cmd_state_root(), rootfs, NULL, err) < 0)
        goto out;
    xo_stamp("create", "root volume of the bundle's rootfs ready");
    status_now(s.created, sizeof(s.created));
    s.gated = !member; /* create_xen's start_gate below */
    if (xo_path_fmt(s.id, sizeof(s.id), err, "%s", a.id) < 0 ||
        xo_path_fmt(s.volume, sizeof(s.volume), err, "%s", vol.dir) < 0 ||
        runc_domain_name_free(s.name, g, a.id, cmd_state_root(), err) < 0 ||
        xo_path_fmt(cfg_path, sizeof(cfg_path), err, "%s/app.cfg", dir) < 0 ||
        runc_domcfg_write_app_cfg(cfg_path, s.name, vol.dir, err) < 0 ||
        runc_state_write(g, &s, err) < 0 ||
        app_cfg_read(&r.ac, cfg_path, err) < 0)
        goto out;
    /* A member's are its pod domain's already. */
    if (rs.sandbox_id && !member &&
        runc_pod_sysctls(&pod_sysctls, g, rs.sandbox_id, err) < 0)
        goto out;
    struct runc_domcfg_in in = {
        .rs = &rs,
        .spec_path = spec_path,
        .bundle = s.bundle,
        .pod_sysctls = pod_sysctls,
        .state_root = cmd_state_root(),
        .default_loader = cmd_default_loader(),
    };
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
        in.nofile_soft = nofile.rlim_cur;
        in.nofile_hard = nofile.rlim_max;
    }
    /* Booted now, behind the start gate: the guest's kernel and its
     * mounts overlap what the shim and containerd do until `start`. */
    struct create_opts o = {
        .cfg_path = cfg_path, .start_gate = true, .quiet = true};
    if (runc_domcfg_build(&r.dc, r.ac, &in, err) < 0)
        goto out;
    xo_stamp("create", "app.cfg written, DomainConfig made");
    /* The store lock bundle_rootfs_volume() holds shared goes before
     * create takes the state lock: never the store's lock while waiting
     * for the state's (image/lock.h), nor in the monitor create forks.
     * A prune in between could remove an unused cached volume; create
     * then fails naming it, and the next create builds it again. */
    close(vol.lock_fd);
    vol.lock_fd = -1;
    /* The copies live in the state directory, not the store: made after
     * the lock goes, so no other create waits for them. */
    if (xo_path_fmt(binds, sizeof(binds), err, "%s/" RUNC_BINDS_IMAGE, dir) <
            0 ||
        runc_binds_make(&r.dc, binds, err) < 0)
        goto out;
    if (r.dc.binds_image || r.dc.binds_inline)
        xo_stamp("create", "bind mounts copied (%s)",
                 r.dc.binds_inline ? "into the boot spec" : "into an image");
    if (member) {
        /* No domain of its own: its root joins the pod's domain, its
         * process waits for start in the placeholder.  The pod's network
         * is the domain's: start splices nothing. */
        s.late_network = false;
        if (runc_pod_member_attach(&s, &r.dc, g, &sb, dir, spec_path, err) <
                0 ||
            runc_pod_member_fifo(dir, err) < 0)
            goto out;
    } else {
        if (create_xen(&o, &r, err) < 0)
            goto out;
        s.loader_mb = r.dc.loader_need_mb;
        s.memory_mb = r.dc.memory_mb;
        s.maxmem_mb = r.dc.maxmem_mb;
    }
    if (a.console_socket && runc_pty_open(&pty, err) < 0) {
        xo_err e = XO_ERR_INIT;
        if (!member)
            cmd_destroy(s.name, &e);
        xo_err_clear(&e);
        goto out;
    }
    /* In the container's network namespace, as runc's init is: the pid
     * hooks are given enters it (a new one, or the pod's; a member's is
     * the one its spec names, the pod's). */
    if (member)
        s.pid = spawn_placeholder(s.pod, false, netns ? netns->path : NULL,
                                  false, -1, dir, s.pod_vdev, err);
    else
        s.pid = spawn_placeholder(s.name, s.late_network && !s.netns[0],
                                  s.netns[0] ? s.netns : NULL, false, pty.slave,
                                  NULL, NULL, err);
    if (s.pid > 0)
        s.pid_start = runc_proc_start(s.pid); /* our child: not reaped yet */
    if (s.pid < 0 ||
        (a.console_socket &&
         runc_console_send(a.console_socket, &pty, err) < 0) ||
        runc_state_write(g, &s, err) < 0 ||
        (a.pid_file && write_pid_file(a.pid_file, s.pid, err) < 0) ||
        (hooks = create_hooks(&rs, &s, err)) < 0) {
        xo_err e = XO_ERR_INIT;
        if (s.pid > 0)
            kill((pid_t)s.pid, SIGKILL);
        if (!member)
            cmd_destroy(s.name, &e);
        xo_err_clear(&e);
        /* As runc's destroy after a failed create hook: poststop. */
        if (hooks < 0)
            runc_hooks_warn(&rs, RUNTIME_HOOK_POSTSTOP, &s, "stopped");
        goto out;
    }
    xo_stamp("create", "placeholder %ld started, pid file written", s.pid);
    rc = 0;
out:
    xo_strv_free(pod_sysctls);
    free(spec_text);
    if (rc < 0 && have_dir) {
        xo_err e = XO_ERR_INIT;
        runc_pod_member_detach(&s, &e);
        xo_err_clear(&e);
        /* Our shared hold of the store lock goes first: the release takes
         * it exclusive and would wait for us. */
        if (vol.lock_fd >= 0) {
            close(vol.lock_fd);
            vol.lock_fd = -1;
        }
        if (vol.dir)
            bundle_rootfs_release(cmd_state_root(), vol.dir, &e);
        xo_err_clear(&e);
        char p[4200];
        if (xo_path_fmt(p, sizeof(p), &e, "%s/state.json", dir) >= 0)
            unlink(p);
        if (xo_path_fmt(p, sizeof(p), &e, "%s/app.cfg", dir) >= 0)
            unlink(p);
        if (xo_path_fmt(p, sizeof(p), &e, "%s/" RUNC_HOOKS_SPEC, dir) >= 0)
            unlink(p);
        if (xo_path_fmt(p, sizeof(p), &e, "%s/" RUNC_POD_SYSCTLS, dir) >= 0)
            unlink(p);
        if (xo_path_fmt(p, sizeof(p), &e, "%s/" RUNC_POD_MEMBER_SPEC, dir) >= 0)
            unlink(p);
        if (xo_path_fmt(p, sizeof(p), &e, "%s/" RUNC_POD_MEMBER_FIFO, dir) >= 0)
            unlink(p);
        if (xo_path_fmt(p, sizeof(p), &e, "%s/" RUNC_BINDS_IMAGE, dir) >= 0)
            runc_binds_remove(p, &e);
        rmdir(dir);
        xo_err_clear(&e);
    }
    runc_pty_close(&pty);
    bundle_volume_dispose(&vol);
    runtime_spec_dispose(&rs);
    create_rendered_dispose(&r);
    return rc;
}
