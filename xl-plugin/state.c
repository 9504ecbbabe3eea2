/* state.c: state directories, the global lock, monitor liveness. */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/event_journal.h"
#include "common/alloc.h"
#include "common/fault.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "image/fsat.h"

/* A create's temporary state dir: domains/.new-NAME-XXXXXX (mkdtemp). */
#define TMPDIR_PREFIX ".new-"
#define TMPDIR_PREFIX_LEN (sizeof(TMPDIR_PREFIX) - 1)

const char *state_log_dir(void)
{
    static char in_root[4096];
    const char *d = getenv("XL_OCI_LOG_DIR");
    if (d && *d)
        return d;
    /* cmd_set_state_root() exports the root a command uses (--root
     * included) as XL_OCI_ROOT, so the processes it starts (the monitor,
     * the placeholder) find the same log directory. */
    const char *root = getenv("XL_OCI_ROOT");
    if (!root || !*root || strcmp(root, XO_STATE_ROOT) == 0)
        return "/var/log/xen/oci";
    /* A root whose log dir does not fit gets the default rather than a
     * cut path: logs stay findable (`logs` reads the same). */
    return xo_path_fmt(in_root, sizeof(in_root), NULL, "%s/log", root) < 0
               ? "/var/log/xen/oci"
               : in_root;
}

int state_log_path(char *buf, size_t len, const char *name, xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s/%s.log", state_log_dir(), name) < 0
               ? -1
               : 0;
}

int state_log_set_aside(const char *name, xo_err *err)
{
    char path[4096], old[4200];
    if (state_log_path(path, sizeof(path), name, err) < 0 ||
        xo_path_fmt(old, sizeof(old), err, "%s.1", path) < 0)
        return -1;
    if (rename(path, old) < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot set %s aside as %s", path, old);
    return 0;
}

bool state_log_is_own(const struct stat *log, const char *root,
                      const char *name)
{
    char cfg[4096];
    struct stat c;
    if (!S_ISREG(log->st_mode) ||
        state_domain_file(cfg, sizeof(cfg), root, name, STATE_FILE_APP_CFG,
                          NULL) < 0 ||
        stat(cfg, &c) < 0)
        return false;
    return log->st_mtim.tv_sec > c.st_mtim.tv_sec ||
           (log->st_mtim.tv_sec == c.st_mtim.tv_sec &&
            log->st_mtim.tv_nsec > c.st_mtim.tv_nsec);
}

int state_log_remove(const char *name, bool rotated, xo_err *err)
{
    char path[4096], old[4200];
    if (state_log_path(path, sizeof(path), name, err) < 0 ||
        xo_path_fmt(old, sizeof(old), err, "%s.1", path) < 0)
        return -1;
    if (unlink(path) < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot remove %s", path);
    if (rotated && unlink(old) < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot remove %s", old);
    return 0;
}

int state_domain_dir(char *buf, size_t len, const char *root, const char *name,
                     xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s/domains/%s", root, name) < 0 ? -1 : 0;
}

int state_domain_file(char *buf, size_t len, const char *root, const char *name,
                      const char *file, xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s/domains/%s/%s", root, name, file) < 0
               ? -1
               : 0;
}

int state_events_path(char *buf, size_t len, const char *root, const char *file,
                      xo_err *err)
{
    int r = file ? xo_path_fmt(buf, len, err, "%s/" EVENT_JOURNAL_DIR "/%s",
                               root, file)
                 : xo_path_fmt(buf, len, err, "%s/" EVENT_JOURNAL_DIR, root);
    return r < 0 ? -1 : 0;
}

static int lock_root(const char *root, bool wait, xo_err *err);

int state_lock(const char *root, xo_err *err)
{
    return lock_root(root, true, err);
}

int state_trylock(const char *root, xo_err *err)
{
    return lock_root(root, false, err);
}

static int lock_root(const char *root, bool wait, xo_err *err)
{
    char path[4096];
    /* 0755 like image/lock.c's: what must stay private (domains/, tmp/)
     * is 0700 itself, and dnsmasq, running as nobody, must reach each
     * network's hosts file under networks/. */
    if (xo_mkdir_p(root, 0755, err) < 0)
        return -1;
    if (xo_path_fmt(path, sizeof(path), err, "%s/lock", root) < 0)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return xo_err_sys(err, "cannot open the lock %s", path);
    while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
        if (errno != EINTR) {
            close(fd);
            return xo_err_sys(err, "cannot lock %s", path);
        }
    }
    return fd;
}

unsigned state_domain_tmpdirs_remove(const char *root, const char *name)
{
    char domains[4096], prefix[300];
    xo_err e = XO_ERR_INIT;
    unsigned n = 0;
    if (xo_path_fmt(domains, sizeof(domains), &e, "%s/domains", root) < 0 ||
        xo_path_fmt(prefix, sizeof(prefix), &e, TMPDIR_PREFIX "%s-",
                    name ? name : "") < 0) {
        xo_err_clear(&e);
        return 0;
    }
    size_t plen = name ? strlen(prefix) : TMPDIR_PREFIX_LEN;
    DIR *d = opendir(domains);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        /* NAME's own: mkdtemp's six letters or digits after the prefix
         * (".new-web-" also begins web-1's). */
        bool ours = !strncmp(de->d_name, prefix, plen) &&
                    (!name || (strlen(de->d_name) == plen + 6 &&
                               !strchr(de->d_name + plen, '-')));
        if (ours && fsat_remove_tree(dirfd(d), de->d_name) == 0)
            n++;
    }
    closedir(d);
    return n;
}

int state_domain_tmpdir(char *buf, size_t len, const char *root,
                        const char *name, xo_err *err)
{
    char domains[4096];
    (void)state_domain_tmpdirs_remove(root, NULL);
    if (xo_path_fmt(domains, sizeof(domains), err, "%s/domains", root) < 0 ||
        xo_mkdir_p(domains, 0700, err) < 0 ||
        xo_path_fmt(buf, len, err, "%s/" TMPDIR_PREFIX "%s-XXXXXX", domains,
                    name) < 0)
        return -1;
    if (!mkdtemp(buf))
        return xo_err_sys(err, "cannot create a directory in %s", domains);
    return 0;
}

int state_domain_commit(const char *tmpdir, const char *root, const char *name,
                        xo_err *err)
{
    char dir[4096];
    if (state_domain_dir(dir, sizeof(dir), root, name, err) < 0)
        return -1;
    /* renameat2(RENAME_NOREPLACE) would be ideal; the global lock makes the
     * exists-then-rename pair safe against other xl-oci processes. */
    if (access(dir, F_OK) == 0)
        return xo_err_set(err, EEXIST, "state directory %s already exists",
                          dir);
    if (rename(tmpdir, dir) < 0)
        return xo_err_sys(err, "cannot rename %s to %s", tmpdir, dir);
    return 0;
}

int state_remove_dir(const char *dir, xo_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : xo_err_sys(err, "cannot open %s", dir);
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        /* Only plain files live here; never follow or recurse. */
        if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
            rc = xo_err_sys(err, "cannot remove %s/%s", dir, e->d_name);
            break;
        }
    }
    closedir(d);
    if (rc == 0 && rmdir(dir) < 0 && errno != ENOENT)
        rc = xo_err_sys(err, "cannot remove %s", dir);
    return rc;
}

