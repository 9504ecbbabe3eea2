/* layerpath.c: normalising and refusing layer entry names (see layerpath.h). */
#include "layerpath.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* A whiteout as the last component may be NAME_MAX bytes plus its prefix:
 * it hides a name a directory can hold, which moby and umoci write and
 * read so ("a component is longer than 255 bytes" refused an image that
 * deleted a file of 252 to 254 bytes). */
static bool long_whiteout(const char *p, size_t clen, const char *e)
{
    size_t plen = strlen(WHITEOUT_PREFIX);
    while (*e == '/')
        e++;
    return !*e && clen <= NAME_MAX + plen && !strncmp(p, WHITEOUT_PREFIX, plen);
}

int layerpath_normalize(char *out, const char *name, xo_err *err)
{
    size_t nlen = strnlen(name, LAYERPATH_MAX_LEN + 1);
    if (nlen == 0)
        return xo_err_set(err, EINVAL, "entry with an empty name");
    if (nlen > LAYERPATH_MAX_LEN)
        return xo_err_set(err, ENAMETOOLONG,
                          "entry \"%.64s...\": name longer than %d bytes", name,
                          LAYERPATH_MAX_LEN);
    /* Chroot semantics, as containerd and umoci read layers: a name is a
     * path in the rootfs taken as "/", so a leading "/" changes nothing
     * and ".." stops at the root. */
    size_t o = 0;
    int depth = 0;
    const char *p = name;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchrnul(p, '/');
        size_t clen = (size_t)(e - p);
        if (clen == 1 && p[0] == '.') {
            p = e;
            continue;
        }
        if (clen == 2 && p[0] == '.' && p[1] == '.') {
            char *slash = memrchr(out, '/', o);
            o = slash ? (size_t)(slash - out) : 0;
            if (depth > 0)
                depth--;
            p = e;
            continue;
        }
        if (clen > NAME_MAX && !long_whiteout(p, clen, e))
            return xo_err_set(
                err, ENAMETOOLONG,
                "entry \"%s\": a component is longer than %d bytes", name,
                NAME_MAX);
        if (++depth > LAYERPATH_MAX_DEPTH)
            return xo_err_set(err, ENAMETOOLONG,
                              "entry \"%.64s...\": deeper than %d directories",
                              name, LAYERPATH_MAX_DEPTH);
        if (o)
            out[o++] = '/';
        memcpy(out + o, p, clen);
        o += clen;
        p = e;
    }
    out[o] = '\0';
    return 0;
}

void layerpath_split(char *buf, const char **parent_r, const char **base_r)
{
    char *slash = strrchr(buf, '/');
    if (!slash) {
        *parent_r = "";
        *base_r = buf;
        return;
    }
    *slash = '\0';
    *parent_r = buf;
    *base_r = slash + 1;
}
