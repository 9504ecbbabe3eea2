/*
 * init.c: the xen-tools loader's init, PID 1 of an xl-oci domain.
 *
 * One binary, three ways to start it:
 *   - as the kernel's init (PID 1 in a domain): reads /xl-oci/boot-spec.dtb
 *   - `init --host-test --spec FILE [--report DIR] [--dev DEV=PATH]...
 *     [--late-network FILE]`:
 *     the same sequence on a host, as PID 1 of fresh PID, mount, UTS, IPC
 *     and network namespaces, for tests without Xen
 *   - `init xl-oci-stop`: the kernel's poweroff_cmd; asks PID 1 to stop
 *   - `init --check-spec FILE`: only reads and checks a boot spec
 *   - `init --wait-gate`: only waits at the start gate, against the
 *     xenstored $XENSTORED_PATH names (tests with a stand-in)
 * See xl-oci-loader(7) for the sequence, markers and exit codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <termios.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootspec.h"
#include "common/alloc.h"
#include "common/fileio.h"
#include "common/oom_kill.h"
#include "common/pathfmt.h"
#include "dnsfwd.h"
#include "exec_server.h"
#include "modules.h"
#include "mounts.h"
#include "latenet.h"
#include "netcfg.h"
#include "report.h"
#include "run.h"
#include "safepath.h"
#include "startgate.h"
#include "sysctls.h"
#include "common/user.h"

#define GUEST_STAGING "/xl-oci"
#define STOP_ARG "xl-oci-stop"
/*
 * The kernel runs poweroff_cmd with PID 1's root, which is the container's
 * root by then; its /proc/1/exe is still this binary.
 */
#define POWEROFF_CMD "/proc/1/exe " STOP_ARG
/* docker run's code for "the runtime failed", so tests can tell it apart. */
#define HOST_FAIL_CODE 125

static struct boot_spec spec;
static const struct loader_env *cur_env;

static _Noreturn void finish(int code)
{
    mounts_teardown(&spec);
    if (cur_env->host)
        _exit(code);
    reboot(RB_POWER_OFF);
    /* Not reached for root; say so rather than let the kernel panic. */
    report_marker("power off failed: %m");
    for (;;)
        pause();
}

static _Noreturn void fail(xo_err *err)
{
    report_failure(xo_err_msg(err));
    xo_err_clear(err);
    run_kill_all(2000);
    finish(HOST_FAIL_CODE);
}

