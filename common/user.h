/*
 * user.h: the OCI User field ("uid", "uid:gid", "name", "name:group", "")
 * resolved against a container's own /etc/passwd and /etc/group.  domcfg
 * uses it for the runtime spec (against the root volume's copies) and the
 * loader's init for setgroups()/setgid()/setuid() (against the container's
 * /etc), so both agree by construction.  The files are read directly,
 * bounded, and never through NSS: the init is static and the image's files
 * are data, not configuration for the host.
 *
 * The rules are runc's and containerd's (libcontainer/user, containerd's
 * oci.WithUser/WithAdditionalGIDs after CVE-2022-36109 and CVE-2023-25173):
 *   - a uid or gid is a number when Go's strconv.Atoi takes it (a sign,
 *     leading zeros: "+5" and "0001" are 5 and 1), and a number is never
 *     looked up as a name; it must be 0 to 2^31-1;
 *   - a numeric uid needs no passwd entry; without one its gid is 0;
 *   - without an explicit group, the gid is the passwd entry's and the
 *     supplementary groups are those of /etc/group listing the user's name;
 *   - an explicit group (name or number) sets the gid and adds no
 *     memberships from /etc/group;
 *   - the primary gid always heads the supplementary list, so dropping
 *     the primary group with setgroups() never gives back access that a
 *     group-restricted file (mode 0707, say) denies to the group.
 */
#ifndef XL_OCI_COMMON_USER_H
#define XL_OCI_COMMON_USER_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* The kernel's NGROUPS_MAX: setgroups() takes no more. */
#define XO_USER_MAX_GROUPS 65536
/* The bound on /etc/passwd's and /etc/group's bytes.  runc and Docker
 * set none; an image with 70,000 groups holds about 1.4 MB.  Past 32 MiB a
 * user database is hostile. */
#define XO_USER_MAX_FILE (32 * 1024 * 1024)

struct xo_user_ids {
    uid_t uid;
    gid_t gid;
    gid_t *groups; /* supplementary, groups[0] == gid; owned */
    size_t ngroups;
    char home[256]; /* from /etc/passwd, "" when the user has no entry */
};

/*
 * Resolves `user` with the files `etc`/passwd and `etc`/group (a missing
 * file, or one that is no regular file, reads as empty; a FIFO is never
 * waited on).  A name must have a passwd entry, a group name a
 * group entry; errors name the user or group and the file.  On success
 * *out holds a groups array to release with xo_user_ids_dispose().
 */
int xo_user_resolve(struct xo_user_ids *out, const char *user, const char *etc,
                    xo_err *err);

/*
 * The same with the files' contents already read: `passwd` and `group`
 * are NUL-terminated texts (NULL reads as empty) that this cuts up in
 * place; `etc` only names where they came from in errors.  For a reader
 * that must open them its own way (inside a root it does not trust).
 */
int xo_user_resolve_db(struct xo_user_ids *out, const char *user, char *passwd,
                       char *group, const char *etc, xo_err *err);

/* Frees what *ids owns; safe on a zeroed or already disposed struct. */
void xo_user_ids_dispose(struct xo_user_ids *ids);

#endif
