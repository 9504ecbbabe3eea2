/* nohyper.c: a NOHYPER container's root and runc (see nohyper.h). */
#include "nohyper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <pty.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "domcfg/volumes.h"
#include "image/fsat.h"
#include "domcfg/from_runtime_spec.h"
#include "domcfg/fstype.h"
#include "loopdev.h"
#include "exec_client.h"
#include "monitor_spawn.h"
#include "nohyper_net.h"
#include "state.h"
#include "verifier/digest.h"

/* Mounts the image `file` (read-only when asked) on `dir` through an
 * autoclear loop device, which goes away with the mount. */
static int mount_image(const char *file, const char *fstype, bool ro,
                       const char *dir, xo_err *err)
{
    char dev[64];
    int fd =
        loopdev_attach(file, ro, dev, sizeof(dev), LOOPDEV_WAIT_CREATE_MS, err);
    if (fd < 0)
        return -1;
    int rc = mount(dev, dir, fstype, ro ? MS_RDONLY : 0, NULL) < 0
                 ? xo_err_sys(err, "cannot mount %s (%s, %s) on %s", file,
                              fstype, dev, dir)
                 : 0;
    close(fd);
    return rc;
}

static int sub(char *buf, size_t len, const char *dir, const char *name,
               xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s/%s", dir, name);
}

static int mkdir_new(const char *path, xo_err *err)
{
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return xo_err_sys(err, "cannot create %s", path);
    return 0;
}

/* Whether `path` is a tmpfs mounted on its own (not the tmpfs its parent
 * `dir` may be on, as a state root on /run is). */