/* A domain's PID 1: console, pseudo file systems, how to be stopped. */
static int guest_early(xo_err *err)
{
    if (mounts_early(err) < 0)
        return -1;
    if (fcntl(STDOUT_FILENO, F_GETFD) < 0) {
        /* The initramfs had no /dev/console; devtmpfs has one now. */
        int fd = open("/dev/console", O_RDWR | O_NOCTTY);
        if (fd < 0)
            return xo_err_sys(err, "open /dev/console");
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    /* The console is a tty, the container's stdout is not a terminal
     * (the runtime spec's "terminal": false): no "\n" -> "\r\n", so the
     * console log holds the bytes the program wrote, as runc's pipes do. */
    struct termios t;
    if (tcgetattr(STDOUT_FILENO, &t) == 0) {
        t.c_oflag &= ~(tcflag_t)ONLCR;
        tcsetattr(STDOUT_FILENO, TCSANOW, &t);
    }
    /* ctrl-alt-del becomes SIGINT to us: a stop request like any other. */
    reboot(RB_DISABLE_CAD);
    static const char cmd[] = POWEROFF_CMD "\n";
    int fd = open("/proc/sys/kernel/poweroff_cmd", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || xo_write_all(fd, cmd, sizeof(cmd) - 1) < 0)
        report_marker("warning: cannot set poweroff_cmd: %m");
    if (fd >= 0)
        close(fd);
    return 0;
}

/*
 * The module groups (see mkloader.sh) this boot spec needs: always the
 * block frontend and overlayfs, the file systems it mounts, the network
 * frontend when it configures interfaces.  Returns how many.
 */
static size_t module_groups(const char **g, const struct boot_spec *s)
{
    size_t n = 0;
    g[n++] = "base";
    g[n++] = "block";
    g[n++] = "overlay";
    g[n++] = "exec";
    g[n++] = s->root_fstype;
    if (s->wr_fstype)
        g[n++] = s->wr_fstype;
    for (size_t i = 0; i < s->nmounts; i++)
        if (s->mounts[i].fstype) /* an inline bind has none (tmpfs) */
            g[n++] = s->mounts[i].fstype;
    /* A late network's interfaces are known after the start gate. */
    if (s->nifaces > 0 && !s->late_network)
        g[n++] = "net";
    return n;
}

/* The loader's own process: its children (the exec server, sessions and
 * the entrypoint before exec) must not report or power off for it. */
static pid_t loader_pid;

/*
 * common/alloc.h's policy in PID 1: aborting would panic the domain with no
 * word to the host, so the loader reports the failure (best effort: the
 * xenstore write may need memory itself) and powers off the way every
 * other failure does; a child just ends with 127, as a failed exec does.
 */
static void loader_oom(void)
{
    if (getpid() != loader_pid)
        _exit(127);
    /* oom kept: the policy's own handler in PID 1. */
    report_failure("out of memory");
    run_kill_all(2000);
    finish(HOST_FAIL_CODE);
}

/* Everything from the boot spec to the entrypoint's exit. */
static _Noreturn void loader_main(const struct loader_env *env,
                                  const char *spec_path, const char *report_dir)
{
    xo_err err = XO_ERR_INIT;
    sigset_t set;
    run_block_signals(&set);
    /* A domain's PID 1 starts with the kernel's 022; the host test mode
     * must not inherit a shell's, or directories made for the container
     * (a missing WorkingDir, mount points) get other modes. */
    umask(022);
    cur_env = env;
    loader_pid = getpid();
    xo_oom_set_handler(loader_oom);
    if (!env->host && guest_early(&err) < 0)
        fail(&err);
    report_open(report_dir);

    if (boot_spec_load(&spec, spec_path, &err) < 0)
        fail(&err);
    /* Read once, kept in memory: in the initramfs a pod member that walks
     * out of its root (pod_container.c) would read the domain's
     * container's spec, its env among it. */
    if (!env->host)
        unlink(spec_path);
    report_phase(GUEST_PHASE_MOUNTING);
    const char *groups[7 + BS_MAX_MOUNTS];
    size_t ngroups = module_groups(groups, &spec);
    /* A late network's group comes after the gate: unlink nothing yet. */
    if (!env->host && modules_load(MODULES_LIST, groups, ngroups,
                                   !spec.late_network, &err) < 0)
        fail(&err);

    const char *root;
    if (mounts_root(env, &spec, &root, &err) < 0)
        fail(&err);
    /* Everything so far is create's work; what follows waits for the OCI
     * start (common/abi/start_gate.h), which also gives the late network. */
    int stop_sig = 0;
    int gate = env->host ? 0 : startgate_wait(&set, &stop_sig, &err);
    if (gate < 0)
        fail(&err);
    if (gate > 0) {
        /* Stopped while created: as runc's init, which dies of the
         * signal before it ever runs the process. */
        report_marker("stopped before start: signal %d", stop_sig);
        report_exit_code(128 + (int)spec.stop_signal);
        report_phase(GUEST_PHASE_EXITED);
        finish(128 + (int)spec.stop_signal);
    }
    if (spec.late_network) {
        static const char *const net[] = {"net"};
        if (bs_load_late_network(&spec, env->host ? env->late_network : NULL,
                                 &err) < 0 ||
            (!env->host &&
             modules_load(MODULES_LIST, net, spec.nifaces > 0 ? 1 : 0, true,
                          &err) < 0))
            fail(&err);
    }
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        xo_err_sys(&err, "open %s", root);
        fail(&err);
    }
    /* The working directory is created as runc does, before the switch:
     * mkdir -p inside the container's root, so a symlink on the way (an
     * image's /app -> /srv/app) is followed within it, as runc's MkdirAll
     * after pivot_root and Docker's scoped resolution follow it. */
    int cwdfd = -1;
    if (netcfg_write_files(&spec, rootfd, &err) < 0)
        fail(&err);
    if ((cwdfd = safepath_in_root(rootfd, spec.cwd, true, &err)) < 0) {
        xo_err_wrap(&err, "working directory %s", spec.cwd);
        fail(&err);
    }
    close(cwdfd);
    close(rootfd);
    /* What a pod container of this domain starts from (pod_container.h):
     * the initramfs root, hidden by the switch below, and this mount
     * namespace; kept for the exec server (close-on-exec: the entrypoint
     * never has them).  Without them pod containers are refused. */
    static struct exec_pod_base pod_base;
    pod_base.env = env;
    pod_base.root_fd =
        env->host ? -1 : open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    pod_base.mntns_fd =
        env->host ? -1 : open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    pod_base.registry_fd = -1;
    if (pod_base.root_fd < 0 || pod_base.mntns_fd < 0) {
        if (!env->host)
            report_marker("warning: no pod containers: %m");
        pod_base.root_fd = -1;
    } else {
        char dir[PATH_MAX];
        xo_err rerr = XO_ERR_INIT;
        if (xo_path_fmt(dir, sizeof(dir), &rerr, "%s/.pod-registry",
                        env->staging) < 0 ||
            (pod_base.registry_fd = pod_container_registry_open(dir, &rerr)) <
                0) {
            report_marker("warning: no pod containers: %s", xo_err_msg(&rerr));
            pod_base.root_fd = -1;
        }
        xo_err_clear(&rerr);
    }
    if (netcfg_setup(&spec,
                     env->host && !env->host_net ? 0 : env->device_wait_ms,
                     &err) < 0 ||
        sysctls_apply(&spec, env->host, &err) < 0 ||
        (spec.root_readonly && mounts_root_readonly(root, &err) < 0) ||
        mounts_switch_root(root, &err) < 0)
        fail(&err);

    struct xo_user_ids ids;
    if (xo_user_resolve(&ids, spec.user, "/etc", &err) < 0)
        fail(&err);
    run_spec_groups(&spec, &ids);
    /* The DNS forwarder, forked before the entrypoint so that it is
     * outside the container's PID namespace; in the host test mode too,
     * which runs in a network namespace of its own or the test's
     * (--host-net). */
    if (dnsfwd_start(&spec, &err) < 0)
        fail(&err);
    /* The exec channel's server, outside it too; not in the host test
     * mode, which has no vchan. */
    int pid_fd = -1;
    if (!env->host)
        exec_server_start(&spec, &pod_base, &pid_fd);
    /* The OOM killer's count before the run, to tell whether it ended a
     * process of the domain meanwhile (guest report oom-killed); /proc is
     * the container's by now, its vmstat the guest kernel's.  Not in the
     * host test mode, where it is the host's. */
    long long oom_before = env->host ? -1 : xo_oom_kill_count("/proc/vmstat");
    int code = 0;
    if (run_container(&spec, &ids, &set, pid_fd, &code, &err) < 0) {
        report_exit_code(code);
        fail(&err);
    }
    if (oom_before >= 0 && xo_oom_kill_count("/proc/vmstat") > oom_before)
        report_oom_killed();
    report_exit_code(code);
    report_phase(GUEST_PHASE_EXITED);
    report_marker("exited %d", code);
    run_kill_all(2000);
    finish(code);
}

