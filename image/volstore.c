/*
 * volstore.c: the store of managed volumes (volstore.h): its layout, its
 * lock, reading and listing records, and the changes that touch only a
 * record: remove, annotate, users.  Creating volumes is volstore_create.c,
 * moving data in and out volstore_transfer.c.
 */
#include "image/volstore_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/json_build.h"
#include "common/pathfmt.h"
#include "image/fsat.h"
#include "domcfg/metadata.h"

int volstore_dir(char *buf, size_t len, const char *root, xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s/storage/volumes", root) < 0 ? -1 : 0;
}

int volstore_path(char *buf, size_t len, const char *root, const char *name,
                  const char *file, xo_err *err)
{
    if (volstore_check_name(name, err) < 0)
        return -1;
    int n =
        file ? xo_path_fmt(buf, len, err, "%s/storage/volumes/%s/%s", root,
                           name, file)
             : xo_path_fmt(buf, len, err, "%s/storage/volumes/%s", root, name);
    return n < 0 ? -1 : 0;
}

/* storage/lock taken with flock(2) operation `op` (LOCK_NB: EWOULDBLOCK
 * while held). */
static int lock_store(const char *root, int op, xo_err *err)
{
    char dir[4096], path[4096];
    if (volstore_dir(dir, sizeof(dir), root, err) < 0 ||
        xo_path_fmt(path, sizeof(path), err, "%s/storage/lock", root) < 0 ||
        xo_mkdir_p(dir, 0700, err) < 0)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    while (flock(fd, op) < 0)
        if (errno != EINTR) {
            int rc = xo_err_sys(err, "cannot lock %s", path);
            close(fd);
            return rc;
        }
    return fd;
}

int volstore_lock(const char *root, bool exclusive, xo_err *err)
{
    return lock_store(root, exclusive ? LOCK_EX : LOCK_SH, err);
}

/* The bytes the files of work directory `name` in `parent` take on disk
 * (a work directory holds files only: data, record, scratch). */
static uint64_t work_bytes(int parent, const char *name)
{
    int fd =
        openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    uint64_t total = 0;
    struct dirent *e;
    struct stat st;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    while ((e = readdir(d)))
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode))
            total += (uint64_t)st.st_blocks * 512;
    closedir(d);
    return total;
}

int volstore_remove_stale_work(const char *dir, size_t *removed_r,
                               uint64_t *bytes_r, xo_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : xo_err_sys(err, "cannot open %s", dir);
    int dup_fd = dup(fd);
    DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
    if (!d) {
        int rc = xo_err_sys(err, "cannot read %s", dir);
        if (dup_fd >= 0)
            close(dup_fd);
        close(fd);
        return rc;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, VOLSTORE_WORK_PREFIX,
                    strlen(VOLSTORE_WORK_PREFIX)) != 0)
            continue;
        uint64_t bytes = bytes_r ? work_bytes(fd, e->d_name) : 0;
        if (fsat_remove_tree(fd, e->d_name) < 0) {
            if (rc == 0)
                rc = xo_err_sys(err, "cannot remove %s/%s", dir, e->d_name);
            continue;
        }
        if (removed_r)
            (*removed_r)++;
        if (bytes_r)
            *bytes_r += bytes;
    }
    closedir(d);
    close(fd);
    return rc;
}

/* Whether the volume directory `dir` holds any work directory. */
static bool has_work(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool found = false;
    while (d && !found && (e = readdir(d)))
        found = strncmp(e->d_name, VOLSTORE_WORK_PREFIX,
                        strlen(VOLSTORE_WORK_PREFIX)) == 0;
    if (d)
        closedir(d);
    return found;
}

int volstore_prune(const char *root, size_t *removed_r, uint64_t *bytes_r,
                   bool *busy_r, xo_err *err)
{
    char dir[4096];
    *busy_r = false;
    if (volstore_dir(dir, sizeof(dir), root, err) < 0)
        return -1;
    /* No store: nothing to remove, and none is made. */
    if (access(dir, F_OK) < 0 && errno == ENOENT)
        return 0;
    int lock = lock_store(root, LOCK_EX | LOCK_NB, err);
    if (lock < 0) {
        if (err->errnum != EWOULDBLOCK)
            return -1;
        xo_err_clear(err);
        *busy_r = has_work(dir);
        return 0;
    }
    int rc = volstore_remove_stale_work(dir, removed_r, bytes_r, err);
    close(lock);
    return rc;
}

