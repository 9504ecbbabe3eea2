/*
 * volstore_parse.c: the words of managed volumes (volstore.h): names,
 * sizes, formats and file systems, as commands and app.cfg give them.
 */
#include "image/volstore.h"

#include <errno.h>
#include <string.h>

#include "common/bytesize.h"

static const char *const format_names[] = {
    [VOLSTORE_RAW] = "raw", [VOLSTORE_QCOW2] = "qcow2"};
static const char *const fs_names[] = {[VOLSTORE_FS_NONE] = "none",
                                       [VOLSTORE_FS_EXT4] = "ext4",
                                       [VOLSTORE_FS_XFS] = "xfs"};

const char *volstore_format_to_string(enum volstore_format f)
{
    return (unsigned)f < 2 ? format_names[f] : "?";
}

int volstore_format_from_string(enum volstore_format *f_r, const char *s,
                                xo_err *err)
{
    for (unsigned i = 0; i < 2; i++)
        if (strcmp(s, format_names[i]) == 0) {
            *f_r = (enum volstore_format)i;
            return 0;
        }
    return xo_err_set(err, EINVAL, "format \"%.32s\" is not one of raw, qcow2",
                      s);
}

const char *volstore_fs_to_string(enum volstore_fs fs)
{
    return (unsigned)fs < 3 ? fs_names[fs] : "?";
}

int volstore_fs_from_string(enum volstore_fs *fs_r, const char *s, xo_err *err)
{
    for (unsigned i = 0; i < 3; i++)
        if (strcmp(s, fs_names[i]) == 0) {
            *fs_r = (enum volstore_fs)i;
            return 0;
        }
    return xo_err_set(err, EINVAL,
                      "file system \"%.32s\" is not one of ext4, xfs, none", s);
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

int volstore_check_name(const char *name, xo_err *err)
{
    size_t n = strlen(name);
    if (n == 0)
        return xo_err_set(err, EINVAL, "empty volume name");
    if (n > VOLSTORE_NAME_MAX)
        return xo_err_set(err, EINVAL,
                          "volume name \"%.64s...\" is longer than %d bytes",
                          name, VOLSTORE_NAME_MAX);
    if (!is_alnum(name[0]))
        return xo_err_set(
            err, EINVAL, "volume name \"%s\" must begin with a letter or digit",
            name);
    for (size_t i = 1; i < n; i++)
        if (!is_alnum(name[i]) && !strchr("_.-", name[i]))
            return xo_err_set(
                err, EINVAL,
                "volume name \"%s\": byte 0x%02x at %zu is not allowed (letters, digits, '_', '.', '-')",
                name, (unsigned char)name[i], i);
    /* app.cfg's oci_volumes reads "tmpfs:/TARGET" as a tmpfs mount and
     * "share:/DIR:/TARGET" as a shared directory. */
    if (strcmp(name, "tmpfs") == 0 || strcmp(name, "share") == 0)
        return xo_err_set(
            err, EINVAL, "volume name \"%s\" is reserved (oci_volumes' %s)",
            name, name[0] == 't' ? "tmpfs mounts" : "shared directories");
    return 0;
}

int volstore_size_parse(uint64_t *bytes_r, const char *s, xo_err *err)
{
    uint64_t v;
    if (xo_bytesize_parse(&v, s, err) < 0)
        return -1;
    if (v > VOLSTORE_SIZE_MAX)
        return xo_err_set(err, ERANGE, "size \"%.32s\" is larger than %llu TiB",
                          s, (unsigned long long)(VOLSTORE_SIZE_MAX >> 40));
    if (v == 0)
        return xo_err_set(err, ERANGE, "size \"%.32s\" is zero", s);
    v = (v + VOLSTORE_SIZE_UNIT - 1) / VOLSTORE_SIZE_UNIT * VOLSTORE_SIZE_UNIT;
    if (v > VOLSTORE_SIZE_MAX)
        return xo_err_set(err, ERANGE, "size \"%.32s\" is too large", s);
    *bytes_r = v;
    return 0;
}

const char *volstore_data_name(enum volstore_format f)
{
    return f == VOLSTORE_QCOW2 ? "data.qcow2" : "data.raw";
}
