/* runc_binds.c: a runtime spec's bind mounts copied into one ext4 image
 * (see runc_binds.h). */
#include "runc_binds.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "runc_binds_inline.h"

/* nftw() takes no context: the running totals of one runc_binds_make,
 * and whether the copies can travel in the boot spec (runc_binds_inline.h:
 * only regular files, directories and symlinks; a hard link inside a
 * directory would become two files there, so the image keeps it). */
static unsigned long long walk_bytes;
static unsigned long walk_entries;
static bool walk_inline_ok;

static int count_one(const char *p, const struct stat *st, int type,
                     struct FTW *f)
{
    (void)p;
    walk_entries++;
    /* Deep trees keep the image: the inline walk holds two descriptors a
     * level. */
    if (f && f->level > 32)
        walk_inline_ok = false;
    /* FTW_NS: gone between readdir and lstat; its stat is not filled. */
    if (type == FTW_NS || type == FTW_DNR ||
        (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode) &&
         !S_ISLNK(st->st_mode)) ||
        (f && S_ISREG(st->st_mode) && st->st_nlink > 1))
        walk_inline_ok = false;
    if (type != FTW_NS && S_ISREG(st->st_mode))
        walk_bytes += (unsigned long long)st->st_size;
    return walk_bytes > RUNC_BINDS_MAX_BYTES ||
                   walk_entries > RUNC_BINDS_MAX_ENTRIES
               ? 1
               : 0;
}

/* Resolves v's source (a symlink to a directory would be counted as one
 * entry by nftw while the bind copies the whole tree) and adds it to the
 * totals; -1 naming the mount when it cannot be copied or the totals pass
 * the limits. */
static int measure(struct dc_volume *v, xo_err *err)
{
    char *real = realpath(v->source, NULL);
    if (!real)
        return xo_err_sys(err, "bind mount %s: source %s", v->target,
                          v->source);
    free(v->source);
    v->source = real;
    struct stat st;
    if (stat(v->source, &st) < 0)
        return xo_err_sys(err, "bind mount %s: source %s", v->target,
                          v->source);
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return xo_err_set(
            err, EINVAL,
            "bind mount %s: source %s is neither a regular file nor a directory",
            v->target, v->source);
    int r = S_ISDIR(st.st_mode) ? nftw(v->source, count_one, 32, FTW_PHYS)
                                : count_one(v->source, &st, FTW_F, NULL);
    if (r < 0)
        return xo_err_sys(err, "bind mount %s: reading %s", v->target,
                          v->source);
    if (r > 0)
        return xo_err_set(
            err, E2BIG,
            "bind mount %s: the copies of the bind mounts pass %llu MiB or %d entries at %s",
            v->target, RUNC_BINDS_MAX_BYTES >> 20, RUNC_BINDS_MAX_ENTRIES,
            v->source);
    return 0;
}

/* In the child: binds every source on its entry of `stage`, privately,
 * then runs mke2fs.  Exits 125 with a line on stderr when a bind fails. */
static void child(const struct domain_config *dc, const char *stage,
                  const char *path, unsigned long inodes)
{
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        fprintf(stderr, "private mount namespace: %s\n", strerror(errno));
        _exit(125);
    }
    for (size_t i = 0; i < dc->n_volumes; i++) {
        const struct dc_volume *v = &dc->volumes[i];
        if (v->kind != DC_VOLUME_BIND)
            continue;
        char entry[4400];
        /* cannot truncate: a 4200-byte stage and a subpath of digits */
        snprintf(entry, sizeof(entry), "%s/%s", stage, v->subpath);
        if (mount(v->source, entry, NULL, MS_BIND | MS_REC, NULL) < 0) {
            fprintf(stderr, "bind %s: %s\n", v->source, strerror(errno));
            _exit(125);
        }
    }
    char n[32];
    /* cannot truncate: an unsigned long is at most 20 digits */
    snprintf(n, sizeof(n), "%lu", inodes);
    /* No journal: a throwaway copy, written once here. */
    execlp("mke2fs", "mke2fs", "-q", "-F", "-t", "ext4", "-O", "^has_journal",
           "-N", n, "-d", stage, path, (char *)NULL);
    fprintf(stderr, "cannot run mke2fs (install e2fsprogs): %s\n",
            strerror(errno));
    _exit(127);
}