int volstore_get(struct volstore_record *r_r, const char *root,
                 const char *name, xo_err *err)
{
    char path[4096];
    if (volstore_path(path, sizeof(path), root, name, VOLSTORE_RECORD, err) < 0)
        return -1;
    if (access(path, F_OK) < 0 && errno == ENOENT)
        return xo_err_set(err, ENOENT, "no volume named \"%s\"", name);
    if (volstore_record_read(r_r, path, err) < 0)
        return -1;
    if (strcmp(r_r->name, name) != 0)
        return xo_err_set(err, EINVAL, "%s: \"name\" is \"%s\", not \"%s\"",
                          path, r_r->name, name);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int volstore_list(char ***names_r, size_t *n_r, const char *root, xo_err *err)
{
    char dir[4096];
    if (volstore_dir(dir, sizeof(dir), root, err) < 0)
        return -1;
    DIR *d = opendir(dir);
    size_t n = 0, cap = 8;
    char **v = xo_xcalloc(cap + 1, sizeof(*v));
    if (!d && errno != ENOENT) {
        free(v);
        return xo_err_sys(err, "cannot read %s", dir);
    }
    for (struct dirent *e; d && (e = readdir(d));) {
        /* Work directories begin with '.', names never do. */
        if (e->d_name[0] == '.' || volstore_check_name(e->d_name, NULL) < 0)
            continue;
        if (n == cap) {
            char **nv = xo_xcalloc(cap * 2 + 1, sizeof(*v));
            memcpy(nv, v, n * sizeof(*v));
            free(v);
            v = nv;
            cap *= 2;
        }
        v[n++] = xo_xstrdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(v, n, sizeof(*v), cmp_str);
    *names_r = v;
    *n_r = n;
    return 0;
}

int volstore_children(char ***names_r, size_t *n_r, const char *root,
                      const char *parent, xo_err *err)
{
    char **all = NULL;
    size_t n = 0, k = 0;
    if (volstore_list(&all, &n, root, err) < 0)
        return -1;
    char **v = xo_xcalloc(n + 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        struct volstore_record r;
        volstore_record_init(&r);
        /* A volume that cannot be read is not a known child; `ls` shows
         * its broken record. */
        xo_err ignore = XO_ERR_INIT;
        if (volstore_get(&r, root, all[i], &ignore) == 0 &&
            strcmp(r.parent, parent) == 0)
            v[k++] = xo_xstrdup(all[i]);
        xo_err_clear(&ignore);
        volstore_record_dispose(&r);
    }
    xo_strv_free(all);
    *names_r = v;
    *n_r = k;
    return 0;
}

void volstore_join(char *buf, size_t len, char *const *names, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t need = strlen(names[i]) + (i ? 2 : 0);
        if (used + need + 4 >= len) {
            /* may truncate: a list for a message, cut with "..." */
            snprintf(buf + used, len - used, "...");
            return;
        }
        /* cannot truncate: room for the name and "..." checked above */
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                                 names[i]);
    }
}

int volstore_busy(const struct volstore_record *r, const char *what,
                  xo_err *err)
{
    char list[1024];
    char **names = xo_xcalloc(r->n_users + 1, sizeof(*names));
    for (size_t i = 0; i < r->n_users; i++)
        names[i] = r->users[i].container;
    volstore_join(list, sizeof(list), names, r->n_users);
    free(names);
    return xo_err_set(err, EBUSY, "volume \"%s\" is in use by %s: cannot %s",
                      r->name, list, what);
}

int volstore_remove_files(const char *root, const struct volstore_record *r,
                          xo_err *err)
{
    char vdir[4096], dir[4096], gone[4200];
    /* The directory leaves NAME first, in one rename onto an empty work
     * directory (.new-NAME.XXXXXX, which the next create or prune
     * removes if this is cut short): a signal or crash
     * after it leaves no half-removed volume under NAME (helper-91: a
     * Ctrl-C while the data was unlinked left NAME/ empty, `volume ls`
     * failed and the name could be neither removed nor created). */
    if (volstore_dir(vdir, sizeof(vdir), root, err) < 0 ||
        volstore_path(dir, sizeof(dir), root, r->name, NULL, err) < 0 ||
        xo_path_fmt(gone, sizeof(gone), err,
                    "%s/" VOLSTORE_WORK_PREFIX "%s.XXXXXX", vdir, r->name) < 0)
        return -1;
    if (!mkdtemp(gone))
        return xo_err_sys(err, "cannot make a work directory in %s", vdir);
    if (rename(dir, gone) < 0) {
        int rc = xo_err_sys(err, "cannot remove %s", dir);
        rmdir(gone);
        return rc;
    }
    return fsat_remove_path(gone, err);
}

