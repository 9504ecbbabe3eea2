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
    size_t real_len;     /* 0 when the rootfs is "/" */
    char **dests;        /* each mount's destination resolved; NULL: unsure */
    size_t n_dests;
};

/* What one candidate file is. */
enum probe { PROBE_EXEC, PROBE_MISSING, PROBE_NOT_EXEC, PROBE_UNSURE };

/* The in-root path of `fd`, which is at or below the root, into out. */
static bool fd_path(const struct root *r, int fd, char out[RESOLVED_MAX])
{
    char proc[64], buf[PATH_MAX];
    /* cannot truncate: "/proc/self/fd/" and an int's digits */
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(proc, buf, sizeof(buf) - 1);
    if (n < 0)
        return false;
    buf[n] = '\0';
    if (strncmp(buf, r->real, r->real_len) != 0)
        return false;
    const char *rest = buf + r->real_len;
    if (*rest == '\0')
        rest = "/";
    else if (*rest != '/')
        return false;
    return (size_t)snprintf(out, RESOLVED_MAX, "%s", rest) < RESOLVED_MAX;
}

/*
 * The absolute in-root path `path` resolves to, with every symlink on the
 * way followed (chroot semantics), into out; a missing name and what
 * follows it are kept as written.  False when not sure: a symlink that
 * does not resolve (dangling, a loop), ".." after a missing name, an
 * error other than ENOENT/ENOTDIR, a path too long.
 */
static bool resolve(const struct root *r, const char *path,
                    char out[RESOLVED_MAX])
{
    char cur[RESOLVED_MAX] = ""; /* resolved so far; "" is the root */
    const char *p = path;
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
            sizeof(next))
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
        int fd = fsat_open_in_root(r->fd, next, O_PATH | O_CLOEXEC);
        if (fd < 0)
            return false;
        char real[RESOLVED_MAX];
        bool ok = fd_path(r, fd, real);
        close(fd);
        if (!ok)
            return false;
        if (!strcmp(real, "/"))
            cur[0] = '\0';
        else
            memcpy(cur, real, strlen(real) + 1);
    }
    return (size_t)snprintf(out, RESOLVED_MAX, "%s", cur[0] ? cur : "/") <
           RESOLVED_MAX;
}

/* True when a mount may bring or hide `res` (resolved), or when one of
 * the mounts could not be resolved. */
static bool covered(const struct root *r, const char *res)
{
    for (size_t i = 0; i < r->n_dests; i++) {
        const char *d = r->dests[i];
        if (!d)
            return true;
        size_t n = strlen(d);
        if (!strcmp(d, "/") ||
            (!strncmp(res, d, n) && (res[n] == '\0' || res[n] == '/')))
            return true;
    }
    return false;
}

static enum probe probe(const struct root *r, const char *path)
{
    char res[RESOLVED_MAX];
    if (!resolve(r, path, res) || covered(r, res))
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
         * and runc do not agree on: not ours to judge. */
        if (n == 0 || p[0] != '/' ||
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
    if (!resolve(r, cwd, res) || covered(r, res))
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
    struct root r = {.fd = -1};
    /* A rootfs that is not there is the root volume's to name (once). */
    if (!realpath(rootfs, r.real) ||
        (r.fd = open(r.real, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return 0;
    r.real_len = strcmp(r.real, "/") ? strlen(r.real) : 0;
    r.n_dests = rs->n_mounts;
    r.dests = xo_xcalloc(r.n_dests + 1, sizeof(*r.dests));
    for (size_t i = 0; i < rs->n_mounts; i++) {
        char res[RESOLVED_MAX];
        if (resolve(&r, rs->mounts[i].destination, res))
            r.dests[i] = xo_xstrdup(res);
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
    close(r.fd);
    return rc;
}