static bool is_tmpfs_mount(const char *path, const char *dir)
{
    struct statfs fs;
    struct stat a, b;
    return statfs(path, &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
           stat(path, &a) == 0 && stat(dir, &b) == 0 && a.st_dev != b.st_dev;
}

int nohyper_mount(const char *dir, const struct domain_config *dc, xo_err *err)
{
    char lower[4096], rw[4096], root[4096], upper[4200], work[4200];
    char opts[3 * 4200 + 64];
    if (sub(lower, sizeof(lower), dir, "lower", err) < 0 ||
        sub(rw, sizeof(rw), dir, "rw", err) < 0 ||
        sub(root, sizeof(root), dir, "rootfs", err) < 0 ||
        sub(upper, sizeof(upper), rw, "upper", err) < 0 ||
        sub(work, sizeof(work), rw, "work", err) < 0)
        return -1;
    if (mkdir_new(lower, err) < 0 || mkdir_new(rw, err) < 0 ||
        mkdir_new(root, err) < 0 ||
        mount_image(dc->rootfs_image, dc->rootfs_fstype, true, lower, err) < 0)
        goto fail;
    if (dc->writable == DC_WRITABLE_DISK) {
        if (mount_image(dc->writable_source, fstype_detect(dc->writable_source),
                        false, rw, err) < 0) {
            xo_err_wrap(err, "oci_writable");
            goto fail;
        }
    } else if (!is_tmpfs_mount(rw, dir)) {
        char tmpfs[128], size[48];
        if (domcfg_nohyper_tmpfs_size(size, sizeof(size), dc->writable_size,
                                      dc->cgroup_memory_mb) < 0 ||
            xo_path_fmt(tmpfs, sizeof(tmpfs), err, "mode=0755%s%s",
                        size[0] ? ",size=" : "", size) < 0) {
            if (!err->msg)
                xo_err_set(err, EINVAL, "oci_writable: tmpfs size %s",
                           dc->writable_size);
            goto fail;
        }
        if (mount("tmpfs", rw, "tmpfs", MS_NOSUID | MS_NODEV, tmpfs) < 0) {
            xo_err_sys(err, "cannot mount the writable tmpfs on %s", rw);
            goto fail;
        }
    }
    if (mkdir_new(upper, err) < 0 || mkdir_new(work, err) < 0 ||
        xo_path_fmt(opts, sizeof(opts), err,
                    "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper,
                    work) < 0)
        goto fail;
    if (mount("overlay", root, "overlay", 0, opts) < 0) {
        xo_err_sys(err, "cannot mount the overlay root on %s", root);
        goto fail;
    }
    return 0;
fail:;
    /* The layer of an earlier run stays, with its files. */
    xo_err e = XO_ERR_INIT;
    nohyper_unmount(dir, true, &e);
    xo_err_clear(&e);
    return -1;
}

int nohyper_unmount(const char *dir, bool keep_writable, xo_err *err)
{
    static const char *const points[] = {"rootfs", "rw", "lower"};
    char path[4096];
    bool keep[3] = {false, false, false};
    if (sub(path, sizeof(path), dir, "rw", err) < 0)
        return -1;
    keep[1] = keep_writable && is_tmpfs_mount(path, dir);
    for (size_t i = 0; i < 3; i++) {
        if (keep[i])
            continue;
        if (sub(path, sizeof(path), dir, points[i], err) < 0)
            return -1;
        /* EINVAL: not a mount point (any more); ENOENT: never made. */
        if (umount2(path, UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
            errno != ENOENT)
            return xo_err_sys(err, "cannot unmount %s", path);
    }
    for (size_t i = 0; i < 3; i++) {
        if (keep[i])
            continue;
        if (sub(path, sizeof(path), dir, points[i], err) < 0)
            return -1;
        /* Empty once unmounted (rw's upper/work were in the mount). */
        if (rmdir(path) < 0 && errno != ENOENT)
            return xo_err_sys(err, "cannot remove %s", path);
    }
    return 0;
}

/* runc's argv: runc --root <root>/runc [--log LOG --log-format json]
 * ARGS..., allocated (free it); the state path goes to state[4096]. */
static const char **runc_argv(const char *root, const char *const args[],
                              const char *log, char *state, xo_err *err)
{
    const char *runc = getenv("XL_OCI_RUNC");
    if (!runc || !*runc)
        runc = "runc";
    if (xo_path_fmt(state, 4096, err, "%s/runc", root) < 0)
        return NULL;
    size_t nargs = 0;
    while (args[nargs])
        nargs++;
    const char **argv = xo_xcalloc(nargs + 8, sizeof(*argv));
    size_t n = 0;
    argv[n++] = runc;
    argv[n++] = "--root";
    argv[n++] = state;
    if (log) {
        argv[n++] = "--log";
        argv[n++] = log;
        argv[n++] = "--log-format";
        argv[n++] = "json";
    }
    for (size_t i = 0; i < nargs; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return argv;
}

/* The runc exec that forward_signal() passes signals on to, or 0; and
 * whether it runs in a session of its own (a pty of ours). */
static volatile pid_t forward_to;
static volatile sig_atomic_t forward_all;

/*
 * A signal someone sent us with kill(2) goes on to runc, which passes it
 * to the exec'd process (runc exec's signal proxy).  One the terminal
 * generated (SI_KERNEL) is not, unless runc is in a session of its own:
 * otherwise it is in our process group and got it too.
 */
static void forward_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    int saved = errno;
    if (forward_to > 0 && (forward_all || si->si_code != SI_KERNEL))
        kill(forward_to, sig);
    errno = saved;
}

/* Those a domain's exec passes on (exec_client.h), but SIGPROF: runc's
 * Go runtime keeps that one for itself and never passes it on, and
 * exec would not end (helper-85: NOHYPER passed on only INT, TERM, HUP
 * and QUIT; any other killed xl-oci exec and left the process). */
static bool forwarded(int sig)
{
    return sig != SIGPROF && exec_client_forwards(sig);
}

/* Forks runc with stdin on /dev/null and stdout+stderr on out_fd (or
 * /dev/null when -1), or with our own stdio when `inherit`, and then
 * forwards the signals forwarded() names to it; waits.  `log`:
 * runc's own log (JSON lines), or NULL. */
/* Copies what the pty's master gives to our stdout until the slave's
 * last holder closes it (EIO). */
static void relay_pty(int master)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(master, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || xo_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
            return;
    }
}

static int run_runc_log(const char *root, const char *const args[], int out_fd,
                        bool inherit, const char *log, const int pty[2],
                        xo_err *err)
{
    char state[4096];
    const char **argv = runc_argv(root, args, log, state, err);
    if (!argv) {
        if (pty) {
            close(pty[0]);
            close(pty[1]);
        }
        return -1;
    }
    const char *runc = argv[0];
    fflush(NULL);
    struct sigaction old[NSIG];
    forward_all = pty != NULL;
    if (inherit) {
        struct sigaction sa = {0};
        sa.sa_sigaction = forward_signal;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        for (int sig = 1; sig < NSIG; sig++)
            if (forwarded(sig))
                sigaction(sig, &sa, &old[sig]);
    }
    pid_t pid = fork();
    if (pid < 0) {
        if (inherit)
            for (int sig = 1; sig < NSIG; sig++)
                if (forwarded(sig))
                    sigaction(sig, &old[sig], NULL);
        if (pty) {
            close(pty[0]);
            close(pty[1]);
        }
        free(argv);
        return xo_err_sys(err, "cannot fork for %s", runc);
    }
    if (pid > 0 && inherit)
        forward_to = pid;
    if (pid == 0) {
        if (pty) {
            /* The pty is runc's terminal (it opens /dev/tty): its stdio
             * and controlling terminal, in a session of its own. */
            close(pty[0]);
            if (setsid() < 0 || ioctl(pty[1], TIOCSCTTY, 0) < 0 ||
                dup2(pty[1], 0) < 0 || dup2(pty[1], 1) < 0 ||
                dup2(pty[1], 2) < 0)
                _exit(127);
            if (pty[1] > 2)
                close(pty[1]);
        } else if (!inherit) {
            int null = open("/dev/null", O_RDWR);
            if (null < 0)
                _exit(127);
            int out = out_fd >= 0 ? out_fd : null;
            if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
                _exit(127);
        }
        signal(SIGPIPE, SIG_DFL);
        /* The NOHYPER monitor blocks SIGUSR1 (its backoff's wake-up); a
         * blocked mask is inherited through exec, and the container must
         * get every signal its image expects. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /* The container's process is not the monitor: it gets the OOM
         * score the monitor was started with. */
        monitor_oom_restore();
        execvp(runc, (char *const *)argv);
        dprintf(2, "xl-oci: cannot run %s: %s\n", runc, strerror(errno));
        _exit(127);
    }
    if (pty) {
        close(pty[1]);
        relay_pty(pty[0]);
        close(pty[0]);
    }
    /* Waited for without reaping first: until forward_to is cleared the
     * pid must stay runc's, not be free for another process to take. */
    siginfo_t info;
    while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) < 0 &&
           errno == EINTR)
        ;
    if (inherit) {
        forward_to = 0;
        for (int sig = 1; sig < NSIG; sig++)
            if (forwarded(sig))
                sigaction(sig, &old[sig], NULL);
    }
    int ws;
    int wr;
    while ((wr = waitpid(pid, &ws, 0)) < 0 && errno == EINTR)
        ;
    if (wr < 0) {
        free(argv);
        return xo_err_sys(err, "waiting for %s", runc);
    }
    int rc;
    if (!WIFEXITED(ws))
        rc = xo_err_set(err, EIO, "%s %s was killed by signal %d", runc,
                        args[0], WTERMSIG(ws));
    else if (WEXITSTATUS(ws) == 127 && !inherit)
        rc = xo_err_set(
            err, ENOENT,
            "cannot run %s (install Debian's runc, or set XL_OCI_RUNC)", runc);
    else
        rc = WEXITSTATUS(ws);
    free(argv);
    return rc;
}

