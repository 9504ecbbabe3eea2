/* runc_entrypoint.c: the entrypoint and cwd checked in the bundle's
 * rootfs before a domain is built (see runc_entrypoint.h). */
#include "runc_entrypoint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/abi/exec_path.h"
#include "common/alloc.h"
#include "image/fsat.h"

/* Bytes of a path resolved in the root ('/'-rooted). */
#define RESOLVED_MAX 4096

struct root {
    int fd;
    char real[PATH_MAX]; /* realpath() of the rootfs */
    char **dests;        /* each mount's destination resolved; NULL: unsure */
    bool *opaque;        /* the mount's content may hold any symlink */
    size_t n_dests;
};

/* Symlinks followed in one path, as the kernel's MAXSYMLINKS. */
#define LINKS_MAX 40

/* What one candidate file is. */
enum probe { PROBE_EXEC, PROBE_MISSING, PROBE_NOT_EXEC, PROBE_UNSURE };

/*
 * True when a mount may bring or hide `path` (resolved so far): a
 * destination at or above it, or one that could not be resolved.  Only
 * the first `n` mounts count; with `opaque_only`, only those whose content
 * may hold any symlink (a bind, an image, proc), for a later mount's
 * destination, which runc resolves through the earlier mounts' content.
 */
static bool covered(const struct root *r, const char *path, size_t n,
                    bool opaque_only)
{
    for (size_t i = 0; i < n; i++) {
        const char *d = r->dests[i];
        if (!d)
            return true;
        size_t len = strlen(d);
        if ((!strcmp(d, "/") || (!strncmp(path, d, len) &&
                                 (path[len] == '\0' || path[len] == '/'))) &&
            (!opaque_only || r->opaque[i]))
            return true;
    }
    return false;
}

/*
 * The absolute in-root path `path` resolves to, with every symlink on the
 * way followed (chroot semantics), into out; a missing name and what
 * follows it are kept as written.  False when not sure: a symlink that
 * does not resolve (dangling, a loop), ".." after a missing name, an
 * error other than ENOENT/ENOTDIR, a path too long, or a step at or below
 * one of the first `n_cover` mounts (only the opaque ones with
 * `opaque_only`): what is there is the mount's, and a symlink the root
 * has there (followed by a walk that did not know of the mount) may not
 * be there at all.  A symlink's target is walked step by step for the
 * same reason, after it was found to resolve.
 */
static bool resolve(const struct root *r, const char *path, size_t n_cover,
                    bool opaque_only, char out[RESOLVED_MAX])
{
    char cur[RESOLVED_MAX] = ""; /* resolved so far; "" is the root */
    char rest[2][RESOLVED_MAX];  /* what is left to walk */
    int which = 0;
    unsigned links = 0;
    if ((size_t)snprintf(rest[0], sizeof(rest[0]), "%s", path) >=
        sizeof(rest[0]))
        return false;
    const char *p = rest[0];
    bool missing = false;
    while (*p) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.')) {
            p += n;
            continue;
        }
        bool dotdot = n == 2 && p[0] == '.' && p[1] == '.';
        if (dotdot && missing)
            return false;
        if (dotdot) {
            /* cur has no symlink in it: its parent is lexical. */
            char *slash = strrchr(cur, '/');
            if (slash)
                *slash = '\0';
            p += n;
            continue;
        }
        char next[RESOLVED_MAX];
        if ((size_t)snprintf(next, sizeof(next), "%s/%.*s", cur, (int)n, p) >=
                sizeof(next) ||
            covered(r, next, n_cover, opaque_only))
            return false;
        p += n;
        struct stat st;
        if (!missing &&
            fstatat(r->fd, next + 1, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT && errno != ENOTDIR)
                return false;
            missing = true;
        }
        if (missing || !S_ISLNK(st.st_mode)) {
            memcpy(cur, next, strlen(next) + 1);
            continue;
        }
        /* A symlink: it must resolve in the root (as before), and its
         * target is then walked here in place of its name. */
        int fd = fsat_open_in_root(r->fd, next, O_PATH | O_CLOEXEC);
        if (fd < 0)
            return false;
        close(fd);
        char target[RESOLVED_MAX];
        ssize_t len = readlinkat(r->fd, next + 1, target, sizeof(target) - 1);
        if (len <= 0 || ++links > LINKS_MAX)
            return false;
        target[len] = '\0';
        if (target[0] == '/')
            cur[0] = '\0';
        which = !which;
        if ((size_t)snprintf(rest[which], sizeof(rest[which]), "%s/%s", target,
                             p) >= sizeof(rest[which]))
            return false;
        p = rest[which];
    }
    return (size_t)snprintf(out, RESOLVED_MAX, "%s", cur[0] ? cur : "/") <
           RESOLVED_MAX;
}