/* NAME/ without its record: what a removal cut short before this fix left
 * (volstore_remove_files); 1 when it was such a directory and went. */
static int remove_recordless(const char *root, const char *name, xo_err *err)
{
    char dir[4096], rec[4096];
    struct stat st;
    if (volstore_path(dir, sizeof(dir), root, name, NULL, err) < 0 ||
        volstore_path(rec, sizeof(rec), root, name, VOLSTORE_RECORD, err) < 0)
        return -1;
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || access(rec, F_OK) == 0)
        return 0;
    struct volstore_record r;
    volstore_record_init(&r);
    /* cannot truncate: volstore_path() checked the name (VOLSTORE_NAME_MAX) */
    snprintf(r.name, sizeof(r.name), "%s", name);
    int rc = volstore_remove_files(root, &r, err);
    volstore_record_dispose(&r);
    return rc < 0 ? -1 : 1;
}

int volstore_remove(const char *root, const char *name, xo_err *err)
{
    int lock = volstore_lock(root, true, err);
    if (lock < 0)
        return -1;
    struct volstore_record r;
    volstore_record_init(&r);
    char **kids = NULL;
    size_t nk = 0;
    char list[1024];
    int rc = volstore_get(&r, root, name, err);
    if (rc < 0 && err->errnum == ENOENT) {
        xo_err ignore = XO_ERR_INIT;
        if (remove_recordless(root, name, &ignore) == 1) {
            xo_err_clear(err);
            rc = 0;
            xo_strv_free(kids);
            volstore_record_dispose(&r);
            close(lock);
            xo_err_clear(&ignore);
            return 0;
        }
        xo_err_clear(&ignore);
    }
    if (rc == 0 && r.n_users)
        rc = volstore_busy(&r, "remove it", err);
    if (rc == 0)
        rc = volstore_children(&kids, &nk, root, name, err);
    if (rc == 0 && nk) {
        volstore_join(list, sizeof(list), kids, nk);
        rc = xo_err_set(err, EBUSY,
                        "volume \"%s\" is the parent of %s: remove %s first",
                        name, list, nk == 1 ? "it" : "them");
    }
    if (rc == 0)
        rc = volstore_remove_files(root, &r, err);
    xo_strv_free(kids);
    volstore_record_dispose(&r);
    close(lock);
    return rc;
}

/* Reads `name`'s record under the exclusive lock (*lock_r, the fd) and
 * its path (into path[4096]) for a change. */
static int begin_change(struct volstore_record *r, int *lock_r, char *path,
                        const char *root, const char *name, xo_err *err)
{
    if (volstore_path(path, 4096, root, name, VOLSTORE_RECORD, err) < 0)
        return -1;
    int lock = volstore_lock(root, true, err);
    if (lock < 0)
        return -1;
    if (volstore_get(r, root, name, err) < 0) {
        close(lock);
        return -1;
    }
    *lock_r = lock;
    return 0;
}

int volstore_annotate(const char *root, const char *name,
                      const char *const *keys, const char *const *values,
                      size_t n, xo_err *err)
{
    struct volstore_record r;
    volstore_record_init(&r);
    char path[4096];
    int lock, rc = 0;
    if (begin_change(&r, &lock, path, root, name, err) < 0)
        return -1;
    json_object *next = NULL;
    /* A copy, changed and checked whole before anything is written. */
    if (json_object_deep_copy(r.annotations, &next, NULL) < 0)
        xo_oom();
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (json_object_object_get_ex(r.labels, keys[i], NULL))
            rc = xo_err_set(
                err, EPERM,
                "volume \"%s\": \"%s\" is a label, fixed at create; annotations cannot set or remove it",
                name, keys[i]);
        else if (values[i])
            xo_jset(next, keys[i], xo_jstr(values[i]));
        else
            json_object_object_del(next, keys[i]);
    }
    size_t bytes = 0, count = 0;
    json_object_object_foreach (next, k, v) {
        bytes += strlen(k) + strlen(json_object_get_string(v));
        count++;
    }
    if (rc == 0 && metadata_check_bounds(count, bytes, "annotations", err) < 0)
        rc = xo_err_wrap(err, "volume \"%s\"", name);
    if (rc == 0) {
        json_object_put(r.annotations);
        r.annotations = next;
        next = NULL;
        rc = volstore_record_write(path, &r, err);
    }
    json_object_put(next);
    volstore_record_dispose(&r);
    close(lock);
    return rc;
}

