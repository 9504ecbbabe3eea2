/*
 * bootspec.c: reads the boot spec FDT (docs/boot-spec.md) into struct
 * boot_spec.  Every accessor here checks the property's length before
 * trusting a byte of it, because the blob is written outside the domain.
 */
#include "loader/xen-tools/bootspec.h"
#include "loader/xen-tools/bootspec_fdt.h"
#include "loader/xen-tools/fdt_walk.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/pathfmt.h"

/* Checks one NUL-terminated string of at most BS_MAX_STR bytes. */
int bs_get_string(const char **out, const void *fdt, int node,
                  const char *where, const char *name, bool optional,
                  xo_err *err)
{
    int len = 0;
    const char *p = fdt_getprop(fdt, node, name, &len);
    if (!p) {
        if (optional && len == -FDT_ERR_NOTFOUND) {
            *out = NULL;
            return 0;
        }
        return xo_err_set(err, EINVAL, "boot spec: %s/%s: missing", where,
                          name);
    }
    if (len < 1 || len > BS_MAX_STR || p[len - 1] != '\0' ||
        strnlen(p, (size_t)len) != (size_t)len - 1)
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s/%s: not one NUL-terminated string of at most %d bytes",
            where, name, BS_MAX_STR);
    *out = p;
    return 0;
}

/* Splits a stringlist into out[] (NULL-terminated), at most `max` items. */
int bs_get_stringlist(const char **out, size_t *n_r, size_t max,
                      const void *fdt, int node, const char *where,
                      const char *name, bool optional, xo_err *err)
{
    int len = 0;
    const char *p = fdt_getprop(fdt, node, name, &len);
    *n_r = 0;
    out[0] = NULL;
    if (!p) {
        if (optional && len == -FDT_ERR_NOTFOUND)
            return 0;
        return xo_err_set(err, EINVAL, "boot spec: %s/%s: missing", where,
                          name);
    }
    if (len > 0 && p[len - 1] != '\0')
        return xo_err_set(err, EINVAL,
                          "boot spec: %s/%s: last string not terminated", where,
                          name);
    size_t n = 0;
    for (int off = 0; off < len;) {
        size_t sl = strlen(p + off); /* safe: p[len-1] is NUL */
        if (sl + 1 > BS_MAX_STR)
            return xo_err_set(
                err, EINVAL, "boot spec: %s/%s: entry %zu longer than %d bytes",
                where, name, n, BS_MAX_STR);
        if (n == max)
            return xo_err_set(err, EINVAL,
                              "boot spec: %s/%s: more than %zu entries", where,
                              name, max);
        out[n++] = p + off;
        off += (int)sl + 1;
    }
    out[n] = NULL;
    *n_r = n;
    return 0;
}

/*
 * Reads a stringlist of process strings (args, env) into a new vector
 * (*out_r, NULL-terminated, pointing into the blob), each string at most
 * BOOT_SPEC_MAX_ARG_STRLEN with its NUL, and adds what execve() counts for
 * them to *bytes.
 */
static int get_exec_strings(const char ***out_r, size_t *n_r, size_t *bytes,
                            const void *fdt, int node, const char *name,
                            xo_err *err)
{
    int len = 0;
    const char *p = fdt_getprop(fdt, node, name, &len);
    if (!p)
        return xo_err_set(err, EINVAL, "boot spec: %s/%s: missing",
                          BOOT_SPEC_NODE_PROCESS, name);
    if (len > 0 && p[len - 1] != '\0')
        return xo_err_set(err, EINVAL,
                          "boot spec: %s/%s: last string not terminated",
                          BOOT_SPEC_NODE_PROCESS, name);
    size_t n = 0;
    for (int off = 0; off < len; off += (int)strlen(p + off) + 1)
        n++;
    const char **v = xo_xcalloc(n + 1, sizeof(*v));
    n = 0;
    for (int off = 0; off < len;) {
        size_t sl = strlen(p + off); /* safe: p[len-1] is NUL */
        if (sl + 1 > BOOT_SPEC_MAX_ARG_STRLEN) {
            free(v);
            return xo_err_set(
                err, EINVAL, "boot spec: %s/%s: entry %zu longer than %d bytes",
                BOOT_SPEC_NODE_PROCESS, name, n, BOOT_SPEC_MAX_ARG_STRLEN);
        }
        v[n++] = p + off;
        *bytes += sl + 1 + BOOT_SPEC_EXEC_PTR;
        off += (int)sl + 1;
    }
    *out_r = v;
    *n_r = n;
    return 0;
}