bool state_domain_exists(const char *root, const char *name)
{
    char dir[4096];
    /* A path that does not fit names no domain's directory; the caller's
     * next step that needs it (create, destroy) reports the error. */
    if (state_domain_dir(dir, sizeof(dir), root, name, NULL) < 0)
        return false;
    return access(dir, F_OK) == 0;
}

/* How long a monitor waits for readers' shared probes of its lock
 * (state_monitor_alive) to end before it gives up taking it. */
#define MONITOR_LOCK_WAIT_MS 5000

int state_monitor_lock(const char *root, const char *name, xo_err *err)
{
    char path[4096];
    if (xo_path_fmt(path, sizeof(path), err, "%s/domains/%s/monitor.lock", root,
                    name) < 0)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    /* No state directory: no such container, said as every command says
     * it (helper-110: `xl-oci monitor NAME` named the lock file). */
    if (fd < 0 && errno == ENOENT && !state_domain_exists(root, name))
        return xo_err_set(err, ENOENT, "no container domain named %s", name);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    /* A monitor holds the lock exclusively for its whole life, a reader
     * (state_monitor_alive) shared for an instant: a shared holder is
     * waited for, an exclusive one is another monitor (EWOULDBLOCK). */
    const struct timespec step = {0, 1000 * 1000};
    for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited++) {
        int rc = 0;
        if (errno != EWOULDBLOCK || flock(fd, LOCK_SH | LOCK_NB) < 0)
            rc = xo_err_sys(err, "monitor lock %s", path);
        else if (flock(fd, LOCK_UN) < 0)
            rc = xo_err_sys(err, "cannot unlock %s", path);
        else if (waited >= MONITOR_LOCK_WAIT_MS)
            rc = xo_err_set(
                err, EBUSY,
                "monitor lock %s: still held shared after %d s (a look at it that never ended)",
                path, MONITOR_LOCK_WAIT_MS / 1000);
        if (rc < 0) {
            close(fd);
            return rc;
        }
        nanosleep(&step, NULL);
    }
    /* The holder's pid, so destroy can stop it before removing state. */
    char pid[24];
    /* cannot truncate: a long and a newline fit in 24 bytes */
    int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0)
        (void)!pwrite(fd, pid, (size_t)n, 0);
    return fd;
}

