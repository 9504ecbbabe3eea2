/* user.c: OCI User -> uid, gid, groups, home (see user.h for the rules). */
#include "common/user.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/pathfmt.h"

/* Ids runc and Docker take: 0..2^31-1 (runc refuses more at start). */
#define XO_ID_MAX 2147483647UL

/*
 * A uid or gid as runc reads one (Go's strconv.Atoi in libcontainer/user's
 * GetExecUser and its file parser): an optional sign, then decimal digits,
 * leading zeros allowed, so "+5" and "0001" are 5 and 1, and a number is
 * never looked up as a name.  1 with *out set; 0 when `s` is no number (a
 * name); -1 for a number outside 0..XO_ID_MAX ("-1", 2^31), which runc
 * refuses too (ErrRange).
 */
static int parse_id(const char *s, unsigned *out)
{
    const char *d = s + (*s == '+' || *s == '-');
    if (!*d || strspn(d, "0123456789") != strlen(d))
        return 0;
    while (d[0] == '0' && d[1])
        d++;
    if ((*s == '-' && strcmp(d, "0") != 0) || strlen(d) > 10)
        return -1;
    unsigned long v = strtoul(d, NULL, 10);
    if (v > XO_ID_MAX)
        return -1;
    *out = (unsigned)v;
    return 1;
}

/*
 * Splits a colon-separated line into at most `max` fields in place, after
 * stripping the white space around it as runc's reader does (a file
 * written on Windows ends its lines in "\r", which would otherwise end
 * the last member of a group).  Fields a short line lacks are empty, as
 * runc reads them; returns how many the line had.
 */
static size_t split(char *line, char **f, size_t max)
{
    while (isspace((unsigned char)*line))
        line++;
    char *end = line + strlen(line);
    while (end > line && isspace((unsigned char)end[-1]))
        *--end = '\0';
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ':') {
            *p = '\0';
            f[n++] = p + 1;
        }
    for (size_t i = n; i < max; i++)
        f[i] = end;
    return n;
}

/* Reads `etc`/`name`; a missing file, or one that is no regular file (a
 * FIFO would block the reader, a device is no user database), reads as
 * empty, as the root volume's copies of them do (image/volume.c). */
