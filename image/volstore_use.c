/*
 * volstore_use.c: what containers do to managed volumes beyond using
 * them (volstore.h): release at destroy, with the anonymous volumes made
 * for them, and the ":mkfs" of a blank volume on first use.
 */
#include "image/volstore_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"

static void tell(void (*say)(void *, const char *), void *arg, const char *what,
                 const char *name)
{
    char line[256];
    if (!say)
        return;
    /* cannot truncate: a short literal and a volume name */
    snprintf(line, sizeof(line), "%s volume %s", what, name);
    say(arg, line);
}

/* One volume's part of volstore_release, under the lock. */
static int release_one(const char *root, const char *name,
                       const char *container, bool keep,
                       void (*say)(void *, const char *), void *say_arg,
                       xo_err *err)
{
    struct volstore_record r;
    volstore_record_init(&r);
    char rec[4096], **kids = NULL;
    size_t nk = 0;
    xo_err ignore = XO_ERR_INIT;
    /* A volume whose record cannot be read is not this container's to
     * change; `volume ls` shows it. */
    if (volstore_get(&r, root, name, &ignore) < 0) {
        xo_err_clear(&ignore);
        return 0;
    }
    bool changed = false;
    int rc = 0;
    for (size_t i = 0; i < r.n_users && rc == 0; i++)
        if (strcmp(r.users[i].container, container) == 0) {
            free(r.users[i].container);
            memmove(&r.users[i], &r.users[i + 1],
                    (r.n_users - i - 1) * sizeof(*r.users));
            r.n_users--;
            changed = true;
            /* A read-only use's overlay goes with it. */
            rc = volstore_reader_remove(root, name, container, err);
            break;
        }
    if (rc == 0 && r.owner && strcmp(r.owner, container) == 0) {
        rc = volstore_children(&kids, &nk, root, name, err);
        if (rc == 0 && !keep && r.n_users == 0 && nk == 0) {
            rc = volstore_remove_files(root, &r, err);
            if (rc == 0)
                tell(say, say_arg, "removed anonymous", name);
            changed = false;
        } else if (rc == 0) {
            free(r.owner);
            r.owner = NULL;
            changed = true;
            tell(say, say_arg, "kept", name);
        }
    }
    if (rc == 0 && changed &&
        (volstore_path(rec, sizeof(rec), root, name, VOLSTORE_RECORD, err) <
             0 ||
         volstore_record_write(rec, &r, err) < 0))
        rc = -1;
    xo_strv_free(kids);
    volstore_record_dispose(&r);
    return rc;
}

int volstore_release(const char *root, const char *container, bool keep,
                     void (*say)(void *arg, const char *line), void *say_arg,
                     xo_err *err)
{
    int lock = volstore_lock(root, true, err);
    if (lock < 0)
        return -1;
    char **names = NULL;
    size_t n = 0;
    int rc = volstore_list(&names, &n, root, err);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = release_one(root, names[i], container, keep, say, say_arg, err);
    xo_strv_free(names);
    close(lock);
    return rc;
}

int volstore_mkfs(const char *root, const char *name, xo_err *err)
{
    int lock = volstore_lock(root, true, err);
    if (lock < 0)
        return -1;
    struct volstore_record r;
    volstore_record_init(&r);
    char rec[4096], data[4096];
    int rc = volstore_get(&r, root, name, err);
    if (rc == 0 && r.fs != VOLSTORE_FS_NONE)
        rc = xo_err_set(err, EINVAL, "volume \"%s\" holds %s already", name,
                        volstore_fs_to_string(r.fs));
    else if (rc == 0 && r.format != VOLSTORE_RAW)
        rc = xo_err_set(
            err, EINVAL,
            "volume \"%s\" is a qcow2: give it a file system at create (--fs)",
            name);
    else if (rc == 0 && r.n_users)
        rc = volstore_busy(&r, "format it", err);
    char **kids = NULL;
    size_t nk = 0;
    if (rc == 0 && volstore_children(&kids, &nk, root, name, err) < 0)
        rc = -1;
    if (rc == 0 && nk)
        rc = xo_err_set(
            err, EBUSY,
            "volume \"%s\" is the parent of %s: formatting it would change what %s made from",
            name, kids[0], nk == 1 ? "it was" : "they were");
    xo_strv_free(kids);
    if (rc == 0 && r.has_checksum)
        rc = xo_err_set(
            err, EINVAL,
            "volume \"%s\" was imported or exported: it is not blank, and :mkfs formats only blank volumes",
            name);
    if (rc == 0 && (volstore_path(rec, sizeof(rec), root, name, VOLSTORE_RECORD,
                                  err) < 0 ||
                    volstore_path(data, sizeof(data), root, name,
                                  volstore_data_name(r.format), err) < 0 ||
                    volstore_data_mkfs(data, VOLSTORE_FS_EXT4, err) < 0))
        rc = -1;
    if (rc == 0) {
        r.fs = VOLSTORE_FS_EXT4;
        r.modified = true;
        rc = volstore_record_write(rec, &r, err);
    }
    volstore_record_dispose(&r);
    close(lock);
    return rc;
}

bool volstore_fresh_ext4(const struct volstore_record *r)
{
    return r->fs == VOLSTORE_FS_EXT4 && r->format == VOLSTORE_RAW &&
           !r->modified && !r->backed && !r->has_checksum && r->n_users == 0;
}

int volstore_seed(const char *root, const char *name, const char *seed,
                  xo_err *err)
{
    int lock = volstore_lock(root, true, err);
    if (lock < 0)
        return -1;
    struct volstore_record r;
    volstore_record_init(&r);
    char rec[4096], data[4096];
    int rc = volstore_get(&r, root, name, err);
    bool blank = rc == 0 && r.fs == VOLSTORE_FS_NONE &&
                 r.format == VOLSTORE_RAW && !r.has_checksum && !r.n_users;
    if (rc == 0 && !blank && !volstore_fresh_ext4(&r)) {
        rc = 0;
        goto out;
    }
    char **kids = NULL;
    size_t nk = 0;
    if (rc == 0 && volstore_children(&kids, &nk, root, name, err) < 0)
        rc = -1;
    xo_strv_free(kids);
    if (rc < 0 || nk) /* a parent keeps what its children were made from */
        goto out;
    if (volstore_path(rec, sizeof(rec), root, name, VOLSTORE_RECORD, err) < 0 ||
        volstore_path(data, sizeof(data), root, name,
                      volstore_data_name(r.format), err) < 0 ||
        volstore_data_mkfs_seeded(data, seed, err) < 0) {
        rc = -1;
        goto out;
    }
    r.fs = VOLSTORE_FS_EXT4;
    r.modified = true;
    rc = volstore_record_write(rec, &r, err) < 0 ? -1 : 1;
out:
    volstore_record_dispose(&r);
    close(lock);
    return rc;
}