static _Noreturn void usage(int code)
{
    fprintf(
        code ? stderr : stdout,
        "usage: init --host-test [--host-net] --spec FILE [--report DIR] [--dev DEV=PATH]... [--late-network FILE]\n       init --check-spec FILE\n       init --wait-gate\n       init " STOP_ARG
        "\nAs PID 1 of a domain it takes no arguments; see xl-oci-loader(7).\n");
    exit(code);
}

/* The host side of the test mode: namespaces, then PID 1 as a child. */
static int host_test(struct loader_env *env, const char *spec_path,
                     const char *report_dir)
{
    char staging[] = "/tmp/xl-oci-loader.XXXXXX";
    if (!mkdtemp(staging)) {
        perror("init: mkdtemp");
        return HOST_FAIL_CODE;
    }
    env->staging = staging;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGPWR);
    sigprocmask(SIG_BLOCK, &set, &old);
    if (unshare(CLONE_NEWPID) < 0) {
        perror("init: unshare(CLONE_NEWPID)");
        rmdir(staging);
        return HOST_FAIL_CODE;
    }
    pid_t pid = fork();
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        xo_err err = XO_ERR_INIT;
        /* --host-net keeps the caller's network namespace (a test's own
         * `unshare -n`), where a veth with the vif's MAC stands in. */
        int ns = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                 (env->host_net ? 0 : CLONE_NEWNET);
        if (unshare(ns) < 0 ||
            mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", staging, "tmpfs", 0, "mode=0700") < 0) {
            xo_err_sys(&err, "host test namespaces");
            report_open(report_dir);
            report_failure(xo_err_msg(&err));
            _exit(HOST_FAIL_CODE);
        }
        loader_main(env, spec_path, report_dir);
    }
    if (pid < 0) {
        perror("init: fork");
        rmdir(staging);
        return HOST_FAIL_CODE;
    }
    report_marker("host-test pid %d", (int)pid);
    int st = 0;
    for (;;) {
        int sig = sigwaitinfo(&set, NULL);
        if (sig == SIGCHLD) {
            if (waitpid(pid, &st, WNOHANG) == pid)
                break;
        } else if (sig > 0) {
            /* What the kernel's poweroff_cmd helper does in a domain. */
            kill(pid, SIGPWR);
        }
    }
    rmdir(staging);
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return HOST_FAIL_CODE;
}