/* The index of `container` among r's users, or -1. */
static long find_user(const struct volstore_record *r, const char *container)
{
    for (size_t i = 0; i < r->n_users; i++)
        if (strcmp(r->users[i].container, container) == 0)
            return (long)i;
    return -1;
}

/* EBUSY when `container` may not use r as asked (volstore_user_add). */
static int check_use(const struct volstore_record *r, const char *root,
                     const char *container, bool read_only, xo_err *err)
{
    for (size_t i = 0; i < r->n_users; i++) {
        const struct volstore_user *u = &r->users[i];
        if (strcmp(u->container, container) == 0)
            continue;
        if (!u->read_only || !read_only)
            return xo_err_set(
                err, EBUSY,
                "volume \"%s\" is in use by %s%s: a block file system has one writer or only readers",
                r->name, u->container, u->read_only ? " (read-only)" : "");
    }
    if (read_only)
        return 0;
    char **kids = NULL, list[1024];
    size_t nk = 0, backed = 0;
    if (volstore_children(&kids, &nk, root, r->name, err) < 0)
        return -1;
    for (size_t i = 0; i < nk; i++) {
        struct volstore_record c;
        volstore_record_init(&c);
        xo_err ignore = XO_ERR_INIT;
        if (volstore_get(&c, root, kids[i], &ignore) == 0 && c.backed) {
            char *t = kids[backed];
            kids[backed++] = kids[i];
            kids[i] = t;
        }
        xo_err_clear(&ignore);
        volstore_record_dispose(&c);
    }
    int rc = 0;
    if (backed) {
        volstore_join(list, sizeof(list), kids, backed);
        rc = xo_err_set(
            err, EBUSY,
            "volume \"%s\" is the backing file of %s: use it read-only (\":ro\")",
            r->name, list);
    }
    xo_strv_free(kids);
    return rc;
}

int volstore_user_add(const char *root, const char *name, const char *container,
                      bool read_only, xo_err *err)
{
    struct volstore_record r;
    volstore_record_init(&r);
    char path[4096];
    int lock;
    if (begin_change(&r, &lock, path, root, name, err) < 0)
        return -1;
    int rc = check_use(&r, root, container, read_only, err);
    long i = find_user(&r, container);
    if (rc == 0 && i < 0 && r.n_users >= VOLSTORE_MAX_USERS)
        rc = xo_err_set(err, E2BIG, "volume \"%s\" has %d users already", name,
                        VOLSTORE_MAX_USERS);
    if (rc == 0) {
        if (i < 0) {
            struct volstore_user *u =
                xo_xcalloc(r.n_users + 1, sizeof(*r.users));
            memcpy(u, r.users, r.n_users * sizeof(*u));
            free(r.users);
            r.users = u;
            i = (long)r.n_users++;
            r.users[i].container = xo_xstrdup(container);
        }
        r.users[i].read_only = read_only;
        if (!read_only)
            r.modified = true;
        rc = volstore_record_write(path, &r, err);
    }
    volstore_record_dispose(&r);
    close(lock);
    return rc;
}

int volstore_user_remove(const char *root, const char *name,
                         const char *container, xo_err *err)
{
    struct volstore_record r;
    volstore_record_init(&r);
    char path[4096];
    int lock;
    if (begin_change(&r, &lock, path, root, name, err) < 0)
        return -1;
    long i = find_user(&r, container);
    int rc = 0;
    if (i >= 0) {
        free(r.users[i].container);
        memmove(&r.users[i], &r.users[i + 1],
                (r.n_users - (size_t)i - 1) * sizeof(*r.users));
        r.n_users--;
        rc = volstore_record_write(path, &r, err);
    }
    if (rc == 0)
        rc = volstore_reader_remove(root, name, container, err);
    volstore_record_dispose(&r);
    close(lock);
    return rc;
}