int bs_get_u32(uint32_t *out, const void *fdt, int node, const char *where,
               const char *name, xo_err *err)
{
    int len = 0;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    if (!p)
        return xo_err_set(err, EINVAL, "boot spec: %s/%s: missing", where,
                          name);
    if (len != 4)
        return xo_err_set(err, EINVAL,
                          "boot spec: %s/%s: %d bytes, expected one u32 cell",
                          where, name, len);
    *out = fdt32_to_cpu(*p);
    return 0;
}

int bs_get_node(int *out, const void *fdt, int parent, const char *name,
                bool optional, xo_err *err)
{
    int off = fdt_subnode_offset(fdt, parent, name);
    if (off < 0) {
        if (optional && off == -FDT_ERR_NOTFOUND) {
            *out = -1;
            return 0;
        }
        return xo_err_set(err, EINVAL, "boot spec: node /%s: %s", name,
                          off == -FDT_ERR_NOTFOUND ? "missing"
                                                   : fdt_strerror(off));
    }
    *out = off;
    return 0;
}

/*
 * Indexes the children of `parent` named "PREFIX@N" by N, so they are
 * processed in unit-address order whatever their order in the blob.  Any
 * other child, a duplicate, an index out of range or a gap is an error.
 */
int bs_index_children(int *offs, size_t *n_r, size_t max, const void *fdt,
                      int parent, const char *where, const char *prefix,
                      xo_err *err)
{
    size_t plen = strlen(prefix), n = 0;
    for (size_t i = 0; i < max; i++)
        offs[i] = -1;
    int child;
    fdt_for_each_subnode(child, fdt, parent)
    {
        const char *name = fdt_get_name(fdt, child, NULL);
        if (!name || strncmp(name, prefix, plen) != 0 || name[plen] != '@')
            return xo_err_set(err, EINVAL, "boot spec: %s: unexpected node %s",
                              where, name ? name : "?");
        const char *num = name + plen + 1;
        char *end = NULL;
        errno = 0;
        unsigned long idx = strtoul(num, &end, 10);
        if (!*num || *end || errno || idx >= max ||
            (num[0] == '0' && num[1] != '\0'))
            return xo_err_set(
                err, EINVAL,
                "boot spec: %s: bad or too large index in %s (at most %zu entries)",
                where, name, max);
        if (offs[idx] >= 0)
            return xo_err_set(err, EINVAL, "boot spec: %s: duplicate %s", where,
                              name);
        offs[idx] = child;
        n++;
    }
    for (size_t i = 0; i < n; i++)
        if (offs[i] < 0)
            return xo_err_set(err, EINVAL, "boot spec: %s: %s@%zu missing",
                              where, prefix, i);
    *n_r = n;
    return 0;
}

