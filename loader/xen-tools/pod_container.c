/*
 * pod_container.c: a container of the domain's pod (see
 * pod_container.h).
 */
#include "pod_container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "common/abi/exec_channel.h"
#include "common/alloc.h"
#include "common/pathfmt.h"
#include "common/user.h"
#include "maskpaths.h"
#include "netcfg.h"
#include "run.h"
#include "safepath.h"
#include "sysctls.h"

static _Noreturn void child_error(int fd, int errnum, bool at_exec,
                                  const char *what)
{
    struct exec_child_error ce = {errnum, at_exec, ""};
    /* may truncate: a message for dom0 */
    snprintf(ce.what, sizeof(ce.what), "%s", what);
    if (write(fd, &ce, sizeof(ce)) < 0) {
        /* Nothing left to tell it with; the exit code says what failed. */
    }
    _exit(exec_error_shell_code(errnum, !at_exec));
}

_Noreturn void exec_child_fail(int fd, int errnum, const char *what)
{
    child_error(fd, errnum, false, what);
}

_Noreturn void exec_child_exec_failed(int fd, int errnum, const char *prog)
{
    child_error(fd, errnum, true, prog);
}

int pod_container_check(const struct boot_spec *pod,
                        const struct boot_spec *spec, const char **why_r)
{
    if (spec->nifaces > 0 || spec->late_network) {
        *why_r = "a pod container configures no interface: its network is "
                 "the pod's";
        return -1;
    }
    if (!strcmp(spec->root_device, pod->root_device)) {
        *why_r = "a pod container's root device is the domain's own";
        return -1;
    }
    return 0;
}

static _Noreturn void fail_err(int fd, xo_err *err)
{
    exec_child_fail(fd, err->errnum ? err->errnum : EINVAL, xo_err_msg(err));
}

/*
 * What this mount namespace (a copy of PID 1's) holds of the domain
 * besides the initramfs: the domain's container's root, moved over the
 * initramfs root (mounts_switch_root), the domain's container's staged
 * mounts, and the kernel's /proc, /sys and devtmpfs, which building the
 * pod container's root still needs (devices, sysctls).  All detached, so
 * that nothing of them is left in its namespace (best effort: a path that
 * is no mount point stays as it is).
 *
 * Why it matters: the pod container's root hangs below the initramfs
 * (rootfs, which nothing can pivot away from), and a process with
 * CAP_SYS_CHROOT (in Docker's default set) walks up out of its root with
 * chroot and "..".  At the top it stepped into the domain's container's
 * root and could read and write it (lab 35, pod-member-out-of-its-root-*);
 * cover_initramfs() below leaves it nothing at the top at all.
 */
static void detach_domain_root(const char *staging)
{
    char path[PATH_MAX];
    xo_err err = XO_ERR_INIT;
    /* The root dentry is not followed into what is mounted on it; a ".."
     * that arrives there is: STAGING/.. names the domain's root. */
    if (xo_path_fmt(path, sizeof(path), &err, "%s/..", staging) >= 0)
        umount2(path, MNT_DETACH);
    static const char *const sub[] = {"/lower", "/rw", "/binds",
                                      "/binds-inline"};
    for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
        if (xo_path_fmt(path, sizeof(path), &err, "%s%s", staging, sub[i]) >= 0)
            umount2(path, MNT_DETACH);
    xo_err_clear(&err);
}

static void detach_kernel_mounts(void)
{
    umount2("/proc", MNT_DETACH);
    umount2("/sys", MNT_DETACH);
    umount2("/dev", MNT_DETACH);
}

/*
 * An empty, read-only tmpfs over the initramfs root in this namespace:
 * this process's own root is not followed into it (its paths still reach
 * the staging), but a ".." that climbs to the top is, and stays there.
 * With the staging read-only (make_staging), a pod container that walks
 * out of its root finds empty directories on the way and nothing at the
 * top: neither the loader's files nor anything to write.
 */
