/*
 * fuzz-user.c: libFuzzer target for xo_user_resolve_db(), the reader of
 * an image's /etc/passwd and /etc/group (untrusted: they come from the
 * image) that resolves the OCI User field for the runtime spec and the
 * guest's init.  The input is the user spec (first line), then the
 * passwd text, a NUL byte, and the group text.  Whatever is accepted has
 * ids in 0..2^31-1, the primary gid heading the supplementary groups, no
 * more of them than setgroups() takes, and a terminated home.  Built
 * without libFuzzer, main() replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/user.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t ulen = nl ? (size_t)(nl - data) : size;
    if (ulen > 600)
        return 0;
    char user[601];
    memcpy(user, data, ulen);
    user[ulen] = '\0';
    if (strlen(user) != ulen)
        return 0; /* a spec holds no NUL: it is a C string everywhere */
    const uint8_t *rest = nl ? nl + 1 : data + size;
    size_t rlen = (size_t)(data + size - rest);
    const uint8_t *sep = memchr(rest, 0, rlen);
    size_t plen = sep ? (size_t)(sep - rest) : rlen;
    char *passwd = malloc(plen + 1);
    size_t glen = sep ? rlen - plen - 1 : 0;
    char *group = malloc(glen + 1);
    if (!passwd || !group)
        abort();
    memcpy(passwd, rest, plen);
    passwd[plen] = '\0';
    if (glen)
        memcpy(group, sep + 1, glen);
    group[glen] = '\0';

    struct xo_user_ids ids;
    xo_err err = XO_ERR_INIT;
    if (xo_user_resolve_db(&ids, user, passwd, sep ? group : NULL, "/fuzz",
                           &err) == 0) {
        if (ids.uid > 0x7fffffffu || ids.gid > 0x7fffffffu || ids.ngroups < 1 ||
            ids.ngroups > XO_USER_MAX_GROUPS || !ids.groups ||
            ids.groups[0] != ids.gid || !memchr(ids.home, 0, sizeof(ids.home)))
            __builtin_trap();
        for (size_t i = 0; i < ids.ngroups; i++)
            if (ids.groups[i] > 0x7fffffffu)
                __builtin_trap();
        xo_user_ids_dispose(&ids);
    } else if (!err.msg || ids.groups) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    free(passwd);
    free(group);
    return 0;
}