static int parse_process(struct boot_spec *s, const void *fdt, xo_err *err)
{
    int node;
    size_t bytes = 0;
    if (bs_get_node(&node, fdt, 0, BOOT_SPEC_NODE_PROCESS, false, err) < 0 ||
        get_exec_strings(&s->args, &s->nargs, &bytes, fdt, node,
                         BOOT_SPEC_PROP_ARGS, err) < 0 ||
        get_exec_strings(&s->env, &s->nenv, &bytes, fdt, node,
                         BOOT_SPEC_PROP_ENV, err) < 0 ||
        bs_get_string(&s->cwd, fdt, node, BOOT_SPEC_NODE_PROCESS,
                      BOOT_SPEC_PROP_CWD, false, err) < 0 ||
        bs_get_string(&s->user, fdt, node, BOOT_SPEC_NODE_PROCESS,
                      BOOT_SPEC_PROP_USER, false, err) < 0 ||
        bs_get_u32(&s->stop_signal, fdt, node, BOOT_SPEC_NODE_PROCESS,
                   BOOT_SPEC_PROP_STOP_SIGNAL, err) < 0 ||
        bs_get_u32(&s->stop_timeout, fdt, node, BOOT_SPEC_NODE_PROCESS,
                   BOOT_SPEC_PROP_STOP_TIMEOUT, err) < 0)
        return -1;
    if (boot_spec_parse_privileges(s, fdt, node, err) < 0)
        return -1;
    s->terminal = fdt_getprop(fdt, node, BOOT_SPEC_PROP_TERMINAL, NULL) != NULL;
    s->stdin_null =
        fdt_getprop(fdt, node, BOOT_SPEC_PROP_STDIN_NULL, NULL) != NULL;
    if (s->stdin_null && s->version < 9)
        return xo_err_set(
            err, EINVAL, "boot spec: %s/%s: not in boot spec version %u",
            BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_PROP_STDIN_NULL, s->version);
    int glen = 0;
    const fdt32_t *g = fdt_getprop(fdt, node, BOOT_SPEC_PROP_GROUPS, &glen);
    if (g && (s->version < 6 || glen <= 0 || glen % 4 ||
              (size_t)glen / 4 > BOOT_SPEC_MAX_GROUPS))
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s/%s: not 1 to %d u32 cells in boot spec version 6 or later",
            BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_PROP_GROUPS,
            BOOT_SPEC_MAX_GROUPS);
    for (size_t i = 0; g && i < (size_t)glen / 4; i++)
        s->groups[s->ngroups++] = fdt32_to_cpu(g[i]);
    s->has_umask = fdt_getprop(fdt, node, BOOT_SPEC_PROP_UMASK, NULL) != NULL;
    if (s->has_umask && bs_get_u32(&s->umask, fdt, node, BOOT_SPEC_NODE_PROCESS,
                                   BOOT_SPEC_PROP_UMASK, err) < 0)
        return -1;
    if (s->has_umask && (s->version < 6 || s->umask > 0777))
        return xo_err_set(
            err, EINVAL,
            "boot spec: %s/%s: not 0 to 0777 in boot spec version 6 or later",
            BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_PROP_UMASK);
    if (s->terminal && s->version < 4)
        return xo_err_set(
            err, EINVAL, "boot spec: %s/%s: not in boot spec version %u",
            BOOT_SPEC_NODE_PROCESS, BOOT_SPEC_PROP_TERMINAL, s->version);
    if (bytes > BOOT_SPEC_MAX_EXEC_BYTES)
        return xo_err_set(
            err, E2BIG,
            "boot spec: process: args and env take %zu bytes as execve() counts them, more than %d",
            bytes, BOOT_SPEC_MAX_EXEC_BYTES);
    if (s->nargs == 0 || s->args[0][0] == '\0')
        return xo_err_set(err, EINVAL, "boot spec: process/args: empty");
    if (s->cwd[0] != '/')
        return xo_err_set(err, EINVAL,
                          "boot spec: process/cwd: %s is not absolute", s->cwd);
    for (size_t i = 0; i < s->nenv; i++)
        if (!strchr(s->env[i], '=') || s->env[i][0] == '=')
            return xo_err_set(
                err, EINVAL,
                "boot spec: process/env: entry %zu is not KEY=VALUE", i);
    if (s->stop_signal < 1 || s->stop_signal > BOOT_SPEC_MAX_SIGNAL)
        return xo_err_set(err, EINVAL,
                          "boot spec: process/stop-signal: %u is no signal",
                          s->stop_signal);
    return 0;
}

bool bs_relpath_ok(const char *p, size_t max)
{
    size_t len = strlen(p);
    if (len == 0 || len > max || p[0] == '/' || p[len - 1] == '/')
        return false;
    for (const char *c = p; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') ||
            (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        c += n;
        if (*c)
            c++;
    }
    return true;
}

/* A v7 share's 9p tag: 1..BOOT_SPEC_MAX_SHARE_TAG letters, digits, '-'
 * (it becomes the source of a mount and a key the 9p transport matches). */
static bool share_tag_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > BOOT_SPEC_MAX_SHARE_TAG)
        return false;
    for (; *t; t++)
        if (!isalnum((unsigned char)*t) && *t != '-')
            return false;
    return true;
}

/* Mounts in order of their target's depth, stably (xo_path_depth): a
 * parent before what is mounted inside it, whatever order app.cfg gave
 * (helper-72: "A:/m/sub" then "B:/m" hid A under B). */
static void by_depth(struct bs_mount *m, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct bs_mount x = m[i];
        size_t d = xo_path_depth(x.target), k = i;
        for (; k > 0 && xo_path_depth(m[k - 1].target) > d; k--)
            m[k] = m[k - 1];
        m[k] = x;
    }
}