static int run_runc(const char *root, const char *const args[], int out_fd,
                    bool inherit, xo_err *err)
{
    return run_runc_log(root, args, out_fd, inherit, NULL, NULL, err);
}

int nohyper_runc(const char *root, const char *const args[], int out_fd,
                 xo_err *err)
{
    return run_runc(root, args, out_fd, false, err);
}

int nohyper_runc_capture(const char *root, const char *const args[],
                         char **out_r, size_t max, xo_err *err)
{
    *out_r = NULL;
    int fd = memfd_create("runc-output", MFD_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "memfd_create");
    int r = run_runc(root, args, fd, false, err);
    off_t size = lseek(fd, 0, SEEK_END);
    if (r >= 0 && size > 0 && (size_t)size <= max) {
        char *text = xo_xmalloc((size_t)size + 1);
        if (pread(fd, text, (size_t)size, 0) == size) {
            text[size] = '\0';
            *out_r = text;
        } else {
            free(text);
        }
    }
    close(fd);
    return r;
}

bool nohyper_alive(const char *root, const char *name)
{
    const char *args[] = {"state", name, NULL};
    char *out = NULL;
    xo_err err = XO_ERR_INIT;
    int r = nohyper_runc_capture(root, args, &out, 64 * 1024, &err);
    xo_err_clear(&err);
    bool alive = false;
    json_object *st = NULL, *status;
    /* runc may warn before its JSON (the output holds stderr too). */
    const char *json = out ? strchr(out, '{') : NULL;
    if (r == 0 && json && (st = json_tokener_parse(json)) &&
        json_object_object_get_ex(st, "status", &status)) {
        const char *s = json_object_get_string(status);
        alive = s && (strcmp(s, "running") == 0 || strcmp(s, "paused") == 0 ||
                      strcmp(s, "created") == 0);
    }
    json_object_put(st);
    free(out);
    return alive;
}