/*
 * The pid /proc/locks gives the holder of the lock on the file `st` names,
 * as this process's PID namespace sees it (the kernel writes 0 for one it
 * cannot see), or -1 when no line names it or /proc/locks cannot be read.
 * Its lines: "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE START END", a
 * waiter's with "->" after N: (fs/locks.c, lock_get_status()).
 */
static long lock_holder(const struct stat *st)
{
    FILE *f = fopen("/proc/locks", "re");
    if (!f)
        return -1;
    char line[256];
    long holder = -1;
    while (holder < 0 && fgets(line, sizeof(line), f)) {
        char type[16], kind[16], mode[16];
        long pid;
        unsigned maj, min;
        unsigned long ino;
        if (strstr(line, "->"))
            continue;
        if (sscanf(line, "%*d: %15s %15s %15s %ld %x:%x:%lu", type, kind, mode,
                   &pid, &maj, &min, &ino) == 7 &&
            maj == major(st->st_dev) && min == minor(st->st_dev) &&
            ino == (unsigned long)st->st_ino)
            holder = pid;
    }
    fclose(f);
    return holder;
}

long state_monitor_pid(const char *root, const char *name)
{
    char path[4096], *buf = NULL;
    xo_err err = XO_ERR_INIT;
    long pid = -1;
    struct stat st;
    if (xo_path_fmt(path, sizeof(path), &err, "%s/domains/%s/monitor.lock",
                    root, name) < 0) {
        xo_err_clear(&err);
        return -1;
    }
    /* The kernel's word first: the pid in the file is the one the monitor
     * had in its own PID namespace, which may name another process here
     * (helper-95). */
    if (stat(path, &st) == 0 && (pid = lock_holder(&st)) >= 0)
        return pid;
    if (xo_read_file(&buf, NULL, path, 64, &err) == 0) {
        char *end;
        pid = strtol(buf, &end, 10);
        if (end == buf || pid <= 1)
            pid = -1;
    }
    xo_err_clear(&err);
    free(buf);
    return pid;
}

bool state_monitor_alive(const char *root, const char *name)
{
    char path[4096];
    if (xo_path_fmt(path, sizeof(path), NULL, "%s/domains/%s/monitor.lock",
                    root, name) < 0)
        return false;
    /* A look that leaves the lock as it found it: no file made, no pid
     * written, and only a shared lock for an instant, which a monitor
     * taking it waits out (state_monitor_lock).  An exclusive probe here
     * made a starting monitor take the prober for another monitor and
     * leave, with the prober's pid in the file. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool alive = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    XO_FAULT_POINT("monitor-probe.looked");
    close(fd);
    return alive;
}

/* State files that name a domain's root volume; each at most this long. */
static const char *const volume_files[] = {"root-volume", "domain-config.json",
                                           "runtime-spec.json"};
#define VOLUME_FILE_MAX (4 << 20)

int state_domain_volume_texts(void *opaque,
                              void (*note)(void *, const char *, const char *),
                              void *note_ctx, xo_err *err)
{
    const char *root = opaque;
    char *dir = xo_path_join(root, "domains");
    DIR *d = opendir(dir);
    if (!d) {
        int rc = errno == ENOENT ? 0 : xo_err_sys(err, "cannot read %s", dir);
        free(dir);
        return rc;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        /* Skip . and .., not a create's temporary .new-NAME dir. */
        if (e->d_name[0] == '.' &&
            strncmp(e->d_name, TMPDIR_PREFIX, TMPDIR_PREFIX_LEN) != 0)
            continue;
        for (size_t i = 0;
             rc == 0 && i < sizeof(volume_files) / sizeof(*volume_files); i++) {
            char *buf = NULL;
            char *p = xo_xasprintf("%s/%s/%s", dir, e->d_name, volume_files[i]);
            if (access(p, F_OK) == 0 &&
                xo_read_file(&buf, NULL, p, VOLUME_FILE_MAX, err) < 0)
                rc = -1;
            else if (buf)
                /* A create still writing its dir: the name it will have. */
                note(note_ctx,
                     strncmp(e->d_name, TMPDIR_PREFIX, TMPDIR_PREFIX_LEN)
                         ? e->d_name
                         : e->d_name + TMPDIR_PREFIX_LEN,
                     buf);
            free(buf);
            free(p);
        }
    }
    closedir(d);
    free(dir);
    return rc;
}