static int parse_disks(struct boot_spec *s, const void *fdt, xo_err *err)
{
    int node;
    if (bs_get_node(&node, fdt, 0, BOOT_SPEC_NODE_ROOTFS, false, err) < 0 ||
        bs_get_string(&s->root_device, fdt, node, BOOT_SPEC_NODE_ROOTFS,
                      BOOT_SPEC_PROP_DEVICE, false, err) < 0 ||
        bs_get_string(&s->root_fstype, fdt, node, BOOT_SPEC_NODE_ROOTFS,
                      BOOT_SPEC_PROP_FSTYPE, false, err) < 0)
        return -1;
    s->root_readonly =
        fdt_getprop(fdt, node, BOOT_SPEC_PROP_READ_ONLY, NULL) != NULL;
    if (s->root_readonly && s->version < 6)
        return xo_err_set(
            err, EINVAL, "boot spec: %s/%s: not in boot spec version %u",
            BOOT_SPEC_NODE_ROOTFS, BOOT_SPEC_PROP_READ_ONLY, s->version);
    if (bs_get_node(&node, fdt, 0, BOOT_SPEC_NODE_WRITABLE, false, err) < 0 ||
        bs_get_string(&s->wr_type, fdt, node, BOOT_SPEC_NODE_WRITABLE,
                      BOOT_SPEC_PROP_TYPE, false, err) < 0 ||
        bs_get_string(&s->wr_size, fdt, node, BOOT_SPEC_NODE_WRITABLE,
                      BOOT_SPEC_PROP_SIZE, true, err) < 0 ||
        bs_get_string(&s->wr_device, fdt, node, BOOT_SPEC_NODE_WRITABLE,
                      BOOT_SPEC_PROP_DEVICE, true, err) < 0 ||
        bs_get_string(&s->wr_fstype, fdt, node, BOOT_SPEC_NODE_WRITABLE,
                      BOOT_SPEC_PROP_FSTYPE, true, err) < 0)
        return -1;
    if (strcmp(s->wr_type, BOOT_SPEC_WRITABLE_TMPFS) != 0 &&
        strcmp(s->wr_type, BOOT_SPEC_WRITABLE_DISK) != 0)
        return xo_err_set(err, EINVAL,
                          "boot spec: writable/type: unknown type %s",
                          s->wr_type);
    if (!strcmp(s->wr_type, BOOT_SPEC_WRITABLE_DISK) &&
        (!s->wr_device || !s->wr_fstype))
        return xo_err_set(
            err, EINVAL,
            "boot spec: writable: type disk needs device and fstype");

    if (bs_get_node(&node, fdt, 0, BOOT_SPEC_NODE_MOUNTS, true, err) < 0)
        return -1;
    if (node < 0)
        return 0;
    int offs[BS_MAX_MOUNTS];
    if (bs_index_children(offs, &s->nmounts, BS_MAX_MOUNTS, fdt, node,
                          BOOT_SPEC_NODE_MOUNTS, BOOT_SPEC_NODE_MOUNT, err) < 0)
        return -1;
    for (size_t i = 0; i < s->nmounts; i++) {
        struct bs_mount *m = &s->mounts[i];
        char where[48];
        /* v6 inline: the copy is in the spec, there is no device; v7
         * share: a 9p tag, no device either. */
        m->in_spec =
            fdt_getprop(fdt, offs[i], BOOT_SPEC_PROP_INLINE, NULL) != NULL;
        bool share =
            fdt_getprop(fdt, offs[i], BOOT_SPEC_PROP_SHARE, NULL) != NULL;
        if (xo_path_fmt(where, sizeof(where), err,
                        BOOT_SPEC_NODE_MOUNTS "/" BOOT_SPEC_NODE_MOUNT "@%zu",
                        i) < 0 ||
            bs_get_string(&m->device, fdt, offs[i], where,
                          BOOT_SPEC_PROP_DEVICE, m->in_spec || share,
                          err) < 0 ||
            bs_get_string(&m->target, fdt, offs[i], where,
                          BOOT_SPEC_PROP_TARGET, false, err) < 0 ||
            bs_get_string(&m->fstype, fdt, offs[i], where,
                          BOOT_SPEC_PROP_FSTYPE, m->in_spec || share,
                          err) < 0 ||
            bs_get_string(&m->share, fdt, offs[i], where, BOOT_SPEC_PROP_SHARE,
                          true, err) < 0 ||
            bs_get_string(&m->options, fdt, offs[i], where,
                          BOOT_SPEC_PROP_OPTIONS, false, err) < 0)
            return -1;
        if (m->target[0] != '/')
            return xo_err_set(err, EINVAL,
                              "boot spec: %s/target: %s is not absolute", where,
                              m->target);
        m->read_only =
            fdt_getprop(fdt, offs[i], BOOT_SPEC_PROP_READ_ONLY, NULL) != NULL;
        if (bs_get_string(&m->subpath, fdt, offs[i], where,
                          BOOT_SPEC_PROP_SUBPATH, true, err) < 0)
            return -1;
        if (m->subpath && s->version < 5)
            return xo_err_set(err, EINVAL,
                              "boot spec: %s/%s: not in boot spec version %u",
                              where, BOOT_SPEC_PROP_SUBPATH, s->version);
        if (m->subpath && !bs_relpath_ok(m->subpath, BOOT_SPEC_MAX_SUBPATH))
            return xo_err_set(
                err, EINVAL,
                "boot spec: %s/%s: \"%.64s\" is not a relative path of at most %d bytes without . or ..",
                where, BOOT_SPEC_PROP_SUBPATH, m->subpath,
                BOOT_SPEC_MAX_SUBPATH);
        if (m->in_spec && s->version < 6)
            return xo_err_set(err, EINVAL,
                              "boot spec: %s/%s: not in boot spec version %u",
                              where, BOOT_SPEC_PROP_INLINE, s->version);
        if (m->in_spec &&
            (m->device || m->fstype || !m->subpath || m->options[0]))
            return xo_err_set(
                err, EINVAL,
                "boot spec: %s: an inline mount has a subpath and no device, fstype or options",
                where);
        if (m->share && s->version < 7)
            return xo_err_set(err, EINVAL,
                              "boot spec: %s/%s: not in boot spec version %u",
                              where, BOOT_SPEC_PROP_SHARE, s->version);
        if (m->share && (m->device || m->fstype || m->subpath || m->in_spec ||
                         m->options[0] || !share_tag_ok(m->share)))
            return xo_err_set(
                err, EINVAL,
                "boot spec: %s: a share mount has a tag of at most %d letters, digits or '-' and no device, fstype, subpath, inline or options",
                where, BOOT_SPEC_MAX_SHARE_TAG);
        if (m->share)
            m->fstype = "9p";
        if (m->subpath && !m->in_spec &&
            (strcmp(m->fstype, "ext4") != 0 || m->options[0]))
            return xo_err_set(
                err, EINVAL,
                "boot spec: %s: a subpath mount is ext4 without options",
                where);
    }
    by_depth(s->mounts, s->nmounts);
    return 0;
}

