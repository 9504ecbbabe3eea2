/* mountinfo.c: reading /proc/self/mountinfo (see mountinfo.h). */
#include "image/mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"

void mountinfo_entry_dispose(struct mountinfo_entry *e)
{
    free(e->root);
    free(e->fstype);
    free(e->super_opts);
    e->root = e->fstype = e->super_opts = NULL;
}

/* Undoes the kernel's \NNN octal escapes (of space, tab, newline, '\\',
 * and in options ',' and '=') in place. */
static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
            p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

/* Splits a line into its space-separated fields (at most max). */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \n", &save); t && n < max;
         t = strtok_r(NULL, " \n", &save))
        f[n++] = t;
    return n;
}

int mountinfo_find(struct mountinfo_entry *e_r, const char *table,
                   const char *path, xo_err *err)
{
    const char *file = table ? table : "/proc/self/mountinfo";
    FILE *f = fopen(file, "re");
    if (!f)
        return xo_err_sys(err, "cannot open %s", file);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int found = 0;
    struct mountinfo_entry e = {NULL, NULL, NULL};
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len > MOUNTINFO_LINE_MAX)
            continue; /* not an overlay we could key anyway */
        char *fld[64];
        size_t n = split(line, fld, 64);
        /* id parent maj:min root mountpoint opts [optional...] - type src
         * superopts */
        size_t dash = 6;
        while (dash < n && strcmp(fld[dash], "-") != 0)
            dash++;
        if (dash + 3 >= n)
            continue;
        unescape(fld[4]);
        if (strcmp(fld[4], path) != 0)
            continue;
        mountinfo_entry_dispose(&e);
        unescape(fld[3]);
        /* The options stay escaped: a ',' inside a value is \054 there,
         * and only splitting first tells it from a separator. */
        e.root = xo_xstrdup(fld[3]);
        e.fstype = xo_xstrdup(fld[dash + 1]);
        e.super_opts = xo_xstrdup(fld[dash + 3]);
        found = 1;
    }
    bool failed = ferror(f);
    free(line);
    fclose(f);
    if (failed) {
        mountinfo_entry_dispose(&e);
        return xo_err_set(err, EIO, "cannot read %s", file);
    }
    if (found)
        *e_r = e;
    return found;
}

/* The value of option `key` in a comma-separated list (owned), or NULL. */
static char *option(const char *opts, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = opts; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=')
            return xo_xstrndup(p + kl + 1, len - kl - 1);
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

/* An option's value, unescaped (owned), or NULL. */
static char *option_path(const char *opts, const char *key)
{
    char *v = option(opts, key);
    if (v)
        unescape(v);
    return v;
}

int mountinfo_overlay_layers(struct mountinfo_overlay *o_r,
                             const char *super_opts, xo_err *err)
{
    char *lower = option(super_opts, "lowerdir");
    if (!lower)
        return xo_err_set(err, EINVAL, "overlay without lowerdir");
    unescape(lower);
    char **v = xo_xcalloc(MOUNTINFO_MAX_LOWERS + 1, sizeof(*v));
    size_t n = 0;
    int rc = 0;
    /* overlayfs escapes ':' in a layer path as "\:". */
    for (char *p = lower; rc == 0;) {
        char *o = p, *q = p;
        while (*q && *q != ':') {
            if (q[0] == '\\' && q[1])
                q++;
            *o++ = *q++;
        }
        bool last = *q == '\0';
        *o = '\0';
        if (n == MOUNTINFO_MAX_LOWERS)
            rc = xo_err_set(err, E2BIG, "overlay with more than %d layers",
                            MOUNTINFO_MAX_LOWERS);
        else if (p[0] == '\0')
            rc = xo_err_set(err, EINVAL, "overlay with an empty layer path");
        else
            v[n++] = xo_xstrdup(p);
        if (last)
            break;
        p = q + 1;
    }
    free(lower);
    char *upper = rc == 0 ? option_path(super_opts, "upperdir") : NULL;
    char *work = rc == 0 ? option_path(super_opts, "workdir") : NULL;
    if (rc == 0 && ((upper && upper[0] != '/') || (work && work[0] != '/')))
        rc = xo_err_set(err, EINVAL,
                        "overlay upperdir or workdir is not an absolute path");
    if (rc < 0) {
        xo_strv_free(v);
        free(upper);
        free(work);
        return -1;
    }
    o_r->lowers = v;
    o_r->n_lowers = n;
    o_r->upper = upper;
    o_r->work = work;
    return 0;
}

void mountinfo_overlay_dispose(struct mountinfo_overlay *o)
{
    xo_strv_free(o->lowers);
    free(o->upper);
    free(o->work);
    memset(o, 0, sizeof(*o));
}
