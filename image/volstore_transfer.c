/*
 * volstore_transfer.c: a volume's data out (export, with its sha256
 * recorded and checked) and grown in place (resize), volstore.h.
 */
#include "image/volstore_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fault.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "common/sigdefer.h"
#include "image/scratch_guard.h"

/* Under the exclusive lock: r read and its record's path in rec. */
static int begin(struct volstore_record *r, char rec[4096], const char *root,
                 const char *name, xo_err *err)
{
    int lock = volstore_lock(root, true, err);
    if (lock < 0)
        return -1;
    if (volstore_path(rec, 4096, root, name, VOLSTORE_RECORD, err) < 0 ||
        volstore_get(r, root, name, err) < 0) {
        close(lock);
        return -1;
    }
    return lock;
}

/* The export into the new file tmp; *sum_r its sha256. */
static int export_to(struct digest *sum_r, const struct volstore_record *r,
                     const char *data, const char *tmp, xo_err *err)
{
    uint64_t size = 0;
    if (!r->backed)
        return volstore_data_copy_hash(sum_r, &size, tmp, data, err);
    /* A child's data alone names its parent's by a relative path: the
     * export is the whole chain as one standalone qcow2. */
    const char *argv[] = {"qemu-img", "convert", "-q", "-f", "qcow2",
                          "-O",       "qcow2",   data, tmp,  NULL};
    if (volstore_run(argv, NULL, 0, err) < 0)
        return -1;
    return volstore_data_hash(sum_r, &size, tmp, err);
}

/*
 * `file`.xl-oci-PID files an export killed before its link left beside
 * `file`: those whose PID no longer runs here and that nothing wrote for
 * STALE_TEMP_S go.  The age keeps an export running in another PID
 * namespace, or on another host of a shared file system, safe from a
 * PID that means nothing here (a running export writes all the time).
 */
#define STALE_TEMP_S 600
static void remove_stale_temps(const char *file)
{
    char *dcopy = xo_xstrdup(file), *bcopy = xo_xstrdup(file);
    const char *base = basename(bcopy);
    size_t blen = strlen(base);
    DIR *d = opendir(dirname(dcopy));
    free(dcopy);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char *end;
        if (strncmp(e->d_name, base, blen) != 0 ||
            strncmp(e->d_name + blen, ".xl-oci-", 8) != 0)
            continue;
        long pid = strtol(e->d_name + blen + 8, &end, 10);
        struct stat st;
        if (pid > 0 && !*end && kill((pid_t)pid, 0) < 0 && errno == ESRCH &&
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode) && time(NULL) - st.st_mtime > STALE_TEMP_S)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d)
        closedir(d);
    free(bcopy);
}

