/*
 * bootspec_binds.c: the boot spec's v6 binds node, the inline copies of
 * a runtime spec's small bind sources (common/abi/boot_spec.h).  Checked
 * here so that making them (inline_binds.c) trusts only their order:
 * every path relative without "." or "..", every type one of three,
 * data only on a file, link only and always on a symlink, the counts and
 * the bytes within the format's limits, and every inline mount's subpath
 * one of the entries.
 */
#include "bootspec_fdt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#include "common/alloc.h"
#include "common/pathfmt.h"

static int parse_entry(struct bs_bind_entry *e, const void *fdt, int node,
                       const char *where, size_t *bytes, xo_err *err)
{
    if (bs_get_string(&e->path, fdt, node, where, BOOT_SPEC_PROP_PATH, false,
                      err) < 0 ||
        bs_get_u32(&e->mode, fdt, node, where, BOOT_SPEC_PROP_MODE, err) < 0 ||
        bs_get_u32(&e->uid, fdt, node, where, BOOT_SPEC_PROP_UID, err) < 0 ||
        bs_get_u32(&e->gid, fdt, node, where, BOOT_SPEC_PROP_GID, err) < 0 ||
        bs_get_string(&e->link, fdt, node, where, BOOT_SPEC_PROP_LINK, true,
                      err) < 0)
        return -1;
    if (!bs_relpath_ok(e->path, BOOT_SPEC_MAX_STR - 1))
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s/%s: \"%.64s\" is not a relative path without . or ..",
            where, BOOT_SPEC_PROP_PATH, e->path);
    uint32_t type = e->mode & S_IFMT;
    if ((e->mode & ~(uint32_t)(S_IFMT | 07777)) ||
        (type != S_IFREG && type != S_IFDIR && type != S_IFLNK))
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s/%s: 0%o is not a file, directory or symlink with permission bits",
            where, BOOT_SPEC_PROP_MODE, e->mode);
    int len = 0;
    e->data = fdt_getprop(fdt, node, BOOT_SPEC_PROP_DATA, &len);
    if (!e->data)
        len = 0;
    if ((e->data && type != S_IFREG) || (!!e->link != (type == S_IFLNK)))
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s: data is for a file, link for a symlink and needed by one",
            where);
    e->len = (size_t)len;
    if (!e->len)
        e->data = NULL;
    *bytes += e->len;
    if (*bytes > BOOT_SPEC_MAX_INLINE_BYTES)
        return xo_err_set(err, E2BIG,
                          "boot spec: %s: the binds' data pass %d bytes", where,
                          BOOT_SPEC_MAX_INLINE_BYTES);
    return 0;
}

/* Every inline mount's subpath must be an entry of the binds node, a
 * file or a directory (a symlink would be bound as what it points to). */
static int check_mounts(const struct boot_spec *s, xo_err *err)
{
    for (size_t i = 0; i < s->nmounts; i++) {
        const struct bs_mount *m = &s->mounts[i];
        if (!m->in_spec)
            continue;
        size_t j = 0;
        while (j < s->nbinds && strcmp(s->binds[j].path, m->subpath) != 0)
            j++;
        if (j == s->nbinds)
            return xo_err_set(
                err, EINVAL,
                "boot spec: " BOOT_SPEC_NODE_MOUNTS "/" BOOT_SPEC_NODE_MOUNT
                "@%zu: inline subpath %s is no entry of " BOOT_SPEC_NODE_BINDS,
                i, m->subpath);
        if ((s->binds[j].mode & S_IFMT) == S_IFLNK)
            return xo_err_set(err, EINVAL,
                              "boot spec: " BOOT_SPEC_NODE_MOUNTS
                              "/" BOOT_SPEC_NODE_MOUNT
                              "@%zu: inline subpath %s is a symlink",
                              i, m->subpath);
    }
    return 0;
}

int bs_parse_binds(struct boot_spec *s, const void *fdt, xo_err *err)
{
    int node;
    if (bs_get_node(&node, fdt, 0, BOOT_SPEC_NODE_BINDS, true, err) < 0)
        return -1;
    if (node >= 0 && s->version < 6)
        return xo_err_set(err, EINVAL,
                          "boot spec: " BOOT_SPEC_NODE_BINDS
                          ": not in boot spec version %u",
                          s->version);
    if (node < 0)
        return check_mounts(s, err);
    int *offs = xo_xcalloc(BOOT_SPEC_MAX_INLINE_ENTRIES, sizeof(*offs));
    size_t n = 0, bytes = 0;
    int rc =
        bs_index_children(offs, &n, BOOT_SPEC_MAX_INLINE_ENTRIES, fdt, node,
                          BOOT_SPEC_NODE_BINDS, BOOT_SPEC_NODE_BIND_ENTRY, err);
    if (rc == 0) {
        s->binds = xo_xcalloc(n ? n : 1, sizeof(*s->binds));
        s->nbinds = n;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char where[48];
        if (xo_path_fmt(where, sizeof(where), err,
                        BOOT_SPEC_NODE_BINDS "/" BOOT_SPEC_NODE_BIND_ENTRY
                                             "@%zu",
                        i) < 0 ||
            parse_entry(&s->binds[i], fdt, offs[i], where, &bytes, err) < 0)
            rc = -1;
    }
    free(offs);
    return rc < 0 ? -1 : check_mounts(s, err);
}
