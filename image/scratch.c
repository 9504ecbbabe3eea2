/* scratch.c: the unpack's scratch tree, on a tmpfs when it fits (scratch.h). */
#include "image/scratch.h"

#include <errno.h>
#include <stdint.h>
#include <sys/statvfs.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/bytesize.h"
#include "common/pathfmt.h"
#include "image/fsat.h"
#include "image/scratch_guard.h"

/* gzip'ed layers of file trees unpack to about 2-3 times their size; 4
 * leaves room, and a tree that still outgrows the tmpfs is redone on disk. */
#define SCRATCH_EXPANSION 4
/* The tmpfs is used when the estimate is at most this fraction of the
 * memory available, and may grow to twice that. */
#define SCRATCH_MEM_DIVISOR 4

/* MemAvailable of /proc/meminfo in bytes, 0 when unknown. */
static uint64_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    if (!f)
        return 0;
    char line[128];
    uint64_t kb = 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "MemAvailable: %" SCNu64 " kB", &kb) == 1)
            break;
    fclose(f);
    return kb * 1024;
}

/*
 * The tmpfs size for `compressed` bytes of layers in *size_r, 0 for "use
 * the disk".  $XL_OCI_SCRATCH is "disk", "tmpfs" or "tmpfs:SIZE" (SIZE as
 * `volume create --size` reads it); anything else is an error naming it
 * (helper-110: "tmpfs:64M" and typos were taken as "choose by size",
 * silently).
 */
static int tmpfs_size(uint64_t *size_r, uint64_t compressed, xo_err *err)
{
    const char *force = getenv("XL_OCI_SCRATCH");
    bool forced = false;
    uint64_t asked = 0;
    *size_r = 0;
    if (force && *force) {
        if (strcmp(force, "disk") == 0)
            return 0;
        forced = strcmp(force, "tmpfs") == 0;
        if (!forced && strncmp(force, "tmpfs:", 6) == 0) {
            xo_err perr = XO_ERR_INIT;
            forced =
                xo_bytesize_parse(&asked, force + 6, &perr) == 0 && asked > 0;
            xo_err_clear(&perr);
        }
        if (!forced)
            return xo_err_set(
                err, EINVAL,
                "XL_OCI_SCRATCH=%s: give disk, tmpfs or tmpfs:SIZE (bytes, or a number with K, M, G or T), or leave it unset",
                force);
    }
    if (geteuid() != 0)
        return 0;
    if (asked) {
        *size_r = asked; /* a size for tests of the fallback */
        return 0;
    }
    uint64_t avail = mem_available() / SCRATCH_MEM_DIVISOR;
    if (!forced && (avail == 0 || compressed > avail / SCRATCH_EXPANSION))
        return 0;
    *size_r = avail ? 2 * avail : (uint64_t)256 << 20;
    return 0;
}

int scratch_make(struct scratch *s, const char *tmpdir, const char *tag,
                 uint64_t compressed, xo_err *err)
{
    s->tmpfs = false;
    s->guard = -1;
    s->path = xo_xasprintf("%s/unpack-%.12s-XXXXXX", tmpdir, tag);
    if (!mkdtemp(s->path)) {
        xo_err_sys(err, "cannot create a directory in %s", tmpdir);
        free(s->path);
        s->path = NULL;
        return -1;
    }
    uint64_t size;
    if (tmpfs_size(&size, compressed, err) < 0) {
        rmdir(s->path);
        free(s->path);
        s->path = NULL;
        return -1;
    }
    if (size) {
        /* mode=0700 like mkdtemp's; unpack sets the root's own mode. */
        char opts[64];
        /* Options cut short would drop mode=0700: then no tmpfs (it fits:
         * a 64-bit size is at most 20 digits). */
        /* Armed before the mount: a signal while mount() runs, or just
         * after it, finds the handler in place (its umount2 of a path
         * not yet mounted fails harmlessly). */
        s->guard = scratch_guard_mount(s->path);
        s->tmpfs = xo_path_fmt(opts, sizeof(opts), NULL,
                               "size=%" PRIu64 ",mode=0700", size) >= 0 &&
                   mount("xl-oci-scratch", s->path, "tmpfs",
                         MS_NOSUID | MS_NODEV, opts) == 0;
        if (!s->tmpfs) {
            scratch_guard_drop(s->guard);
            s->guard = -1;
        }
    }
    return 0;
}

/* Less free than this (a tmpfs refuses a write once fewer pages are
 * free than it asks), and the tmpfs is what is full. */
#define SCRATCH_FULL_BYTES (4u << 20)

bool scratch_retry_on_disk(const struct scratch *s, int errnum)
{
    if (!s->tmpfs)
        return false;
    if (errnum == EOPNOTSUPP || errnum == ENOTSUP)
        return true;
    if (errnum != ENOSPC && errnum != EDQUOT)
        return false;
    /* Out of space, but the tmpfs (its half-made tree still in it) has
     * room left: what ran out is the store's disk, writing a blob, and
     * unpacking on that disk fails the same way, after doing it all again
     * (helper-67: the error blamed the scratch tmpfs first). */
    struct statvfs fs;
    return statvfs(s->path, &fs) < 0 ||
           (uint64_t)fs.f_bavail * fs.f_frsize < SCRATCH_FULL_BYTES;
}

int scratch_to_disk(struct scratch *s, xo_err *err)
{
    if (!s->tmpfs)
        return 0;
    scratch_guard_drop(s->guard);
    s->guard = -1;
    if (umount2(s->path, MNT_DETACH) < 0)
        return xo_err_sys(err, "cannot unmount the scratch tmpfs %s", s->path);
    s->tmpfs = false;
    return 0;
}

void scratch_remove(struct scratch *s)
{
    if (!s->path)
        return;
    xo_err ignore = XO_ERR_INIT;
    if (s->tmpfs) {
        scratch_guard_drop(s->guard);
        s->guard = -1;
    }
    if (s->tmpfs && umount2(s->path, MNT_DETACH) == 0)
        rmdir(s->path);
    else
        fsat_remove_path(s->path, &ignore);
    xo_err_clear(&ignore);
    free(s->path);
    s->path = NULL;
}

static void *remover(void *arg)
{
    scratch_remove(arg);
    return NULL;
}

void scratch_remove_begin(struct scratch_removal *r, struct scratch *s)
{
    r->s = *s;
    s->path = NULL;
    r->running = pthread_create(&r->thread, NULL, remover, &r->s) == 0;
    if (!r->running)
        scratch_remove(&r->s);
}

void scratch_remove_end(struct scratch_removal *r)
{
    if (r->running)
        pthread_join(r->thread, NULL);
    r->running = false;
}

void scratch_unmount_leftover(const char *path)
{
    /* EINVAL: not a mount point, which is the usual case. */
    while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
        ;
}