int nohyper_runc_memfd(const char *what, char *path, size_t len, xo_err *err)
{
    int fd = memfd_create("xl-oci-runc-file", 0);
    if (fd < 0)
        return xo_err_sys(err, "cannot create a memfd for %s", what);
    /* cannot truncate: 14 bytes and an int (callers give 64) */
    snprintf(path, len, "/proc/self/fd/%d", fd);
    return fd;
}

/* What runc wrote to the memfd log `fd` (at most 1 MiB), or NULL. */
static char *runc_log_text(int fd)
{
    char *text = NULL;
    xo_err e = XO_ERR_INIT;
    if (lseek(fd, 0, SEEK_SET) < 0 ||
        xo_read_fd(&text, NULL, fd, "runc's log", 1 << 20, &e) < 0)
        text = NULL;
    xo_err_clear(&e);
    return text;
}

int nohyper_runc_logged(const char *root, const char *const args[], int out_fd,
                        char **log_r, xo_err *err)
{
    char log[64];
    *log_r = NULL;
    int lfd = nohyper_runc_memfd("runc's log", log, sizeof(log), err);
    if (lfd < 0)
        return -1;
    int rc = run_runc_log(root, args, out_fd, false, log, NULL, err);
    *log_r = runc_log_text(lfd);
    close(lfd);
    return rc;
}

int nohyper_exec(const char *root, const char *const args[], bool tty_bridge,
                 bool *unstarted_r, xo_err *err)
{
    *unstarted_r = false;
    /* runc's own log, to tell its failure to start the process (exit 255,
     * as the process's own 255 would be) from the process's exit. */
    char log[64];
    int lfd = nohyper_runc_memfd("runc's log", log, sizeof(log), err);
    if (lfd < 0)
        return -1;
    /* runc exec --tty needs a terminal of ours: without one, a pty of
     * 24x80, as a domain's exec gives (its output relayed). */
    int pty[2] = {-1, -1};
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    if (tty_bridge && openpty(&pty[0], &pty[1], NULL, NULL, &ws) < 0) {
        xo_err_sys(err, "cannot open a pty for exec -t");
        close(lfd);
        return -1;
    }
    int rc =
        run_runc_log(root, args, -1, true, log, tty_bridge ? pty : NULL, err);
    if (rc == 255) {
        char *text = runc_log_text(lfd);
        if (text)
            rc = nohyper_exec_code(text, rc);
        *unstarted_r = rc != 255;
        free(text);
    }
    close(lfd);
    return rc;
}