static enum probe probe(const struct root *r, const char *path)
{
    char res[RESOLVED_MAX];
    if (!resolve(r, path, r->n_dests, false, res))
        return PROBE_UNSURE;
    int fd = fsat_open_in_root(r->fd, res, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? PROBE_MISSING
                                                   : PROBE_UNSURE;
    struct stat st;
    int rc = fstat(fd, &st);
    close(fd);
    if (rc < 0)
        return PROBE_UNSURE;
    /* execve(2) wants a regular file with an execute bit, even for root. */
    return S_ISREG(st.st_mode) && (st.st_mode & 0111) ? PROBE_EXEC
                                                      : PROBE_NOT_EXEC;
}

/* The PATH the domain's entrypoint gets: the spec's last (domcfg merges
 * the environment as Docker does, a later entry replacing an earlier
 * one; the spec parser refuses an entry without '='), or
 * XO_EXEC_DEFAULT_PATH without one. */
static const char *spec_path_env(char *const *env)
{
    const char *v = XO_EXEC_DEFAULT_PATH;
    for (size_t i = 0; env && env[i]; i++)
        if (!strncmp(env[i], "PATH=", 5))
            v = env[i] + 5;
    return v;
}

/* True when the n bytes at p, a path, have a ".." component. */
static bool has_dotdot(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '.' && p[i + 1] == '.' && (i == 0 || p[i - 1] == '/') &&
            (i + 2 == n || p[i + 2] == '/'))
            return true;
    return false;
}

/* Every candidate of a PATH search: 0 when one is executable or not sure,
 * else the error. */
static int check_in_path(const struct root *r, const char *name,
                         char *const *env, const char *where, xo_err *err)
{
    const char *path = spec_path_env(env);
    for (const char *p = path;;) {
        size_t n = strcspn(p, ":");
        char file[RESOLVED_MAX];
        /* An empty or relative entry is relative to a directory the loader
         * and runc do not agree on: not ours to judge.  Nor is one with a
         * ".." in it: Go's LookPath joins it to the name with
         * filepath.Join, which drops "dir/.." as written, where the
         * loader's execve goes to the parent of what dir resolves to
         * ("/sbin/../usr/bin" is /usr/bin to runc, /usr/usr/bin to the
         * kernel when /sbin is usr/sbin). */
        if (n == 0 || p[0] != '/' || has_dotdot(p, n) ||
            (size_t)snprintf(file, sizeof(file), "%.*s/%s", (int)n, p, name) >=
                sizeof(file))
            return 0;
        enum probe pr = probe(r, file);
        if (pr == PROBE_EXEC || pr == PROBE_UNSURE)
            return 0;
        p += n;
        if (!*p)
            break;
        p++;
    }
    return xo_err_set(
        err, ENOENT,
        "%s: process.args[0]: exec: \"%.200s\": executable file not found in $PATH (%.300s) of the container's root",
        where, name, path);
}

