/* metastore.c: labels.json and annotations.json of a container's state
 * dir, and annotate's locked, atomic update (see metastore.h). */
#include "metastore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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
#include "domcfg/metadata.h"
#include "state.h"

static int write_object(const char *path, json_object *obj, xo_err *err)
{
    char *text = xo_json_to_string(obj);
    int rc = xo_write_file_atomic(path, text, strlen(text), 0600, err);
    free(text);
    return rc;
}

int metastore_write_labels(const char *dir, char *const *labels, size_t n,
                           xo_err *err)
{
    char path[4096];
    if (xo_path_fmt(path, sizeof(path), err, "%s/%s", dir, STATE_FILE_LABELS) <
        0)
        return -1;
    json_object *obj = xo_jobj();
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(labels[i], '=');
        if (!eq)
            continue; /* domcfg makes every label KEY=VALUE */
        char *key = xo_xstrndup(labels[i], (size_t)(eq - labels[i]));
        xo_jset(obj, key, xo_jstr(eq + 1));
        free(key);
    }
    int rc = write_object(path, obj, err);
    json_object_put(obj);
    return rc;
}

/* A state file holding an object of strings; {} when it does not exist. */
static int read_object(json_object **out_r, const char *path, xo_err *err)
{
    if (access(path, F_OK) < 0 && errno == ENOENT) {
        *out_r = xo_jobj();
        return 0;
    }
    json_object *obj = NULL;
    if (xo_json_parse_file(&obj, path, METASTORE_FILE_MAX, err) < 0)
        return -1;
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return xo_err_set(err, EINVAL, "%s: must be a JSON object", path);
    }
    json_object_object_foreach (obj, k, v) {
        if (!json_object_is_type(v, json_type_string)) {
            /* The message first: the key dies with the object. */
            xo_err_set(err, EINVAL, "%s: \"%.64s\" must be a string", path, k);
            json_object_put(obj);
            return -1;
        }
    }
    *out_r = obj;
    return 0;
}

int metastore_read(json_object **labels_r, json_object **annotations_r,
                   const char *root, const char *name, xo_err *err)
{
    char lpath[4096], apath[4096];
    json_object *labels = NULL;
    if (state_domain_file(lpath, sizeof(lpath), root, name, STATE_FILE_LABELS,
                          err) < 0 ||
        state_domain_file(apath, sizeof(apath), root, name,
                          STATE_FILE_ANNOTATIONS, err) < 0 ||
        read_object(&labels, lpath, err) < 0)
        return -1;
    if (read_object(annotations_r, apath, err) < 0) {
        json_object_put(labels);
        return -1;
    }
    *labels_r = labels;
    return 0;
}

void metastore_changes_free(struct metastore_change *ch, size_t n)
{
    for (size_t i = 0; ch && i < n; i++)
        free(ch[i].key);
    free(ch);
}

/* One argument: "KEY=VALUE" sets, "KEY-" removes. */
static int parse_change(struct metastore_change *c, const char *arg,
                        xo_err *err)
{
    size_t len = strlen(arg);
    if (!strchr(arg, '=') && len > 1 && arg[len - 1] == '-') {
        c->key = xo_xstrndup(arg, len - 1);
        c->value = NULL;
        return metadata_check_key(c->key, err);
    }
    if (!strchr(arg, '='))
        return xo_err_set(err, EINVAL,
                          "\"%.64s\" is neither KEY=VALUE nor KEY-", arg);
    return metadata_split(&c->key, &c->value, arg, err);
}

int metastore_parse_changes(struct metastore_change **ch_r, size_t *n_r,
                            char *const *args, size_t n_args, xo_err *err)
{
    if (n_args > METADATA_MAX_ENTRIES)
        return xo_err_set(err, E2BIG, "%zu changes, at most %d at once", n_args,
                          METADATA_MAX_ENTRIES);
    struct metastore_change *ch = xo_xcalloc(n_args ? n_args : 1, sizeof(*ch));
    for (size_t i = 0; i < n_args; i++) {
        if (parse_change(&ch[i], args[i], err) < 0) {
            metastore_changes_free(ch, n_args);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(ch[j].key, ch[i].key) == 0) {
                xo_err_set(err, EINVAL, "key \"%.64s\" is given twice",
                           ch[i].key);
                metastore_changes_free(ch, n_args);
                return -1;
            }
    }
    *ch_r = ch;
    *n_r = n_args;
    return 0;
}

int metastore_lock(const char *root, const char *name, xo_err *err)
{
    char path[4096];
    if (state_domain_file(path, sizeof(path), root, name,
                          STATE_FILE_ANNOTATIONS_LOCK, err) < 0)
        return -1;
    /* A destroy may remove the dir, and a create make it anew, while we
     * wait: the lock counts only when its file is still the dir's. */
    for (int tries = 0; tries < 8; tries++) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && errno == ENOENT)
            return xo_err_set(err, ENOENT, "no container domain named %s",
                              name);
        if (fd < 0)
            return xo_err_sys(err, "cannot open %s", path);
        while (flock(fd, LOCK_EX) < 0)
            if (errno != EINTR) {
                close(fd);
                return xo_err_sys(err, "cannot lock %s", path);
            }
        struct stat held, now;
        if (fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
            held.st_dev == now.st_dev && held.st_ino == now.st_ino)
            return fd;
        close(fd);
    }
    return xo_err_set(err, EAGAIN, "%s: replaced while waiting for it", path);
}

/* The bytes of keys and values of an object of strings. */
static size_t object_bytes(json_object *obj)
{
    size_t bytes = 0;
    json_object_object_foreach (obj, k, v)
        bytes += strlen(k) + (size_t)json_object_get_string_len(v);
    return bytes;
}

static int apply(json_object *ann, json_object *labels, const char *name,
                 const struct metastore_change *ch, size_t n, xo_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (json_object_object_get_ex(labels, ch[i].key, NULL))
            return xo_err_set(
                err, EPERM,
                "%s: key \"%.64s\" is a label (labels are read-only, set at create)",
                name, ch[i].key);
    for (size_t i = 0; i < n; i++) {
        if (ch[i].value)
            xo_jset(ann, ch[i].key, xo_jstr(ch[i].value));
        else
            json_object_object_del(ann, ch[i].key);
    }
    if (metadata_check_bounds((size_t)json_object_object_length(ann),
                              object_bytes(ann), "annotations", err) < 0)
        return xo_err_wrap(err, "%s", name);
    return 0;
}

int metastore_annotate(const char *root, const char *name,
                       const struct metastore_change *ch, size_t n, xo_err *err)
{
    char path[4096];
    json_object *labels = NULL, *ann = NULL;
    int rc = -1, lock = metastore_lock(root, name, err);
    if (lock < 0)
        return -1;
    if (state_domain_file(path, sizeof(path), root, name,
                          STATE_FILE_ANNOTATIONS, err) < 0 ||
        metastore_read(&labels, &ann, root, name, err) < 0 ||
        apply(ann, labels, name, ch, n, err) < 0 ||
        write_object(path, ann, err) < 0)
        goto out;
    rc = 0;
out:
    json_object_put(labels);
    json_object_put(ann);
    close(lock);
    return rc;
}