/* Lets domcfg's tests hold their blobs against the loader's own reader. */
static int check_spec(const char *path)
{
    xo_err err = XO_ERR_INIT;
    struct boot_spec s;
    if (boot_spec_load(&s, path, &err) < 0) {
        xo_err_print(&err, "init", stderr);
        return 1;
    }
    printf("%s: ok: %zu args, %zu env, %zu mounts, %zu interfaces\n", path,
           s.nargs, s.nenv, s.nmounts, s.nifaces);
    boot_spec_free(&s);
    return 0;
}

/* The start gate alone, as a domain's init waits at it: prints "open" or
 * "stopped N" and exits 0, or the error and exits 1. */
static int wait_gate(void)
{
    sigset_t set;
    run_block_signals(&set);
    xo_err err = XO_ERR_INIT;
    int sig = 0;
    int r = startgate_wait(&set, &sig, &err);
    if (r < 0) {
        xo_err_print(&err, "init", stderr);
        return 1;
    }
    if (r > 0)
        printf("stopped %d\n", sig);
    else
        printf("open\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], STOP_ARG)) {
        /* Run by the kernel (orderly poweroff), never as PID 1 itself. */
        if (getpid() == 1)
            return 1;
        return kill(1, SIGPWR) < 0 ? 1 : 0;
    }
    static struct loader_env env = {.staging = GUEST_STAGING,
                                    .device_wait_ms = 10000};
    if (getpid() == 1 && argc == 1)
        loader_main(&env, BOOT_SPEC_GUEST_PATH, NULL);

    static const struct option opts[] = {
        {"host-test", no_argument, NULL, 'H'},
        {"host-net", no_argument, NULL, 'N'},
        {"spec", required_argument, NULL, 's'},
        {"report", required_argument, NULL, 'r'},
        {"dev", required_argument, NULL, 'd'},
        {"late-network", required_argument, NULL, 'l'},
        {"check-spec", required_argument, NULL, 'c'},
        {"wait-gate", no_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *spec_path = NULL, *report_dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H':
            env.host = true;
            break;
        case 'N':
            env.host_net = true;
            break;
        case 's':
            spec_path = optarg;
            break;
        case 'r':
            report_dir = optarg;
            break;
        case 'l':
            env.late_network = optarg;
            break;
        case 'd': {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1] ||
                env.ndevmap == LOADER_MAX_DEVMAP)
                usage(2);
            *eq = '\0';
            env.devmap[env.ndevmap].dev = optarg;
            env.devmap[env.ndevmap++].src = eq + 1;
            break;
        }
        case 'c':
            return check_spec(optarg);
        case 'g':
            return wait_gate();
        case 'h':
            usage(0);
        default:
            usage(2);
        }
    }
    if (!env.host || !spec_path || optind != argc)
        usage(2);
    return host_test(&env, spec_path, report_dir);
}
