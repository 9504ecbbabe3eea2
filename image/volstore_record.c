/*
 * volstore_record.c: a managed volume's record, volume.json (volstore.h):
 * to and from JSON with json-c, every field checked on the way in.
 */
#include "image/volstore.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/json_build.h"
#include "domcfg/metadata.h"

void volstore_record_init(struct volstore_record *r)
{
    memset(r, 0, sizeof(*r));
}

void volstore_record_dispose(struct volstore_record *r)
{
    if (r->labels)
        json_object_put(r->labels);
    if (r->annotations)
        json_object_put(r->annotations);
    for (size_t i = 0; i < r->n_users; i++)
        free(r->users[i].container);
    free(r->users);
    free(r->owner);
    volstore_record_init(r);
}

json_object *volstore_record_to_json(const struct volstore_record *r)
{
    json_object *o = xo_jobj(), *users = xo_jarr();
    xo_jset(o, "version", xo_jint(VOLSTORE_RECORD_VERSION));
    xo_jset(o, "name", xo_jstr(r->name));
    xo_jset(o, "size", xo_juint64(r->size));
    xo_jset(o, "format", xo_jstr(volstore_format_to_string(r->format)));
    xo_jset(o, "fs", xo_jstr(volstore_fs_to_string(r->fs)));
    if (r->parent[0]) {
        xo_jset(o, "parent", xo_jstr(r->parent));
        xo_jset(o, "backed", xo_jbool(r->backed));
    }
    xo_jset(o, "created", xo_jstr(r->created));
    if (r->has_checksum)
        xo_jset(o, "checksum", xo_jstr(r->checksum.str));
    xo_jset(o, "modified", xo_jbool(r->modified));
    xo_jset(o, "labels", r->labels ? json_object_get(r->labels) : xo_jobj());
    xo_jset(o, "annotations",
            r->annotations ? json_object_get(r->annotations) : xo_jobj());
    for (size_t i = 0; i < r->n_users; i++) {
        json_object *u = xo_jobj();
        xo_jset(u, "container", xo_jstr(r->users[i].container));
        xo_jset(u, "read_only", xo_jbool(r->users[i].read_only));
        xo_jpush(users, u);
    }
    xo_jset(o, "users", users);
    if (r->owner)
        xo_jset(o, "owner", xo_jstr(r->owner));
    return o;
}

/* A string member copied into buf[len]; `required` as xo_json_get_string. */
static int get_str(char *buf, size_t len, json_object *o, const char *key,
                   bool required, const char *where, xo_err *err)
{
    const char *s = NULL;
    int r = xo_json_get_string(&s, o, key, required, where, err);
    if (r <= 0)
        return r;
    if (strlen(s) >= len)
        return xo_err_set(err, EINVAL, "%s: \"%s\" is longer than %zu bytes",
                          where, key, len - 1);
    memcpy(buf, s, strlen(s) + 1);
    return 1;
}

static int get_bool(bool *b_r, json_object *o, const char *key,
                    const char *where, xo_err *err)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    if (!json_object_is_type(v, json_type_boolean))
        return xo_err_set(err, EINVAL, "%s: \"%s\" must be a boolean", where,
                          key);
    *b_r = json_object_get_boolean(v);
    return 1;
}

/* An object of strings following metadata.h (a label or annotation set);
 * a new reference in *map_r. */
static int get_map(json_object **map_r, json_object *o, const char *key,
                   const char *where, xo_err *err)
{
    json_object *m = NULL;
    if (xo_json_get_object(&m, o, key, true, where, err) < 0)
        return -1;
    size_t bytes = 0, n = 0;
    json_object_object_foreach (m, k, v) {
        const char *s;
        if (metadata_check_key(k, err) < 0 ||
            xo_json_string(&s, v, k, where, err) < 0 ||
            metadata_check_value(k, s, err) < 0)
            return xo_err_wrap(err, "%s: \"%s\"", where, key);
        bytes += strlen(k) + strlen(s);
        n++;
    }
    if (metadata_check_bounds(n, bytes, key, err) < 0)
        return xo_err_wrap(err, "%s", where);
    *map_r = json_object_get(m);
    return 0;
}

static int get_users(struct volstore_record *r, json_object *o,
                     const char *where, xo_err *err)
{
    json_object *a = NULL;
    if (xo_json_get_array(&a, o, "users", true, where, err) < 0)
        return -1;
    size_t n = json_object_array_length(a);
    if (n > VOLSTORE_MAX_USERS)
        return xo_err_set(err, E2BIG, "%s: more than %d users", where,
                          VOLSTORE_MAX_USERS);
    r->users = xo_xcalloc(n ? n : 1, sizeof(*r->users));
    for (size_t i = 0; i < n; i++) {
        json_object *u = json_object_array_get_idx(a, i);
        char c[VOLSTORE_NAME_MAX * 4 + 1];
        bool ro = false;
        if (!json_object_is_type(u, json_type_object))
            return xo_err_set(err, EINVAL, "%s: users[%zu] must be an object",
                              where, i);
        if (get_str(c, sizeof(c), u, "container", true, where, err) < 0 ||
            get_bool(&ro, u, "read_only", where, err) < 0)
            return xo_err_wrap(err, "users[%zu]", i);
        if (!c[0] || strchr(c, '/'))
            return xo_err_set(err, EINVAL,
                              "%s: users[%zu]: \"%s\" is not a container name",
                              where, i, c);
        for (size_t k = 0; k < r->n_users; k++)
            if (strcmp(r->users[k].container, c) == 0)
                return xo_err_set(err, EINVAL,
                                  "%s: users: container \"%s\" is listed twice",
                                  where, c);
        r->users[r->n_users].container = xo_xstrdup(c);
        r->users[r->n_users++].read_only = ro;
    }
    return 0;
}