int volstore_export(struct digest *sum_r, const char *root, const char *name,
                    const char *file, xo_err *err)
{
    struct volstore_record r;
    volstore_record_init(&r);
    char rec[4096], data[4096], tmp[4200];
    struct digest sum;
    int lock = begin(&r, rec, root, name, err), rc = -1, guard = -1;
    if (lock < 0)
        return -1;
    for (size_t i = 0; i < r.n_users; i++)
        if (!r.users[i].read_only) {
            volstore_busy(&r, "export it while it is written", err);
            goto out;
        }
    if (access(file, F_OK) == 0 || errno != ENOENT) {
        xo_err_set(err, EEXIST, "%s exists; export writes a new file", file);
        goto out;
    }
    remove_stale_temps(file);
    if (volstore_path(data, sizeof(data), root, name,
                      volstore_data_name(r.format), err) < 0 ||
        xo_path_fmt(tmp, sizeof(tmp), err, "%s.xl-oci-%ld", file,
                    (long)getpid()) < 0)
        goto out;
    /* A Ctrl-C, SIGTERM or hangup from here on takes the partial copy
     * with it (helper-91: it stayed beside the admin's FILE, as big as
     * the volume, until an export to the same FILE ten minutes later). */
    guard = scratch_guard_file(tmp);
    if (export_to(&sum, &r, data, tmp, err) < 0)
        goto out;
    XO_FAULT_POINT("volume-export.copied");
    if (r.has_checksum && !r.modified && !r.backed &&
        !digest_equal(&sum, &r.checksum)) {
        xo_err_set(
            err, EBADMSG,
            "volume \"%s\": its data (%s) does not match its recorded checksum %s",
            name, sum.str, r.checksum.str);
        unlink(tmp);
        goto out;
    }
    /* link, not rename: a file made at `file` meanwhile is never
     * replaced. */
    if (xo_fsync_path(tmp, err) < 0 ||
        (link(tmp, file) < 0 && xo_err_sys(err, "cannot make %s", file))) {
        unlink(tmp);
        goto out;
    }
    unlink(tmp);
    r.checksum = sum;
    r.has_checksum = true;
    r.modified = false;
    if (volstore_record_write(rec, &r, err) < 0)
        goto out;
    *sum_r = sum;
    rc = 0;
out:
    scratch_guard_drop(guard);
    volstore_record_dispose(&r);
    close(lock);
    return rc < 0 ? xo_err_wrap(err, "exporting volume \"%s\"", name) : 0;
}

int volstore_resize(const char *root, const char *name, uint64_t size,
                    bool *fs_grown_r, xo_err *err)
{
    struct volstore_record r;
    volstore_record_init(&r);
    char rec[4096], data[4096], list[1024];
    char **kids = NULL;
    size_t nk = 0;
    int lock = begin(&r, rec, root, name, err), rc = -1;
    if (lock < 0)
        return -1;
    *fs_grown_r = false;
    if (r.n_users) {
        volstore_busy(&r, "resize it", err);
        goto out;
    }
    if (size < r.size) {
        xo_err_set(
            err, EINVAL,
            "volume \"%s\" is %llu bytes: it can grow, not shrink to %llu",
            name, (unsigned long long)r.size, (unsigned long long)size);
        goto out;
    }
    if (volstore_children(&kids, &nk, root, name, err) < 0)
        goto out;
    if (nk) {
        volstore_join(list, sizeof(list), kids, nk);
        xo_err_set(
            err, EBUSY,
            "volume \"%s\" is the parent of %s: growing its file system would change what they were made from",
            name, list);
        goto out;
    }
    bool kept = false;
    /* Ctrl-C, SIGTERM and a hangup wait until the volume and its record
     * agree again: resize2fs moves the file system's metadata in the
     * volume's only copy, and one killed half-way (a Ctrl-C reaches the
     * whole process group) left it "UNEXPECTED INCONSISTENCY" and the
     * record at the old size (helper-91).  e2fsck and resize2fs inherit
     * the blocked signals; a pending one ends us once done. */
    sigset_t old;
    xo_sigdefer_begin(&old);
    if (size > r.size &&
        (volstore_path(data, sizeof(data), root, name,
                       volstore_data_name(r.format), err) < 0 ||
         volstore_data_resize(fs_grown_r, &kept, data, r.format, r.fs, r.size,
                              size, err) < 0)) {
        if (kept) { /* the file is `size` bytes now: the record says so */
            xo_err ignore = XO_ERR_INIT;
            r.size = size;
            r.modified = true;
            volstore_record_write(rec, &r, &ignore);
            xo_err_clear(&ignore);
        }
        xo_sigdefer_end(&old);
        goto out;
    }
    if (size > r.size) {
        r.size = size;
        r.modified = true;
        if (volstore_record_write(rec, &r, err) < 0) {
            xo_sigdefer_end(&old);
            goto out;
        }
    }
    xo_sigdefer_end(&old);
    rc = 0;
out:
    xo_strv_free(kids);
    volstore_record_dispose(&r);
    close(lock);
    return rc < 0 ? xo_err_wrap(err, "resizing volume \"%s\"", name) : 0;
}
