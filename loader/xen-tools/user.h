/*
 * user.h: the OCI User field ("uid", "uid:gid", "name", "name:group", "")
 * resolved against the container's own /etc/passwd and /etc/group.  The
 * files are read directly, bounded, and never through NSS: the init is
 * static and the image's files are data, not configuration for the loader.
 */
#ifndef XL_OCI_LOADER_USER_H
#define XL_OCI_LOADER_USER_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define USER_MAX_GROUPS 64
#define USER_MAX_FILE (4 * 1024 * 1024)

struct user_ids {
    uid_t uid;
    gid_t gid;
    gid_t groups[USER_MAX_GROUPS]; /* supplementary, from /etc/group */
    size_t ngroups;
    char home[256]; /* from /etc/passwd, "" when the user has no entry */
};

/*
 * Resolves `user` with the files under `etc` (normally "/etc").  A numeric
 * uid needs no passwd entry (its gid is then 0, as Docker does); a name
 * must have one.
 */
int user_resolve(struct user_ids *out, const char *user, const char *etc,
                 xo_err *err);

#endif