static int parse(struct volstore_record *r, json_object *o, const char *where,
                 xo_err *err)
{
    json_object *v;
    char s[VOLSTORE_NAME_MAX + 1];
    if (!json_object_is_type(o, json_type_object))
        return xo_err_set(err, EINVAL, "%s: not a JSON object", where);
    if (!json_object_object_get_ex(o, "version", &v) ||
        !json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) != VOLSTORE_RECORD_VERSION)
        return xo_err_set(err, EINVAL, "%s: \"version\" must be %d", where,
                          VOLSTORE_RECORD_VERSION);
    if (get_str(r->name, sizeof(r->name), o, "name", true, where, err) < 0 ||
        volstore_check_name(r->name, err) < 0)
        return xo_err_wrap(err, "%s: \"name\"", where);
    if (!json_object_object_get_ex(o, "size", &v) ||
        !json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) <= 0 ||
        (uint64_t)json_object_get_int64(v) > VOLSTORE_SIZE_MAX)
        return xo_err_set(err, EINVAL,
                          "%s: \"size\" must be a byte count up to %llu", where,
                          (unsigned long long)VOLSTORE_SIZE_MAX);
    r->size = (uint64_t)json_object_get_int64(v);
    if (get_str(s, sizeof(s), o, "format", true, where, err) < 0 ||
        volstore_format_from_string(&r->format, s, err) < 0)
        return xo_err_wrap(err, "%s: \"format\"", where);
    if (get_str(s, sizeof(s), o, "fs", true, where, err) < 0 ||
        volstore_fs_from_string(&r->fs, s, err) < 0)
        return xo_err_wrap(err, "%s: \"fs\"", where);
    int has =
        get_str(r->parent, sizeof(r->parent), o, "parent", false, where, err);
    if (has < 0 || (has && volstore_check_name(r->parent, err) < 0))
        return xo_err_wrap(err, "%s: \"parent\"", where);
    if (get_bool(&r->backed, o, "backed", where, err) < 0)
        return -1;
    if (r->backed && (!has || r->format != VOLSTORE_QCOW2))
        return xo_err_set(err, EINVAL,
                          "%s: \"backed\" needs a parent and format qcow2",
                          where);
    if (get_str(r->created, sizeof(r->created), o, "created", true, where,
                err) < 0)
        return -1;
    char sum[DIGEST_STR_LEN + 2];
    has = get_str(sum, sizeof(sum), o, "checksum", false, where, err);
    if (has < 0 || (has && digest_parse(&r->checksum, sum, err) < 0))
        return xo_err_wrap(err, "%s: \"checksum\"", where);
    r->has_checksum = has == 1;
    if (get_bool(&r->modified, o, "modified", where, err) < 0)
        return -1;
    if (get_map(&r->labels, o, "labels", where, err) < 0 ||
        get_map(&r->annotations, o, "annotations", where, err) < 0)
        return -1;
    json_object_object_foreach (r->annotations, k, unused) {
        (void)unused;
        if (json_object_object_get_ex(r->labels, k, NULL))
            return xo_err_set(err, EINVAL,
                              "%s: \"%s\" is both a label and an annotation",
                              where, k);
    }
    if (get_users(r, o, where, err) < 0)
        return -1;
    char owner[VOLSTORE_NAME_MAX * 4 + 1];
    has = get_str(owner, sizeof(owner), o, "owner", false, where, err);
    if (has < 0)
        return -1;
    if (has && (!owner[0] || strchr(owner, '/')))
        return xo_err_set(err, EINVAL,
                          "%s: \"owner\": \"%s\" is not a container name",
                          where, owner);
    if (has)
        r->owner = xo_xstrdup(owner);
    return 0;
}

int volstore_record_from_json(struct volstore_record *r_r, json_object *o,
                              const char *where, xo_err *err)
{
    struct volstore_record r;
    volstore_record_init(&r);
    if (parse(&r, o, where, err) < 0) {
        volstore_record_dispose(&r);
        return -1;
    }
    volstore_record_dispose(r_r);
    *r_r = r;
    return 0;
}

int volstore_record_read(struct volstore_record *r_r, const char *path,
                         xo_err *err)
{
    json_object *o = NULL;
    if (xo_json_parse_file(&o, path, VOLSTORE_RECORD_MAX, err) < 0)
        return -1;
    int rc = volstore_record_from_json(r_r, o, path, err);
    json_object_put(o);
    return rc;
}

int volstore_record_write(const char *path, const struct volstore_record *r,
                          xo_err *err)
{
    json_object *o = volstore_record_to_json(r);
    char *text = xo_json_to_string(o);
    json_object_put(o);
    if (!text)
        xo_oom();
    int rc = xo_write_file_atomic(path, text, strlen(text), 0600, err);
    free(text);
    return rc;
}