const struct bs_mount *bs_subpath_mount_at(const struct boot_spec *s,
                                           const char *path)
{
    for (size_t i = 0; i < s->nmounts; i++) {
        const char *t = s->mounts[i].target;
        size_t n = strlen(t);
        if (s->mounts[i].subpath && strncmp(t, path, n) == 0 &&
            (path[n] == '\0' || path[n] == '/'))
            return &s->mounts[i];
    }
    return NULL;
}

/* v8 sysctl: each entry as domcfg checked it, no name twice. */
static int parse_sysctl(struct boot_spec *s, const void *fdt, xo_err *err)
{
    if (!fdt_getprop(fdt, 0, BOOT_SPEC_PROP_SYSCTL, NULL))
        return 0;
    if (s->version < 8)
        return xo_err_set(err, EINVAL,
                          "boot spec: " BOOT_SPEC_PROP_SYSCTL
                          ": not in boot spec version %u",
                          s->version);
    if (bs_get_stringlist(s->sysctl, &s->nsysctl, OCI_SYSCTL_MAX, fdt, 0, "",
                          BOOT_SPEC_PROP_SYSCTL, false, err) < 0)
        return -1;
    char names[OCI_SYSCTL_MAX][OCI_SYSCTL_MAX_NAME + 1];
    for (size_t i = 0; i < s->nsysctl; i++) {
        const char *value = NULL, *why = NULL;
        if (oci_sysctl_split(s->sysctl[i], names[i], &value) < 0)
            return xo_err_set(err, EINVAL,
                              "boot spec: " BOOT_SPEC_PROP_SYSCTL
                              ": entry %zu is not NAME=VALUE",
                              i);
        if ((why = oci_sysctl_problem(names[i], value)))
            return xo_err_set(err, EINVAL,
                              "boot spec: " BOOT_SPEC_PROP_SYSCTL ": %s %s",
                              names[i], why);
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[j], names[i]) == 0)
                return xo_err_set(err, EINVAL,
                                  "boot spec: " BOOT_SPEC_PROP_SYSCTL
                                  ": %s is set twice",
                                  names[i]);
    }
    return 0;
}