/* Runs child() and quotes what it said when it fails. */
static int run_mke2fs(const struct domain_config *dc, const char *stage,
                      const char *path, unsigned long inodes, xo_err *err)
{
    int fe = memfd_create("xl-oci-bind-image", MFD_CLOEXEC);
    if (fe < 0)
        return xo_err_sys(err, "mke2fs: cannot make an output file");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fe);
        return xo_err_sys(err, "fork");
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(fe, 2) < 0)
            _exit(125);
        child(dc, stage, path, inodes);
    }
    int status = 0, rc = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            rc = xo_err_sys(err, "waiting for mke2fs");
            break;
        }
    if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        char tail[512];
        xo_fd_tail(fe, tail, sizeof(tail));
        rc = xo_err_set(err, EIO, "copying the bind mounts with mke2fs: %s",
                        tail[0] ? tail : "failed");
    }
    close(fe);
    return rc;
}

/* Removes `stage` and its entries (empty files and directories: the
 * sources were bound on them only in the child's namespace). */
static void remove_stage(const char *stage)
{
    DIR *d = opendir(stage);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            unlinkat(dirfd(d), e->d_name, 0) < 0 && errno == EISDIR)
            unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
    closedir(d);
    rmdir(stage);
}

/* Where the sources are bound for mke2fs: beside the image. */
static int stage_of(char *stage, size_t size, const char *path, xo_err *err)
{
    return xo_path_fmt(stage, size, err, "%s.stage", path);
}

int runc_binds_remove(const char *path, xo_err *err)
{
    char stage[4200];
    if (stage_of(stage, sizeof(stage), path, err) < 0)
        return -1;
    remove_stage(stage);
    if (unlink(path) < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot remove %s", path);
    return 0;
}

int runc_binds_make(struct domain_config *dc, const char *path, xo_err *err)
{
    walk_bytes = 0;
    walk_entries = 0;
    walk_inline_ok = true;
    size_t n = 0;
    for (size_t i = 0; i < dc->n_volumes; i++) {
        if (dc->volumes[i].kind != DC_VOLUME_BIND)
            continue;
        if (measure(&dc->volumes[i], err) < 0)
            return -1;
        n++;
    }
    if (n == 0)
        return 0;
    if (walk_inline_ok && walk_bytes <= RUNC_BINDS_INLINE_MAX_BYTES &&
        walk_entries <= RUNC_BINDS_INLINE_MAX_ENTRIES)
        return runc_binds_inline_read(dc, err);
    char stage[4200];
    if (stage_of(stage, sizeof(stage), path, err) < 0)
        return -1;
    remove_stage(stage); /* a create killed while it copied left it */
    if (mkdir(stage, 0755) < 0)
        return xo_err_sys(err, "cannot create %s", stage);
    int rc = 0;
    /* The mount points: a directory for a directory, a file for a file. */
    for (size_t i = 0; i < dc->n_volumes && rc == 0; i++) {
        const struct dc_volume *v = &dc->volumes[i];
        if (v->kind != DC_VOLUME_BIND)
            continue;
        char entry[4300];
        struct stat st;
        if (xo_path_fmt(entry, sizeof(entry), err, "%s/%s", stage, v->subpath) <
                0 ||
            stat(v->source, &st) < 0)
            rc = xo_err_sys(err, "bind mount %s: source %s", v->target,
                            v->source);
        else if (S_ISDIR(st.st_mode) ? mkdir(entry, 0755) < 0
                                     : mknod(entry, S_IFREG | 0644, 0) < 0)
            rc = xo_err_sys(err, "cannot create %s", entry);
    }
    /* ext4 keeps small files in whole 4 KiB blocks: room for each entry,
     * the bytes, and the file system's own metadata. */
    unsigned long long size = walk_bytes + walk_bytes / 8 +
                              (unsigned long long)walk_entries * 8192 +
                              (8ULL << 20);
    size = (size + (1 << 20) - 1) & ~((1ULL << 20) - 1);
    int fd = -1;
    if (rc == 0) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
            rc = xo_err_sys(err, "cannot create %s", path);
        if (fd >= 0)
            close(fd);
    }
    if (rc == 0)
        rc = run_mke2fs(dc, stage, path, walk_entries + 64, err);
    remove_stage(stage);
    if (rc < 0) {
        if (fd >= 0)
            unlink(path);
        return -1;
    }
    dc->binds_image = xo_xstrdup(path);
    return 0;
}