int nohyper_kill(const char *root, const char *name, int sig, xo_err *err)
{
    char signum[16];
    /* cannot truncate: a signal number has at most 2 digits */
    snprintf(signum, sizeof(signum), "%d", sig);
    const char *args[] = {"kill", name, signum, NULL};
    int rc = nohyper_runc(root, args, -1, err);
    if (rc > 0)
        return xo_err_set(err, ESRCH, "runc kill %s %s failed (exit %d)", name,
                          signum, rc);
    return rc;
}

/* annotations.KEY of spec as a number in [lo, hi]. */
static int annotation_long(json_object *spec, const char *key, long lo, long hi,
                           long *out, const char *path, xo_err *err)
{
    json_object *ann, *v;
    const char *text;
    char *end;
    if (!json_object_object_get_ex(spec, "annotations", &ann) ||
        !json_object_object_get_ex(ann, key, &v) ||
        !(text = json_object_get_string(v)))
        return xo_err_set(err, EINVAL, "%s: no annotations.%s", path, key);
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno || end == text || *end || n < lo || n > hi)
        return xo_err_set(err, EINVAL, "%s: annotations.%s: bad value \"%s\"",
                          path, key, text);
    *out = n;
    return 0;
}

int nohyper_stop_params(const char *dir, int *sig_r, long *grace_r, xo_err *err)
{
    char path[4096], *text = NULL;
    if (xo_path_fmt(path, sizeof(path), err, "%s/runtime-spec.json", dir) < 0 ||
        xo_read_file(&text, NULL, path, 64 * 1024 * 1024, err) < 0)
        return -1;
    json_object *spec = json_tokener_parse(text);
    free(text);
    long sig = 0;
    int rc = !spec ? xo_err_set(err, EINVAL, "%s: not JSON", path)
             : annotation_long(spec, DOMCFG_STOP_SIGNAL_ANNOTATION, 1, 64, &sig,
                               path, err) < 0 ||
                     annotation_long(spec, DOMCFG_STOP_TIMEOUT_ANNOTATION, 0,
                                     3600, grace_r, path, err) < 0
                 ? -1
                 : 0;
    *sig_r = (int)sig;
    json_object_put(spec);
    return rc;
}

int nohyper_cgroup_cpus(const char *dir, long *cpus_r, xo_err *err)
{
    char path[4096], *text = NULL;
    *cpus_r = 0;
    if (xo_path_fmt(path, sizeof(path), err, "%s/runtime-spec.json", dir) < 0 ||
        xo_read_file(&text, NULL, path, 64 * 1024 * 1024, err) < 0)
        return -1;
    json_object *spec = json_tokener_parse(text), *ann, *v;
    free(text);
    if (!spec)
        return xo_err_set(err, EINVAL, "%s: not JSON", path);
    int rc = 0;
    if (json_object_object_get_ex(spec, "annotations", &ann) &&
        json_object_object_get_ex(ann, DOMCFG_CGROUP_CPUS_ANNOTATION, &v))
        rc = annotation_long(spec, DOMCFG_CGROUP_CPUS_ANNOTATION, 1, 128,
                             cpus_r, path, err);
    json_object_put(spec);
    return rc;
}

int nohyper_delete(const char *root, const char *name, xo_err *err)
{
    const char *args[] = {"delete", "--force", name, NULL};
    /* Non-zero: runc knows no such container, which is what we want. */
    return nohyper_runc(root, args, -1, err) < 0 ? -1 : 0;
}