static int read_db(char **buf, const char *etc, const char *name, xo_err *err)
{
    char path[512];
    *buf = NULL;
    if (xo_path_fmt(path, sizeof(path), err, "%s/%s", etc, name) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : xo_err_sys(err, "cannot open %s", path);
    int rc = xo_read_regular_fd(buf, fd, path, XO_USER_MAX_FILE, err);
    close(fd);
    return rc;
}

/* Finds the passwd entry whose name (or uid, when by_id) matches: 1, 0
 * when none does, -1 when its name or home does not fit (a cut home is
 * another directory, a cut name another user's group memberships). */
static int find_passwd(char *db, const char *name, unsigned id, bool by_id,
                       struct xo_user_ids *out, char *name_r, size_t namesz,
                       xo_err *err)
{
    char *save = NULL;
    for (char *l = db ? strtok_r(db, "\n", &save) : NULL; l;
         l = strtok_r(NULL, "\n", &save)) {
        char *f[7];
        unsigned uid = 0, gid = 0;
        /* As runc reads an entry (moby/sys/user's parseParts): a field
         * the line lacks is empty, and an id that is no number (empty
         * too) reads as 0; "bob:x:1001" is uid 1001, gid 0.  Only a
         * blank line is no entry. */
        if (split(l, f, 7) == 1 && !*f[0])
            continue;
        int ur = parse_id(f[2], &uid), gr = parse_id(f[3], &gid);
        if (by_id ? ur != 1 || uid != id : strcmp(f[0], name) != 0)
            continue;
        /* A lookup by uid takes only an entry whose uid is a number.  A
         * number out of range on the entry asked for: runc refuses it
         * (ErrRange), so do we, saying so rather than "no such user". */
        if (ur < 0 || gr < 0)
            return xo_err_set(
                err, ERANGE,
                "user %.64s: its /etc/passwd entry's %s %.20s is not 0 to %lu",
                f[0], ur < 0 ? "uid" : "gid", ur < 0 ? f[2] : f[3], XO_ID_MAX);
        out->uid = ur == 1 ? uid : 0;
        out->gid = gr == 1 ? gid : 0;
        if (xo_path_fmt(out->home, sizeof(out->home), err, "%s", f[5]) < 0)
            return xo_err_wrap(err, "user %s: home directory", f[0]);
        if (xo_path_fmt(name_r, namesz, err, "%s", f[0]) < 0)
            return xo_err_wrap(err, "user name");
        return 1;
    }
    return 0;
}

/* Appends `gid` unless the list holds it already. */
static int add_group(struct xo_user_ids *out, gid_t gid, size_t *cap,
                     xo_err *err)
{
    for (size_t i = 0; i < out->ngroups; i++)
        if (out->groups[i] == gid)
            return 0;
    if (out->ngroups == XO_USER_MAX_GROUPS)
        return xo_err_set(
            err, E2BIG,
            "more than %d supplementary groups (the kernel's NGROUPS_MAX)",
            XO_USER_MAX_GROUPS);
    if (out->ngroups == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        gid_t *g = xo_xreallocarray(out->groups, ncap, sizeof(*g));
        out->groups = g;
        *cap = ncap;
    }
    out->groups[out->ngroups++] = gid;
    return 0;
}

/*
 * Walks /etc/group: resolves `group` (when non-NULL) to *gid_r, and, when
 * `member` is non-NULL, appends the groups listing it to out->groups.
 * Returns 1 when `group` was found (or not asked for), 0 when not, -1.
 */
static int scan_groups(char *db, const char *group, gid_t *gid_r,
                       const char *member, struct xo_user_ids *out, size_t *cap,
                       xo_err *err)
{
    bool found = group == NULL;
    char *save = NULL;
    for (char *l = db ? strtok_r(db, "\n", &save) : NULL; l;
         l = strtok_r(NULL, "\n", &save)) {
        char *f[4];
        unsigned gid;
        /* name:password:gid at least; the member list may be left off. */
        if (split(l, f, 4) < 3 || parse_id(f[2], &gid) != 1)
            continue;
        if (group && !found && !strcmp(f[0], group)) {
            *gid_r = gid;
            found = true;
        }
        if (!member)
            continue;
        char *msave = NULL;
        for (char *m = strtok_r(f[3], ",", &msave); m;
             m = strtok_r(NULL, ",", &msave))
            if (!strcmp(m, member) && add_group(out, gid, cap, err) < 0)
                return -1;
    }
    return found;
}

int xo_user_resolve_db(struct xo_user_ids *out, const char *user, char *passwd,
                       char *group, const char *etc, xo_err *err)
{
    memset(out, 0, sizeof(*out));
    if (!*user)
        user = "0";
    char spec[512];
    if (strlen(user) >= sizeof(spec))
        return xo_err_set(err, EINVAL, "user %.32s...: too long", user);
    strcpy(spec, user);
    /* USER[:GROUP] read as runc and Docker read it: fields after a second
     * ':' are ignored, an empty GROUP is none ("app:"), an empty USER is
     * root (":1235"). */
    char *grp = strchr(spec, ':');
    if (grp) {
        *grp++ = '\0';
        char *more = strchr(grp, ':');
        if (more)
            *more = '\0';
        if (!*grp)
            grp = NULL;
    }
    const char *who = *spec ? spec : "0";

    size_t cap = 0;
    int rc = -1;
    unsigned id = 0;
    char name[256] = "";
    int num = parse_id(who, &id);
    if (num < 0) {
        /* A number out of range, not a name. */
        xo_err_set(
            err, ERANGE,
            "user %s: a uid must be 0 to 2147483647 (runc's and Docker's range)",
            who);
        goto out;
    }
    bool numeric = num == 1;
    int found =
        find_passwd(passwd, who, id, numeric, out, name, sizeof(name), err);
    if (found < 0)
        goto out;
    if (!found && !numeric) {
        xo_err_set(
            err, ENOENT,
            "user %s: no such user in the image's /etc/passwd (read from %s/passwd)",
            who, etc);
        goto out;
    }
    if (!found) {
        out->uid = id;
        out->gid = 0;
    }
    if (grp) {
        /* An explicit group: the gid, and no memberships from the file. */
        unsigned gid = 0;
        gid_t named = 0;
        int gnum = parse_id(grp, &gid);
        if (gnum < 0) {
            xo_err_set(
                err, ERANGE,
                "group %s: a gid must be 0 to 2147483647 (runc's and Docker's range)",
                grp);
            goto out;
        }
        int r = gnum == 1
                    ? 1
                    : scan_groups(group, grp, &named, NULL, out, &cap, err);
        if (r < 0)
            goto out;
        if (r == 0) {
            xo_err_set(err, ENOENT, "group %s: no such group in %s/group", grp,
                       etc);
            goto out;
        }
        out->gid = gnum == 1 ? gid : named;
        if (add_group(out, out->gid, &cap, err) < 0)
            goto out;
    } else {
        gid_t unused;
        if (add_group(out, out->gid, &cap, err) < 0 ||
            (name[0] &&
             scan_groups(group, NULL, &unused, name, out, &cap, err) < 0))
            goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        xo_user_ids_dispose(out);
    return rc;
}

int xo_user_resolve(struct xo_user_ids *out, const char *user, const char *etc,
                    xo_err *err)
{
    char *passwd = NULL, *group = NULL;
    memset(out, 0, sizeof(*out));
    int rc = read_db(&passwd, etc, "passwd", err) < 0 ||
                     read_db(&group, etc, "group", err) < 0
                 ? -1
                 : xo_user_resolve_db(out, user, passwd, group, etc, err);
    free(passwd);
    free(group);
    return rc;
}

void xo_user_ids_dispose(struct xo_user_ids *ids)
{
    free(ids->groups);
    ids->groups = NULL;
    ids->ngroups = 0;
}
