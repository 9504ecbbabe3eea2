/*
 * user.h: resolving an OCI User ("uid", "uid:gid", "name", "name:group")
 * against a container's own passwd and group files, the way runc does.
 * Depends on libc only, so the loader's static init links it too.
 */
#ifndef XL_OCI_DOMCFG_USER_H
#define XL_OCI_DOMCFG_USER_H

#include <stddef.h>
#include <sys/types.h>

#define USER_MAX_GROUPS 64

struct user_ids {
    uid_t uid;
    gid_t gid;
    gid_t groups[USER_MAX_GROUPS]; /* supplementary, from the group file */
    size_t n_groups;
};

/*
 * Resolves `user` ("" means root).  `passwd`/`group` may be NULL when the
 * files do not exist; numeric ids then need no entry.  On failure returns
 * -1 and writes a message naming the user or group into msg.
 */
int user_resolve(struct user_ids *ids, const char *user, const char *passwd,
                 const char *group, char *msg, size_t msglen);

#endif