static void cover_initramfs(int errfd)
{
    if (mount("tmpfs", "/", "tmpfs",
              MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=4k,mode=0555") < 0)
        exec_child_fail(errfd, errno, "cover the initramfs root");
}

/* Sends fd on the unix socket `sock` (SCM_RIGHTS); -1 with errno. */
static int send_fd(int sock, int fd)
{
    char byte = 0;
    struct iovec iov = {&byte, 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    memset(&u, 0, sizeof(u));
    struct msghdr m = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(sock, &m, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* A pty of the container's own devpts (its /dev/pts/ptmx, after the
 * switch): the master goes to the session, the peer is returned. */
static int container_pty(int ptysock, uint16_t rows, uint16_t cols, int errfd)
{
    int m = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int unlock = 0;
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    if (m < 0 || ioctl(m, TIOCSPTLCK, &unlock) < 0 ||
        ioctl(m, TIOCSWINSZ, &ws) < 0)
        exec_child_fail(errfd, errno, "a pty in the container's /dev/pts");
    int t = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (t < 0 || send_fd(ptysock, m) < 0)
        exec_child_fail(errfd, errno, "the pty");
    close(m);
    return t;
}

/* Into the initramfs root of PID 1's mount namespace, then a private
 * mount namespace of our own there. */
static void enter_base(const struct exec_pod_base *base, int errfd)
{
    if (setns(base->mntns_fd, CLONE_NEWNS) < 0)
        exec_child_fail(errfd, errno, "setns(the domain's mount namespace)");
    if (fchdir(base->root_fd) < 0 || chroot(".") < 0)
        exec_child_fail(errfd, errno, "chroot to the domain's initramfs");
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        exec_child_fail(errfd, errno, "a mount namespace");
}

/*
 * STAGING/pods/NAME, a tmpfs: its own mount, so that the pivot below has
 * a root that is not the initramfs (Linux cannot pivot away from rootfs)
 * and the old root's detach takes the staging with it.
 */
static void make_staging(const struct exec_pod_base *base, const char *name,
                         char *stage, size_t sz, int errfd)
{
    xo_err err = XO_ERR_INIT;
    char pods[PATH_MAX];
    if (xo_path_fmt(pods, sizeof(pods), &err, "%s/pods", base->env->staging) <
            0 ||
        xo_path_fmt(stage, sz, &err, "%s/%s", pods, name) < 0)
        fail_err(errfd, &err);
    if ((mkdir(pods, 0700) < 0 && errno != EEXIST) ||
        (mkdir(stage, 0700) < 0 && errno != EEXIST))
        exec_child_fail(errfd, errno, "mkdir the pod container's staging");
    /* In a domain, the staging is read-only in this namespace (the
     * container's own staging is a mount of its own, below): what a
     * container that walks out of its root passes through
     * (cover_initramfs). */
    const char *top = base->env->staging;
    unsigned long ro =
        MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (!base->env->host && (mount(top, top, NULL, MS_BIND, NULL) < 0 ||
                             mount(NULL, top, NULL, ro, NULL) < 0))
        exec_child_fail(errfd, errno, "a read-only view of the staging");
    if (mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
        exec_child_fail(errfd, errno, "mount the pod container's staging");
}

_Noreturn void pod_container_child(const struct exec_pod_base *base,
                                   const struct boot_spec *spec,
                                   const char *name, int errfd,
                                   const int fds[3], int ptysock, uint16_t rows,
                                   uint16_t cols)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    umask(022);
    enter_base(base, errfd);
    if (!base->env->host)
        detach_domain_root(base->env->staging);
    char stage[PATH_MAX];
    make_staging(base, name, stage, sizeof(stage), errfd);
    struct loader_env env = *base->env;
    env.staging = stage;
    xo_err err = XO_ERR_INIT;
    const char *root = NULL;
    if (mounts_root(&env, spec, &root, &err) < 0)
        fail_err(errfd, &err);
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        exec_child_fail(errfd, errno, "open the container's root");
    int cwdfd = -1;
    if (netcfg_write_files(spec, rootfd, &err) < 0 ||
        /* Made as the domain's own container's is (init.c): links in
         * it followed inside the root, a dangling one's target made. */
        (cwdfd = safepath_in_root(rootfd, spec->cwd, true, &err)) < 0 ||
        sysctls_apply(spec, env.host, &err) < 0 ||
        (spec->root_readonly && mounts_root_readonly(root, &err) < 0))
        fail_err(errfd, &err);
    close(cwdfd);
    close(rootfd);
    if (!env.host) {
        detach_kernel_mounts();
        cover_initramfs(errfd);
    }
    if (chdir(stage) < 0 || chroot(".") < 0)
        exec_child_fail(errfd, errno, "chroot to the staging");
    if (mounts_switch_root("/root", &err) < 0)
        fail_err(errfd, &err);
    /* The spec's masked and read-only paths (its bundle's, boot spec v12),
     * as the domain's own entrypoint gets them (run.c): runc applies them
     * to every container, a pod's members too. */
    const char *masked_what = "";
    if (mounts_mask_paths(spec, &masked_what) < 0)
        exec_child_fail(errfd, errno, masked_what);

    int io[3] = {fds[0], fds[1], fds[2]};
    setsid();
    bool tty = ptysock >= 0;
    if (tty) {
        int t = container_pty(ptysock, rows, cols, errfd);
        if (ioctl(t, TIOCSCTTY, 0) < 0)
            exec_child_fail(errfd, errno, "the pty");
        io[0] = io[1] = io[2] = t;
    }
    for (int i = 0; i < 3; i++)
        if (dup2(io[i], i) < 0)
            exec_child_fail(errfd, errno, "dup2");
    /* Nothing of the server's reaches the process (errfd closes at exec,
     * which is how the session learns it succeeded). */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    struct xo_user_ids ids;
    if (xo_user_resolve(&ids, spec->user, "/etc", &err) < 0)
        fail_err(errfd, &err);
    run_spec_groups(spec, &ids);
    if (tty && fchown(0, ids.uid, (gid_t)-1) < 0)
        exec_child_fail(errfd, errno, "chown the pty");
    char **envp = xo_xcalloc(spec->nenv + 2, sizeof(*envp));
    static char home[300];
    run_env_build(envp, spec->env, spec->nenv, NULL, 0, home, sizeof(home),
                  &ids, false);
    const char *what = "";
    if (run_become(spec, &ids, spec->cwd, &what) < 0)
        exec_child_fail(errfd, errno, what);
    run_exec_path(spec->args[0], (char *const *)spec->args, envp);
    exec_child_exec_failed(errfd, errno, spec->args[0]);
}

void pod_container_cleanup(const struct exec_pod_base *base, const char *name)
{
    char path[PATH_MAX];
    xo_err err = XO_ERR_INIT;
    /* Relative to the initramfs root: the session's own root is the
     * domain's container's. */
    const char *staging = base->env->staging;
    while (*staging == '/')
        staging++;
    if (xo_path_fmt(path, sizeof(path), &err, "%s/pods/%s", staging, name) >= 0)
        unlinkat(base->root_fd, path, AT_REMOVEDIR);
    xo_err_clear(&err);
}
