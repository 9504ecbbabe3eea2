/* refstore.c: the name -> digest table (see refstore.h). */
#include "refstore.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/json_build.h"

/* More names than this in one store is not a real deployment. */
#define REFSTORE_MAX_ENTRIES 100000

void refstore_entry_dispose(struct ref_entry *e)
{
    free(e->name);
    free(e->damaged);
    memset(e, 0, sizeof(*e));
}

static int ref_path(char **path_r, const char *root, const char *name,
                    xo_err *err)
{
    struct digest d;
    if (digest_buffer(&d, name, strlen(name), err) < 0)
        return -1;
    *path_r = xo_xasprintf("%s/refs/%s.json", root, digest_hex(&d));
    return 0;
}

int refstore_put(const char *root, const struct ref_entry *e, xo_err *err)
{
    char *dir = xo_xasprintf("%s/refs", root), *path = NULL, *text = NULL;
    json_object *o = xo_jobj();
    int rc = -1;
    if (xo_mkdir_p(dir, 0755, err) < 0 ||
        ref_path(&path, root, e->name, err) < 0)
        goto out;
    xo_jset(o, "name", xo_jstr(e->name));
    xo_jset(o, "manifest", xo_jstr(e->manifest.str));
    if (e->has_index)
        xo_jset(o, "index", xo_jstr(e->index.str));
    xo_jset(o, "pulled", xo_jint64(e->pulled));
    text = xo_json_to_string(o);
    rc = xo_write_file_atomic(path, text, strlen(text), 0644, err);
out:
    json_object_put(o);
    free(text);
    free(dir);
    free(path);
    return rc;
}

/* 0, REFSTORE_DAMAGED when the file is read but is no record, -1 when it
 * cannot be read. */
static int parse_entry(struct ref_entry *e, const char *path, xo_err *err)
{
    json_object *o = NULL, *v = NULL;
    const char *name = NULL, *man = NULL, *ix = NULL;
    memset(e, 0, sizeof(*e));
    char *buf = NULL;
    size_t len = 0;
    /* Read whole (a file too big is no record), then parsed. */
    if (xo_read_file(&buf, &len, path, REFSTORE_FILE_MAX, err) < 0)
        return err->errnum == EFBIG ? REFSTORE_DAMAGED : -1;
    int parsed = xo_json_parse(&o, buf, len, REFSTORE_FILE_MAX, path, err);
    free(buf);
    if (parsed < 0)
        return REFSTORE_DAMAGED;
    int rc = REFSTORE_DAMAGED;
    if (!json_object_is_type(o, json_type_object)) {
        xo_err_set(err, EINVAL, "%s: must be a JSON object", path);
        goto out;
    }
    if (xo_json_get_string(&name, o, "name", true, path, err) < 0 ||
        xo_json_get_string(&man, o, "manifest", true, path, err) < 0 ||
        xo_json_get_string(&ix, o, "index", false, path, err) < 0)
        goto out;
    if (digest_parse(&e->manifest, man, err) < 0 ||
        (ix && digest_parse(&e->index, ix, err) < 0)) {
        xo_err_wrap(err, "%s", path);
        goto out;
    }
    e->has_index = ix != NULL;
    if (json_object_object_get_ex(o, "pulled", &v) &&
        json_object_is_type(v, json_type_int))
        e->pulled = json_object_get_int64(v);
    e->name = xo_xstrdup(name);
    rc = 0;
out:
    json_object_put(o);
    return rc;
}

int refstore_get(const char *root, const char *name, struct ref_entry *e_r,
                 xo_err *err)
{
    char *path = NULL;
    if (ref_path(&path, root, name, err) < 0)
        return -1;
    if (access(path, F_OK) < 0) {
        free(path);
        return 0;
    }
    int rc = parse_entry(e_r, path, err);
    if (rc == 0 && strcmp(e_r->name, name) != 0) {
        xo_err_set(err, EINVAL, "%s: names \"%s\", not \"%s\"", path, e_r->name,
                   name);
        refstore_entry_dispose(e_r);
        rc = REFSTORE_DAMAGED;
    }
    free(path);
    return rc == 0 ? 1 : rc;
}

int refstore_remove(const char *root, const char *name, xo_err *err)
{
    char *path = NULL;
    if (ref_path(&path, root, name, err) < 0)
        return -1;
    int rc = 0;
    if (unlink(path) < 0 && errno != ENOENT)
        rc = xo_err_sys(err, "cannot remove %s", path);
    free(path);
    return rc;
}

void refstore_list_free(struct ref_entry *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        refstore_entry_dispose(&list[i]);
    free(list);
}

/* By name; damaged records (no name) last, by their message. */
static int cmp_name(const void *a, const void *b)
{
    const struct ref_entry *x = a, *y = b;
    if (!x->name != !y->name)
        return x->name ? -1 : 1;
    return x->name ? strcmp(x->name, y->name) : strcmp(x->damaged, y->damaged);
}

int refstore_list(const char *root, bool with_damaged,
                  struct ref_entry **list_r, size_t *n_r, xo_err *err)
{
    char *dir = xo_xasprintf("%s/refs", root);
    struct ref_entry *list = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno != ENOENT)
            rc = xo_err_sys(err, "cannot read %s", dir);
        goto out;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len != DIGEST_HEX_LEN + 5 ||
            strcmp(de->d_name + DIGEST_HEX_LEN, ".json"))
            continue; /* temporaries and strangers */
        if (n == REFSTORE_MAX_ENTRIES) {
            rc = xo_err_set(err, E2BIG, "%s: more than %d names", dir,
                            REFSTORE_MAX_ENTRIES);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            list = xo_xreallocarray(list, cap, sizeof(*list));
        }
        char *path = xo_xasprintf("%s/%s", dir, de->d_name);
        xo_err why = XO_ERR_INIT;
        int r = parse_entry(&list[n], path, &why);
        free(path);
        if (r == 0) {
            n++;
        } else if (r == REFSTORE_DAMAGED || why.errnum == ENOENT) {
            /* Damaged, or removed since readdir: the others are listed;
             * the caller may say the way out (the file is named by a hash
             * of the name it held). */
            if (r == REFSTORE_DAMAGED && with_damaged)
                list[n++].damaged = xo_xstrdup(xo_err_msg(&why));
        } else {
            rc = xo_err_set(err, why.errnum, "%s", xo_err_msg(&why));
        }
        xo_err_clear(&why);
        if (rc < 0)
            break;
    }
    closedir(d);
out:
    free(dir);
    if (rc < 0) {
        refstore_list_free(list, n);
        return -1;
    }
    if (n)
        qsort(list, n, sizeof(*list), cmp_name);
    *list_r = list;
    *n_r = n;
    return 0;
}