static int check_cwd(const struct root *r, const char *cwd, const char *where,
                     xo_err *err)
{
    char res[RESOLVED_MAX];
    if (!resolve(r, cwd, r->n_dests, false, res))
        return 0;
    int fd = fsat_open_in_root(r->fd, res, O_PATH | O_CLOEXEC);
    struct stat st;
    bool not_dir =
        fd < 0 ? errno == ENOTDIR : fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode);
    if (fd >= 0)
        close(fd);
    if (not_dir)
        return xo_err_set(
            err, ENOTDIR,
            "%s: process.cwd \"%.200s\" is not a directory in the container's root (chdir would fail)",
            where, cwd);
    return 0;
}

static int check_file(const struct root *r, const char *arg0, const char *cwd,
                      const char *where, xo_err *err)
{
    char file[RESOLVED_MAX];
    if ((size_t)snprintf(file, sizeof(file), "%s%s%s",
                         arg0[0] == '/' ? "" : cwd, arg0[0] == '/' ? "" : "/",
                         arg0) >= sizeof(file))
        return 0;
    switch (probe(r, file)) {
    case PROBE_MISSING:
        return xo_err_set(
            err, ENOENT,
            "%s: process.args[0]: exec: \"%.200s\": stat %.200s: no such file or directory in the container's root",
            where, arg0, arg0);
    case PROBE_NOT_EXEC:
        return xo_err_set(
            err, EACCES,
            "%s: process.args[0]: exec: \"%.200s\": permission denied (a directory, or a file without an execute bit, in the container's root)",
            where, arg0);
    default:
        return 0;
    }
}

int runc_entrypoint_check(const struct runtime_spec *rs, const char *rootfs,
                          const char *where, xo_err *err)
{
    const struct runtime_process *pr = &rs->process;
    if (!pr->args || !pr->args[0])
        return 0;
    /* runc runs these before its init looks the entrypoint up, and they
     * may put it (or the cwd) in the root: NVIDIA's hook brings
     * nvidia-smi so.  The root as it is now decides nothing then. */
    if (rs->n_hooks[RUNTIME_HOOK_PRESTART] ||
        rs->n_hooks[RUNTIME_HOOK_CREATE_RUNTIME] ||
        rs->n_hooks[RUNTIME_HOOK_CREATE_CONTAINER])
        return 0;
    struct root r = {.fd = -1};
    /* A rootfs that is not there is the root volume's to name (once). */
    if (!realpath(rootfs, r.real) ||
        (r.fd = open(r.real, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return 0;
    r.n_dests = rs->n_mounts;
    r.dests = xo_xcalloc(r.n_dests + 1, sizeof(*r.dests));
    r.opaque = xo_xcalloc(r.n_dests + 1, sizeof(*r.opaque));
    for (size_t i = 0; i < rs->n_mounts; i++) {
        const struct runtime_mount *m = &rs->mounts[i];
        char res[RESOLVED_MAX];
        /* runc resolves each destination in the root as the earlier
         * mounts left it: through a bind's (or an image's, or proc's)
         * symlinks, it may be anywhere. */
        if (resolve(&r, m->destination, i, true, res))
            r.dests[i] = xo_xstrdup(res);
        r.opaque[i] = m->kind == RUNTIME_MOUNT_BIND ||
                      m->kind == RUNTIME_MOUNT_OTHER ||
                      !strcmp(m->type, "proc");
    }
    const char *cwd = pr->cwd && pr->cwd[0] == '/' ? pr->cwd : "/";
    int rc = check_cwd(&r, cwd, where, err);
    if (rc == 0)
        rc = strchr(pr->args[0], '/')
                 ? check_file(&r, pr->args[0], cwd, where, err)
                 : check_in_path(&r, pr->args[0], pr->env, where, err);
    for (size_t i = 0; i < r.n_dests; i++)
        free(r.dests[i]);
    free(r.dests);
    free(r.opaque);
    close(r.fd);
    return rc;
}
