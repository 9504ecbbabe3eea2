/* layer_xattr.c: which xattrs of a layer are kept (see layer_xattr.h). */
#include "image/layer_xattr.h"

#include <errno.h>
#include <string.h>

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

enum layer_xattr_rule layer_xattr_rule(const char *name)
{
    if (!has_prefix(name, "user.") && !has_prefix(name, "trusted.") &&
        !has_prefix(name, "security.") && !has_prefix(name, "system."))
        return LAYER_XATTR_FOREIGN;
    if (has_prefix(name, "trusted.overlay.") ||
        strcmp(name, "security.selinux") == 0)
        return LAYER_XATTR_HOST_STATE;
    if (strcmp(name, "system.nfs4_acl") == 0)
        return LAYER_XATTR_FOREIGN;
    return LAYER_XATTR_KEEP;
}

bool layer_xattr_foreign_error(const char *name, int errnum)
{
    return (errnum == EOPNOTSUPP || errnum == ENOTSUP) &&
           has_prefix(name, "system.");
}
