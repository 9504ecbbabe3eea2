/* user.c: OCI User resolution against passwd/group files (see user.h). */
#include "user.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines longer than this are not valid passwd/group entries. */
#define LINE_MAX_LEN 4096

static bool parse_id(const char *s, unsigned long *out)
{
    if (!*s || strlen(s) > 10)
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    errno = 0;
    unsigned long v = strtoul(s, NULL, 10);
    if (errno || v > 0xfffffffeUL) /* (uid_t)-1 is never a real id */
        return false;
    *out = v;
    return true;
}

/* Splits a colon-separated line in place into at most `max` fields. */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == ':') {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

static FILE *open_db(const char *path)
{
    return path ? fopen(path, "re") : NULL;
}

/* Finds a passwd entry by name or by uid (name NULL). */
static bool passwd_lookup(const char *path, const char *name,
                          unsigned long uid, unsigned long *uid_r,
                          unsigned long *gid_r, char *name_r, size_t nlen)
{
    FILE *f = open_db(path);
    if (!f)
        return false;
    char line[LINE_MAX_LEN];
    bool found = false;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *fld[7];
        if (split(line, fld, 7) < 4)
            continue;
        unsigned long u, g;
        if (!parse_id(fld[2], &u) || !parse_id(fld[3], &g))
            continue;
        if ((name && strcmp(fld[0], name) == 0) || (!name && u == uid)) {
            *uid_r = u;
            *gid_r = g;
            snprintf(name_r, nlen, "%s", fld[0]);
            found = true;
            break;
        }
    }
    fclose(f);
    return found;
}

static bool member_of(char *members, const char *user)
{
    char *save = NULL;
    for (char *m = strtok_r(members, ",", &save); m;
         m = strtok_r(NULL, ",", &save))
        if (strcmp(m, user) == 0)
            return true;
    return false;
}

/* Resolves a group name, and collects the supplementary groups of `user`. */
static bool group_scan(const char *path, const char *gname, unsigned long *gid_r,
                       const char *user, struct user_ids *ids)
{
    FILE *f = open_db(path);
    if (!f)
        return false;
    char line[LINE_MAX_LEN];
    bool found = false;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *fld[4];
        if (split(line, fld, 4) < 3)
            continue;
        unsigned long g;
        if (!parse_id(fld[2], &g))
            continue;
        if (gname && !found && strcmp(fld[0], gname) == 0) {
            *gid_r = g;
            found = true;
        }
        if (user && *user && fld[3] && member_of(fld[3], user) &&
            ids->n_groups < USER_MAX_GROUPS)
            ids->groups[ids->n_groups++] = (gid_t)g;
    }
    fclose(f);
    return found;
}

int user_resolve(struct user_ids *ids, const char *user, const char *passwd,
                 const char *group, char *msg, size_t msglen)
{
    memset(ids, 0, sizeof(*ids));
    if (!user || !*user)
        return 0;
    if (strlen(user) > 256) {
        snprintf(msg, msglen, "user \"%.32s...\" is too long", user);
        return -1;
    }
    char buf[257];
    snprintf(buf, sizeof(buf), "%s", user);
    char *gpart = strchr(buf, ':');
    if (gpart)
        *gpart++ = '\0';

    unsigned long uid = 0, gid = 0, num;
    char uname[256] = "";
    if (parse_id(buf, &num)) {
        uid = num;
        /* A numeric uid needs no entry; take its gid when there is one. */
        unsigned long u2;
        if (!passwd_lookup(passwd, NULL, num, &u2, &gid, uname, sizeof(uname)))
            gid = 0;
    } else if (!passwd_lookup(passwd, buf, 0, &uid, &gid, uname,
                              sizeof(uname))) {
        snprintf(msg, msglen, "user \"%s\" not found in the container's "
                 "/etc/passwd%s", buf, passwd ? "" : " (none present)");
        return -1;
    }

    unsigned long g2;
    if (gpart) {
        if (parse_id(gpart, &num)) {
            gid = num;
        } else if (group_scan(group, gpart, &g2, NULL, ids)) {
            gid = g2;
        } else {
            snprintf(msg, msglen, "group \"%s\" not found in the container's "
                     "/etc/group%s", gpart, group ? "" : " (none present)");
            return -1;
        }
    }
    ids->uid = (uid_t)uid;
    ids->gid = (gid_t)gid;
    if (*uname)
        group_scan(group, NULL, &g2, uname, ids);
    return 0;
}
