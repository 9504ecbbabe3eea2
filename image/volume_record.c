/* volume_record.c: a root volume's record (see volume_record.h). */
#include "volume_record.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "image/image.h"
#include "image/manifest.h"

/* A rootfs name is one plain file name of the volume. */
static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= VOLUME_RECORD_NAME_MAX && strcmp(s, ".") != 0 &&
           strcmp(s, "..") != 0 && strchr(s, '/') == NULL;
}

int volume_record_hash_rootfs(struct volume_record *r, const char *dir,
                              const char *rootfs, xo_err *err)
{
    if (!name_ok(rootfs))
        return xo_err_set(err, EINVAL, "%s: bad rootfs file name \"%s\"", dir,
                          rootfs);
    char *path = xo_path_join(dir, rootfs);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int rc;
    if (fd < 0) {
        rc = xo_err_sys(err, "cannot open %s", path);
    } else {
        rc = digest_fd(&r->rootfs_digest, &r->rootfs_size, fd, path, err);
        close(fd);
    }
    if (rc == 0)
        rc = xo_path_fmt(r->rootfs, sizeof(r->rootfs), err, "%s", rootfs) < 0
                 ? -1
                 : 0;
    free(path);
    return rc;
}

int volume_record_check(const char *dir, bool full, xo_err *err)
{
    struct volume_record r, now;
    int found = volume_record_read(&r, dir, err);
    if (found <= 0)
        return found < 0 ? -1 : 1;
    char *path = xo_path_join(dir, r.rootfs);
    struct stat st;
    int rc = 1;
    if (lstat(path, &st) < 0) {
        rc = errno == ENOENT
                 ? (xo_err_set(err, EBADMSG, "%s is missing", path), 0)
                 : xo_err_sys(err, "cannot stat %s", path);
    } else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != r.rootfs_size) {
        xo_err_set(err, EBADMSG, "%s is %lld bytes, its record says %llu", path,
                   (long long)st.st_size, (unsigned long long)r.rootfs_size);
        rc = 0;
    } else if (full) {
        if (volume_record_hash_rootfs(&now, dir, r.rootfs, err) < 0)
            rc = -1;
        else if (!digest_equal(&now.rootfs_digest, &r.rootfs_digest)) {
            xo_err_set(err, EBADMSG, "%s has digest %s, its record says %s",
                       path, now.rootfs_digest.str, r.rootfs_digest.str);
            rc = 0;
        }
    }
    free(path);
    return rc;
}

int volume_record_write(const char *dir, const struct volume_record *r,
                        xo_err *err)
{
    char buf[VOLUME_RECORD_MAX_BYTES];
    int n = snprintf(
        buf, sizeof(buf),
        "{\n  \"version\": %d,\n  \"manifest\": \"%s\",\n  \"rootfs\": \"%s\",\n  \"rootfs_digest\": \"%s\",\n  \"rootfs_size\": %llu\n}\n",
        VOLUME_RECORD_VERSION, r->manifest.str, r->rootfs, r->rootfs_digest.str,
        (unsigned long long)r->rootfs_size);
    /* Digests are hex and the name was checked: nothing needs escaping. */
    if (n < 0 || (size_t)n >= sizeof(buf) || !name_ok(r->rootfs))
        return xo_err_set(err, EINVAL, "%s: cannot format the volume record",
                          dir);
    char *path = xo_path_join(dir, IMAGE_VOLUME_RECORD);
    int rc = xo_write_file_atomic(path, buf, (size_t)n, 0644, err);
    free(path);
    return rc;
}

static int parse_record(struct volume_record *r, json_object *o,
                        const char *where, xo_err *err)
{
    const char *s = NULL;
    json_object *v = NULL;
    if (!json_object_is_type(o, json_type_object))
        return xo_err_set(err, EINVAL, "%s: not a JSON object", where);
    if (!json_object_object_get_ex(o, "version", &v) ||
        !json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) != VOLUME_RECORD_VERSION)
        return xo_err_set(err, EINVAL, "%s: \"version\" must be %d", where,
                          VOLUME_RECORD_VERSION);
    if (xo_json_get_string(&s, o, "manifest", true, where, err) < 0 ||
        digest_parse(&r->manifest, s, err) < 0)
        return xo_err_wrap(err, "%s: \"manifest\"", where);
    if (xo_json_get_string(&s, o, "rootfs", true, where, err) < 0)
        return -1;
    if (!name_ok(s))
        return xo_err_set(err, EINVAL,
                          "%s: \"rootfs\" must be a file name of the volume",
                          where);
    if (xo_path_fmt(r->rootfs, sizeof(r->rootfs), err, "%s", s) < 0)
        return xo_err_wrap(err, "%s: \"rootfs\"", where);
    if (xo_json_get_string(&s, o, "rootfs_digest", true, where, err) < 0 ||
        digest_parse(&r->rootfs_digest, s, err) < 0)
        return xo_err_wrap(err, "%s: \"rootfs_digest\"", where);
    if (!json_object_object_get_ex(o, "rootfs_size", &v) ||
        !json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
        return xo_err_set(err, EINVAL,
                          "%s: \"rootfs_size\" must be a byte count", where);
    r->rootfs_size = (uint64_t)json_object_get_int64(v);
    return 0;
}

int volume_record_read(struct volume_record *r_r, const char *dir, xo_err *err)
{
    char *path = xo_path_join(dir, IMAGE_VOLUME_RECORD);
    if (access(path, F_OK) < 0 && errno == ENOENT) {
        free(path);
        return 0;
    }
    json_object *o = NULL;
    struct volume_record r;
    memset(&r, 0, sizeof(r));
    int rc = xo_json_parse_file(&o, path, VOLUME_RECORD_MAX_BYTES, err);
    if (rc == 0)
        rc = parse_record(&r, o, path, err);
    json_object_put(o);
    free(path);
    if (rc < 0)
        return -1;
    *r_r = r;
    return 1;
}

int volume_image_digest(struct digest *out_r, const char *dir, xo_err *err)
{
    struct volume_record r;
    int rc = volume_record_read(&r, dir, err);
    if (rc != 0) {
        if (rc == 1)
            *out_r = r.manifest;
        return rc;
    }
    char *path = xo_path_join(dir, IMAGE_VOLUME_MANIFEST);
    if (access(path, F_OK) < 0 && errno == ENOENT) {
        free(path);
        return 0;
    }
    char *buf = NULL;
    size_t len = 0;
    rc = xo_read_file(&buf, &len, path, MANIFEST_MAX_BYTES, err);
    if (rc == 0)
        rc = digest_buffer(out_r, buf, len, err);
    free(buf);
    free(path);
    return rc < 0 ? -1 : 1;
}