int nohyper_forget_stale(const char *root, const char *name, xo_err *err)
{
    char dir[4200];
    struct stat st;
    if (xo_path_fmt(dir, sizeof(dir), err, "%s/runc/%s", root, name) < 0)
        return -1;
    if (lstat(dir, &st) < 0)
        return errno == ENOENT ? 0 : xo_err_sys(err, "cannot stat %s", dir);
    xo_err e = XO_ERR_INIT;
    nohyper_delete(root, name, &e); /* what runc can still read */
    xo_err_clear(&e);
    if (lstat(dir, &st) < 0)
        return 0;
    xo_warn("%s: removing what an interrupted runc create left in %s", name,
            dir);
    if (!S_ISDIR(st.st_mode))
        return unlink(dir) < 0 && errno != ENOENT
                   ? xo_err_sys(err, "cannot remove %s", dir)
                   : 0;
    return state_remove_dir(dir, err);
}

int nohyper_cgroups_path(char *buf, size_t len, const char *root,
                         const char *name, xo_err *err)
{
    struct digest d;
    if (strcmp(root, XO_STATE_ROOT) == 0)
        return xo_path_fmt(buf, len, err, "/xl-oci/%s", name) < 0 ? -1 : 0;
    if (digest_buffer(&d, root, strlen(root), err) < 0 ||
        xo_path_fmt(buf, len, err, "/xl-oci-%.8s/%s", digest_hex(&d), name) < 0)
        return -1;
    return 0;
}

/* Removes the root's parent cgroup (nohyper_cgroups_path) in every
 * hierarchy, once it is empty: runc removes the container's own but not
 * what it made above it.  One still in use stays (EBUSY, ENOTEMPTY). */
static void prune_cgroup_parent(const char *root, const char *name)
{
    char path[512], dir[1024];
    if (nohyper_cgroups_path(path, sizeof(path), root, name, NULL) < 0)
        return;
    *strrchr(path, '/') = '\0';
    /* cgroup v2: one hierarchy; v1: one per controller directory. */
    if (xo_path_fmt(dir, sizeof(dir), NULL, NOHYPER_CGROUP_FS "%s", path) >= 0)
        rmdir(dir);
    DIR *d = opendir(NOHYPER_CGROUP_FS);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.' &&
            xo_path_fmt(dir, sizeof(dir), NULL, NOHYPER_CGROUP_FS "/%s%s",
                        e->d_name, path) >= 0)
            rmdir(dir);
    closedir(d);
}

int nohyper_teardown(const char *root, const char *name, bool keep_writable,
                     xo_err *err)
{
    char dir[4096];
    const char *args[] = {"delete", "--force", name, NULL};
    if (state_domain_dir(dir, sizeof(dir), root, name, err) < 0)
        return -1;
    /* runc delete --force of an unknown ID fails: nothing to delete.  When
     * runc cannot run at all there is no container of it either, and the
     * root is unmounted all the same. */
    xo_err runc_err = XO_ERR_INIT;
    int rc = nohyper_runc(root, args, -1, &runc_err);
    prune_cgroup_parent(root, name);
    if (nohyper_net_down(root, name, dir, err) < 0 ||
        nohyper_unmount(dir, keep_writable, err) < 0) {
        xo_err_clear(&runc_err);
        return -1;
    }
    if (rc < 0 && runc_err.errnum != ENOENT) {
        xo_err_set(err, runc_err.errnum, "%s", xo_err_msg(&runc_err));
        rc = -1;
    } else {
        rc = 0;
    }
    xo_err_clear(&runc_err);
    return rc;
}

int nohyper_mount_points(const char *dir, char *const *targets, size_t n,
                         xo_err *err)
{
    char root[4096];
    if (!n)
        return 0;
    if (sub(root, sizeof(root), dir, "rootfs", err) < 0)
        return -1;
    int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return xo_err_sys(err, "cannot open %s", root);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        /* Resolved in the container's root (chroot semantics), made in
         * its writable layer where missing, as runc makes mount points. */
        int fd = fsat_dir_in_root(rootfd, targets[i], true);
        if (fd < 0)
            rc = xo_err_sys(err,
                            "cannot make directory %s in the container's root",
                            targets[i]);
        else
            close(fd);
    }
    close(rootfd);
    return rc;
}