int boot_spec_parse(struct boot_spec *s, const void *buf, size_t len,
                    xo_err *err)
{
    memset(s, 0, sizeof(*s));
    if (len > BS_MAX_BLOB)
        return xo_err_set(err, EFBIG, "boot spec: %zu bytes, limit is %d", len,
                          BS_MAX_BLOB);
    s->blob = xo_xmalloc(len ? len : 1);
    memcpy(s->blob, buf, len);
    const void *fdt = s->blob;

    /* The walk first: libfdt 1.6.1's own check can loop (fdt_walk.h). */
    int r = bs_fdt_walk(fdt, len);
    if (r == 0)
        r = fdt_check_full(fdt, len);
    if (r != 0) {
        xo_err_set(err, EINVAL, "boot spec: not a valid FDT: %s",
                   fdt_strerror(r));
        goto fail;
    }
    const char *compat = NULL;
    uint32_t version = 0;
    if (bs_get_string(&compat, fdt, 0, "", BOOT_SPEC_PROP_COMPATIBLE, false,
                      err) < 0 ||
        bs_get_u32(&version, fdt, 0, "", BOOT_SPEC_PROP_VERSION, err) < 0)
        goto fail;
    if (strcmp(compat, BOOT_SPEC_COMPATIBLE) != 0) {
        xo_err_set(
            err, EINVAL,
            "boot spec: compatible is %s, expected " BOOT_SPEC_COMPATIBLE,
            compat);
        goto fail;
    }
    s->version = version;
    if (version < BOOT_SPEC_VERSION_MIN || version > BOOT_SPEC_VERSION) {
        xo_err_set(err, EINVAL, "unsupported boot spec version %u", version);
        goto fail;
    }
    if (parse_process(s, fdt, err) < 0 ||
        bs_get_string(&s->hostname, fdt, 0, "", BOOT_SPEC_PROP_HOSTNAME, false,
                      err) < 0 ||
        parse_sysctl(s, fdt, err) < 0 || parse_disks(s, fdt, err) < 0 ||
        bs_parse_binds(s, fdt, err) < 0 || bs_parse_network(s, fdt, err) < 0)
        goto fail;
    s->late_network =
        fdt_getprop(fdt, 0, BOOT_SPEC_PROP_LATE_NETWORK, NULL) != NULL;
    if (s->late_network && version < 4) {
        xo_err_set(err, EINVAL,
                   "boot spec: " BOOT_SPEC_PROP_LATE_NETWORK
                   ": not in boot spec version %u",
                   version);
        goto fail;
    }
    if (s->late_network && s->has_network) {
        xo_err_set(
            err, EINVAL,
            "boot spec: both a network node and " BOOT_SPEC_PROP_LATE_NETWORK);
        goto fail;
    }
    /* It lands in /etc/hosts: letters, digits, '-', '_' and '.' only. */
    size_t hl = strlen(s->hostname);
    if (hl == 0 || hl > BOOT_SPEC_MAX_HOSTNAME ||
        strspn(
            s->hostname,
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._") !=
            hl) {
        xo_err_set(
            err, EINVAL,
            "boot spec: hostname: not 1-%d letters, digits, '-', '_' or '.'",
            BOOT_SPEC_MAX_HOSTNAME);
        goto fail;
    }
    return 0;
fail:
    boot_spec_free(s);
    return -1;
}

int boot_spec_load(struct boot_spec *s, const char *path, xo_err *err)
{
    memset(s, 0, sizeof(*s));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "boot spec: %s", path);
    /* One byte more than the limit tells "too large" from "exactly 64K". */
    size_t cap = BS_MAX_BLOB + 1, len = 0;
    char *buf = xo_xmalloc(cap);
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            xo_err_sys(err, "boot spec: reading %s", path);
            close(fd);
            free(buf);
            return -1;
        }
        if (n == 0 || (len += (size_t)n) == cap)
            break;
    }
    close(fd);
    int rc = 0;
    if (len > BS_MAX_BLOB)
        rc = xo_err_set(err, EFBIG, "boot spec: %s: larger than %d bytes", path,
                        BS_MAX_BLOB);
    else if (boot_spec_parse(s, buf, len, err) < 0)
        rc = xo_err_wrap(err, "%s", path);
    free(buf);
    return rc;
}

void boot_spec_free(struct boot_spec *s)
{
    free(s->args);
    free(s->env);
    free(s->blob);
    free(s->net_blob);
    free(s->binds);
    memset(s, 0, sizeof(*s));
}
