/* privileges.c: rlimits, capabilities, no_new_privs (see privileges.h). */
#include "privileges.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/abi/capabilities.h"

/*
 * fds 0-2 that are devices, pipes or sockets become the user's, so that a
 * process running as, say, www-data can open /dev/stdout.  A regular file
 * (a host test's log) is left alone: its owner is not ours to change; so
 * is /dev/null (char 1:3, Linux's mem driver), the stdin of a container
 * without oci_stdin, which the user could otherwise chmod for every other
 * user of the domain (runc skips it too: fixStdioPermissions).
 */
static int give_stdio(const struct xo_user_ids *ids)
{
    for (int fd = 0; fd <= 2; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
            continue;
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
            continue;
        if (st.st_uid == ids->uid)
            continue;
        if (fchown(fd, ids->uid, ids->gid) < 0 && errno != EPERM &&
            errno != EROFS)
            return -1;
    }
    return 0;
}

int privileges_before_user(const struct boot_spec *spec,
                           const struct xo_user_ids *ids, const char **what)
{
    for (size_t i = 0; i < spec->nrlimits; i++) {
        const struct bs_rlimit *l = &spec->rlimits[i];
        struct rlimit r = {(rlim_t)l->soft, (rlim_t)l->hard};
        *what = oci_rlimit_name(l->resource);
        if (setrlimit(l->resource, &r) < 0)
            return -1;
    }
    *what = "giving fds 0-2 to the container's user";
    if (give_stdio(ids) < 0)
        return -1;
    if (!spec->has_caps)
        return 0;
    *what = "dropping capabilities from the bounding set";
    for (int c = 0; c <= OCI_CAP_LAST; c++)
        if (!(spec->cap_bounding & (UINT64_C(1) << c)) &&
            prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            return -1;
    *what = "PR_SET_KEEPCAPS";
    return prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
}

int privileges_after_user(const struct boot_spec *spec, const char **what)
{
    if (spec->has_caps) {
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2];
        const uint64_t sets[3] = {spec->cap_effective, spec->cap_permitted,
                                  spec->cap_inheritable};
        for (int i = 0; i < 2; i++) {
            d[i].effective = (uint32_t)(sets[0] >> (32 * i));
            d[i].permitted = (uint32_t)(sets[1] >> (32 * i));
            d[i].inheritable = (uint32_t)(sets[2] >> (32 * i));
        }
        *what = "capset";
        if (syscall(SYS_capset, &h, d) < 0)
            return -1;
        *what = "ambient capabilities";
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
            errno != EINVAL)
            return -1;
        /* The kernel raises an ambient capability only when it is also
         * permitted and inheritable; runc tries each and ignores the
         * refusal, and `runc spec` writes three ambient ones with no
         * inheritable set (helper-70: the loader failed such a bundle,
         * "Operation not permitted").  The same here: EPERM is that rule,
         * any other error is one. */
        for (int c = 0; c <= OCI_CAP_LAST; c++)
            if ((spec->cap_ambient & (UINT64_C(1) << c)) &&
                prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 &&
                errno != EPERM)
                return -1;
    }
    *what = "PR_SET_NO_NEW_PRIVS";
    if (spec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    return 0;
}
