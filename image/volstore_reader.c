/*
 * volstore_reader.c: a read-only use of a qcow2 volume through a
 * throwaway overlay (volstore.h).
 *
 * Xen 4.17's libxl serves qcow2 through QEMU's qdisk backend, and QEMU 7.2
 * (Debian 12) cannot open a read-only qdisk drive: "failed to create
 * drive: Block node is read-only" (measured in lab 45; the guest then
 * waits for a disk that never comes).  A read-only use therefore gets a
 * qcow2 of its own whose backing file is the volume: QEMU writes only
 * that overlay and opens the volume read-only, so the guest cannot change
 * the volume even if it ignores its read-only mount.  The overlay lives in
 * the volume's directory, is made when the use begins and removed when it
 * ends (volstore_release, volstore_user_remove).
 */
#include "image/volstore_int.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/pathfmt.h"

int volstore_reader_path(char *buf, size_t len, const char *root,
                         const char *name, const char *container, xo_err *err)
{
    char leaf[128];
    /* The container's name becomes a file name: a volume name's rules. */
    if (volstore_check_name(container, NULL) < 0)
        return xo_err_set(
            err, EINVAL,
            "container name \"%.64s\" cannot name the overlay of its read-only use of volume \"%s\" (it needs 1-%d of [A-Za-z0-9_.-])",
            container, name, VOLSTORE_NAME_MAX);
    if (xo_path_fmt(leaf, sizeof(leaf), err, "reader-%s.qcow2", container) < 0)
        return -1;
    return volstore_path(buf, len, root, name, leaf, err);
}

int volstore_reader_make(const char *root, const char *name,
                         const char *container, xo_err *err)
{
    int lock = volstore_lock(root, true, err);
    if (lock < 0)
        return -1;
    struct volstore_record r;
    volstore_record_init(&r);
    char path[4096], tmp[4200];
    int rc = volstore_get(&r, root, name, err);
    if (rc == 0 && r.format != VOLSTORE_QCOW2)
        rc = xo_err_set(err, EINVAL,
                        "volume \"%s\" is not a qcow2: it needs no overlay",
                        name);
    if (rc == 0 && (volstore_reader_path(path, sizeof(path), root, name,
                                         container, err) < 0 ||
                    xo_path_fmt(tmp, sizeof(tmp), err, "%s.tmp", path) < 0))
        rc = -1;
    if (rc == 0) {
        unlink(tmp); /* a crash's leftover */
        /* The backing file by its name in the same directory: the chain
         * holds when the store moves (as volume children do). */
        const char *argv[] = {"qemu-img",
                              "create",
                              "-q",
                              "-f",
                              "qcow2",
                              "-b",
                              volstore_data_name(VOLSTORE_QCOW2),
                              "-F",
                              "qcow2",
                              tmp,
                              NULL};
        if (volstore_run(argv, NULL, 0, err) < 0 || chmod(tmp, 0600) < 0 ||
            rename(tmp, path) < 0) {
            if (!err->msg)
                xo_err_sys(err, "cannot make the overlay %s", path);
            unlink(tmp);
            rc = xo_err_wrap(err, "read-only use of volume \"%s\"", name);
        }
    }
    volstore_record_dispose(&r);
    close(lock);
    return rc;
}

int volstore_reader_remove(const char *root, const char *name,
                           const char *container, xo_err *err)
{
    char path[4096];
    if (volstore_reader_path(path, sizeof(path), root, name, container, err) <
        0)
        return -1;
    if (unlink(path) < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot remove %s", path);
    return 0;
}
